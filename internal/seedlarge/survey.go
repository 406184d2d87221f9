package seedlarge

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"participe/internal/db"
	"participe/internal/participe"
	"participe/internal/tools/survey"
)

// seedSurvey adds a 30-question survey to the first initiative with SurveyResponses
// submitted responses. Responses go in by multi-row INSERTs in big transactions; the
// aggregates (survey_counts) are summed in memory and written once at the end, which is
// exactly what the per-response updates would have produced.
func seedSurvey(ctx context.Context, env *Env) error {
	n := env.Sizes.SurveyResponses
	if n <= 0 {
		return nil
	}
	var ini int64
	if err := env.DB.QueryRow(ctx, `SELECT id FROM initiatives ORDER BY id LIMIT 1`).Scan(&ini); err != nil {
		return fmt.Errorf("no initiative: %w", err)
	}
	def := largeDefinition()
	svc := survey.New(env.DB, participe.NewFixedClock(env.Now), nil)
	// The initiative's main survey, results public, so that the results page is
	// measured through the real public route (/initiatives/{slug}/questionnaire/resultats).
	if _, err := svc.ByInitiative(ctx, ini, survey.PurposeMain); err == nil {
		return nil
	}
	id, err := svc.CreateForInitiative(ctx, ini, survey.NewSurvey{Purpose: survey.PurposeMain, TitleFR: "Sondage de performance", Publish: true,
		ResultsPublic: true, Access: survey.AccessAnonymous, Definition: def})
	if err != nil {
		return err
	}
	sv, err := svc.ByID(ctx, id)
	if err != nil {
		return err
	}
	type cell struct{ q, o, ch, reg, age string }
	counts := map[cell]int64{}
	rng := rand.New(rand.NewPCG(7, 7))
	channels := []string{"web", "web", "web", "paper", "phone"}
	ages := []string{"", "15-24", "25-34", "35-44", "45-54", "55-64", "65+"}
	const batch = 500
	now := db.T(env.Now)
	for start := 0; start < n; start += 5000 {
		end := min(start+5000, n)
		err := env.DB.Write(ctx, func(tx *db.Tx) error {
			for b := start; b < end; b += batch {
				var sb strings.Builder
				sb.WriteString(`INSERT INTO survey_responses (survey_id, reference, status, channel, region_code, age_group, answers, survey_version, created_at, updated_at, submitted_at) VALUES `)
				var args []any
				for i := b; i < min(b+batch, end); i++ {
					a := randomAnswers(def, rng)
					ch := channels[rng.IntN(len(channels))]
					reg := ""
					if rng.IntN(2) == 0 {
						reg = fmt.Sprintf("%02d", 1+rng.IntN(17))
					}
					age := ages[rng.IntN(len(ages))]
					raw, _ := json.Marshal(a)
					if i > b {
						sb.WriteByte(',')
					}
					sb.WriteString("(?,?,'submitted',?,?,?,?,1,?,?,?)")
					args = append(args, id, "L-"+strconv.Itoa(i), ch, reg, age, string(raw), now, now, now)
					for _, k := range survey.CountKeys(sv.Def(), a) {
						counts[cell{k.Question, k.Option, ch, reg, age}]++
					}
				}
				if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	cells := make([]cell, 0, len(counts))
	for c := range counts {
		cells = append(cells, c)
	}
	err = env.DB.Write(ctx, func(tx *db.Tx) error {
		for i := 0; i < len(cells); i += 500 {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO survey_counts (survey_id, question_key, option_key, channel, region_code, age_group, shard, n) VALUES `)
			var args []any
			for j, c := range cells[i:min(i+500, len(cells))] {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString("(?,?,?,?,?,?,0,?)")
				args = append(args, id, c.q, c.o, c.ch, c.reg, c.age, counts[c])
			}
			if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE surveys SET responses_count = ? WHERE id = ?`, n, id)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "seed-large: survey %d (30 questions, %d responses, %d aggregate rows)\n", id, n, len(cells))
	return nil
}

// largeDefinition: 3 sections × 10 questions mixing choices, scales, numbers and text.
func largeDefinition() survey.Definition {
	var d survey.Definition
	opts := []survey.Option{{Key: "a", LabelFR: "Tout à fait d'accord"}, {Key: "b", LabelFR: "Plutôt d'accord"}, {Key: "c", LabelFR: "Plutôt en désaccord"}, {Key: "d", LabelFR: "Tout à fait en désaccord"}, {Key: "e", LabelFR: "Ne sais pas"}}
	for s := 1; s <= 3; s++ {
		sec := survey.Section{Key: fmt.Sprintf("s%d", s), TitleFR: fmt.Sprintf("Section %d", s)}
		for q := 1; q <= 10; q++ {
			k := fmt.Sprintf("q%d_%d", s, q)
			qq := survey.Question{Key: k, LabelFR: "Question " + k}
			switch q % 5 {
			case 0:
				qq.Type, qq.Scale = survey.TScale, &survey.Scale{Min: 1, Max: 5}
			case 1, 2:
				qq.Type, qq.Options = survey.TSingle, opts
			case 3:
				qq.Type, qq.Options, qq.MaxChoices = survey.TMultiple, opts, 3
			case 4:
				if q == 4 {
					qq.Type = survey.TNumber
				} else {
					qq.Type = survey.TLongText
				}
			}
			sec.Questions = append(sec.Questions, qq)
		}
		d.Sections = append(d.Sections, sec)
	}
	return d
}

func randomAnswers(d survey.Definition, rng *rand.Rand) survey.Answers {
	a := survey.Answers{}
	for _, q := range d.Questions() {
		switch q.Type {
		case survey.TSingle:
			a[q.Key] = survey.Answer{Choices: []string{q.Options[rng.IntN(len(q.Options))].Key}}
		case survey.TMultiple:
			a[q.Key] = survey.Answer{Choices: []string{q.Options[rng.IntN(2)].Key, q.Options[2+rng.IntN(3)].Key}}
		case survey.TScale:
			v := float64(1 + rng.IntN(5))
			a[q.Key] = survey.Answer{Number: &v}
		case survey.TNumber:
			v := float64(18 + rng.IntN(70))
			a[q.Key] = survey.Answer{Number: &v}
		}
	}
	return a
}

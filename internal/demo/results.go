package demo

import (
	"context"
	"fmt"
	"time"

	"participe/internal/db"
	"participe/internal/results"
	"participe/internal/tools/survey"
)

// resultsDialogue is what the results loader reads of data/dialogue.json (seed 004).
type resultsDialogue struct {
	InitiativeSlug string `json:"initiative_slug"`
	Themes         []struct {
		Key         string
		NameFR      string `json:"name_fr"`
		NameEN      string `json:"name_en"`
		SynthesisFR string `json:"synthesis_fr"`
		SynthesisEN string `json:"synthesis_en"`
		FollowUpFR  string `json:"follow_up_fr"`
		FollowUpEN  string `json:"follow_up_en"`
	}
	FollowUps []struct {
		Theme           string
		TitleFR         string `json:"title_fr"`
		TitleEN         string `json:"title_en"`
		DescriptionFR   string `json:"description_fr"`
		DescriptionEN   string `json:"description_en"`
		Status          string
		Progress        int
		DueInDays       int    `json:"due_in_days"`
		ResponsibleBody string `json:"responsible_body"`
		Proposals       []string
	} `json:"follow_ups"`
}

// droppedReasons explain, in the seed's spirit, why a commitment was dropped.
var droppedReason = [2]string{
	"Les essais en point de service ont montré que les écrans d’accueil ne réduisaient pas l’attente et posaient des enjeux de confidentialité. Les sommes prévues sont réaffectées au service d’authentification et à l’accompagnement en personne.",
	"Trials at service points showed that welcome screens did not reduce waiting times and raised privacy concerns. The planned funds are reassigned to the authentication service and to in-person assistance.",
}

// loadResults carries the seed 004 consultation to its published results: the synthesis
// of each of its 10 themes (with the proposals in it), and its 18 follow-ups from
// dialogue.json, each with dated updates and the proposals it answers. Other initiatives
// with published results get a follow-up for their final report. It also fills the
// self-declared region and age group of demo participants (representativeness), a few
// moderated suggestions and ratings, and the satisfaction questionnaire of the dialogue.
// Idempotent: nothing is added when the dialogue already has follow-ups.
func loadResults(ctx context.Context, env *Env) error {
	var d resultsDialogue
	if err := readJSON("dialogue.json", &d); err != nil {
		return err
	}
	now := env.Clock.Now()
	var initID, bodyID int64
	var ends, published db.Time
	err := env.DB.QueryRow(ctx, `SELECT id, body_id, ends_at, results_published_at FROM initiatives WHERE slug = ?`, d.InitiativeSlug).
		Scan(&initID, &bodyID, &ends, &published)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var existing int
	if err := env.DB.QueryRow(ctx, `SELECT COUNT(*) FROM follow_ups WHERE initiative_id = ?`, initID).Scan(&existing); err != nil {
		return err
	}
	if existing > 0 {
		return nil
	}
	pub := published.Time
	if pub.IsZero() {
		pub = day(now, -120)
	}
	bodies := map[string]int64{}
	rows, err := env.DB.Query(ctx, `SELECT slug, id FROM bodies`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var slug string
		var id int64
		if err := rows.Scan(&slug, &id); err != nil {
			rows.Close()
			return err
		}
		bodies[slug] = id
	}
	rows.Close()
	keys := map[string]int64{}
	themeOf := map[string][]int64{}
	rows, err = env.DB.Query(ctx, `SELECT p.id, p.key, COALESCE(t.key, '') FROM proposals p LEFT JOIN proposal_themes t ON t.id = p.theme_id
		WHERE p.initiative_id = ? ORDER BY p.id`, initID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var key, theme string
		if err := rows.Scan(&id, &key, &theme); err != nil {
			rows.Close()
			return err
		}
		keys[key] = id
		themeOf[theme] = append(themeOf[theme], id)
	}
	rows.Close()

	err = env.DB.Write(ctx, func(tx *db.Tx) error {
		for i, t := range d.Themes {
			synFR := t.SynthesisFR + "\n\n**Suites prévues :** " + t.FollowUpFR
			synEN := t.SynthesisEN + "\n\n**Planned follow-up:** " + t.FollowUpEN
			tid, err := tx.InsertID(ctx, `INSERT INTO result_themes (initiative_id, position, title_fr, title_en, synthesis_fr, synthesis_en, link_path)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, initID, i+1, t.NameFR, t.NameEN, synFR, synEN,
				"/initiatives/"+d.InitiativeSlug+"/propositions?theme="+t.Key)
			if err != nil {
				return err
			}
			for _, pid := range themeOf[t.Key] {
				if _, err := tx.Exec(ctx, `INSERT INTO result_theme_items (theme_id, kind, item_id) VALUES (?, 'proposal', ?)`, tid, pid); err != nil {
					return err
				}
			}
		}
		for i, f := range d.FollowUps {
			resp := bodies[f.ResponsibleBody]
			if resp == 0 {
				resp = bodyID
			}
			due := day(now, f.DueInDays)
			var done db.Time
			if f.Status == results.StatusDone {
				done = db.T(minTime(due, day(now, -10)))
				if done.Time.Before(pub) {
					done = db.T(pub.AddDate(0, 0, 20+i))
				}
			}
			var reasonFR, reasonEN string
			if f.Status == results.StatusDropped {
				reasonFR, reasonEN = droppedReason[0], droppedReason[1]
			}
			fid, err := tx.InsertID(ctx, `INSERT INTO follow_ups (initiative_id, responsible_body_id, theme_key, position, title_fr, title_en,
				description_fr, description_en, status, dropped_reason_fr, dropped_reason_en, progress, due_at, done_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, initID, resp, f.Theme, i+1, f.TitleFR, f.TitleEN,
				f.DescriptionFR, f.DescriptionEN, f.Status, reasonFR, reasonEN, f.Progress, db.T(due), done, db.T(pub), db.T(day(now, -20-i)))
			if err != nil {
				return err
			}
			for _, key := range f.Proposals {
				if pid, ok := keys[key]; ok {
					if _, err := tx.Exec(ctx, `INSERT INTO follow_up_links (follow_up_id, kind, item_id) VALUES (?, 'proposal', ?) ON CONFLICT DO NOTHING`, fid, pid); err != nil {
						return err
					}
				}
			}
			for _, u := range demoUpdates(f.Status, f.Progress, pub, now, i) {
				if _, err := tx.Exec(ctx, `INSERT INTO follow_up_updates (follow_up_id, at, status, progress, text_fr, text_en) VALUES (?, ?, ?, ?, ?, ?)`,
					fid, db.T(u.at), u.status, u.progress, u.fr, u.en); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := loadOtherFollowUps(ctx, env, initID); err != nil {
		return err
	}
	if err := loadRepresentativeness(ctx, env); err != nil {
		return err
	}
	if err := loadSuggestions(ctx, env); err != nil {
		return err
	}
	if err := loadSatisfaction(ctx, env, initID); err != nil {
		return fmt.Errorf("satisfaction survey: %w", err)
	}
	env.Report.Add("results: %s — %d themes, %d follow-ups with dated updates", d.InitiativeSlug, len(d.Themes), len(d.FollowUps))
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

type demoUpdate struct {
	at       time.Time
	status   string
	progress int
	fr, en   string
}

// demoUpdates gives each follow-up two or three dated updates ending at its status.
func demoUpdates(status string, progress int, pub, now time.Time, i int) []demoUpdate {
	first := demoUpdate{at: pub, status: results.StatusPlanned, progress: 0,
		fr: "Engagement annoncé avec la publication des résultats de la consultation.",
		en: "Commitment announced with the publication of the consultation results."}
	mid := demoUpdate{at: day(now, -75+i%7), status: results.StatusInProgress, progress: progress / 2,
		fr: "Les travaux ont commencé : l’équipe responsable est formée et le calendrier est établi.",
		en: "Work has started: the responsible team is in place and the schedule is set."}
	switch status {
	case results.StatusPlanned:
		return []demoUpdate{first, {at: day(now, -40+i%5), status: results.StatusPlanned, progress: progress,
			fr: "Analyse préalable en cours; le lancement des travaux est prévu au cours de la prochaine année.",
			en: "Preliminary analysis under way; work is planned to start within the next year."}}
	case results.StatusDone:
		return []demoUpdate{first, mid, {at: day(now, -12-i%5), status: results.StatusDone, progress: 100,
			fr: "Réalisé : l’engagement est en place et le bilan est publié.",
			en: "Done: the commitment is in place and the review is published."}}
	case results.StatusDropped:
		return []demoUpdate{first, {at: day(now, -30), status: results.StatusDropped, progress: 0,
			fr: "Abandonné à la suite des essais en point de service; voir le motif.",
			en: "Dropped after trials at service points; see the reason."}}
	}
	return []demoUpdate{first, mid, {at: day(now, -14-i%6), status: results.StatusInProgress, progress: progress,
		fr: "Les travaux avancent comme prévu; prochaine étape annoncée dans la description.",
		en: "Work is progressing as planned; next step announced in the description."}}
}

// loadOtherFollowUps gives every other initiative with published results the follow-up
// of its final report.
func loadOtherFollowUps(ctx context.Context, env *Env, skip int64) error {
	now := env.Clock.Now()
	rows, err := env.DB.Query(ctx, `SELECT id, body_id, results_published_at FROM initiatives WHERE results_published_at IS NOT NULL AND id <> ?
		AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.initiative_id = initiatives.id) ORDER BY id`, skip)
	if err != nil {
		return err
	}
	type ini struct {
		id, body int64
		pub      db.Time
	}
	var list []ini
	for rows.Next() {
		var i ini
		if err := rows.Scan(&i.id, &i.body, &i.pub); err != nil {
			rows.Close()
			return err
		}
		list = append(list, i)
	}
	rows.Close()
	return env.DB.Write(ctx, func(tx *db.Tx) error {
		for n, i := range list {
			status, progress := results.StatusDone, 100
			var done db.Time = db.T(i.pub.Time)
			if n%3 == 1 {
				status, progress, done = results.StatusInProgress, 50, db.Time{}
			}
			fid, err := tx.InsertID(ctx, `INSERT INTO follow_ups (initiative_id, responsible_body_id, position, title_fr, title_en, description_fr, description_en,
				status, progress, due_at, done_at, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				i.id, i.body, "Rapport de consultation et réponse de l’organisme", "Consultation report and the body’s response",
				"L’organisme publie le rapport complet de la consultation et indique, pour chaque recommandation, la décision prise et son échéance.",
				"The body publishes the full consultation report and states, for each recommendation, the decision made and its due date.",
				status, progress, db.T(i.pub.Time.AddDate(0, 0, 90)), done, db.T(i.pub.Time), db.T(now))
			if err != nil {
				return err
			}
			for _, u := range []demoUpdate{
				{at: i.pub.Time, status: results.StatusInProgress, progress: 50, fr: "Synthèse publiée; le rapport complet est en préparation.", en: "Synthesis published; the full report is being prepared."},
				{at: i.pub.Time.AddDate(0, 0, 30), status: status, progress: progress, fr: "Rapport complet en cours de mise en page et de traduction.", en: "Full report being laid out and translated."},
			} {
				if status == results.StatusDone && u.progress == 100 {
					u.fr, u.en = "Rapport complet publié.", "Full report published."
				}
				if _, err := tx.Exec(ctx, `INSERT INTO follow_up_updates (follow_up_id, at, status, progress, text_fr, text_en) VALUES (?, ?, ?, ?, ?, ?)`,
					fid, db.T(u.at), u.status, u.progress, u.fr, u.en); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// regionWeights roughly follow Québec's population: Montréal, Montérégie, Capitale-
// Nationale and Laurentides first; demo participants declare a region and an age group
// except one in six (the fields are optional).
var regionCycle = []string{"06", "16", "03", "15", "06", "13", "12", "05", "14", "07", "04", "06", "16", "02", "17", "01", "08", "03", "09", "11", "10"}
var ageCycle = []string{"25-34", "35-44", "45-54", "55-64", "65+", "15-24", "35-44", "45-54", "25-34", "55-64"}

func loadRepresentativeness(ctx context.Context, env *Env) error {
	return env.DB.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM people WHERE region_code IS NULL AND age_group = '' AND platform_admin = ?
			AND NOT EXISTS (SELECT 1 FROM staff_roles r WHERE r.person_id = people.id) ORDER BY id`, false)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for n, id := range ids {
			if n%6 == 5 {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE people SET region_code = ?, age_group = ? WHERE id = ?`,
				regionCycle[n%len(regionCycle)], ageCycle[(n/3)%len(ageCycle)], id); err != nil {
				return err
			}
		}
		return nil
	})
}

func loadSuggestions(ctx context.Context, env *Env) error {
	var n int
	if err := env.DB.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions`).Scan(&n); err != nil || n > 0 {
		return err
	}
	now := env.Clock.Now()
	items := []struct {
		kind, topic, details, status string
		rating                       int
	}{
		{"topic", "Accès aux services de garde en région", "Les places manquent hors des grands centres; j’aimerais qu’on consulte les familles.", "approved", 0},
		{"topic", "Transport collectif entre les régions", "Les liaisons par autocar disparaissent. Comment les maintenir?", "approved", 0},
		{"topic", "Adaptation des municipalités aux inondations", "", "approved", 0},
		{"topic", "Place du numérique à l’école primaire", "", "pending", 0},
		{"rating", "", "Simple à utiliser, et j’ai enfin su ce qu’on a fait de nos idées.", "approved", 5},
		{"rating", "", "Bien, mais j’aimerais plus de consultations en personne en région.", "approved", 4},
		{"rating", "", "Le questionnaire était long sur mon téléphone.", "approved", 3},
		{"rating", "", "", "pending", 4},
	}
	return env.DB.Write(ctx, func(tx *db.Tx) error {
		for i, it := range items {
			var mod db.Time
			if it.status != "pending" {
				mod = db.T(day(now, -i-1))
			}
			if _, err := tx.Exec(ctx, `INSERT INTO suggestions (kind, topic, details, rating, status, created_at, moderated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				it.kind, it.topic, it.details, it.rating, it.status, db.T(day(now, -i-3)), mod); err != nil {
				return err
			}
		}
		return nil
	})
}

// loadSatisfaction creates the dialogue's satisfaction questionnaire and records the
// answers of some of its participants through the survey tool (so dashboards show it).
func loadSatisfaction(ctx context.Context, env *Env, initID int64) error {
	svc := results.New(env.DB, env.Clock, env.Jobs)
	id, err := svc.EnsureSatisfactionSurvey(ctx, initID)
	if err != nil {
		return err
	}
	var n int
	if err := env.DB.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, id).Scan(&n); err != nil || n > 0 {
		return err
	}
	ss := survey.New(env.DB, env.Clock, env.Jobs)
	sv, err := ss.ByID(ctx, id)
	if err != nil {
		return err
	}
	rows, err := env.DB.Query(ctx, `SELECT DISTINCT c.author_id, COALESCE(p.region_code, ''), p.age_group FROM contributions c JOIN people p ON p.id = c.author_id
		WHERE c.initiative_id = ? ORDER BY c.author_id`, initID)
	if err != nil {
		return err
	}
	type who struct {
		id          int64
		region, age string
	}
	var people []who
	for rows.Next() {
		var w who
		if err := rows.Scan(&w.id, &w.region, &w.age); err != nil {
			rows.Close()
			return err
		}
		people = append(people, w)
	}
	rows.Close()
	scores := []float64{4, 5, 3, 4, 4, 2, 5, 4, 3, 4, 5, 1, 4, 3}
	agains := []string{"yes", "yes", "maybe", "yes", "no", "yes", "maybe"}
	at := env.Clock.Now()
	return env.DB.Write(ctx, func(tx *db.Tx) error {
		for i, w := range people {
			if i%3 == 2 {
				continue // not everyone answers
			}
			o, inf := scores[i%len(scores)], scores[(i+3)%len(scores)]
			r := &survey.Response{PersonID: w.id, Channel: "web", RegionCode: w.region, AgeGroup: w.age, SubmittedAt: day(at, -170+i%9),
				Answers: survey.Answers{results.SatisfactionQuestion: {Number: &o}, "informed": {Number: &inf}, "again": {Choices: []string{agains[i%len(agains)]}}}}
			if err := ss.InsertSubmitted(ctx, tx, sv, r); err != nil {
				return err
			}
		}
		return nil
	})
}

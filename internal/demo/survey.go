package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
	"participe/internal/tools/survey"
)

// workbookFile is data/workbook.json: seed 000's consultation-day workbook.
type workbookFile struct {
	InitiativeSlug string           `json:"initiative_slug"`
	TitleFR        string           `json:"title_fr"`
	TitleEN        string           `json:"title_en"`
	IntroFR        string           `json:"intro_fr"`
	IntroEN        string           `json:"intro_en"`
	Sections       []survey.Section `json:"sections"`
}

// loadSurvey loads the workbook as the published survey of its initiative, with about
// sixty responses on the web, on paper and by phone so that results have data. It does
// nothing when the survey exists already.
func loadSurvey(ctx context.Context, env *Env) error {
	var wb workbookFile
	if err := readJSON("workbook.json", &wb); err != nil {
		return err
	}
	var iniID int64
	if err := env.DB.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = ?`, wb.InitiativeSlug).Scan(&iniID); err != nil {
		return fmt.Errorf("initiative %s: %w", wb.InitiativeSlug, err)
	}
	svc := survey.New(env.DB, env.Clock, env.Jobs)
	if _, err := svc.ByInitiative(ctx, iniID, survey.PurposeMain); err == nil {
		return nil
	} else if !participe.IsCode(err, participe.ENOTFOUND) {
		return err
	}
	// The address block of "copie de vos notes" identifies people: never public.
	for si := range wb.Sections {
		for qi := range wb.Sections[si].Questions {
			q := &wb.Sections[si].Questions[qi]
			if strings.HasPrefix(q.Key, "copie_") && q.Key != "copie_notes" {
				q.Personal = true
			}
		}
	}
	id, err := svc.CreateForInitiative(ctx, iniID, survey.NewSurvey{
		TitleFR: wb.TitleFR, TitleEN: wb.TitleEN, IntroFR: wb.IntroFR, IntroEN: wb.IntroEN,
		Access: survey.AccessAnonymous, Receipt: true, Publish: true, ResultsPublic: true,
		Definition: survey.Definition{Sections: wb.Sections},
	})
	if err != nil {
		return err
	}
	sv, err := svc.ByID(ctx, id)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(0, 42))
	regions := []string{"06", "03", "05", "01", "16", "13", "04", "15", "08", "11"}
	ages := []string{"25-34", "35-44", "45-54", "55-64", "65+", "15-24"}
	now := env.Clock.Now()
	err = env.DB.Write(ctx, func(tx *db.Tx) error {
		for i := 0; i < 60; i++ {
			r := &survey.Response{Answers: demoAnswers(sv, rng), SubmittedAt: now.Add(-time.Duration(60-i) * 9 * time.Hour)}
			switch {
			case i%3 == 1:
				r.Channel, r.PaperFormID = survey.ChannelPaper, fmt.Sprintf("P-%03d", i)
			case i%5 == 2:
				r.Channel = survey.ChannelPhone
			default:
				r.Channel = survey.ChannelWeb
				if i%2 == 0 {
					r.RegionCode, r.AgeGroup = regions[rng.IntN(len(regions))], ages[rng.IntN(len(ages))]
				}
			}
			if err := svc.InsertSubmitted(ctx, tx, sv, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	env.Report.Add("survey: %q published with 60 demo responses (web, paper, phone)", wb.TitleFR)
	return nil
}

var demoTexts = []string{
	"Nous utilisons surtout le courriel et notre site pour rejoindre nos membres.",
	"Les personnes aînées ont besoin d'accompagnement pour les services en ligne.",
	"Un guichet unique simplifierait beaucoup nos démarches auprès des ministères.",
	"Le coût de l'équipement et de la connexion reste un obstacle en région.",
	"Il faut garder un service au comptoir et au téléphone pour tout le monde.",
	"La confidentialité des renseignements personnels doit être garantie.",
	"Former les intervenantes et les intervenants communautaires est prioritaire.",
	"Les consultations en ligne permettent de joindre des gens qui ne se déplacent pas.",
	"Le vote électronique nous inquiète pour la sécurité et la vérification.",
	"Nos membres souhaitent être consultés plus souvent, et plus tôt.",
}

// demoAnswers makes a plausible response: choices at random, about a third of the open
// questions answered, nobody asks for the paper copy (no personal data in the demo).
func demoAnswers(sv *survey.Survey, rng *rand.Rand) survey.Answers {
	a := survey.Answers{}
	for _, q := range sv.Def().Questions() {
		switch q.Type {
		case survey.TSingle:
			k := q.Options[rng.IntN(len(q.Options))].Key
			if q.Key == "copie_notes" {
				k = q.Options[len(q.Options)-1].Key
				for _, o := range q.Options {
					if o.Key == "non" {
						k = o.Key
					}
				}
			}
			a[q.Key] = survey.Answer{Choices: []string{k}}
		case survey.TMultiple:
			n := 1 + rng.IntN(3)
			if q.MaxChoices > 0 && n > q.MaxChoices {
				n = q.MaxChoices
			}
			var ch []string
			for _, i := range rng.Perm(len(q.Options))[:min(n, len(q.Options))] {
				ch = append(ch, q.Options[i].Key)
			}
			a[q.Key] = survey.Answer{Choices: ch}
		case survey.TScale:
			v := float64(q.Scale.Min + rng.IntN(q.Scale.Max-q.Scale.Min+1))
			a[q.Key] = survey.Answer{Number: &v}
		case survey.TLongText:
			if rng.IntN(3) == 0 {
				a[q.Key] = survey.Answer{Text: demoTexts[rng.IntN(len(demoTexts))]}
			}
		}
	}
	return a
}

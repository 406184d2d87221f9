package results

import (
	"context"
	"fmt"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/mail"
	"participe/internal/participe"
	"participe/internal/tools/survey"
)

// PurposeSatisfaction is the survey purpose of the process-satisfaction questionnaire.
const PurposeSatisfaction = survey.PurposeSatisfaction

// SatisfactionDefinition is the short optional questionnaire offered when an initiative
// closes: an overall score (counted in the dashboards), two scales and a comment.
func SatisfactionDefinition() survey.Definition {
	scale := func(minFR, minEN, maxFR, maxEN string) *survey.Scale {
		return &survey.Scale{Min: 1, Max: 5, MinLabelFR: minFR, MinLabelEN: minEN, MaxLabelFR: maxFR, MaxLabelEN: maxEN}
	}
	return survey.Definition{Sections: []survey.Section{{
		Key: "process", TitleFR: "Votre avis sur la démarche", TitleEN: "Your opinion of the process",
		IntroFR: "Ce court questionnaire est facultatif et anonyme dans les résultats publiés.",
		IntroEN: "This short questionnaire is optional and anonymous in the published results.",
		Questions: []survey.Question{
			{Key: SatisfactionQuestion, Type: "scale", Required: true,
				LabelFR: "Dans l'ensemble, êtes-vous satisfaite ou satisfait de la démarche de participation?",
				LabelEN: "Overall, how satisfied are you with the participation process?",
				Scale:   scale("Pas du tout satisfait", "Not at all satisfied", "Très satisfait", "Very satisfied")},
			{Key: "informed", Type: "scale",
				LabelFR: "L'information fournie vous a-t-elle permis de participer en connaissance de cause?",
				LabelEN: "Did the information provided allow you to take part knowingly?",
				Scale:   scale("Pas du tout", "Not at all", "Tout à fait", "Completely")},
			{Key: "heard", Type: "scale",
				LabelFR: "Avez-vous le sentiment que votre contribution sera prise en compte?",
				LabelEN: "Do you feel your contribution will be taken into account?",
				Scale:   scale("Pas du tout", "Not at all", "Tout à fait", "Completely")},
			{Key: "again", Type: "single", LabelFR: "Participeriez-vous de nouveau à une démarche semblable?",
				LabelEN: "Would you take part in a similar process again?",
				Options: []survey.Option{{Key: "yes", LabelFR: "Oui", LabelEN: "Yes"}, {Key: "maybe", LabelFR: "Peut-être", LabelEN: "Maybe"}, {Key: "no", LabelFR: "Non", LabelEN: "No"}}},
			{Key: "comment", Type: "long_text", LabelFR: "Que pourrions-nous améliorer?", LabelEN: "What could we improve?"},
		},
	}}}
}

// EnsureSatisfactionSurvey creates (once) and publishes the satisfaction questionnaire of
// a closed initiative through the survey tool, with public results; it returns its id.
func (s *Service) EnsureSatisfactionSurvey(ctx context.Context, initiativeID int64) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM surveys WHERE initiative_id = ? AND purpose = ?`, initiativeID, PurposeSatisfaction).Scan(&id)
	if err == nil {
		return id, nil
	}
	svc := survey.New(s.db, s.clock, s.jobs)
	id, err = svc.CreateForInitiative(ctx, initiativeID, survey.NewSurvey{
		Purpose: PurposeSatisfaction, TitleFR: "Votre satisfaction à l'égard de la démarche", TitleEN: "Your satisfaction with the process",
		IntroFR: "Aidez-nous à améliorer nos démarches de participation : 5 questions, 2 minutes.",
		IntroEN: "Help us improve our participation processes: 5 questions, 2 minutes.",
		Publish: true, ResultsPublic: true, Definition: SatisfactionDefinition(),
	})
	if participe.IsCode(err, participe.ECONFLICT) {
		err = s.db.QueryRow(ctx, `SELECT id FROM surveys WHERE initiative_id = ? AND purpose = ?`, initiativeID, PurposeSatisfaction).Scan(&id)
	}
	if err != nil {
		return 0, err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO satisfaction_surveys (initiative_id, survey_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		initiativeID, id, db.T(s.clock.Now()))
	return id, err
}

// SatisfactionPath is the public page of an initiative's satisfaction questionnaire:
// the survey tool's page of the questionnaire (answers, public results). The results
// area's former page, /initiatives/{slug}/satisfaction, redirects there.
func SatisfactionPath(slug string) string {
	return "/initiatives/" + slug + "/questionnaires/" + survey.PurposeSatisfaction
}

// OfferSatisfaction creates the questionnaire of initiatives that closed in the last
// week and invites their participants once (unique mail job per person).
func (s *Service) OfferSatisfaction(ctx context.Context) (int, error) {
	now := s.clock.Now()
	rows, err := s.db.Query(ctx, `SELECT id, slug, title_fr, title_en FROM initiatives
		WHERE state IN ('published', 'scheduled', 'closed') AND published_at IS NOT NULL AND ends_at <= ? AND ends_at > ?`,
		db.T(now), db.T(now.AddDate(0, 0, -7)))
	if err != nil {
		return 0, err
	}
	type ini struct {
		id           int64
		slug, fr, en string
	}
	var list []ini
	for rows.Next() {
		var i ini
		if err := rows.Scan(&i.id, &i.slug, &i.fr, &i.en); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, i)
	}
	rows.Close()
	queued := 0
	for _, i := range list {
		if _, err := s.EnsureSatisfactionSurvey(ctx, i.id); err != nil {
			return queued, err
		}
		people, err := s.recipients(ctx, participantsAndFollowers, i.id, i.id, i.id, i.id)
		if err != nil {
			return queued, err
		}
		err = s.db.Write(ctx, func(tx *db.Tx) error {
			for _, r := range people {
				title := i.fr
				if r.locale == "en" && i.en != "" {
					title = i.en
				}
				m := mail.Message{To: r.email, Subject: s.T(r.locale, "results.mail.satisfaction.subject", title),
					Text: s.T(r.locale, "results.mail.satisfaction.body", title, s.link(r.locale, SatisfactionPath(i.slug)))}
				if err := s.jobs.EnqueueTx(ctx, tx, mail.JobKind, m, jobs.Options{UniqueKey: fmt.Sprintf("results.satisfaction:%d:%d", i.id, r.id)}); err != nil {
					return err
				}
				queued++
			}
			return nil
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// SatisfactionTarget is the initiative whose process is rated.
type SatisfactionTarget struct {
	InitiativeID int64
	Slug         string
	TitleFR      string
	TitleEN      string
	Open         bool  // closed, and within survey.SatisfactionWindow
	Answered     bool  // the actor has already answered
	SurveyID     int64 // the questionnaire, once created (0 before)
}

// Satisfaction returns the questionnaire's state for an initiative and the actor.
func (s *Service) Satisfaction(ctx context.Context, a *participe.Actor, slug string) (*SatisfactionTarget, error) {
	var t SatisfactionTarget
	var ends, pub db.Time
	var state string
	err := s.db.QueryRow(ctx, `SELECT id, slug, title_fr, title_en, ends_at, published_at, state FROM initiatives WHERE slug = ?`, slug).
		Scan(&t.InitiativeID, &t.Slug, &t.TitleFR, &t.TitleEN, &ends, &pub, &state)
	if err != nil {
		return nil, db.NotFound(err, "initiative not found")
	}
	now := s.clock.Now()
	if state == "draft" || pub.IsZero() || pub.After(now) || now.Before(ends.Time) {
		return nil, participe.Errorf(participe.ENOTFOUND, "no satisfaction questionnaire")
	}
	// Offered from closing for survey.SatisfactionWindow: the survey tool's own rule
	// for a questionnaire of this purpose (survey.Service.IsOpen).
	t.Open = now.Before(ends.Time.Add(survey.SatisfactionWindow)) && state != "archived"
	if err := s.db.QueryRow(ctx, `SELECT id FROM surveys WHERE initiative_id = ? AND purpose = ?`, t.InitiativeID, PurposeSatisfaction).Scan(&t.SurveyID); err != nil && !db.IsNoRows(err) {
		return nil, err
	}
	if !a.IsAnonymous() {
		var n int
		_ = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id
			WHERE sv.initiative_id = ? AND sv.purpose = ? AND r.person_id = ?`, t.InitiativeID, PurposeSatisfaction, a.PersonID).Scan(&n)
		t.Answered = n > 0
	}
	return &t, nil
}

package results

import (
	"context"
	"strconv"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// MyContribution is one of my contributions and what became of it.
type MyContribution struct {
	ID                int64
	Kind              string
	Channel           string
	Status            string
	HiddenReason      string
	CreatedAt         time.Time
	InitiativeSlug    string
	InitiativeTitleFR string
	InitiativeTitleEN string
	Title             string
	Excerpt           string
	ProposalID        int64 // the proposal itself, or the one an argument/comment is about
	AnswerState       string
	AnswerText        string
	AnswerAt          time.Time
	FollowUps         []FollowUp
	ResultsPublished  bool
}

// Path is the public page of the contribution (its proposal).
func (m *MyContribution) Path() string {
	if m.ProposalID == 0 {
		return "/initiatives/" + m.InitiativeSlug
	}
	p := "/initiatives/" + m.InitiativeSlug + "/propositions/" + strconv.FormatInt(m.ProposalID, 10)
	if m.Kind == "comment" || m.Kind == "argument" {
		p += "#c" + strconv.FormatInt(m.ID, 10)
	}
	return p
}

// MyContributions lists the actor's contributions, newest first, with their state, the
// published official answer and the follow-ups linked to them (or to their proposal).
func (s *Service) MyContributions(ctx context.Context, a *participe.Actor, limit, offset int) ([]MyContribution, int, error) {
	if a.IsAnonymous() {
		return nil, 0, participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM contributions WHERE author_id = ?`, a.PersonID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT c.id, c.kind, c.channel, c.status, c.hidden_reason, c.created_at, i.slug, i.title_fr, i.title_en,
		COALESCE(p.title, pa.title, pc.title, ''), COALESCE(p.body, a.body, cm.body, ''),
		COALESCE(p.id, a.proposal_id, cm.proposal_id, 0),
		COALESCE(oa.state, ''), COALESCE(oa.text, ''), oa.published_at, i.results_published_at
		FROM contributions c JOIN initiatives i ON i.id = c.initiative_id
		LEFT JOIN proposals p ON p.id = c.id
		LEFT JOIN proposal_arguments a ON a.id = c.id LEFT JOIN proposals pa ON pa.id = a.proposal_id
		LEFT JOIN comments cm ON cm.id = c.id LEFT JOIN proposals pc ON pc.id = cm.proposal_id
		LEFT JOIN official_answers oa ON oa.contribution_id = c.id AND oa.published_at IS NOT NULL
		WHERE c.author_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`, a.PersonID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	var out []MyContribution
	now := s.clock.Now()
	for rows.Next() {
		var m MyContribution
		var created, answered, results db.Time
		var body string
		if err := rows.Scan(&m.ID, &m.Kind, &m.Channel, &m.Status, &m.HiddenReason, &created, &m.InitiativeSlug, &m.InitiativeTitleFR,
			&m.InitiativeTitleEN, &m.Title, &body, &m.ProposalID, &m.AnswerState, &m.AnswerText, &answered, &results); err != nil {
			rows.Close()
			return nil, 0, err
		}
		m.CreatedAt, m.AnswerAt = created.Time, answered.Time
		m.ResultsPublished = !results.IsZero() && !results.After(now)
		m.Excerpt = excerpt(body, 200)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	// Follow-ups linked to these contributions (or their proposals), published only.
	ids := map[int64][]int{}
	var args []any
	for i, m := range out {
		for _, id := range []int64{m.ID, m.ProposalID} {
			if id != 0 {
				if _, seen := ids[id]; !seen {
					args = append(args, id)
				}
				ids[id] = append(ids[id], i)
			}
		}
	}
	if len(args) == 0 {
		return out, total, nil
	}
	ph := placeholders(len(args))
	frows, err := s.db.Query(ctx, `SELECT l.item_id, `+followUpColumns+` FROM follow_up_links l JOIN follow_ups f ON f.id = l.follow_up_id
		JOIN initiatives i ON i.id = f.initiative_id JOIN bodies b ON b.id = f.responsible_body_id
		WHERE l.item_id IN (`+ph+`) AND i.results_published_at IS NOT NULL AND i.results_published_at <= ? ORDER BY f.id`, append(args, db.T(now))...)
	if err != nil {
		return nil, 0, err
	}
	defer frows.Close()
	for frows.Next() {
		var item int64
		var f FollowUp
		var due, done, created, updated db.Time
		if err := frows.Scan(&item, &f.ID, &f.InitiativeID, &f.InitiativeSlug, &f.InitiativeTitleFR, &f.InitiativeTitleEN, &f.BodyID,
			&f.ResponsibleBodyID, &f.ResponsibleSlug, &f.ResponsibleFR, &f.ResponsibleEN, &f.ThemeKey, &f.Position,
			&f.TitleFR, &f.TitleEN, &f.DescriptionFR, &f.DescriptionEN, &f.Status, &f.DroppedReasonFR, &f.DroppedReasonEN,
			&f.Progress, &due, &done, &created, &updated); err != nil {
			return nil, 0, err
		}
		f.DueAt, f.DoneAt, f.CreatedAt, f.UpdatedAt = due.Time, done.Time, created.Time, updated.Time
		for _, i := range ids[item] {
			dup := false
			for _, x := range out[i].FollowUps {
				dup = dup || x.ID == f.ID
			}
			if !dup {
				out[i].FollowUps = append(out[i].FollowUps, f)
			}
		}
	}
	return out, total, frows.Err()
}

func placeholders(n int) string {
	b := make([]byte, 0, n*3)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

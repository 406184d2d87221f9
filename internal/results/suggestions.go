package results

import (
	"context"
	"strings"
	"unicode/utf8"

	"participe/internal/audit"
	"participe/internal/db"
	"participe/internal/participe"
)

// Suggestion kinds and statuses.
const (
	KindTopic  = "topic"
	KindRating = "rating"

	SuggestionPending  = "pending"
	SuggestionApproved = "approved"
	SuggestionRejected = "rejected"
)

// Suggestion is a topic the public would like to be consulted on, or a rating of the
// platform (1 to 5 with an optional comment). Both are moderated before they are shown.
type Suggestion struct {
	ID        int64
	Kind      string
	Topic     string
	Details   string
	Rating    int
	ThemeID   int64
	Status    string
	CreatedAt db.Time
}

// SuggestionInput is the public form.
type SuggestionInput struct {
	Topic   string
	Details string
	ThemeID int64
	Rating  int // 0: no rating given
	Comment string
}

// Suggest records a topic suggestion and/or a rating, pending moderation. Visitors may
// suggest without an account; the caller rate-limits by IP.
func (s *Service) Suggest(ctx context.Context, a *participe.Actor, in SuggestionInput) error {
	in.Topic, in.Details, in.Comment = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Details), strings.TrimSpace(in.Comment)
	if in.Topic == "" && in.Rating == 0 {
		return participe.FieldError("topic", "results.suggest.error.empty")
	}
	if utf8.RuneCountInString(in.Topic) > 200 {
		return participe.FieldError("topic", "results.suggest.error.topic_long")
	}
	if utf8.RuneCountInString(in.Details) > 2000 || utf8.RuneCountInString(in.Comment) > 2000 {
		return participe.FieldError("details", "results.suggest.error.details_long")
	}
	if in.Rating < 0 || in.Rating > 5 {
		return participe.FieldError("rating", "results.suggest.error.rating")
	}
	var person any
	if !a.IsAnonymous() {
		person = a.PersonID
	}
	var theme any
	if in.ThemeID > 0 {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM themes WHERE id = ?`, in.ThemeID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return participe.FieldError("theme", "results.suggest.error.theme")
		}
		theme = in.ThemeID
	}
	now := db.T(s.clock.Now())
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if in.Topic != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO suggestions (person_id, kind, topic, details, theme_id, status, created_at)
				VALUES (?, 'topic', ?, ?, ?, 'pending', ?)`, person, in.Topic, in.Details, theme, now); err != nil {
				return err
			}
		}
		if in.Rating > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO suggestions (person_id, kind, details, rating, status, created_at)
				VALUES (?, 'rating', ?, ?, 'pending', ?)`, person, in.Comment, in.Rating, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Suggestions lists suggestions: approved ones for the public, any status for moderators.
func (s *Service) Suggestions(ctx context.Context, kind, status string, limit, offset int) ([]Suggestion, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions WHERE kind = ? AND status = ?`, kind, status).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, kind, topic, details, rating, COALESCE(theme_id, 0), status, created_at FROM suggestions
		WHERE kind = ? AND status = ? ORDER BY id DESC LIMIT ? OFFSET ?`, kind, status, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Suggestion
	for rows.Next() {
		var g Suggestion
		if err := rows.Scan(&g.ID, &g.Kind, &g.Topic, &g.Details, &g.Rating, &g.ThemeID, &g.Status, &g.CreatedAt); err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}

// CanModerateSuggestions: platform admins moderate the platform's suggestions.
func CanModerateSuggestions(a *participe.Actor) bool { return a != nil && a.PlatformAdmin }

// ModerateSuggestion approves or rejects a suggestion (platform admins), audited.
func (s *Service) ModerateSuggestion(ctx context.Context, a *participe.Actor, ip string, id int64, approve bool) error {
	if !CanModerateSuggestions(a) {
		return participe.Errorf(participe.EFORBIDDEN, "platform admins moderate suggestions")
	}
	status := SuggestionRejected
	if approve {
		status = SuggestionApproved
	}
	now := s.clock.Now()
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE suggestions SET status = ?, moderated_at = ?, moderated_by = ? WHERE id = ?`, status, db.T(now), a.PersonID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return participe.Errorf(participe.ENOTFOUND, "suggestion not found")
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, Action: "suggestion." + status, TargetType: "suggestion", TargetID: id})
	})
	s.Invalidate()
	return err
}

// SuggestionStats counts approved topics and ratings.
func (s *Service) SuggestionStats(ctx context.Context) (SuggestionStats, error) {
	var st SuggestionStats
	var sum int64
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN kind = 'topic' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'rating' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'rating' THEN rating ELSE 0 END), 0)
		FROM suggestions WHERE status = 'approved'`).Scan(&st.Topics, &st.Ratings, &sum)
	if st.Ratings > 0 {
		st.RatingAverage = float64(sum) / float64(st.Ratings)
	}
	return st, err
}

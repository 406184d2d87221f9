package contrib

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"participe/internal/audit"
	"participe/internal/db"
	"participe/internal/notify"
	"participe/internal/participe"
	"participe/internal/ratelimit"
)

// Report reasons (SPEC §4; labels in contrib.json).
var ReportReasons = []string{"spam", "insult", "hate", "personal_info", "off_topic", "illegal", "other"}

// ReportLimit is how many reports a person may file per hour.
const ReportLimit = 20

// Report states.
const (
	ReportOpen      = "open"
	ReportUpheld    = "upheld"
	ReportDismissed = "dismissed"
)

// Emitter records notification events (notify.Service).
type Emitter interface {
	EmitTx(ctx context.Context, tx *db.Tx, ev notify.Event) error
}

// Moderation is reports, the moderators' queue, hiding and restoring, and blocks.
type Moderation struct {
	db     *db.DB
	clock  participe.Clock
	notify Emitter
}

// NewModeration returns the moderation service (n may be nil: no notifications).
func NewModeration(d *db.DB, clock participe.Clock, n Emitter) *Moderation {
	return &Moderation{db: d, clock: clock, notify: n}
}

func validReason(r string) bool {
	for _, x := range ReportReasons {
		if x == r {
			return true
		}
	}
	return false
}

// Report records a signed-in person's report of a contribution. At the initiative's
// threshold of open reports the contribution is hidden automatically, pending review.
func (m *Moderation) Report(ctx context.Context, a *participe.Actor, id int64, reason, text string) error {
	if a.IsAnonymous() {
		return participe.KeyError(participe.EUNAUTHORIZED, "contrib.error.signin")
	}
	if !validReason(reason) {
		return participe.FieldError("reason", "contrib.error.reason")
	}
	if utf8.RuneCountInString(text) > 1000 {
		return participe.FieldError("text", "contrib.error.text_length")
	}
	now := m.clock.Now()
	return m.db.Write(ctx, func(tx *db.Tx) error {
		r, err := Load(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.AuthorID == a.PersonID {
			return participe.KeyError(participe.ECONFLICT, "contrib.error.own")
		}
		// At most ReportLimit reports per person per hour, counted in the same write.
		ok, err := ratelimit.AllowTx(ctx, tx, now, "report:"+strconv.FormatInt(a.PersonID, 10), ReportLimit, time.Hour)
		if err != nil {
			return err
		}
		if !ok {
			return &participe.Error{Code: participe.ETOOMANY, Key: "contrib.error.rate_report", Message: "too many reports", Field: "reason"}
		}
		res, err := tx.Exec(ctx, `INSERT INTO reports (contribution_id, reporter_id, reason, text, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (contribution_id, reporter_id) DO NOTHING`, id, a.PersonID, reason, text, db.T(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return participe.KeyError(participe.ECONFLICT, "contrib.error.already_reported")
		}
		var count, threshold int
		if err := tx.QueryRow(ctx, `UPDATE contributions SET reports_count = reports_count + 1 WHERE id = ? RETURNING reports_count`, id).Scan(&count); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT report_threshold FROM proposal_settings WHERE initiative_id = ?), 3)`, r.InitiativeID).Scan(&threshold); err != nil {
			return err
		}
		if r.Status == StatusPublished && count >= threshold {
			if err := SetStatus(ctx, tx, r, StatusPendingReview, "", 0, now); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{At: now, BodyID: r.BodyID, Action: "moderation.auto_hide",
				TargetType: "contribution", TargetID: id, Details: "reports=" + strconv.Itoa(count)})
		}
		return nil
	})
}

// MyReport is one of a person's reports, with its state.
type MyReport struct {
	ContributionID int64
	Kind           string
	Excerpt        string
	Reason         string
	State          string
	CreatedAt      time.Time
	ResolvedAt     time.Time
	URL            string
}

// excerptSQL picks a contribution's text from the tool tables (proposals tool).
const excerptSQL = `COALESCE(p.title, pa.body, cm.body, '')`
const excerptJoins = ` LEFT JOIN proposals p ON p.id = c.id LEFT JOIN proposal_arguments pa ON pa.id = c.id LEFT JOIN comments cm ON cm.id = c.id
	JOIN initiatives i ON i.id = c.initiative_id `
const proposalOfSQL = `COALESCE(p.id, pa.proposal_id, cm.proposal_id, 0)`

// MyReports lists the person's reports, newest first.
func (m *Moderation) MyReports(ctx context.Context, personID int64) ([]MyReport, error) {
	rows, err := m.db.Query(ctx, `SELECT c.id, c.kind, substr(`+excerptSQL+`, 1, 200), r.reason, r.state, r.created_at, r.resolved_at,
		i.slug, `+proposalOfSQL+`
		FROM reports r JOIN contributions c ON c.id = r.contribution_id`+excerptJoins+`
		WHERE r.reporter_id = ? ORDER BY r.id DESC LIMIT 200`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MyReport
	for rows.Next() {
		var r MyReport
		var created, resolved db.Time
		var slug string
		var pid int64
		if err := rows.Scan(&r.ContributionID, &r.Kind, &r.Excerpt, &r.Reason, &r.State, &created, &resolved, &slug, &pid); err != nil {
			return nil, err
		}
		r.CreatedAt, r.ResolvedAt = created.Time, resolved.Time
		r.URL = contributionURL(slug, pid, r.ContributionID)
		out = append(out, r)
	}
	return out, rows.Err()
}

func contributionURL(slug string, proposalID, id int64) string {
	if proposalID == 0 {
		return "/initiatives/" + slug
	}
	u := "/initiatives/" + slug + "/propositions/" + strconv.FormatInt(proposalID, 10)
	if proposalID != id {
		u += "#c" + strconv.FormatInt(id, 10)
	}
	return u
}

// QueueItem is one contribution waiting for a moderator.
type QueueItem struct {
	ID             int64
	Kind           string
	Excerpt        string
	Status         string
	Reports        int
	Reasons        string
	InitiativeID   int64
	InitiativeFR   string
	InitiativeEN   string
	AuthorID       int64
	AuthorName     string
	HiddenReason   string
	CreatedAt      time.Time
	URL            string
	AuthorBlocked  bool
	InitiativeSlug string
}

// Queue lists contributions with open reports or pending review, in the bodies the
// actor moderates (one initiative when initiativeID is set).
func (m *Moderation) Queue(ctx context.Context, a *participe.Actor, initiativeID int64) ([]QueueItem, error) {
	if a.IsAnonymous() {
		return nil, participe.KeyError(participe.EUNAUTHORIZED, "contrib.error.signin")
	}
	where := `(c.status = 'pending_review' OR EXISTS (SELECT 1 FROM reports r WHERE r.contribution_id = c.id AND r.state = 'open'))`
	var args []any
	if initiativeID != 0 {
		var body int64
		if err := m.db.QueryRow(ctx, `SELECT body_id FROM initiatives WHERE id = ?`, initiativeID).Scan(&body); err != nil {
			return nil, db.NotFound(err, "initiative not found")
		}
		if !a.Has(participe.RoleModerator, body) {
			return nil, participe.KeyError(participe.EFORBIDDEN, "contrib.error.forbidden")
		}
		where += ` AND c.initiative_id = ?`
		args = append(args, initiativeID)
	} else if !a.PlatformAdmin {
		var bodies []any
		for _, b := range a.BodyIDs() {
			if a.Has(participe.RoleModerator, b) {
				bodies = append(bodies, b)
			}
		}
		if len(bodies) == 0 {
			return nil, participe.KeyError(participe.EFORBIDDEN, "contrib.error.forbidden")
		}
		where += ` AND i.body_id IN (` + placeholders(len(bodies)) + `)`
		args = append(args, bodies...)
	}
	rows, err := m.db.Query(ctx, `SELECT c.id, c.kind, substr(`+excerptSQL+`, 1, 300), c.status, c.reports_count,
		COALESCE((SELECT MIN(r.reason) FROM reports r WHERE r.contribution_id = c.id AND r.state = 'open'), ''),
		c.initiative_id, i.title_fr, i.title_en, COALESCE(c.author_id, 0), COALESCE(pe.pseudonym, ''), c.hidden_reason, c.created_at,
		i.slug, `+proposalOfSQL+`,
		EXISTS (SELECT 1 FROM initiative_blocks b WHERE b.initiative_id = c.initiative_id AND b.person_id = c.author_id)
		FROM contributions c`+excerptJoins+` LEFT JOIN people pe ON pe.id = c.author_id
		WHERE `+where+` ORDER BY c.status DESC, c.reports_count DESC, c.id LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		var q QueueItem
		var created db.Time
		var pid int64
		if err := rows.Scan(&q.ID, &q.Kind, &q.Excerpt, &q.Status, &q.Reports, &q.Reasons, &q.InitiativeID, &q.InitiativeFR, &q.InitiativeEN,
			&q.AuthorID, &q.AuthorName, &q.HiddenReason, &created, &q.InitiativeSlug, &pid, &q.AuthorBlocked); err != nil {
			return nil, err
		}
		q.CreatedAt = created.Time
		q.URL = contributionURL(q.InitiativeSlug, pid, q.ID)
		out = append(out, q)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ", "
		}
		s += "?"
	}
	return s
}

// moderate loads a contribution inside tx and checks the actor moderates its body.
func moderate(ctx context.Context, tx *db.Tx, a *participe.Actor, id int64) (Ref, error) {
	if a.IsAnonymous() {
		return Ref{}, participe.KeyError(participe.EUNAUTHORIZED, "contrib.error.signin")
	}
	r, err := Load(ctx, tx, id)
	if err != nil {
		return r, err
	}
	if !a.Has(participe.RoleModerator, r.BodyID) {
		return r, participe.KeyError(participe.EFORBIDDEN, "contrib.error.forbidden")
	}
	return r, nil
}

// Hide withdraws a contribution with a public reason, upholds its open reports,
// notifies its author and logs the act.
func (m *Moderation) Hide(ctx context.Context, a *participe.Actor, id int64, reason, ip string) error {
	reason = trimLine(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 300 {
		return participe.FieldError("reason-"+strconv.FormatInt(id, 10), "contrib.error.hide_reason")
	}
	now := m.clock.Now()
	return m.db.Write(ctx, func(tx *db.Tx) error {
		r, err := moderate(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := SetStatus(ctx, tx, r, StatusHidden, reason, a.PersonID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reports SET state = 'upheld', resolved_at = ?, resolved_by = ? WHERE contribution_id = ? AND state = 'open'`,
			db.T(now), a.PersonID, id); err != nil {
			return err
		}
		if m.notify != nil && r.AuthorID != 0 {
			url, err := urlOf(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := m.notify.EmitTx(ctx, tx, notify.Event{Kind: notify.KindHidden, ActorID: a.PersonID, InitiativeID: r.InitiativeID,
				ContributionID: id, Reason: reason, URL: url}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: r.BodyID, Action: "moderation.hide",
			TargetType: "contribution", TargetID: id, Details: reason, IP: ip})
	})
}

func urlOf(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var slug string
	var pid int64
	err := tx.QueryRow(ctx, `SELECT i.slug, `+proposalOfSQL+` FROM contributions c`+excerptJoins+` WHERE c.id = ?`, id).Scan(&slug, &pid)
	return contributionURL(slug, pid, id), err
}

// Restore publishes a hidden or pending contribution again and dismisses its open
// reports.
func (m *Moderation) Restore(ctx context.Context, a *participe.Actor, id int64, ip string) error {
	now := m.clock.Now()
	return m.db.Write(ctx, func(tx *db.Tx) error {
		r, err := moderate(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := SetStatus(ctx, tx, r, StatusPublished, "", a.PersonID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reports SET state = 'dismissed', resolved_at = ?, resolved_by = ? WHERE contribution_id = ? AND state = 'open'`,
			db.T(now), a.PersonID, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE contributions SET reports_count = 0 WHERE id = ?`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: r.BodyID, Action: "moderation.restore",
			TargetType: "contribution", TargetID: id, IP: ip})
	})
}

// Block stops the author of a contribution from contributing to its initiative
// (on=false lifts the block).
func (m *Moderation) Block(ctx context.Context, a *participe.Actor, contributionID int64, on bool, reason, ip string) error {
	reason = trimLine(reason)
	if utf8.RuneCountInString(reason) > 300 {
		return participe.FieldError("block-reason", "contrib.error.hide_reason")
	}
	now := m.clock.Now()
	return m.db.Write(ctx, func(tx *db.Tx) error {
		r, err := moderate(ctx, tx, a, contributionID)
		if err != nil {
			return err
		}
		if r.AuthorID == 0 {
			return participe.KeyError(participe.ECONFLICT, "contrib.error.no_author")
		}
		action := "moderation.block"
		if on {
			_, err = tx.Exec(ctx, `INSERT INTO initiative_blocks (initiative_id, person_id, reason, blocked_by, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (initiative_id, person_id) DO NOTHING`, r.InitiativeID, r.AuthorID, reason, a.PersonID, db.T(now))
		} else {
			action = "moderation.unblock"
			_, err = tx.Exec(ctx, `DELETE FROM initiative_blocks WHERE initiative_id = ? AND person_id = ?`, r.InitiativeID, r.AuthorID)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: r.BodyID, Action: action,
			TargetType: "person", TargetID: r.AuthorID, Details: "initiative=" + strconv.FormatInt(r.InitiativeID, 10) + " " + reason, IP: ip})
	})
}

func trimLine(s string) string {
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' {
			if !space && len(out) > 0 {
				out = append(out, ' ')
			}
			space = true
			continue
		}
		space = false
		out = append(out, r)
	}
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return string(out)
}

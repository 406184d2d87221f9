// Package notify delivers notifications: follows (initiative, proposal, theme, body),
// the in-app notification centre with its unread count, and email, sent at once or in
// a daily digest as each person chooses. Events are recorded as jobs in the transaction
// of the write that causes them, so a notification is never lost: the fan-out job
// writes the notifications, then queues the emails (mail.send), which the queue retries.
package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/mail"
	"participe/internal/participe"
)

// Jobs of this package.
const (
	JobFanout = "notify.fanout"
	JobDigest = "notify.digest"
)

// Kinds of notification.
const (
	KindAnswer      = "answer"       // an official answer to my proposal (or one I follow)
	KindReply       = "reply"        // a reply to my comment
	KindNewProposal = "new_proposal" // a new proposal in something I follow
	KindHidden      = "hidden"       // my contribution was hidden by moderation
	// KindResultsPublished: the results of an initiative I took part in or follow.
	KindResultsPublished = "results_published"
	// KindFollowUpUpdate: a dated update of a follow-up ("suite prévue") I follow.
	KindFollowUpUpdate = "followup_update"
)

// Email modes of a person.
const (
	ModeImmediate = "immediate"
	ModeDigest    = "digest"
	ModeNone      = "none"
)

// Follow targets.
const (
	TargetInitiative = "initiative"
	TargetProposal   = "proposal"
	TargetTheme      = "theme"
	TargetBody       = "body"
)

// Event is something that happened, recorded for the fan-out job.
type Event struct {
	Kind           string `json:"kind"`
	ActorID        int64  `json:"actor_id,omitempty"`
	InitiativeID   int64  `json:"initiative_id,omitempty"`
	ProposalID     int64  `json:"proposal_id,omitempty"`
	ContributionID int64  `json:"contribution_id,omitempty"`
	FollowUpID     int64  `json:"follow_up_id,omitempty"`
	// Key names the event: a person is notified (and emailed) at most once per key,
	// however often the fan-out runs. EmitTx gives a random one when empty; callers
	// whose event has a natural identity pass it (e.g. "followup_update:345").
	Key string `json:"key,omitempty"`
	// Title is the proposal's title (or the initiative's, the follow-up's: TitleEN is
	// then its English title); Reason the moderation reason; StateFR/EN the answer.
	Title   string `json:"title,omitempty"`
	TitleEN string `json:"title_en,omitempty"`
	Reason  string `json:"reason,omitempty"`
	StateFR string `json:"state_fr,omitempty"`
	StateEN string `json:"state_en,omitempty"`
	// URL is the French path the notification links to.
	URL string `json:"url,omitempty"`
}

// Service records and delivers notifications.
type Service struct {
	db      *db.DB
	clock   participe.Clock
	jobs    *jobs.Queue
	cat     *i18n.Catalog
	baseURL string
	// failBeforeMail, when set (tests), is called before each email is queued: an
	// error aborts the batch, as a failing mail enqueue would.
	failBeforeMail func(personID int64) error
}

// New returns the service.
func New(d *db.DB, clock participe.Clock, q *jobs.Queue, cat *i18n.Catalog, baseURL string) *Service {
	return &Service{db: d, clock: clock, jobs: q, cat: cat, baseURL: strings.TrimRight(baseURL, "/")}
}

// Register installs the job handlers.
func (s *Service) Register(q *jobs.Queue) {
	q.Handle(JobFanout, s.fanout)
	q.Handle(JobDigest, s.digest)
}

// EmitTx records ev inside tx: it is delivered only if tx commits.
func (s *Service) EmitTx(ctx context.Context, tx *db.Tx, ev Event) error {
	return Emit(ctx, s.jobs, tx, ev)
}

// Emit records ev inside tx on the queue q, for areas that have a queue but no
// notify.Service. An event with a Key is recorded once (a second Emit of the same key
// is a no-op).
func Emit(ctx context.Context, q *jobs.Queue, tx *db.Tx, ev Event) error {
	opts := jobs.Options{}
	if ev.Key == "" {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		ev.Key = ev.Kind + ":" + hex.EncodeToString(b[:])
	} else {
		opts.UniqueKey = JobFanout + ":" + ev.Key
	}
	return q.EnqueueTx(ctx, tx, JobFanout, ev, opts)
}

// recipients finds who is told of ev (never the person who caused it), by id.
func (s *Service) recipients(ctx context.Context, ev Event) ([]int64, error) {
	var q string
	var args []any
	switch ev.Kind {
	case KindAnswer:
		q = `SELECT author_id FROM contributions WHERE id = ? AND author_id IS NOT NULL
			UNION SELECT person_id FROM follows WHERE target_type = 'proposal' AND target_id = ?`
		args = []any{ev.ProposalID, ev.ProposalID}
	case KindReply, KindHidden:
		q = `SELECT author_id FROM contributions WHERE id = ? AND author_id IS NOT NULL`
		args = []any{ev.ContributionID}
	case KindNewProposal:
		q = `SELECT person_id FROM follows WHERE target_type = 'initiative' AND target_id = ?
			UNION SELECT f.person_id FROM follows f JOIN initiatives i ON i.body_id = f.target_id
				WHERE f.target_type = 'body' AND i.id = ?
			UNION SELECT f.person_id FROM follows f JOIN initiative_themes it ON it.theme_id = f.target_id
				WHERE f.target_type = 'theme' AND it.initiative_id = ?`
		args = []any{ev.InitiativeID, ev.InitiativeID, ev.InitiativeID}
	case KindResultsPublished:
		// Everyone who took part (any tool, any channel with an account) or follows.
		q = `SELECT c.author_id FROM contributions c WHERE c.initiative_id = ? AND c.author_id IS NOT NULL
			UNION SELECT v.person_id FROM proposal_votes v JOIN proposals pr ON pr.id = v.proposal_id WHERE pr.initiative_id = ?
			UNION SELECT r.person_id FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id
				WHERE sv.initiative_id = ? AND r.person_id IS NOT NULL AND r.status = 'submitted'
			UNION SELECT f.person_id FROM follows f WHERE f.target_type = 'initiative' AND f.target_id = ?`
		args = []any{ev.InitiativeID, ev.InitiativeID, ev.InitiativeID, ev.InitiativeID}
	case KindFollowUpUpdate:
		q = `SELECT person_id FROM follow_up_follows WHERE follow_up_id = ?`
		args = []any{ev.FollowUpID}
	default:
		return nil, fmt.Errorf("notify: unknown kind %q", ev.Kind)
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id != ev.ActorID {
			out = append(out, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

type recipient struct {
	id     int64
	email  string
	locale string
	mode   string
}

// fanoutBatch is how many recipients one fan-out transaction handles: an initiative's
// results may concern tens of thousands of people, and one transaction for all of them
// would hold the writer for seconds.
const fanoutBatch = 200

// fanout writes one notification per recipient and queues their email (now or in the
// next digest), by batches of fanoutBatch recipients, each batch in one transaction.
// It is idempotent: a notification is written at most once per (person, event key) —
// the unique index of migration 0010 — and the email is queued in the same
// transaction only when the notification was new. So when the job is run again (a
// failure after some batches committed, a crash before the job was marked done), the
// people already notified are skipped: nobody gets a second notification nor a second
// email.
func (s *Service) fanout(ctx context.Context, payload []byte) error {
	var ev Event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil // a malformed payload never becomes valid: drop it
	}
	if ev.Key == "" {
		// Recorded before events had keys: the payload itself identifies the event.
		sum := sha256.Sum256(payload)
		ev.Key = ev.Kind + ":" + hex.EncodeToString(sum[:12])
	}
	ids, err := s.recipients(ctx, ev)
	if err != nil {
		return err
	}
	params, _ := json.Marshal(ev)
	for len(ids) > 0 {
		n := min(fanoutBatch, len(ids))
		if err := s.db.Write(ctx, func(tx *db.Tx) error { return s.fanoutBatch(ctx, tx, ev, string(params), ids[:n]) }); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (s *Service) fanoutBatch(ctx context.Context, tx *db.Tx, ev Event, params string, ids []int64) error {
	now := s.clock.Now()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// Only a verified address gets email: an account opened with someone else's address
	// must not make Participe write to that person (in-app notifications still appear).
	rows, err := tx.Query(ctx, `SELECT p.id, CASE WHEN p.email_verified_at IS NULL THEN '' ELSE COALESCE(p.email, '') END, p.locale, COALESCE(np.email_mode, 'immediate')
		FROM people p LEFT JOIN notification_prefs np ON np.person_id = p.id
		WHERE p.id IN (`+placeholders(len(ids))+`) AND p.deleted_at IS NULL ORDER BY p.id`, args...)
	if err != nil {
		return err
	}
	var people []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.email, &r.locale, &r.mode); err != nil {
			rows.Close()
			return err
		}
		people = append(people, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range people {
		var emailed any
		if r.mode == ModeImmediate && r.email != "" {
			emailed = db.T(now)
		}
		res, err := tx.Exec(ctx, `INSERT INTO notifications (person_id, kind, params, url, created_at, emailed_at, event_key)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, event_key) DO NOTHING`, r.id, ev.Kind, params, ev.URL, db.T(now), emailed, ev.Key)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			continue // notified by an earlier run of this fan-out (and emailed then)
		}
		if r.email == "" {
			continue
		}
		if s.failBeforeMail != nil {
			if err := s.failBeforeMail(r.id); err != nil {
				return err
			}
		}
		switch r.mode {
		case ModeImmediate:
			lang := i18n.Normalize(r.locale)
			text := s.Text(lang, ev.Kind, ev) + "\n\n" + s.link(lang, ev.URL) + "\n\n" + s.cat.T(lang, "notify.email.footer", s.link(lang, "/mon-espace/notifications/preferences"))
			m := mail.Message{To: r.email, Subject: s.subject(lang, ev), Text: text}
			if err := s.jobs.EnqueueTx(ctx, tx, mail.JobKind, m, jobs.Options{UniqueKey: fmt.Sprintf("notify.mail:%s:%d", ev.Key, r.id)}); err != nil {
				return err
			}
		case ModeDigest:
			at := nextDigest(now)
			key := fmt.Sprintf("notify.digest:%d:%s", r.id, at.Format("2006-01-02"))
			if err := s.jobs.EnqueueTx(ctx, tx, JobDigest, digestPayload{PersonID: r.id}, jobs.Options{RunAt: at, UniqueKey: key}); err != nil {
				return err
			}
		}
	}
	return nil
}

// subject is the email subject of an immediate notification.
func (s *Service) subject(lang string, ev Event) string {
	switch ev.Kind {
	case KindResultsPublished:
		return s.cat.T(lang, "notify.subject.results_published", ev.title(lang))
	case KindFollowUpUpdate:
		return s.cat.T(lang, "notify.subject.followup_update", ev.title(lang))
	}
	return s.cat.T(lang, "notify.email.subject")
}

// title is the event's title in lang (English when given).
func (ev Event) title(lang string) string {
	if lang == "en" && ev.TitleEN != "" {
		return ev.TitleEN
	}
	return ev.Title
}

// nextDigest is the next 7 h in Québec after now.
func nextDigest(now time.Time) time.Time {
	q := now.In(i18n.Quebec)
	at := time.Date(q.Year(), q.Month(), q.Day(), 7, 0, 0, 0, i18n.Quebec)
	if !at.After(q) {
		at = at.AddDate(0, 0, 1)
	}
	return at.UTC()
}

type digestPayload struct {
	PersonID int64 `json:"person_id"`
}

// digest sends one email with every notification not yet emailed.
func (s *Service) digest(ctx context.Context, payload []byte) error {
	var p digestPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil
	}
	now := s.clock.Now()
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var email *string
		var locale string
		err := tx.QueryRow(ctx, `SELECT email, locale FROM people WHERE id = ? AND deleted_at IS NULL AND email_verified_at IS NOT NULL`, p.PersonID).Scan(&email, &locale)
		if db.IsNoRows(err) || (err == nil && (email == nil || *email == "")) {
			return nil
		}
		if err != nil {
			return err
		}
		lang := i18n.Normalize(locale)
		rows, err := tx.Query(ctx, `SELECT id, kind, params FROM notifications WHERE person_id = ? AND emailed_at IS NULL ORDER BY id LIMIT 200`, p.PersonID)
		if err != nil {
			return err
		}
		var b strings.Builder
		var ids []any
		for rows.Next() {
			var id int64
			var kind, params string
			if err := rows.Scan(&id, &kind, &params); err != nil {
				rows.Close()
				return err
			}
			var ev Event
			_ = json.Unmarshal([]byte(params), &ev)
			fmt.Fprintf(&b, "- %s\n  %s\n", s.Text(lang, kind, ev), s.link(lang, ev.URL))
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) == 0 {
			return nil
		}
		text := s.cat.T(lang, "notify.digest.intro") + "\n\n" + b.String() + "\n" + s.cat.T(lang, "notify.email.footer", s.link(lang, "/mon-espace/notifications/preferences"))
		if err := mail.EnqueueTx(ctx, s.jobs, tx, mail.Message{To: *email, Subject: s.cat.T(lang, "notify.digest.subject"), Text: text}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE notifications SET emailed_at = ? WHERE id IN (`+placeholders(len(ids))+`)`, append([]any{db.T(now)}, ids...)...)
		return err
	})
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (s *Service) link(lang, path string) string {
	if path == "" {
		path = "/mon-espace/notifications"
	}
	if lang == "en" {
		path = "/en" + path
	}
	return s.baseURL + path
}

// Text renders a notification in lang.
func (s *Service) Text(lang, kind string, ev Event) string {
	state := ev.StateFR
	if lang == "en" && ev.StateEN != "" {
		state = ev.StateEN
	}
	switch kind {
	case KindAnswer:
		return s.cat.T(lang, "notify.kind.answer", ev.Title, state)
	case KindReply:
		return s.cat.T(lang, "notify.kind.reply", ev.Title)
	case KindNewProposal:
		return s.cat.T(lang, "notify.kind.new_proposal", ev.Title)
	case KindHidden:
		return s.cat.T(lang, "notify.kind.hidden", ev.Reason)
	case KindResultsPublished:
		return s.cat.T(lang, "notify.kind.results_published", ev.title(lang))
	case KindFollowUpUpdate:
		return s.cat.T(lang, "notify.kind.followup_update", ev.title(lang))
	}
	return kind
}

// Notification is one entry of the notification centre.
type Notification struct {
	ID        int64
	Kind      string
	Text      string
	URL       string
	CreatedAt time.Time
	Read      bool
}

// List returns a page of the person's notifications, newest first, rendered in lang.
func (s *Service) List(ctx context.Context, personID int64, lang string, offset, limit int) ([]Notification, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE person_id = ?`, personID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, kind, params, url, created_at, read_at FROM notifications
		WHERE person_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, personID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var params string
		var created, read db.Time
		if err := rows.Scan(&n.ID, &n.Kind, &params, &n.URL, &created, &read); err != nil {
			return nil, 0, err
		}
		var ev Event
		_ = json.Unmarshal([]byte(params), &ev)
		n.Text = s.Text(lang, n.Kind, ev)
		n.CreatedAt, n.Read = created.Time, !read.IsZero()
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// UnreadCount is the header badge's number (0 on error: the badge is not worth a 500).
func (s *Service) UnreadCount(ctx context.Context, personID int64) int {
	var n int
	_ = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE person_id = ? AND read_at IS NULL`, personID).Scan(&n)
	return n
}

// MarkRead marks one notification (id > 0) or all of them (id 0) as read.
func (s *Service) MarkRead(ctx context.Context, personID, id int64) error {
	now := db.T(s.clock.Now())
	if id == 0 {
		_, err := s.db.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE person_id = ? AND read_at IS NULL`, now, personID)
		return err
	}
	_, err := s.db.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE person_id = ? AND id = ? AND read_at IS NULL`, now, personID, id)
	return err
}

// Mode returns the person's email mode.
func (s *Service) Mode(ctx context.Context, personID int64) (string, error) {
	mode := ModeImmediate
	err := s.db.QueryRow(ctx, `SELECT email_mode FROM notification_prefs WHERE person_id = ?`, personID).Scan(&mode)
	if db.IsNoRows(err) {
		return ModeImmediate, nil
	}
	return mode, err
}

// SetMode saves the person's email mode.
func (s *Service) SetMode(ctx context.Context, personID int64, mode string) error {
	if mode != ModeImmediate && mode != ModeDigest && mode != ModeNone {
		return participe.FieldError("email_mode", "notify.error.mode")
	}
	_, err := s.db.Exec(ctx, `INSERT INTO notification_prefs (person_id, email_mode, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET email_mode = excluded.email_mode, updated_at = excluded.updated_at`,
		personID, mode, db.T(s.clock.Now()))
	return err
}

// ValidTarget reports whether t is a follow target type.
func ValidTarget(t string) bool {
	return t == TargetInitiative || t == TargetProposal || t == TargetTheme || t == TargetBody
}

// Follow starts (on=true) or stops following a target. Following twice is harmless.
func (s *Service) Follow(ctx context.Context, personID int64, target string, id int64, on bool) error {
	if !ValidTarget(target) || id <= 0 {
		return participe.KeyError(participe.EINVALID, "notify.error.target")
	}
	if !on {
		_, err := s.db.Exec(ctx, `DELETE FROM follows WHERE person_id = ? AND target_type = ? AND target_id = ?`, personID, target, id)
		return err
	}
	if !s.targetExists(ctx, target, id) {
		return participe.Errorf(participe.ENOTFOUND, "follow target not found")
	}
	_, err := s.db.Exec(ctx, `INSERT INTO follows (person_id, target_type, target_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (person_id, target_type, target_id) DO NOTHING`, personID, target, id, db.T(s.clock.Now()))
	return err
}

func (s *Service) targetExists(ctx context.Context, target string, id int64) bool {
	table := map[string]string{TargetInitiative: "initiatives", TargetProposal: "proposals", TargetTheme: "themes", TargetBody: "bodies"}[target]
	var n int
	_ = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n > 0
}

// IsFollowing reports whether the person follows the target.
func (s *Service) IsFollowing(ctx context.Context, personID int64, target string, id int64) bool {
	var n int
	_ = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM follows WHERE person_id = ? AND target_type = ? AND target_id = ?`, personID, target, id).Scan(&n)
	return n > 0
}

// Followed is one thing a person follows, with its names and link.
type Followed struct {
	Target         string
	ID             int64
	NameFR, NameEN string
	URL            string
}

// Follows lists what the person follows.
func (s *Service) Follows(ctx context.Context, personID int64) ([]Followed, error) {
	rows, err := s.db.Query(ctx, `SELECT f.target_type, f.target_id,
		COALESCE(i.title_fr, p.title, t.name_fr, b.name_fr, ''), COALESCE(i.title_en, p.title_en, t.name_en, b.name_en, ''),
		COALESCE(i.slug, pi.slug, t.slug, b.slug, '')
		FROM follows f
		LEFT JOIN initiatives i ON f.target_type = 'initiative' AND i.id = f.target_id
		LEFT JOIN proposals p ON f.target_type = 'proposal' AND p.id = f.target_id
		LEFT JOIN initiatives pi ON pi.id = p.initiative_id
		LEFT JOIN themes t ON f.target_type = 'theme' AND t.id = f.target_id
		LEFT JOIN bodies b ON f.target_type = 'body' AND b.id = f.target_id
		WHERE f.person_id = ? ORDER BY f.created_at DESC`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Followed
	for rows.Next() {
		var f Followed
		var slug string
		if err := rows.Scan(&f.Target, &f.ID, &f.NameFR, &f.NameEN, &slug); err != nil {
			return nil, err
		}
		switch f.Target {
		case TargetInitiative:
			f.URL = "/initiatives/" + slug
		case TargetProposal:
			f.URL = fmt.Sprintf("/initiatives/%s/propositions/%d", slug, f.ID)
		case TargetTheme:
			f.URL = "/themes/" + slug
		case TargetBody:
			f.URL = "/organismes/" + slug
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

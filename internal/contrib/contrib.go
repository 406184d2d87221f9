// Package contrib is the contribution model every participation tool shares (SPEC §4):
// who wrote it (a person, an organisation, or staff entering it on behalf of someone),
// through which channel, its moderation status, and the per-initiative statistics by
// channel. Tools keep their own detail tables keyed by the contribution's id; see the
// comment at the top of migration 0003 for every table.
package contrib

import (
	"context"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// Channels a contribution can arrive through.
const (
	ChannelWeb      = "web"
	ChannelPaper    = "paper"
	ChannelPhone    = "phone"
	ChannelInPerson = "in_person"
	ChannelEmail    = "email"
)

// Channels lists every channel, web first.
var Channels = []string{ChannelWeb, ChannelPaper, ChannelPhone, ChannelInPerson, ChannelEmail}

// StaffChannels are the channels staff may record when entering a contribution.
var StaffChannels = []string{ChannelPaper, ChannelPhone, ChannelInPerson, ChannelEmail}

// Statuses of a contribution.
const (
	StatusPublished     = "published"
	StatusHidden        = "hidden"
	StatusPendingReview = "pending_review"
)

// ValidChannel reports whether c is a known channel.
func ValidChannel(c string) bool {
	for _, x := range Channels {
		if x == c {
			return true
		}
	}
	return false
}

// Author says who a contribution is from.
type Author struct {
	// PersonID is the participant (0: a person without an account, entered by staff).
	PersonID int64
	// OrganisationID is set when the person speaks for an organisation.
	OrganisationID int64
	// EnteredBy is the staff member who entered a paper/phone/in-person contribution.
	EnteredBy int64
	// OnBehalfName names the person a staff entry is for ("" = anonymous person).
	OnBehalfName string
}

// New describes a contribution to insert.
type New struct {
	InitiativeID int64
	Tool         string
	Kind         string
	Author       Author
	Channel      string
	Status       string
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Insert adds the shared row of a contribution inside tx and counts it in the
// initiative's statistics; the tool then inserts its detail row with the returned id.
func Insert(ctx context.Context, tx *db.Tx, now time.Time, c New) (int64, error) {
	if c.Channel == "" {
		c.Channel = ChannelWeb
	}
	if !ValidChannel(c.Channel) {
		return 0, participe.FieldError("channel", "contrib.error.channel")
	}
	if c.Status == "" {
		c.Status = StatusPublished
	}
	id, err := tx.InsertID(ctx, `INSERT INTO contributions (initiative_id, tool, kind, author_id, organisation_id,
		entered_by, on_behalf_name, channel, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.InitiativeID, c.Tool, c.Kind, nullID(c.Author.PersonID), nullID(c.Author.OrganisationID),
		nullID(c.Author.EnteredBy), strings.TrimSpace(c.Author.OnBehalfName), c.Channel, c.Status, db.T(now), db.T(now))
	if err != nil {
		return 0, err
	}
	pub := 0
	if c.Status == StatusPublished {
		pub = 1
	}
	if err := bumpStats(ctx, tx, c.InitiativeID, c.Tool, c.Kind, c.Channel, 1, pub); err != nil {
		return 0, err
	}
	return id, nil
}

// bumpStats adds to the per-channel counters (count = count + n: no lost update).
func bumpStats(ctx context.Context, tx *db.Tx, initiativeID int64, tool, kind, channel string, total, published int) error {
	_, err := tx.Exec(ctx, `INSERT INTO contribution_stats (initiative_id, tool, kind, channel, n_total, n_published)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (initiative_id, tool, kind, channel) DO UPDATE
		SET n_total = contribution_stats.n_total + excluded.n_total,
		    n_published = contribution_stats.n_published + excluded.n_published`,
		initiativeID, tool, kind, channel, total, published)
	return err
}

// Ref is the shared part of a stored contribution.
type Ref struct {
	ID           int64
	InitiativeID int64
	BodyID       int64
	Tool         string
	Kind         string
	AuthorID     int64
	Channel      string
	Status       string
	HiddenReason string
	Reports      int
}

// Load reads the shared part of a contribution inside tx (current state, for decisions).
func Load(ctx context.Context, tx *db.Tx, id int64) (Ref, error) {
	var r Ref
	var author *int64
	err := tx.QueryRow(ctx, `SELECT c.id, c.initiative_id, i.body_id, c.tool, c.kind, c.author_id, c.channel, c.status,
		c.hidden_reason, c.reports_count FROM contributions c JOIN initiatives i ON i.id = c.initiative_id WHERE c.id = ?`, id).
		Scan(&r.ID, &r.InitiativeID, &r.BodyID, &r.Tool, &r.Kind, &author, &r.Channel, &r.Status, &r.HiddenReason, &r.Reports)
	if err != nil {
		return r, db.NotFound(err, "contribution not found")
	}
	if author != nil {
		r.AuthorID = *author
	}
	return r, nil
}

// SetStatus moves a contribution to status (with the public reason when hidden) and
// keeps the published counters right.
func SetStatus(ctx context.Context, tx *db.Tx, r Ref, status, reason string, by int64, now time.Time) error {
	if r.Status == status && status != StatusHidden {
		return nil
	}
	var hiddenAt any
	if status != StatusPublished {
		hiddenAt = db.T(now)
	} else {
		reason = ""
	}
	if _, err := tx.Exec(ctx, `UPDATE contributions SET status = ?, hidden_reason = ?, hidden_at = ?, hidden_by = ?, updated_at = ? WHERE id = ?`,
		status, reason, hiddenAt, nullID(by), db.T(now), r.ID); err != nil {
		return err
	}
	delta := 0
	switch {
	case r.Status == StatusPublished && status != StatusPublished:
		delta = -1
	case r.Status != StatusPublished && status == StatusPublished:
		delta = 1
	}
	if delta != 0 {
		return bumpStats(ctx, tx, r.InitiativeID, r.Tool, r.Kind, r.Channel, 0, delta)
	}
	return nil
}

// ChannelCount is one line of an initiative's statistics.
type ChannelCount struct {
	Tool, Kind, Channel string
	Total, Published    int64
}

// Stats returns the initiative's contributions counted by tool, kind and channel.
func Stats(ctx context.Context, d *db.DB, initiativeID int64) ([]ChannelCount, error) {
	rows, err := d.Query(ctx, `SELECT tool, kind, channel, n_total, n_published FROM contribution_stats
		WHERE initiative_id = ? ORDER BY tool, kind, channel`, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ChannelCount
	for rows.Next() {
		var c ChannelCount
		if err := rows.Scan(&c.Tool, &c.Kind, &c.Channel, &c.Total, &c.Published); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Blocked reports whether the person is blocked from contributing to the initiative.
func Blocked(ctx context.Context, tx *db.Tx, initiativeID, personID int64) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM initiative_blocks WHERE initiative_id = ? AND person_id = ?`, initiativeID, personID).Scan(&n)
	return n > 0, err
}

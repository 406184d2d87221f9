package proposals

import (
	"context"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"participe/internal/account"
	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/notify"
	"participe/internal/participe"
)

// ProposalInput is a proposal submitted by a participant (or entered by staff).
type ProposalInput struct {
	Title   string
	Body    string
	ThemeID int64
	// Attachment is optional (nil: none).
	Attachment *Upload
	// OrganisationID, when set, is an organisation the person represents.
	OrganisationID int64
}

// Upload is an attachment as received.
type Upload struct {
	Name string
	Data []byte
}

// validate checks a proposal against the initiative's settings, collecting every field
// error so the form shows them all at once.
func validateProposal(i *Initiative, in *ProposalInput) []*participe.Error {
	var errs []*participe.Error
	in.Title = NormalizeLine(in.Title)
	in.Body = normalizeText(in.Body)
	n := utf8.RuneCountInString(in.Title)
	switch {
	case n == 0:
		errs = append(errs, participe.FieldError("title", "proposals.error.title_required"))
	case n < TitleMin || n > TitleMax:
		errs = append(errs, participe.FieldError("title", "proposals.error.title_length"))
	}
	b := utf8.RuneCountInString(in.Body)
	switch {
	case b == 0:
		errs = append(errs, participe.FieldError("body", "proposals.error.body_required"))
	case b > i.Settings.MaxLength:
		errs = append(errs, participe.FieldError("body", "proposals.error.body_length"))
	}
	if in.ThemeID != 0 {
		if _, ok := i.Theme(in.ThemeID); !ok {
			errs = append(errs, participe.FieldError("theme", "proposals.error.theme"))
		}
	} else if len(i.Themes) > 0 {
		errs = append(errs, participe.FieldError("theme", "proposals.error.theme_required"))
	}
	return errs
}

// FormErrors carries several field errors of one form.
type FormErrors struct {
	First  *participe.Error
	Fields []*participe.Error
}

func (f *FormErrors) Error() string { return f.First.Error() }

func formErrors(errs []*participe.Error) error {
	if len(errs) == 0 {
		return nil
	}
	return &FormErrors{First: errs[0], Fields: errs}
}

// Unwrap lets errors.As find the domain error.
func (f *FormErrors) Unwrap() error { return f.First }

func requirePerson(a *participe.Actor) error {
	if a.IsAnonymous() {
		return participe.KeyError(participe.EUNAUTHORIZED, "proposals.error.signin")
	}
	return nil
}

// Submit adds a participant's proposal to a public, open initiative.
func (s *Service) Submit(ctx context.Context, a *participe.Actor, slug string, in ProposalInput) (int64, error) {
	if err := requirePerson(a); err != nil {
		return 0, err
	}
	i, err := s.PublicInitiative(ctx, slug)
	if err != nil {
		return 0, err
	}
	now := s.now()
	if !i.Open(now) {
		return 0, participe.KeyError(participe.ECONFLICT, "proposals.error.closed")
	}
	if i.Settings.WhoMayPropose == ProposeStaff && !a.Has(participe.RoleManager, i.BodyID) {
		return 0, participe.KeyError(participe.EFORBIDDEN, "proposals.error.staff_only")
	}
	errs := validateProposal(i, &in)
	var att *storedFile
	if in.Attachment != nil && len(in.Attachment.Data) > 0 {
		f, ferr := checkAttachment(in.Attachment.Name, in.Attachment.Data)
		if ferr != nil {
			errs = append(errs, ferr)
		} else {
			att = f
		}
	}
	if in.OrganisationID != 0 {
		ok, err := account.IsOrganisationMember(ctx, s.db, a.PersonID, in.OrganisationID)
		if err != nil {
			return 0, err
		}
		if !ok {
			errs = append(errs, participe.FieldError("organisation", "proposals.error.organisation"))
		}
	}
	if err := formErrors(errs); err != nil {
		return 0, err
	}
	if att != nil {
		if err := s.store(att, in.Attachment.Data); err != nil {
			return 0, err
		}
	}
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if err := s.limitField(ctx, tx, now, a, limitProposal, "title"); err != nil {
			return err
		}
		if blocked, err := contrib.Blocked(ctx, tx, i.ID, a.PersonID); err != nil || blocked {
			if err == nil {
				err = participe.KeyError(participe.EFORBIDDEN, "proposals.error.blocked")
			}
			return err
		}
		var err error
		id, err = s.insertProposal(ctx, tx, i, in, contrib.Author{PersonID: a.PersonID, OrganisationID: in.OrganisationID}, contrib.ChannelWeb, false, att)
		return err
	})
	return id, err
}

func (s *Service) insertProposal(ctx context.Context, tx *db.Tx, i *Initiative, in ProposalInput, au contrib.Author, channel string, official bool, att *storedFile) (int64, error) {
	now := s.now()
	id, err := contrib.Insert(ctx, tx, now, contrib.New{InitiativeID: i.ID, Tool: Tool, Kind: KindProposal, Author: au, Channel: channel})
	if err != nil {
		return 0, err
	}
	var theme any
	if in.ThemeID != 0 {
		theme = in.ThemeID
	}
	var name, mime, file string
	var size int64
	if att != nil {
		name, mime, file, size = att.name, att.mime, att.file, att.size
	}
	if _, err := tx.Exec(ctx, `INSERT INTO proposals (id, initiative_id, theme_id, title, body, official, attachment_name,
		attachment_mime, attachment_size, attachment_file, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, i.ID, theme, in.Title, in.Body, official, name, mime, size, file, db.T(now)); err != nil {
		return 0, err
	}
	if s.notify != nil {
		if err := s.notify.EmitTx(ctx, tx, notify.Event{Kind: notify.KindNewProposal, ActorID: au.PersonID, InitiativeID: i.ID,
			ProposalID: id, Title: in.Title, URL: proposalURL(i.Slug, id)}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func proposalURL(slug string, id int64) string {
	return "/initiatives/" + slug + "/propositions/" + strconv.FormatInt(id, 10)
}

// target is a proposal with its initiative, loaded inside a write transaction.
type target struct {
	i        *Initiative
	status   string
	authorID int64
	title    string
}

func loadTarget(ctx context.Context, tx *db.Tx, proposalID int64) (*target, error) {
	var t target
	var initiativeID int64
	var author *int64
	err := tx.QueryRow(ctx, `SELECT p.initiative_id, c.status, c.author_id, p.title FROM proposals p JOIN contributions c ON c.id = p.id WHERE p.id = ?`,
		proposalID).Scan(&initiativeID, &t.status, &author, &t.title)
	if err != nil {
		return nil, db.NotFound(err, "proposal not found")
	}
	if author != nil {
		t.authorID = *author
	}
	t.i, err = initiativeTx(ctx, tx, initiativeID)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// participation checks that a signed-in person may take part in the target now.
func (s *Service) participation(ctx context.Context, tx *db.Tx, a *participe.Actor, t *target) error {
	now := s.now()
	if !t.i.Public(now) || !t.i.ToolOn {
		return participe.Errorf(participe.ENOTFOUND, "proposal not found")
	}
	if t.status != contrib.StatusPublished {
		return participe.KeyError(participe.ECONFLICT, "proposals.error.hidden")
	}
	if !t.i.Open(now) {
		return participe.KeyError(participe.ECONFLICT, "proposals.error.closed")
	}
	blocked, err := contrib.Blocked(ctx, tx, t.i.ID, a.PersonID)
	if err != nil {
		return err
	}
	if blocked {
		return participe.KeyError(participe.EFORBIDDEN, "proposals.error.blocked")
	}
	return nil
}

// Counts are a proposal's live counters.
type Counts struct {
	ProposalID   int64 `json:"proposal_id"`
	VotesFor     int64 `json:"votes_for"`
	VotesAgainst int64 `json:"votes_against"`
	Comments     int64 `json:"comments,omitempty"`
}

// Vote records the person's vote: 1 (for / support), -1 (against) or 0 (withdraw). One
// vote per person (primary key); voting again changes it. The proposal's counters move
// by the difference in the same transaction, so concurrent votes never lose an update.
//
// Votes are the hottest write (issue 5: ≥ 3,000 durable votes/s), and on SQLite every
// statement run inside d.Write runs on the one writer goroutine. So the rules that do not
// need the current row are checked before the write, on the read side: the proposal's
// initiative (it never changes) and the initiative's dates and settings from the
// service's copy (cache.go). Inside the write there are four statements: the rate limit,
// one SELECT for the proposal's status, a block and the person's current vote, the vote
// itself, and the counters (UPDATE … RETURNING). Nothing else runs on the hot path: no
// notification, and the live counts are published after the commit.
func (s *Service) Vote(ctx context.Context, a *participe.Actor, proposalID int64, value int) (Counts, error) {
	c := Counts{ProposalID: proposalID}
	if err := requirePerson(a); err != nil {
		return c, err
	}
	if value < -1 || value > 1 {
		return c, participe.KeyError(participe.EINVALID, "proposals.error.vote_value")
	}
	var initiativeID int64
	if err := s.queryRow(ctx, `SELECT initiative_id FROM proposals WHERE id = ?`, proposalID).Scan(&initiativeID); err != nil {
		return c, db.NotFound(err, "proposal not found")
	}
	i, err := s.cachedInitiative(ctx, "", initiativeID)
	if err != nil {
		return c, err
	}
	now := s.now()
	switch {
	case !i.Public(now) || !i.ToolOn:
		return c, participe.Errorf(participe.ENOTFOUND, "proposal not found")
	case !i.Open(now):
		return c, participe.KeyError(participe.ECONFLICT, "proposals.error.closed")
	case !i.Settings.VotingOpen:
		return c, participe.KeyError(participe.ECONFLICT, "proposals.error.voting_closed")
	case value == -1 && i.Settings.VoteType == VoteSupport:
		return c, participe.KeyError(participe.EINVALID, "proposals.error.vote_value")
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if err := s.limit(ctx, tx, now, a, limitVote); err != nil {
			return err
		}
		if tx.Engine() == db.Postgres {
			// Serialise votes on this proposal: a double click's second request waits
			// and then sees the first one's vote instead of failing on the key. (A
			// separate statement: the SELECT below must take its snapshot after the
			// lock is granted.)
			if _, err := tx.Exec(ctx, `SELECT id FROM proposals WHERE id = ? FOR UPDATE`, proposalID); err != nil {
				return err
			}
		}
		var status string
		var blocked bool
		var old int
		err := tx.QueryRow(ctx, `SELECT p.status,
			EXISTS (SELECT 1 FROM initiative_blocks b WHERE b.initiative_id = p.initiative_id AND b.person_id = ?),
			COALESCE((SELECT v.value FROM proposal_votes v WHERE v.proposal_id = p.id AND v.person_id = ?), 0)
			FROM proposals p WHERE p.id = ?`, a.PersonID, a.PersonID, proposalID).Scan(&status, &blocked, &old)
		switch {
		case err != nil:
			return db.NotFound(err, "proposal not found")
		case status != contrib.StatusPublished:
			return participe.KeyError(participe.ECONFLICT, "proposals.error.hidden")
		case blocked:
			return participe.KeyError(participe.EFORBIDDEN, "proposals.error.blocked")
		}
		at := db.T(now)
		if old != value {
			switch {
			case value == 0:
				_, err = tx.Exec(ctx, `DELETE FROM proposal_votes WHERE proposal_id = ? AND person_id = ?`, proposalID, a.PersonID)
			case old == 0:
				_, err = tx.Exec(ctx, `INSERT INTO proposal_votes (proposal_id, person_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
					proposalID, a.PersonID, value, at, at)
			default:
				_, err = tx.Exec(ctx, `UPDATE proposal_votes SET value = ?, updated_at = ? WHERE proposal_id = ? AND person_id = ?`,
					value, at, proposalID, a.PersonID)
			}
			if err != nil {
				return err
			}
		}
		dFor, dAgainst := delta(old, 1)-delta(value, 1), delta(old, -1)-delta(value, -1)
		return tx.QueryRow(ctx, `UPDATE proposals SET votes_for = votes_for - ?, votes_against = votes_against - ? WHERE id = ?
			RETURNING votes_for, votes_against`, dFor, dAgainst, proposalID).Scan(&c.VotesFor, &c.VotesAgainst)
	})
	if err == nil {
		s.publish(ctx, proposalID, map[string]int64{"votes_for": c.VotesFor, "votes_against": c.VotesAgainst})
	}
	return c, err
}

func delta(v, side int) int {
	if v == side {
		return 1
	}
	return 0
}

// publish sends the proposal's new counts to pages open on any server (live.js sets
// elements with data-live-topic="proposal:ID" and data-live-field = a key below).
func (s *Service) publish(ctx context.Context, proposalID int64, fields map[string]int64) {
	if s.events == nil {
		return
	}
	raw, _ := json.Marshal(fields)
	_ = s.events.Publish(ctx, "proposal:"+strconv.FormatInt(proposalID, 10), raw)
}

// AddArgument adds an argument for ("for") or against ("against") a proposal.
func (s *Service) AddArgument(ctx context.Context, a *participe.Actor, proposalID int64, side, body string) (int64, error) {
	if err := requirePerson(a); err != nil {
		return 0, err
	}
	if side != "for" && side != "against" {
		return 0, participe.FieldError("side", "proposals.error.side")
	}
	body = normalizeText(body)
	if n := utf8.RuneCountInString(body); n == 0 {
		return 0, participe.FieldError("argument-"+side, "proposals.error.argument_required")
	} else if n > ArgumentMax {
		return 0, participe.FieldError("argument-"+side, "proposals.error.argument_length")
	}
	var id int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		t, err := loadTarget(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if err := s.participation(ctx, tx, a, t); err != nil {
			return err
		}
		if err := s.limitField(ctx, tx, s.now(), a, limitArgument, "argument-"+side); err != nil {
			return err
		}
		id, err = contrib.Insert(ctx, tx, s.now(), contrib.New{InitiativeID: t.i.ID, Tool: Tool, Kind: KindArgument,
			Author: contrib.Author{PersonID: a.PersonID}})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO proposal_arguments (id, proposal_id, side, body) VALUES (?, ?, ?, ?)`, id, proposalID, side, body); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE proposals SET arguments_count = arguments_count + 1, debate_count = debate_count + 1 WHERE id = ?`, proposalID)
		return err
	})
	return id, err
}

// MarkUseful toggles the person's "useful" mark on an argument.
func (s *Service) MarkUseful(ctx context.Context, a *participe.Actor, argumentID int64) error {
	if err := requirePerson(a); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var proposalID int64
		var status string
		var author *int64
		err := tx.QueryRow(ctx, `SELECT a.proposal_id, c.status, c.author_id FROM proposal_arguments a JOIN contributions c ON c.id = a.id WHERE a.id = ?`,
			argumentID).Scan(&proposalID, &status, &author)
		if err != nil {
			return db.NotFound(err, "argument not found")
		}
		if status != contrib.StatusPublished {
			return participe.KeyError(participe.ECONFLICT, "proposals.error.hidden")
		}
		t, err := loadTarget(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if err := s.participation(ctx, tx, a, t); err != nil {
			return err
		}
		if err := s.limit(ctx, tx, s.now(), a, limitUseful); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM argument_useful WHERE argument_id = ? AND person_id = ?`, argumentID, a.PersonID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			_, err = tx.Exec(ctx, `UPDATE proposal_arguments SET useful_count = useful_count - 1 WHERE id = ?`, argumentID)
			return err
		}
		res, err = tx.Exec(ctx, `INSERT INTO argument_useful (argument_id, person_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (argument_id, person_id) DO NOTHING`, argumentID, a.PersonID, db.T(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			_, err = tx.Exec(ctx, `UPDATE proposal_arguments SET useful_count = useful_count + 1 WHERE id = ?`, argumentID)
		}
		return err
	})
}

// AddComment adds a comment, or a reply when parentID is set (nesting to MaxDepth).
func (s *Service) AddComment(ctx context.Context, a *participe.Actor, proposalID, parentID int64, body string) (int64, error) {
	if err := requirePerson(a); err != nil {
		return 0, err
	}
	field := "comment"
	if parentID != 0 {
		field = "reply-" + strconv.FormatInt(parentID, 10)
	}
	body = normalizeText(body)
	if n := utf8.RuneCountInString(body); n == 0 {
		return 0, participe.FieldError(field, "proposals.error.comment_required")
	} else if n > CommentMax {
		return 0, participe.FieldError(field, "proposals.error.comment_length")
	}
	var id, comments int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		t, err := loadTarget(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if err := s.participation(ctx, tx, a, t); err != nil {
			return err
		}
		if err := s.limitField(ctx, tx, s.now(), a, limitComment, field); err != nil {
			return err
		}
		path, depth := "", 0
		var parent any
		var parentAuthor int64
		if parentID != 0 {
			var ppath, pstatus string
			var pdepth int
			var pauthor *int64
			err := tx.QueryRow(ctx, `SELECT cm.path, cm.depth, c.status, c.author_id FROM comments cm JOIN contributions c ON c.id = cm.id
				WHERE cm.id = ? AND cm.proposal_id = ?`, parentID, proposalID).Scan(&ppath, &pdepth, &pstatus, &pauthor)
			if err != nil {
				return db.NotFound(err, "parent comment not found")
			}
			if pdepth >= MaxDepth {
				return participe.FieldError(field, "proposals.error.depth")
			}
			if pstatus != contrib.StatusPublished {
				return participe.KeyError(participe.ECONFLICT, "proposals.error.hidden")
			}
			path, depth, parent = ppath+"/", pdepth+1, parentID
			if pauthor != nil {
				parentAuthor = *pauthor
			}
		}
		id, err = contrib.Insert(ctx, tx, s.now(), contrib.New{InitiativeID: t.i.ID, Tool: Tool, Kind: KindComment,
			Author: contrib.Author{PersonID: a.PersonID}})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO comments (id, proposal_id, parent_id, path, depth, body) VALUES (?, ?, ?, ?, ?, ?)`,
			id, proposalID, parent, path+pathSegment(id), depth, body); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE proposals SET comments_count = comments_count + 1, debate_count = debate_count + 1 WHERE id = ?
			RETURNING comments_count`, proposalID).Scan(&comments); err != nil {
			return err
		}
		if parentAuthor != 0 && parentAuthor != a.PersonID && s.notify != nil {
			return s.notify.EmitTx(ctx, tx, notify.Event{Kind: notify.KindReply, ActorID: a.PersonID, InitiativeID: t.i.ID,
				ProposalID: proposalID, ContributionID: parentID, Title: t.title, URL: proposalURL(t.i.Slug, proposalID) + "#c" + strconv.FormatInt(id, 10)})
		}
		return nil
	})
	if err == nil {
		s.publish(ctx, proposalID, map[string]int64{"comments": comments})
	}
	return id, err
}

// VoteComment records the person's vote on a comment (1, -1, or 0 to withdraw).
func (s *Service) VoteComment(ctx context.Context, a *participe.Actor, commentID int64, value int) error {
	if err := requirePerson(a); err != nil {
		return err
	}
	if value < -1 || value > 1 {
		return participe.KeyError(participe.EINVALID, "proposals.error.vote_value")
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var proposalID int64
		var status string
		err := tx.QueryRow(ctx, `SELECT cm.proposal_id, c.status FROM comments cm JOIN contributions c ON c.id = cm.id WHERE cm.id = ?`, commentID).
			Scan(&proposalID, &status)
		if err != nil {
			return db.NotFound(err, "comment not found")
		}
		if status != contrib.StatusPublished {
			return participe.KeyError(participe.ECONFLICT, "proposals.error.hidden")
		}
		t, err := loadTarget(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if err := s.participation(ctx, tx, a, t); err != nil {
			return err
		}
		if err := s.limit(ctx, tx, s.now(), a, limitVote); err != nil {
			return err
		}
		if tx.Engine() == db.Postgres {
			if _, err := tx.Exec(ctx, `SELECT id FROM comments WHERE id = ? FOR UPDATE`, commentID); err != nil {
				return err
			}
		}
		old := 0
		err = tx.QueryRow(ctx, `SELECT value FROM comment_votes WHERE comment_id = ? AND person_id = ?`, commentID, a.PersonID).Scan(&old)
		if err != nil && !db.IsNoRows(err) {
			return err
		}
		if old == value {
			return nil
		}
		switch {
		case value == 0:
			_, err = tx.Exec(ctx, `DELETE FROM comment_votes WHERE comment_id = ? AND person_id = ?`, commentID, a.PersonID)
		case old == 0:
			_, err = tx.Exec(ctx, `INSERT INTO comment_votes (comment_id, person_id, value, created_at) VALUES (?, ?, ?, ?)`, commentID, a.PersonID, value, db.T(s.now()))
		default:
			_, err = tx.Exec(ctx, `UPDATE comment_votes SET value = ? WHERE comment_id = ? AND person_id = ?`, value, commentID, a.PersonID)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE comments SET votes_up = votes_up - ?, votes_down = votes_down - ? WHERE id = ?`,
			delta(old, 1)-delta(value, 1), delta(old, -1)-delta(value, -1), commentID)
		return err
	})
}

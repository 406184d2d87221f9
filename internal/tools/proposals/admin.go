package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"participe/internal/audit"
	"participe/internal/catalog"
	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/notify"
	"participe/internal/participe"
)

// AdminProposal is a proposal as staff see it: any status, with its answer (draft or
// published).
type AdminProposal struct {
	Proposal
	Answer *Answer
}

// AdminPage is the tool's back-office page of an initiative.
type AdminPage struct {
	Initiative *Initiative
	Proposals  []AdminProposal
	Total      int
	Page       int
	Stats      []contrib.ChannelCount
	CanManage  bool
	CanAnswer  bool
}

// AdminPerPage is the back-office list's page size.
const AdminPerPage = 50

// staffInitiative loads an initiative and checks that the actor holds one of roles in
// its body (staff of another body get ENOTFOUND-free EFORBIDDEN).
func (s *Service) staffInitiative(ctx context.Context, a *participe.Actor, id int64, roles ...string) (*Initiative, error) {
	if a.IsAnonymous() {
		return nil, participe.KeyError(participe.EUNAUTHORIZED, "proposals.error.signin")
	}
	i, err := s.initiativeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.HasAny(i.BodyID, roles...) {
		return nil, participe.KeyError(participe.EFORBIDDEN, "proposals.error.forbidden")
	}
	return i, nil
}

// Admin returns the back-office page (managers, analysts and moderators of the body).
func (s *Service) Admin(ctx context.Context, a *participe.Actor, initiativeID int64, page int) (*AdminPage, error) {
	i, err := s.staffInitiative(ctx, a, initiativeID, participe.RoleManager, participe.RoleAnalyst, participe.RoleModerator)
	if err != nil {
		return nil, err
	}
	if page < 1 {
		page = 1
	}
	ap := &AdminPage{Initiative: i, Page: page, CanManage: a.Has(participe.RoleManager, i.BodyID),
		CanAnswer: a.HasAny(i.BodyID, participe.RoleManager, participe.RoleAnalyst)}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM proposals WHERE initiative_id = ?`, i.ID).Scan(&ap.Total); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT `+proposalColumns+`, oa.state, oa.text, oa.published_at, oa.draft_state, oa.draft_text, oa.drafted_at`+proposalFrom+`
		LEFT JOIN official_answers oa ON oa.contribution_id = p.id
		WHERE p.initiative_id = ? ORDER BY p.id LIMIT ? OFFSET ?`, i.ID, AdminPerPage, (page-1)*AdminPerPage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p AdminProposal
		var state, text, dstate, dtext *string
		var pub, drafted db.Time
		if err := scanProposal(rows, &p.Proposal, &state, &text, &pub, &dstate, &dtext, &drafted); err != nil {
			return nil, err
		}
		if state != nil {
			p.Answer = &Answer{State: *state, Text: *text, PublishedAt: pub.Time, DraftState: *dstate, DraftText: *dtext, DraftedAt: drafted.Time}
		}
		ap.Proposals = append(ap.Proposals, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ap.Stats, err = contrib.Stats(ctx, s.db, i.ID)
	return ap, err
}

// SettingsInput is the settings form.
type SettingsInput struct {
	WhoMayPropose   string
	VotingOpen      bool
	VoteType        string
	MaxLength       int
	ReportThreshold int
	OpensAt         time.Time
	ClosesAt        time.Time
	// Themes has one theme per line: "Nom | Name" (key made from the French name) or
	// "key | Nom | Name".
	Themes string
	// States has one answer state per line: "key | Libellé | Label".
	States string
}

// ParseLines splits "a | b | c" lines, dropping blank ones.
func ParseLines(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(normalizeText(text), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for k := range parts {
			parts[k] = NormalizeLine(parts[k])
		}
		out = append(out, parts)
	}
	return out
}

// Slugify makes a key from a name: lower-case ASCII letters and digits joined by '-'.
func Slugify(s string) string {
	repl := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e", "î", "i", "ï", "i",
		"ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ç", "c", "œ", "oe", "æ", "ae", "’", "-", "'", "-")
	s = repl.Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 60 {
		out = strings.TrimSuffix(out[:60], "-")
	}
	return out
}

// SaveSettings saves the tool's settings and themes (managers of the body).
func (s *Service) SaveSettings(ctx context.Context, a *participe.Actor, initiativeID int64, in SettingsInput, ip string) error {
	i, err := s.staffInitiative(ctx, a, initiativeID, participe.RoleManager)
	if err != nil {
		return err
	}
	var errs []*participe.Error
	if in.WhoMayPropose != ProposeParticipants && in.WhoMayPropose != ProposeStaff {
		errs = append(errs, participe.FieldError("who", "proposals.error.who"))
	}
	if in.VoteType != VoteSupport && in.VoteType != VoteForAgainst {
		errs = append(errs, participe.FieldError("vote_type", "proposals.error.vote_type"))
	}
	if in.MaxLength < 100 || in.MaxLength > 20000 {
		errs = append(errs, participe.FieldError("max_length", "proposals.error.max_length"))
	}
	if in.ReportThreshold < 1 || in.ReportThreshold > 1000 {
		errs = append(errs, participe.FieldError("threshold", "proposals.error.threshold"))
	}
	if !in.OpensAt.IsZero() && !in.ClosesAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
		errs = append(errs, participe.FieldError("closes_at", "proposals.error.dates"))
	}
	var themes []Theme
	seen := map[string]bool{}
	for _, parts := range ParseLines(in.Themes) {
		var t Theme
		switch len(parts) {
		case 1:
			t = Theme{Key: Slugify(parts[0]), FR: parts[0]}
		case 2:
			t = Theme{Key: Slugify(parts[0]), FR: parts[0], EN: parts[1]}
		default:
			t = Theme{Key: Slugify(parts[0]), FR: parts[1], EN: parts[2]}
		}
		if t.Key == "" || t.FR == "" || utf8.RuneCountInString(t.FR) > 120 || seen[t.Key] {
			errs = append(errs, participe.FieldError("themes", "proposals.error.themes"))
			break
		}
		seen[t.Key] = true
		themes = append(themes, t)
	}
	var states []AnswerState
	seen = map[string]bool{}
	for _, parts := range ParseLines(in.States) {
		if len(parts) < 2 {
			errs = append(errs, participe.FieldError("states", "proposals.error.states"))
			break
		}
		st := AnswerState{Key: Slugify(parts[0]), FR: parts[1]}
		st.Key = strings.ReplaceAll(st.Key, "-", "_")
		if len(parts) > 2 {
			st.EN = parts[2]
		}
		if st.Key == "" || st.Key == AnswerNone || seen[st.Key] {
			errs = append(errs, participe.FieldError("states", "proposals.error.states"))
			break
		}
		seen[st.Key] = true
		states = append(states, st)
	}
	if len(states) == 0 && len(errs) == 0 {
		states = DefaultAnswerStates
	}
	if err := formErrors(errs); err != nil {
		return err
	}
	rawStates, _ := json.Marshal(states)
	now := s.now()
	// The pages and votes read settings and themes from a copy (cache.go), dropped here
	// and on the other app servers by the catalog's invalidation (its generation is part
	// of the copy's).
	defer catalog.Invalidate()
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO proposal_settings (initiative_id, who_may_propose, voting_open, vote_type, max_length,
			report_threshold, opens_at, closes_at, answer_states, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (initiative_id) DO UPDATE SET who_may_propose = excluded.who_may_propose, voting_open = excluded.voting_open,
			vote_type = excluded.vote_type, max_length = excluded.max_length, report_threshold = excluded.report_threshold,
			opens_at = excluded.opens_at, closes_at = excluded.closes_at, answer_states = excluded.answer_states,
			updated_at = excluded.updated_at`,
			i.ID, in.WhoMayPropose, in.VotingOpen, in.VoteType, in.MaxLength, in.ReportThreshold, db.T(in.OpensAt), db.T(in.ClosesAt),
			string(rawStates), db.T(now)); err != nil {
			return err
		}
		keys := make([]any, 0, len(themes)+1)
		keys = append(keys, i.ID)
		for pos, t := range themes {
			keys = append(keys, t.Key)
			if _, err := tx.Exec(ctx, `INSERT INTO proposal_themes (initiative_id, key, name_fr, name_en, position) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (initiative_id, key) DO UPDATE SET name_fr = excluded.name_fr, name_en = excluded.name_en, position = excluded.position`,
				i.ID, t.Key, t.FR, t.EN, pos); err != nil {
				return err
			}
		}
		q := `DELETE FROM proposal_themes WHERE initiative_id = ?`
		if len(themes) > 0 {
			q += ` AND key NOT IN (` + marks(len(themes)) + `)`
		}
		if _, err := tx.Exec(ctx, q, keys...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: i.BodyID, Action: "proposals.settings",
			TargetType: "initiative", TargetID: i.ID, Details: fmt.Sprintf("vote=%s who=%s voting_open=%t", in.VoteType, in.WhoMayPropose, in.VotingOpen), IP: ip})
	})
}

// EntryInput is a contribution entered by staff: an official proposal (managers), or a
// proposal or argument received on paper, by phone, in person or by email, on behalf of
// a named or anonymous person.
type EntryInput struct {
	Kind         string // proposal or argument
	Official     bool
	Channel      string
	OnBehalfName string
	Proposal     ProposalInput
	// ProposalID and Side for an argument.
	ProposalID int64
	Side       string
	Text       string
}

// Enter records a staff entry. Managers and analysts of the body may enter; only
// managers publish official proposals.
func (s *Service) Enter(ctx context.Context, a *participe.Actor, initiativeID int64, in EntryInput, ip string) (int64, error) {
	i, err := s.staffInitiative(ctx, a, initiativeID, participe.RoleManager, participe.RoleAnalyst)
	if err != nil {
		return 0, err
	}
	if in.Official && !a.Has(participe.RoleManager, i.BodyID) {
		return 0, participe.KeyError(participe.EFORBIDDEN, "proposals.error.forbidden")
	}
	if in.Official {
		in.Channel, in.OnBehalfName = contrib.ChannelWeb, ""
	} else if !contrib.ValidChannel(in.Channel) || in.Channel == contrib.ChannelWeb {
		return 0, participe.FieldError("channel", "contrib.error.channel")
	}
	in.OnBehalfName = NormalizeLine(in.OnBehalfName)
	if utf8.RuneCountInString(in.OnBehalfName) > 120 {
		return 0, participe.FieldError("on_behalf", "proposals.error.name_length")
	}
	au := contrib.Author{EnteredBy: a.PersonID, OnBehalfName: in.OnBehalfName}
	now := s.now()
	var id int64
	switch in.Kind {
	case KindProposal:
		if err := formErrors(validateProposal(i, &in.Proposal)); err != nil {
			return 0, err
		}
		err = s.db.Write(ctx, func(tx *db.Tx) error {
			var err error
			id, err = s.insertProposal(ctx, tx, i, in.Proposal, au, in.Channel, in.Official, nil)
			if err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: i.BodyID, Action: "proposals.entry",
				TargetType: "contribution", TargetID: id, Details: fmt.Sprintf("proposal channel=%s official=%t", in.Channel, in.Official), IP: ip})
		})
	case KindArgument:
		text := normalizeText(in.Text)
		if in.Side != "for" && in.Side != "against" {
			return 0, participe.FieldError("side", "proposals.error.side")
		}
		if n := utf8.RuneCountInString(text); n == 0 || n > ArgumentMax {
			return 0, participe.FieldError("text", "proposals.error.argument_length")
		}
		err = s.db.Write(ctx, func(tx *db.Tx) error {
			var pInit int64
			if err := tx.QueryRow(ctx, `SELECT initiative_id FROM proposals WHERE id = ?`, in.ProposalID).Scan(&pInit); err != nil || pInit != i.ID {
				return participe.FieldError("proposal", "proposals.error.proposal")
			}
			var err error
			id, err = contrib.Insert(ctx, tx, now, contrib.New{InitiativeID: i.ID, Tool: Tool, Kind: KindArgument, Author: au, Channel: in.Channel})
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO proposal_arguments (id, proposal_id, side, body) VALUES (?, ?, ?, ?)`, id, in.ProposalID, in.Side, text); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE proposals SET arguments_count = arguments_count + 1, debate_count = debate_count + 1 WHERE id = ?`, in.ProposalID); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: i.BodyID, Action: "proposals.entry",
				TargetType: "contribution", TargetID: id, Details: "argument channel=" + in.Channel, IP: ip})
		})
	default:
		return 0, participe.FieldError("kind", "proposals.error.kind")
	}
	return id, err
}

// SaveAnswer drafts (publish=false) or publishes an official answer to a proposal
// (analysts and managers of the body). A draft never changes what the public sees;
// publishing copies the draft to the public answer and notifies the author and
// followers.
func (s *Service) SaveAnswer(ctx context.Context, a *participe.Actor, proposalID int64, state, text string, publish bool, ip string) error {
	if a.IsAnonymous() {
		return participe.KeyError(participe.EUNAUTHORIZED, "proposals.error.signin")
	}
	var initiativeID int64
	if err := s.queryRow(ctx, `SELECT initiative_id FROM proposals WHERE id = ?`, proposalID).Scan(&initiativeID); err != nil {
		return db.NotFound(err, "proposal not found")
	}
	i, err := s.staffInitiative(ctx, a, initiativeID, participe.RoleManager, participe.RoleAnalyst)
	if err != nil {
		return err
	}
	if _, ok := i.Settings.State(state); !ok {
		return participe.FieldError("state-"+strconv.FormatInt(proposalID, 10), "proposals.error.answer_state")
	}
	text = normalizeText(text)
	if utf8.RuneCountInString(text) > 10000 {
		return participe.FieldError("text-"+strconv.FormatInt(proposalID, 10), "proposals.error.answer_length")
	}
	now := s.now()
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO official_answers (contribution_id, draft_state, draft_text, drafted_at, author_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (contribution_id) DO UPDATE SET draft_state = excluded.draft_state, draft_text = excluded.draft_text,
			drafted_at = excluded.drafted_at, author_id = excluded.author_id`, proposalID, state, text, db.T(now), a.PersonID); err != nil {
			return err
		}
		if !publish {
			return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: i.BodyID, Action: "proposals.answer.draft",
				TargetType: "contribution", TargetID: proposalID, Details: state, IP: ip})
		}
		return s.publishAnswer(ctx, tx, a, i, proposalID, now, ip)
	})
}

func (s *Service) publishAnswer(ctx context.Context, tx *db.Tx, a *participe.Actor, i *Initiative, proposalID int64, now time.Time, ip string) error {
	var state, title string
	if err := tx.QueryRow(ctx, `SELECT oa.draft_state, p.title FROM official_answers oa JOIN proposals p ON p.id = oa.contribution_id
		WHERE oa.contribution_id = ? AND oa.draft_state <> ''`, proposalID).Scan(&state, &title); err != nil {
		return db.NotFound(err, "answer draft not found")
	}
	if _, err := tx.Exec(ctx, `UPDATE official_answers SET state = draft_state, text = draft_text, published_at = ?,
		draft_state = '', draft_text = '' WHERE contribution_id = ?`, db.T(now), proposalID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE proposals SET answer_state = ? WHERE id = ?`, state, proposalID); err != nil {
		return err
	}
	st, _ := i.Settings.State(state)
	if s.notify != nil {
		if err := s.notify.EmitTx(ctx, tx, notify.Event{Kind: notify.KindAnswer, ActorID: a.PersonID, InitiativeID: i.ID, ProposalID: proposalID,
			Title: title, StateFR: st.FR, StateEN: st.EN, URL: proposalURL(i.Slug, proposalID)}); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: i.BodyID, Action: "proposals.answer.publish",
		TargetType: "contribution", TargetID: proposalID, Details: state, IP: ip})
}

// PublishAnswers publishes the pending drafts of the initiative's proposals in ids (all
// drafts when ids is empty). It returns how many were published.
func (s *Service) PublishAnswers(ctx context.Context, a *participe.Actor, initiativeID int64, ids []int64, ip string) (int, error) {
	i, err := s.staffInitiative(ctx, a, initiativeID, participe.RoleManager, participe.RoleAnalyst)
	if err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		n = 0
		q := `SELECT oa.contribution_id FROM official_answers oa JOIN proposals p ON p.id = oa.contribution_id
			WHERE p.initiative_id = ? AND oa.draft_state <> ''`
		args := []any{i.ID}
		if len(ids) > 0 {
			q += ` AND oa.contribution_id IN (` + marks(len(ids)) + `)`
			for _, id := range ids {
				args = append(args, id)
			}
		}
		rows, err := tx.Query(ctx, q+` ORDER BY oa.contribution_id`, args...)
		if err != nil {
			return err
		}
		var todo []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, id)
		}
		rows.Close()
		for _, id := range todo {
			if err := s.publishAnswer(ctx, tx, a, i, id, now, ip); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

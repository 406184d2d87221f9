// Package proposals is the "proposals with arguments and votes" tool (SPEC §3, seed 004)
// and idea collection: proposals grouped by the initiative's own themes, arguments for
// and against, votes, useful marks, threaded comments, staff entry of paper/phone/in
// person contributions, and official answers. The shared parts of every contribution
// (author, channel, status, moderation) live in package contrib.
package proposals

import (
	"encoding/json"
	"strings"
	"time"
)

// Tool is the tool's code in initiative_tools.
const Tool = "proposals"

// Kinds of contributions this tool stores.
const (
	KindProposal = "proposal"
	KindArgument = "argument"
	KindComment  = "comment"
)

// Vote types.
const (
	VoteSupport    = "support"
	VoteForAgainst = "for_against"
)

// Who may propose.
const (
	ProposeParticipants = "participants"
	ProposeStaff        = "staff"
)

// Limits.
const (
	TitleMax       = 200
	TitleMin       = 3
	ArgumentMax    = 1500
	CommentMax     = 3000
	MaxDepth       = 4 // replies nest to depth 4 (top level is 0)
	PerPage        = 20
	CommentsPerBit = 50
	AttachmentMax  = 5 << 20
)

// AnswerState is one state an official answer can take.
type AnswerState struct {
	Key string `json:"key"`
	FR  string `json:"fr"`
	EN  string `json:"en"`
}

// DefaultAnswerStates are the states of SPEC §4 and issue 5.
var DefaultAnswerStates = []AnswerState{
	{"retenue", "Retenue", "Accepted"},
	{"a_l_etude", "À l’étude", "Under study"},
	{"non_retenue", "Non retenue", "Not retained"},
	{"deja_en_place", "Déjà en place", "Already in place"},
	{"hors_champ", "Hors du champ", "Out of scope"},
}

// Settings are the per-initiative settings of the tool.
type Settings struct {
	WhoMayPropose   string
	VotingOpen      bool
	VoteType        string
	MaxLength       int
	ReportThreshold int
	// OpensAt/ClosesAt narrow the initiative's dates for this tool (zero: the
	// initiative's own dates).
	OpensAt      time.Time
	ClosesAt     time.Time
	AnswerStates []AnswerState
}

// DefaultSettings apply when an initiative has no settings row yet.
func DefaultSettings() Settings {
	return Settings{WhoMayPropose: ProposeParticipants, VotingOpen: true, VoteType: VoteForAgainst,
		MaxLength: 5000, ReportThreshold: 3, AnswerStates: DefaultAnswerStates}
}

func parseStates(raw string) []AnswerState {
	var st []AnswerState
	if err := json.Unmarshal([]byte(raw), &st); err != nil || len(st) == 0 {
		return DefaultAnswerStates
	}
	return st
}

// State finds an answer state by key.
func (s Settings) State(key string) (AnswerState, bool) {
	for _, st := range s.AnswerStates {
		if st.Key == key {
			return st, true
		}
	}
	return AnswerState{}, false
}

// Theme is one of the initiative's proposal themes.
type Theme struct {
	ID  int64
	Key string
	FR  string
	EN  string
}

// Initiative is what the tool needs of an initiative.
type Initiative struct {
	ID          int64
	Slug        string
	BodyID      int64
	BodyFR      string
	BodyEN      string
	State       string
	TitleFR     string
	TitleEN     string
	StartsAt    time.Time
	EndsAt      time.Time
	PublishedAt time.Time
	ToolOn      bool
	Settings    Settings
	Themes      []Theme
}

// Public reports whether the public may see the initiative at now.
func (i *Initiative) Public(now time.Time) bool {
	switch i.State {
	case "published", "scheduled", "closed", "archived":
	default:
		return false
	}
	return !i.PublishedAt.IsZero() && !i.PublishedAt.After(now)
}

// Open reports whether contributions are accepted at now: the initiative is public and
// open by its dates and the tool's own dates.
func (i *Initiative) Open(now time.Time) bool {
	if !i.Public(now) || i.State == "closed" || i.State == "archived" {
		return false
	}
	start, end := i.StartsAt, i.EndsAt
	if !i.Settings.OpensAt.IsZero() && i.Settings.OpensAt.After(start) {
		start = i.Settings.OpensAt
	}
	if !i.Settings.ClosesAt.IsZero() && i.Settings.ClosesAt.Before(end) {
		end = i.Settings.ClosesAt
	}
	return !now.Before(start) && now.Before(end)
}

// VotingOpen reports whether votes are accepted at now.
func (i *Initiative) VotingOpen(now time.Time) bool { return i.Open(now) && i.Settings.VotingOpen }

// Theme finds a theme by id.
func (i *Initiative) Theme(id int64) (Theme, bool) {
	for _, t := range i.Themes {
		if t.ID == id {
			return t, true
		}
	}
	return Theme{}, false
}

// Author is how a contribution's author is shown.
type Author struct {
	PersonID int64
	// Pseudonym is empty for a deleted account or a person without an account.
	Pseudonym string
	// Channel is web, paper, phone, in_person or email.
	Channel string
	// EnteredByStaff is true for contributions typed in by staff.
	EnteredByStaff bool
	OnBehalfName   string
	// Organisation names the organisation the person spoke for ("" = themself).
	Organisation string
}

// Proposal is a proposal as lists and its page show it.
type Proposal struct {
	ID           int64
	InitiativeID int64
	ThemeID      int64
	Title        string
	TitleEN      string
	Body         string
	BodyEN       string
	Excerpt      string
	Official     bool
	VotesFor     int64
	VotesAgainst int64
	Arguments    int64
	Comments     int64
	AnswerState  string
	Author       Author
	Status       string
	HiddenReason string
	CreatedAt    time.Time

	AttachmentName string
	AttachmentMime string
	AttachmentSize int64
	// MyVote is the viewer's vote: 1, -1 or 0.
	MyVote int
}

// Hidden reports whether the proposal is withdrawn from public view.
func (p *Proposal) Hidden() bool { return p.Status != "published" }

// Argument is an argument for or against a proposal.
type Argument struct {
	ID           int64
	Side         string
	Body         string
	BodyEN       string
	Useful       int64
	Author       Author
	Status       string
	HiddenReason string
	CreatedAt    time.Time
	MarkedUseful bool
}

// Hidden reports whether the argument is withdrawn.
func (a *Argument) Hidden() bool { return a.Status != "published" }

// Comment is one comment of the thread.
type Comment struct {
	ID           int64
	ParentID     int64
	Path         string
	Depth        int
	Body         string
	Up, Down     int64
	Author       Author
	Status       string
	HiddenReason string
	CreatedAt    time.Time
	MyVote       int
}

// Hidden reports whether the comment is withdrawn.
func (c *Comment) Hidden() bool { return c.Status != "published" }

// CanReply reports whether a reply may nest under the comment.
func (c *Comment) CanReply() bool { return c.Depth < MaxDepth }

// Answer is an official answer.
type Answer struct {
	// State, Text and PublishedAt are the published answer (zero before publication).
	State       string
	Text        string
	PublishedAt time.Time
	// DraftState and DraftText are a pending draft ("" = none).
	DraftState string
	DraftText  string
	DraftedAt  time.Time
}

// Published reports whether an answer was published.
func (a *Answer) Published() bool { return !a.PublishedAt.IsZero() }

// HasDraft reports whether a draft waits for publication.
func (a *Answer) HasDraft() bool { return a.DraftState != "" }

// normalizeText cleans user text: valid UTF-8, no NUL or other control characters
// except newlines and tabs, Windows line ends made Unix, trimmed.
func normalizeText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// NormalizeLine cleans a one-line field (titles, names).
func NormalizeLine(s string) string {
	s = normalizeText(s)
	s = strings.Join(strings.Fields(s), " ")
	return s
}

// NormalizeText is normalizeText for callers outside the package (forms).
func NormalizeText(s string) string { return normalizeText(s) }

// ThemeOf returns the theme with id, or nil (for templates).
func (i *Initiative) ThemeOf(id int64) *Theme {
	if t, ok := i.Theme(id); ok {
		return &t
	}
	return nil
}

// StateOf returns the answer state with key, or nil (for templates).
func (s Settings) StateOf(key string) *AnswerState {
	if st, ok := s.State(key); ok {
		return &st
	}
	return nil
}

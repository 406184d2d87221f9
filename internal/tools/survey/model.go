// Package survey is the survey / questionnaire tool (SPEC §3, issue 6): the builder's
// model and its validation, the condition evaluator, the answer parser and validator,
// responses on every channel (web, paper, phone, in person), aggregated results and
// exports. The web layer only parses forms and calls this package.
package survey

import (
	"time"
)

// Question types.
const (
	TShortText  = "short_text"
	TLongText   = "long_text"
	TSingle     = "single"
	TMultiple   = "multiple"
	TScale      = "scale"
	TMatrix     = "matrix"
	TRanking    = "ranking"
	TNumber     = "number"
	TDate       = "date"
	TEmail      = "email"
	TPostalCode = "postal_code"
	TInfo       = "info"
)

// Types lists the question types in the builder's order.
var Types = []string{TShortText, TLongText, TSingle, TMultiple, TScale, TMatrix, TRanking, TNumber, TDate, TEmail, TPostalCode, TInfo}

// Channels a response can come through (SPEC §4).
const (
	ChannelWeb      = "web"
	ChannelPaper    = "paper"
	ChannelPhone    = "phone"
	ChannelInPerson = "in_person"
)

// Channels lists every channel; StaffChannels those staff enter.
var (
	Channels      = []string{ChannelWeb, ChannelPaper, ChannelPhone, ChannelInPerson}
	StaffChannels = []string{ChannelPaper, ChannelPhone, ChannelInPerson}
)

// Access modes chosen by the manager.
const (
	AccessAccount   = "account"   // signed-in people, one response each
	AccessAnonymous = "anonymous" // anyone, no account
	AccessLink      = "link"      // anyone holding a one-time link
)

// Survey statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Limits that keep answers and definitions bounded.
const (
	MaxShortText = 300
	MaxLongText  = 10000
	MaxSections  = 50
	MaxQuestions = 300
	MaxOptions   = 100
)

// Survey is one questionnaire of an initiative.
type Survey struct {
	ID           int64
	InitiativeID int64
	Purpose      string
	TitleFR      string
	TitleEN      string
	IntroFR      string
	IntroEN      string
	Version      int
	Status       string
	Access       string
	Receipt      bool
	// ResultsPublic: the manager published the results.
	ResultsPublic  bool
	ResponsesCount int64
	PublishedAt    time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Sections       []Section

	// From the initiative.
	BodyID           int64
	Slug             string
	InitiativeTitle  string
	InitiativeTitleE string
	InitiativeState  string
	StartsAt         time.Time
	EndsAt           time.Time
}

// Definition is what is stored as JSON: the sections and their questions.
type Definition struct {
	Sections []Section `json:"sections"`
}

// Section is one page of the survey.
type Section struct {
	Key       string     `json:"key"`
	TitleFR   string     `json:"title_fr"`
	TitleEN   string     `json:"title_en,omitempty"`
	IntroFR   string     `json:"intro_fr,omitempty"`
	IntroEN   string     `json:"intro_en,omitempty"`
	ShowIf    *Condition `json:"show_if,omitempty"`
	Questions []Question `json:"questions"`
}

// Question is one question (or an information block).
type Question struct {
	Key      string `json:"key"`
	Type     string `json:"type"`
	LabelFR  string `json:"label_fr"`
	LabelEN  string `json:"label_en,omitempty"`
	HelpFR   string `json:"help_fr,omitempty"`
	HelpEN   string `json:"help_en,omitempty"`
	Required bool   `json:"required,omitempty"`
	// Display is "radio" (default) or "list" (a select) for single choice.
	Display    string     `json:"display,omitempty"`
	Options    []Option   `json:"options,omitempty"`
	Rows       []Option   `json:"rows,omitempty"`
	Scale      *Scale     `json:"scale,omitempty"`
	MinChoices int        `json:"min_choices,omitempty"`
	MaxChoices int        `json:"max_choices,omitempty"`
	Other      bool       `json:"other_option,omitempty"`
	Min        *float64   `json:"min,omitempty"`
	Max        *float64   `json:"max,omitempty"`
	ShowIf     *Condition `json:"show_if,omitempty"`
	// Personal marks answers that identify someone (name, address): never in public
	// results or exports. Email and postal-code questions are always personal.
	Personal bool `json:"personal,omitempty"`
}

// IsPersonal reports whether the question's answers stay out of public results.
func (q *Question) IsPersonal() bool {
	return q.Personal || q.Type == TEmail || q.Type == TPostalCode
}

// Option is a choice (or a matrix row).
type Option struct {
	Key     string `json:"key"`
	LabelFR string `json:"label_fr"`
	LabelEN string `json:"label_en,omitempty"`
}

// Scale is a numeric scale with labelled ends.
type Scale struct {
	Min        int    `json:"min"`
	Max        int    `json:"max"`
	MinLabelFR string `json:"min_label_fr,omitempty"`
	MinLabelEN string `json:"min_label_en,omitempty"`
	MaxLabelFR string `json:"max_label_fr,omitempty"`
	MaxLabelEN string `json:"max_label_en,omitempty"`
}

// Condition shows a question or section when its clauses hold: all of them (op "and")
// or any of them (op "or").
type Condition struct {
	Op         string   `json:"op"`
	Conditions []Clause `json:"conditions"`
}

// Clause is true when the earlier question's answer equals (or, for multiple choice,
// includes) the option key (or scale value).
type Clause struct {
	Question string `json:"question"`
	Equals   string `json:"equals"`
}

// OtherKey is the option key of the "Autre : ___" choice.
const OtherKey = "_other"

// Answer is one question's answer. Only the field of the question's type is set.
type Answer struct {
	Text    string            `json:"t,omitempty"`
	Choices []string          `json:"c,omitempty"`
	Other   string            `json:"o,omitempty"`
	Rows    map[string]string `json:"r,omitempty"`
	Number  *float64          `json:"n,omitempty"`
}

// Answers maps question keys to answers.
type Answers map[string]Answer

// Response is one person's (or one paper form's) response.
type Response struct {
	ID            int64
	SurveyID      int64
	PersonID      int64
	Reference     string
	ResumeToken   string
	Status        string
	Channel       string
	PaperFormID   string
	RegionCode    string
	AgeGroup      string
	Answers       Answers
	SurveyVersion int
	EnteredBy     int64
	VerifiedBy    int64
	VerifiedAt    time.Time
	VerifyDiff    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   time.Time
}

// Label picks the English text when asked and present.
func Label(lang, fr, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return fr
}

// Questions lists every question of the survey in order.
func (d *Definition) Questions() []*Question {
	var out []*Question
	for si := range d.Sections {
		for qi := range d.Sections[si].Questions {
			out = append(out, &d.Sections[si].Questions[qi])
		}
	}
	return out
}

// Question finds a question by key.
func (d *Definition) Question(key string) *Question {
	for si := range d.Sections {
		for qi := range d.Sections[si].Questions {
			if q := &d.Sections[si].Questions[qi]; q.Key == key {
				return q
			}
		}
	}
	return nil
}

// Def returns the survey's definition view.
func (s *Survey) Def() *Definition { return &Definition{Sections: s.Sections} }

// HasOption reports whether key is one of the question's options.
func (q *Question) HasOption(key string) bool {
	for _, o := range q.Options {
		if o.Key == key {
			return true
		}
	}
	return false
}

// Answerable reports whether the question takes an answer.
func (q *Question) Answerable() bool { return q.Type != TInfo }

// IsChoice reports whether the question's answers are option keys.
func (q *Question) IsChoice() bool {
	return q.Type == TSingle || q.Type == TMultiple || q.Type == TRanking
}

// IsText reports whether the answers are free text listed in results.
func (q *Question) IsText() bool {
	switch q.Type {
	case TShortText, TLongText, TEmail, TPostalCode, TDate:
		return true
	}
	return false
}

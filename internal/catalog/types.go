// Package catalog holds public bodies, themes, regions and initiatives (the fiche), and
// the portal's queries over them: lists, filters, search, calendar and feeds.
package catalog

import (
	"time"
)

// Public statuses of an initiative, derived from its dates and results.
const (
	StatusUpcoming = "upcoming"
	StatusOpen     = "open"
	StatusClosed   = "closed"
	StatusResults  = "results"
)

// Back-office states of an initiative.
const (
	StateDraft     = "draft"
	StateScheduled = "scheduled"
	StatePublished = "published"
	StateClosed    = "closed"
	StateArchived  = "archived"
)

// Participation modes.
var Modes = []string{"online", "in_person", "paper", "phone"}

// Audiences are the target-audience codes.
var Audiences = []string{"population", "jeunes", "aines", "familles", "entreprises", "organismes", "municipalites", "premieres_nations", "milieu_sante", "milieu_education", "experts"}

// Body is a public body (ministry, agency, state corporation).
type Body struct {
	ID            int64
	Slug          string
	Acronym       string
	NameFR        string
	NameEN        string
	Kind          string
	DescriptionFR string
	DescriptionEN string
	MissionFR     string
	MissionEN     string
	Website       string
	Social        []SocialAccount
	// OpenCount and TotalCount count the body's public initiatives.
	OpenCount  int
	TotalCount int
}

// SocialAccount is one of a body's social-media accounts.
type SocialAccount struct {
	Network string
	Handle  string
	URL     string
}

// Theme groups initiatives by subject.
type Theme struct {
	ID            int64
	Slug          string
	NameFR        string
	NameEN        string
	DescriptionFR string
	DescriptionEN string
	Count         int
}

// Region is one of Québec's 17 administrative regions.
type Region struct {
	Code       string
	NameFR     string
	NameEN     string
	Population int64
}

// Mode tells how to take part by one channel.
type Mode struct {
	Mode      string
	DetailsFR string
	DetailsEN string
	Address   string
	Phone     string
	URL       string
}

// Results is the published summary of an initiative's results.
type Results struct {
	SummaryFR   string
	SummaryEN   string
	PublishedAt time.Time
}

// Initiative is the fiche of a participation initiative.
type Initiative struct {
	ID                 int64
	Slug               string
	BodyID             int64
	Body               Body
	Kind               string
	State              string
	Featured           bool
	TitleFR            string
	TitleEN            string
	SummaryFR          string
	SummaryEN          string
	DescriptionFR      string
	DescriptionEN      string
	HowFR              string
	HowEN              string
	UseFR              string
	UseEN              string
	AccessibilityFR    string
	AccessibilityEN    string
	PartnersFR         string
	PartnersEN         string
	ContactName        string
	ContactEmail       string
	ContactPhone       string
	StartsAt           time.Time
	EndsAt             time.Time
	PublishedAt        time.Time
	ResultsPublishedAt time.Time
	ParticipantsCount  int64
	CreatedAt          time.Time
	UpdatedAt          time.Time

	Themes    []Theme
	Regions   []Region
	Audiences []string
	Modes     []Mode
	Tools     []string
	Results   *Results
	// Status is the public status at the time the initiative was loaded.
	Status string
}

// PublicStatus derives the public status at now.
func (i *Initiative) PublicStatus(now time.Time) string {
	switch {
	case !i.ResultsPublishedAt.IsZero() && !i.ResultsPublishedAt.After(now):
		return StatusResults
	case now.Before(i.StartsAt):
		return StatusUpcoming
	case now.Before(i.EndsAt):
		return StatusOpen
	default:
		return StatusClosed
	}
}

// IsOpen reports whether contributions are accepted now (by its dates and state).
func (i *Initiative) IsOpen(now time.Time) bool {
	return (i.State == StatePublished || i.State == StateScheduled) && !now.Before(i.StartsAt) && now.Before(i.EndsAt)
}

// HasMode reports whether the initiative offers a participation mode.
func (i *Initiative) HasMode(mode string) bool {
	for _, m := range i.Modes {
		if m.Mode == mode {
			return true
		}
	}
	return false
}

// HasTool reports whether the initiative uses a participation tool.
func (i *Initiative) HasTool(tool string) bool {
	for _, t := range i.Tools {
		if t == tool {
			return true
		}
	}
	return false
}

// CreatedAtOr returns CreatedAt, or t when it is not loaded (lists).
func (i *Initiative) CreatedAtOr(t time.Time) time.Time {
	if i.CreatedAt.IsZero() {
		return t
	}
	return i.CreatedAt
}

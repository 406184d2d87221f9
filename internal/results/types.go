package results

import "time"

// Follow-up statuses.
const (
	StatusPlanned    = "planned"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusDropped    = "dropped"
)

// Statuses lists follow-up statuses in display order.
var Statuses = []string{StatusPlanned, StatusInProgress, StatusDone, StatusDropped}

func validStatus(s string) bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Results are an initiative's results as written by its managers.
type Results struct {
	InitiativeID int64
	SummaryFR    string
	SummaryEN    string
	PublishedAt  time.Time
	Themes       []Theme
	Documents    []Document
	FollowUps    []FollowUp
}

// Published reports whether the results are public at now.
func (r *Results) Published(now time.Time) bool {
	return r != nil && !r.PublishedAt.IsZero() && !r.PublishedAt.After(now)
}

// Theme is a theme that emerged, with its synthesis and the contributions in it.
type Theme struct {
	ID          int64
	Position    int
	TitleFR     string
	TitleEN     string
	SynthesisFR string
	SynthesisEN string
	LinkPath    string
	Items       []ItemRef
}

// ItemRef points to a contribution (kind "proposal", …) with its title and local path.
type ItemRef struct {
	Kind    string
	ID      int64
	TitleFR string
	TitleEN string
	Path    string
}

// Document is an attached document (final report).
type Document struct {
	ID           int64
	InitiativeID int64
	TitleFR      string
	TitleEN      string
	Filename     string
	ContentType  string
	Size         int64
	CreatedAt    time.Time
}

// FollowUp is one commitment ("suite prévue") tracked to completion.
type FollowUp struct {
	ID                int64
	InitiativeID      int64
	InitiativeSlug    string
	InitiativeTitleFR string
	InitiativeTitleEN string
	BodyID            int64 // the initiative's body (scope of writes)
	ResponsibleBodyID int64
	ResponsibleSlug   string
	ResponsibleFR     string
	ResponsibleEN     string
	ThemeKey          string
	Position          int
	TitleFR           string
	TitleEN           string
	DescriptionFR     string
	DescriptionEN     string
	Status            string
	DroppedReasonFR   string
	DroppedReasonEN   string
	Progress          int
	DueAt             time.Time
	DoneAt            time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Updates           []Update
	Links             []ItemRef
}

// Late reports whether the follow-up is past due and neither done nor dropped.
func (f *FollowUp) Late(now time.Time) bool {
	return !f.DueAt.IsZero() && now.After(f.DueAt) && f.Status != StatusDone && f.Status != StatusDropped
}

// Update is one dated update of a follow-up.
type Update struct {
	ID       int64
	At       time.Time
	Status   string
	Progress int
	TextFR   string
	TextEN   string
}

// Count is one labelled number of a breakdown.
type Count struct {
	Key string
	N   int64
}

// Figures are the key figures of an initiative, computed from the data.
type Figures struct {
	Participants     int64
	DeclaredOnly     bool // no contribution data: the figure is the declared participant count
	Contributions    int64
	ByTool           []Count
	ByChannel        []Count
	Votes            int64
	Proposals        int64
	Arguments        int64
	Comments         int64
	SurveyResponses  int64
	Answered         int64
	Answerable       int64
	FollowUps        int64
	FollowUpsDone    int64
	FollowUpsLate    int64
	FollowUpsDropped int64
}

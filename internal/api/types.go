package api

// JSON shapes of the API (documented in openapi.go; a test checks responses against it).

// Text is a text in both languages.
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// BodyRef names a public body.
type BodyRef struct {
	Slug string `json:"slug"`
	Name Text   `json:"name"`
}

// Initiative is an initiative in the API.
type Initiative struct {
	ID                 int64    `json:"id"`
	Slug               string   `json:"slug"`
	Title              Text     `json:"title"`
	Summary            Text     `json:"summary"`
	Body               BodyRef  `json:"body"`
	Kind               string   `json:"kind"`
	Status             string   `json:"status"`
	StartsAt           string   `json:"starts_at"`
	EndsAt             string   `json:"ends_at"`
	Themes             []string `json:"themes"`
	Participants       int64    `json:"participants"`
	ResultsPublishedAt *string  `json:"results_published_at"`
	URL                string   `json:"url"`
}

// Body is a public body.
type Body struct {
	ID      int64  `json:"id"`
	Slug    string `json:"slug"`
	Acronym string `json:"acronym"`
	Name    Text   `json:"name"`
	Kind    string `json:"kind"`
	Website string `json:"website"`
	URL     string `json:"url"`
}

// Theme is a theme of the catalogue.
type Theme struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name Text   `json:"name"`
}

// Contribution is an anonymised contribution.
type Contribution struct {
	ID           int64  `json:"id"`
	Initiative   string `json:"initiative"`
	Tool         string `json:"tool"`
	Kind         string `json:"kind"`
	ParentID     *int64 `json:"parent_id"`
	Channel      string `json:"channel"`
	AuthorKind   string `json:"author_kind"`
	Status       string `json:"status"`
	CreatedAt    string `json:"created_at"`
	Title        string `json:"title"`
	Text         string `json:"text"`
	Side         string `json:"side"`
	VotesFor     int64  `json:"votes_for"`
	VotesAgainst int64  `json:"votes_against"`
	AnswerState  string `json:"answer_state"`
}

// Answer is a published official answer.
type Answer struct {
	ContributionID int64  `json:"contribution_id"`
	Initiative     string `json:"initiative"`
	State          string `json:"state"`
	Text           string `json:"text"`
	PublishedAt    string `json:"published_at"`
}

// Update is a dated update of a follow-up.
type Update struct {
	ID       int64  `json:"id"`
	At       string `json:"at"`
	Status   string `json:"status"`
	Progress int    `json:"progress"`
	Text     Text   `json:"text"`
}

// FollowUp is a follow-up ("suite prévue").
type FollowUp struct {
	ID              int64    `json:"id"`
	Initiative      string   `json:"initiative"`
	Title           Text     `json:"title"`
	Description     Text     `json:"description"`
	ResponsibleBody BodyRef  `json:"responsible_body"`
	Status          string   `json:"status"`
	Progress        int      `json:"progress"`
	DueDate         *string  `json:"due_date"`
	DoneDate        *string  `json:"done_date"`
	DroppedReason   Text     `json:"dropped_reason"`
	Late            bool     `json:"late"`
	Proposals       []int64  `json:"proposals"`
	Updates         []Update `json:"updates"`
	URL             string   `json:"url"`
}

// ResultTheme is a theme that emerged.
type ResultTheme struct {
	Title         Text    `json:"title"`
	Synthesis     Text    `json:"synthesis"`
	Contributions []int64 `json:"contributions"`
}

// Figures are key figures.
type Figures struct {
	Participants    int64            `json:"participants"`
	Contributions   int64            `json:"contributions"`
	Votes           int64            `json:"votes"`
	SurveyResponses int64            `json:"survey_responses"`
	ByChannel       map[string]int64 `json:"by_channel"`
	ByTool          map[string]int64 `json:"by_tool"`
}

// Results are an initiative's published results.
type Results struct {
	Initiative  string        `json:"initiative"`
	Title       Text          `json:"title"`
	Body        BodyRef       `json:"body"`
	Summary     Text          `json:"summary"`
	PublishedAt string        `json:"published_at"`
	Figures     *Figures      `json:"figures,omitempty"`
	Themes      []ResultTheme `json:"themes,omitempty"`
	FollowUps   []FollowUp    `json:"follow_ups,omitempty"`
	URL         string        `json:"url"`

	initiativeID int64 // the list's cursor position (not in the JSON)
}

// CursorID is the initiative id a list of results is paged by.
func (r *Results) CursorID() int64 { return r.initiativeID }

// List is a page of a list with the cursor of the next page.
type List[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// AnswerInput is the body of POST /api/v1/answers.
type AnswerInput struct {
	ContributionID int64  `json:"contribution_id"`
	State          string `json:"state"`
	Text           string `json:"text"`
	Publish        *bool  `json:"publish"`
}

// UpdateInput is the body of POST /api/v1/follow-ups/{id}/updates.
type UpdateInput struct {
	Status          string `json:"status"`
	Progress        *int   `json:"progress"`
	TextFR          string `json:"text_fr"`
	TextEN          string `json:"text_en"`
	DroppedReasonFR string `json:"dropped_reason_fr"`
	DroppedReasonEN string `json:"dropped_reason_en"`
}

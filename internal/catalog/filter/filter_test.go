package filter

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  Filter
		probs []Problem
	}{
		{
			name:  "empty",
			query: "",
			want:  Filter{Sort: SortClosing, Page: 1},
		},
		{
			name:  "everything",
			query: "q=%C3%A9lectricit%C3%A9&theme=sante&theme=energie&body=hydro-quebec&mode=online&mode=paper&status=open&region=06&audience=jeunes&from=2026-11-01&to=2026-12-31&sort=popular&page=3",
			want: Filter{
				Q: "électricité", Themes: []string{"energie", "sante"}, Bodies: []string{"hydro-quebec"},
				Modes: []string{"online", "paper"}, Statuses: []string{"open"}, Regions: []string{"06"},
				Audiences: []string{"jeunes"}, From: day(2026, 11, 1), To: day(2026, 12, 31),
				Sort: SortPopular, Page: 3,
			},
		},
		{
			name:  "comma lists, duplicates, case, spaces",
			query: "theme=Sante,%20energie,,sante&theme=energie&mode=IN-PERSON,phone&region=6,06,17",
			want: Filter{Themes: []string{"energie", "sante"}, Modes: []string{"in_person", "phone"},
				Regions: []string{"06", "17"}, Sort: SortClosing, Page: 1},
		},
		{
			name:  "empty select values are not problems",
			query: "theme=&body=&mode=&status=&region=&audience=&from=&to=&sort=&page=&q=",
			want:  Filter{Sort: SortClosing, Page: 1},
		},
		{
			name:  "bad values dropped and reported",
			query: "theme=Santé&body=a_b&mode=fax&status=draft&region=18&region=0&audience=tous&sort=random&page=abc&theme=ok",
			want:  Filter{Themes: []string{"ok"}, Sort: SortClosing, Page: 1},
			probs: []Problem{
				{Field: "theme", Code: CodeUnknownValue, Value: "Santé"},
				{Field: "body", Code: CodeUnknownValue, Value: "a_b"},
				{Field: "mode", Code: CodeUnknownValue, Value: "fax"},
				{Field: "status", Code: CodeUnknownValue, Value: "draft"},
				{Field: "region", Code: CodeUnknownValue, Value: "18"},
				{Field: "region", Code: CodeUnknownValue, Value: "0"},
				{Field: "audience", Code: CodeUnknownValue, Value: "tous"},
				{Field: "sort", Code: CodeUnknownValue, Value: "random"},
				{Field: "page", Code: CodeInvalidPage, Value: "abc"},
			},
		},
		{
			name:  "French dates",
			query: "from=1/2/2026&to=28/02/2026",
			want:  Filter{From: day(2026, 2, 1), To: day(2026, 2, 28), Sort: SortClosing, Page: 1},
		},
		{
			name:  "invalid dates",
			query: "from=2026-02-30&to=2026/11/23",
			want:  Filter{Sort: SortClosing, Page: 1},
			probs: []Problem{
				{Field: "from", Code: CodeInvalidDate, Value: "2026-02-30"},
				{Field: "to", Code: CodeInvalidDate, Value: "2026/11/23"},
			},
		},
		{
			name:  "more invalid dates",
			query: "from=%2B026-01-01&to=31/12/99999",
			want:  Filter{Sort: SortClosing, Page: 1},
			probs: []Problem{
				{Field: "from", Code: CodeInvalidDate, Value: "+026-01-01"},
				{Field: "to", Code: CodeInvalidDate, Value: "31/12/99999"},
			},
		},
		{
			name:  "from after to",
			query: "from=2026-12-01&to=2026-11-01",
			want:  Filter{Sort: SortClosing, Page: 1},
			probs: []Problem{{Field: "to", Code: CodeRange, Value: "2026-11-01"}},
		},
		{
			name:  "same day is a valid range",
			query: "from=2026-11-23&to=23/11/2026",
			want:  Filter{From: day(2026, 11, 23), To: day(2026, 11, 23), Sort: SortClosing, Page: 1},
		},
		{
			name:  "keywords make relevance the default",
			query: "q=++sant%C3%A9%0A%0Apublique++",
			want:  Filter{Q: "santé publique", Sort: SortRelevance, Page: 1},
		},
		{
			name:  "relevance without keywords falls back",
			query: "sort=relevance",
			want:  Filter{Sort: SortClosing, Page: 1},
		},
		{
			name:  "explicit sort with keywords",
			query: "q=x&sort=NEWEST",
			want:  Filter{Q: "x", Sort: SortNewest, Page: 1},
		},
		{
			name:  "page too large",
			query: "page=10001",
			want:  Filter{Sort: SortClosing, Page: MaxPage},
			probs: []Problem{{Field: "page", Code: CodeInvalidPage, Value: "10001"}},
		},
		{
			name:  "page zero and negative",
			query: "page=0&page=2",
			want:  Filter{Sort: SortClosing, Page: 1},
			probs: []Problem{{Field: "page", Code: CodeInvalidPage, Value: "0"}},
		},
		{
			name:  "unknown keys ignored",
			query: "utm_source=x&lang=en",
			want:  Filter{Sort: SortClosing, Page: 1},
		},
		{
			name:  "long keywords cut",
			query: "q=" + strings.Repeat("%C3%A9", 300),
			want:  Filter{Q: strings.Repeat("é", MaxQRunes), Sort: SortRelevance, Page: 1},
			probs: []Problem{{Field: "q", Code: CodeTooLong}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, probs := ParseQuery(tt.query)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got  %+v\n want %+v", tt.query, got, tt.want)
			}
			if !reflect.DeepEqual(probs, tt.probs) {
				t.Errorf("problems\n got  %+v\n want %+v", probs, tt.probs)
			}
			// Round trip through the canonical form.
			again, p2 := Parse(got.Values())
			if !reflect.DeepEqual(again, got) || len(p2) > 0 {
				t.Errorf("Parse(Values()) = %+v, %+v; want %+v", again, p2, got)
			}
		})
	}
}

func TestListCap(t *testing.T) {
	v := url.Values{}
	for i := range 30 {
		v.Add(KeyTheme, "t"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	f, probs := Parse(v)
	if len(f.Themes) != MaxListValues {
		t.Errorf("%d themes, want %d", len(f.Themes), MaxListValues)
	}
	if want := []Problem{{Field: KeyTheme, Code: CodeTooMany}}; !reflect.DeepEqual(probs, want) {
		t.Errorf("problems %+v, want %+v", probs, want)
	}

	// Thousands of raw values cost nothing and are reported once.
	v = url.Values{KeyMode: make([]string, 10000)}
	for i := range v[KeyMode] {
		v[KeyMode][i] = "online"
	}
	f, probs = Parse(v)
	if !reflect.DeepEqual(f.Modes, []string{"online"}) || len(probs) != 1 || probs[0].Code != CodeTooMany {
		t.Errorf("10000 modes: %+v, %+v", f.Modes, probs)
	}
}

func TestParseQueryLimit(t *testing.T) {
	raw := "theme=a&" + strings.Repeat("x=1&", 1100) + "theme=b"
	f, probs := ParseQuery(raw)
	if !reflect.DeepEqual(f.Themes, []string{"a"}) {
		t.Errorf("themes %q, want only the part that fits", f.Themes)
	}
	if len(probs) == 0 || probs[0] != (Problem{Code: CodeTooLong}) {
		t.Errorf("problems %+v, want too_long first", probs)
	}
	// One huge value without '&': nothing fits.
	f, _ = ParseQuery("q=" + strings.Repeat("a", 5000))
	if f.Q != "" {
		t.Errorf("Q = %q, want empty", f.Q)
	}
	// Malformed escapes drop only their pair.
	f, _ = ParseQuery("q=%zz&theme=ok")
	if !reflect.DeepEqual(f.Themes, []string{"ok"}) {
		t.Errorf("themes %q after a bad escape", f.Themes)
	}
}

func TestValues(t *testing.T) {
	f := Filter{
		Q: "santé", Themes: []string{"sante", "energie"}, Regions: []string{"06"},
		From: day(2026, 1, 2), Sort: SortRelevance, Page: 2,
	}
	want := "from=2026-01-02&page=2&q=sant%C3%A9&region=06&theme=energie&theme=sante"
	if got := f.Values().Encode(); got != want {
		t.Errorf("Values = %s\nwant     %s", got, want)
	}
	if got := (Filter{Sort: SortClosing, Page: 1}).Values().Encode(); got != "" {
		t.Errorf("zero filter Values = %q, want empty", got)
	}
	if got := (Filter{Sort: SortNewest, Page: 1}).Values().Encode(); got != "sort=newest" {
		t.Errorf("Values = %q", got)
	}
}

func TestWithWithout(t *testing.T) {
	f, _ := ParseQuery("theme=sante&mode=online&page=4")
	g := f.With(KeyTheme, "energie")
	if !reflect.DeepEqual(g.Themes, []string{"energie", "sante"}) || g.Page != 1 {
		t.Errorf("With theme: %+v", g)
	}
	if !reflect.DeepEqual(f.Themes, []string{"sante"}) || f.Page != 4 {
		t.Errorf("With changed the receiver: %+v", f)
	}
	if g := f.With(KeyTheme, "Not a slug"); !reflect.DeepEqual(g.Themes, f.Themes) {
		t.Errorf("With invalid slug: %+v", g.Themes)
	}
	if g := f.With(KeyQ, "forêt"); g.Q != "forêt" || g.Sort != SortRelevance {
		t.Errorf("With q: %+v", g)
	}
	if g := f.With(KeySort, SortPopular); g.Sort != SortPopular {
		t.Errorf("With sort: %+v", g)
	}
	if g := f.With(KeyPage, "7"); g.Page != 7 {
		t.Errorf("With page: %+v", g)
	}
	if g := f.With(KeyRegion, "3"); !reflect.DeepEqual(g.Regions, []string{"03"}) {
		t.Errorf("With region: %+v", g.Regions)
	}
	h := f.Without(KeyTheme, "sante")
	if h.Themes != nil || !reflect.DeepEqual(h.Modes, []string{"online"}) || h.Page != 1 {
		t.Errorf("Without theme: %+v", h)
	}
	if h := f.Without(KeyMode, "ONLINE"); h.Modes != nil {
		t.Errorf("Without mode (case): %+v", h.Modes)
	}
	q, _ := ParseQuery("q=x&sort=relevance&from=2026-01-01")
	if h := q.Without(KeyQ, ""); h.Q != "" || h.Sort != SortClosing || !h.From.Equal(day(2026, 1, 1)) {
		t.Errorf("Without q: %+v", h)
	}
	if h := q.Without(KeyFrom, ""); !h.From.IsZero() || h.Q != "x" {
		t.Errorf("Without from: %+v", h)
	}
}

func TestPageValues(t *testing.T) {
	f, _ := ParseQuery("theme=sante&page=3")
	for _, tt := range []struct {
		n    int
		want string
	}{
		{1, "theme=sante"},
		{2, "page=2&theme=sante"},
		{0, "theme=sante"},
		{-5, "theme=sante"},
		{MaxPage + 1, "page=10000&theme=sante"},
	} {
		if got := f.PageValues(tt.n).Encode(); got != tt.want {
			t.Errorf("PageValues(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestIsZeroActive(t *testing.T) {
	z, _ := ParseQuery("sort=newest&page=3")
	if !z.IsZero() || len(z.Active()) != 0 {
		t.Errorf("sort and page only: IsZero=%v Active=%+v", z.IsZero(), z.Active())
	}
	f, _ := ParseQuery("q=for%C3%AAt&theme=sante&region=06&from=2026-01-01&to=2026-02-01&sort=popular")
	if f.IsZero() {
		t.Error("IsZero = true with filters")
	}
	want := []Chip{
		{Key: KeyQ, Value: "forêt", Remove: "from=2026-01-01&region=06&sort=popular&theme=sante&to=2026-02-01"},
		{Key: KeyTheme, Value: "sante", Remove: "from=2026-01-01&q=for%C3%AAt&region=06&sort=popular&to=2026-02-01"},
		{Key: KeyRegion, Value: "06", Remove: "from=2026-01-01&q=for%C3%AAt&sort=popular&theme=sante&to=2026-02-01"},
		{Key: KeyFrom, Value: "2026-01-01", Remove: "q=for%C3%AAt&region=06&sort=popular&theme=sante&to=2026-02-01"},
		{Key: KeyTo, Value: "2026-02-01", Remove: "from=2026-01-01&q=for%C3%AAt&region=06&sort=popular&theme=sante"},
	}
	if got := f.Active(); !reflect.DeepEqual(got, want) {
		t.Errorf("Active =\n%+v\nwant\n%+v", got, want)
	}
	for _, name := range []string{"Modes", "Statuses", "Audiences", "Sorts", "Regions"} {
		var l []string
		switch name {
		case "Modes":
			l = Modes()
		case "Statuses":
			l = Statuses()
		case "Audiences":
			l = Audiences()
		case "Sorts":
			l = Sorts()
		case "Regions":
			l = Regions()
		}
		for _, v := range l {
			key := map[string]string{"Modes": KeyMode, "Statuses": KeyStatus, "Audiences": KeyAudience, "Sorts": KeySort, "Regions": KeyRegion}[name]
			if key == KeySort && v == SortRelevance {
				continue
			}
			if f, p := Parse(url.Values{key: {v}}); len(p) > 0 || (key != KeySort && f.IsZero()) {
				t.Errorf("%s value %q not accepted: %+v", name, v, p)
			}
		}
	}
	if r := Regions(); len(r) != 17 || r[0] != "01" || r[16] != "17" {
		t.Errorf("Regions() = %q", r)
	}
}

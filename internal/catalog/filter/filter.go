// Package filter parses the query string of the portal's initiative list
// (/initiatives?theme=sante&mode=online&q=électricité…) into a Filter, and
// writes a Filter back as a canonical query string for links: pagination,
// sort, and "remove this filter" chips.
//
// Parsing never fails: a value that is not understood is dropped and
// reported as a Problem, so the page can still show results and say that
// some filters were not recognized (the page does the wording, in the
// person's language). Whether a theme or body slug exists is checked by the
// catalog, not here: this package only checks shapes and closed lists.
//
// The package has no web or database import.
package filter

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Query-string keys.
const (
	KeyQ        = "q"
	KeyTheme    = "theme"
	KeyBody     = "body"
	KeyMode     = "mode"
	KeyStatus   = "status"
	KeyRegion   = "region"
	KeyAudience = "audience"
	KeyFrom     = "from"
	KeyTo       = "to"
	KeySort     = "sort"
	KeyPage     = "page"
)

// Sort orders.
const (
	SortClosing   = "closing"   // closing date, soonest first (default without Q)
	SortNewest    = "newest"    // most recently published first
	SortPopular   = "popular"   // most participants first
	SortRelevance = "relevance" // full-text rank (default with Q; only with Q)
)

// Limits.
const (
	MaxQRunes      = 200   // longer keywords are cut (Problem too_long)
	MaxListValues  = 20    // values kept per list (Problem too_many)
	MaxPage        = 10000 // highest page number
	MaxSlugLen     = 80    // ^[a-z0-9-]{1,80}$
	MaxQueryString = 4096  // ParseQuery reads at most this many bytes
	DateLayout     = "2006-01-02"
	maxRawValues   = 64   // raw values read per key
	maxRawValueLen = 4096 // longer raw values are rejected whole
)

// Problem codes.
const (
	CodeUnknownValue = "unknown_value" // not in the closed list, or not a slug
	CodeInvalidDate  = "invalid_date"  // neither YYYY-MM-DD nor DD/MM/YYYY, or not a real day
	CodeRange        = "range"         // From after To (both dropped)
	CodeTooLong      = "too_long"      // Q cut, a huge value skipped, or query string cut
	CodeTooMany      = "too_many"      // more than MaxListValues values
	CodeInvalidPage  = "invalid_page"  // not an integer in 1..MaxPage
)

var (
	modes     = []string{"online", "in_person", "paper", "phone"}
	statuses  = []string{"upcoming", "open", "closed", "results"}
	audiences = []string{"population", "jeunes", "aines", "familles", "entreprises", "organismes",
		"municipalites", "premieres_nations", "milieu_sante", "milieu_education", "experts"}
	sorts = []string{SortClosing, SortNewest, SortPopular, SortRelevance}
)

// Modes returns the participation modes, in display order.
func Modes() []string { return slices.Clone(modes) }

// Statuses returns the public statuses, in display order.
func Statuses() []string { return slices.Clone(statuses) }

// Audiences returns the target audiences, in display order.
func Audiences() []string { return slices.Clone(audiences) }

// Sorts returns the sort orders, in display order.
func Sorts() []string { return slices.Clone(sorts) }

// Regions returns the administrative region codes "01".."17".
func Regions() []string {
	out := make([]string, 17)
	for i := range out {
		out[i] = regionCode(i + 1)
	}
	return out
}

func regionCode(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Filter is the state of the initiative list. Lists are sorted and
// deduplicated (nil when empty); dates are civil days at 00:00 UTC (the
// catalog reads them as Québec days: From inclusive, To inclusive, i.e.
// before To + 1 day); Sort is always the effective order; Page is >= 1.
type Filter struct {
	Q         string
	Themes    []string // slugs
	Bodies    []string // slugs
	Modes     []string // online, in_person, paper, phone
	Statuses  []string // upcoming, open, closed, results
	Regions   []string // "01".."17"
	Audiences []string
	From, To  time.Time // zero when absent
	Sort      string
	Page      int
}

// Problem is a value of the query string that was dropped or changed.
type Problem struct {
	Field string // query-string key ("theme"), "" for the query string as a whole
	Code  string // Code… constants
	Value string // the offending value, cut to 80 runes (for logs; escape when shown)
}

// Chip is one active filter, for the "remove this filter" list.
type Chip struct {
	Key    string // query-string key: q, theme, body, mode, status, region, audience, from, to
	Value  string // the value (slug, code, "2026-11-23" for dates); the page turns it into a label
	Remove string // encoded query string of the same list without this filter ("" when none left)
}

// defaultSort is the order used when none (or an impossible one) is given.
func defaultSort(q string) string {
	if q != "" {
		return SortRelevance
	}
	return SortClosing
}

// ParseQuery parses a raw query string (r.URL.RawQuery), reading at most
// MaxQueryString bytes (cut at the last '&' that fits). Malformed escapes
// drop only the pair they are in.
func ParseQuery(raw string) (Filter, []Problem) {
	var probs []Problem
	if len(raw) > MaxQueryString {
		cut := strings.LastIndexByte(raw[:MaxQueryString+1], '&')
		if cut < 0 {
			cut = 0
		}
		raw = raw[:cut]
		probs = append(probs, Problem{Code: CodeTooLong})
	}
	v, _ := url.ParseQuery(raw) // keeps every pair it could decode
	f, more := Parse(v)
	return f, append(probs, more...)
}

// Parse reads the known keys of v; unknown keys are ignored. Repeated keys
// (theme=a&theme=b) and comma lists (theme=a,b) are both accepted. Empty
// values (an "all" option of a select) are ignored without a problem.
func Parse(v url.Values) (Filter, []Problem) {
	p := parser{v: v}
	f := Filter{
		Q:         p.q(),
		Themes:    p.list(KeyTheme, normSlug),
		Bodies:    p.list(KeyBody, normSlug),
		Modes:     p.list(KeyMode, normEnum(modes)),
		Statuses:  p.list(KeyStatus, normEnum(statuses)),
		Regions:   p.list(KeyRegion, normRegion),
		Audiences: p.list(KeyAudience, normEnum(audiences)),
		From:      p.date(KeyFrom),
		To:        p.date(KeyTo),
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		p.problem(KeyTo, CodeRange, f.To.Format(DateLayout))
		f.From, f.To = time.Time{}, time.Time{}
	}
	f.Sort = p.sort(f.Q)
	f.Page = p.page()
	return f, p.probs
}

type parser struct {
	v     url.Values
	probs []Problem
}

func (p *parser) problem(field, code, value string) {
	value = strings.ToValidUTF8(value, "\uFFFD")
	if r := []rune(value); len(r) > 80 {
		value = string(r[:80])
	}
	pr := Problem{Field: field, Code: code, Value: value}
	if !slices.Contains(p.probs, pr) {
		p.probs = append(p.probs, pr)
	}
}

// values returns the raw values of key, skipping empty and huge ones.
func (p *parser) values(key string) []string {
	raw := p.v[key]
	if len(raw) > maxRawValues {
		raw = raw[:maxRawValues]
		p.problem(key, CodeTooMany, "")
	}
	var out []string
	for _, s := range raw {
		if len(s) > maxRawValueLen {
			p.problem(key, CodeTooLong, s)
			continue
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// first returns the first non-empty value of key.
func (p *parser) first(key string) string {
	if vs := p.values(key); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// q cleans the keywords: valid UTF-8, control characters and runs of
// spaces become one space, at most MaxQRunes runes.
func (p *parser) q() string {
	raw := p.first(KeyQ)
	q := cleanQ(raw)
	if r := []rune(q); len(r) > MaxQRunes {
		q = strings.TrimSpace(string(r[:MaxQRunes]))
		p.problem(KeyQ, CodeTooLong, "")
	}
	return q
}

func cleanQ(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// list reads a list key: every value, comma-separated items, normalized by
// norm (ok=false: dropped with CodeUnknownValue), sorted, deduplicated and
// capped.
func (p *parser) list(key string, norm func(string) (string, bool)) []string {
	var out []string
	for _, v := range p.values(key) {
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			n, ok := norm(item)
			if !ok {
				p.problem(key, CodeUnknownValue, item)
				continue
			}
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	if len(out) > MaxListValues {
		out = out[:MaxListValues]
		p.problem(key, CodeTooMany, "")
	}
	return out
}

// normSlug lower-cases and checks ^[a-z0-9-]{1,80}$.
func normSlug(s string) (string, bool) {
	s = strings.ToLower(s)
	if len(s) == 0 || len(s) > MaxSlugLen {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "", false
		}
	}
	return s, true
}

// normEnum accepts a value of a closed list, ignoring case and "-" for "_".
func normEnum(allowed []string) func(string) (string, bool) {
	return func(s string) (string, bool) {
		s = strings.ReplaceAll(strings.ToLower(s), "-", "_")
		if slices.Contains(allowed, s) {
			return s, true
		}
		return "", false
	}
}

// normRegion accepts "01".."17" and also "1".."17".
func normRegion(s string) (string, bool) {
	if len(s) == 0 || len(s) > 2 {
		return "", false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 17 || s[0] == '+' || s[0] == '-' {
		return "", false
	}
	return regionCode(n), true
}

// date reads YYYY-MM-DD or DD/MM/YYYY (day and month may have one digit).
func (p *parser) date(key string) time.Time {
	s := p.first(key)
	if s == "" {
		return time.Time{}
	}
	t, ok := parseDate(s)
	if !ok {
		p.problem(key, CodeInvalidDate, s)
	}
	return t
}

func parseDate(s string) (time.Time, bool) {
	var y, m, d int
	if parts := strings.Split(s, "-"); len(parts) == 3 && len(parts[0]) == 4 && len(parts[1]) == 2 && len(parts[2]) == 2 {
		y, m, d = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	} else if parts := strings.Split(s, "/"); len(parts) == 3 && len(parts[2]) == 4 &&
		len(parts[0]) >= 1 && len(parts[0]) <= 2 && len(parts[1]) >= 1 && len(parts[1]) <= 2 {
		d, m, y = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	} else {
		return time.Time{}, false
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31/02 rolled over into March
		return time.Time{}, false
	}
	return t, true
}

// atoi parses ASCII digits only (no sign, no spaces); -1 otherwise.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// sort reads the order; relevance without keywords falls back silently to
// the default (the sort select may stay on it after the keywords are
// removed).
func (p *parser) sort(q string) string {
	s := strings.ToLower(p.first(KeySort))
	switch {
	case s == "":
		return defaultSort(q)
	case s == SortRelevance && q == "":
		return SortClosing
	case slices.Contains(sorts, s):
		return s
	}
	p.problem(KeySort, CodeUnknownValue, s)
	return defaultSort(q)
}

func (p *parser) page() int {
	s := p.first(KeyPage)
	if s == "" {
		return 1
	}
	n := atoi(s)
	if len(s) > 6 || n < 1 {
		p.problem(KeyPage, CodeInvalidPage, s)
		return 1
	}
	if n > MaxPage {
		p.problem(KeyPage, CodeInvalidPage, s)
		return MaxPage
	}
	return n
}

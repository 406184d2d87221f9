package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"participe/internal/participe"
	"participe/internal/results"
)

// resultsPage is the Page of the results area with its label helpers.
type resultsPage struct {
	Page
	now time.Time
}

func (h *resultsHandlers) newPage(r *http.Request, titleKey string, args ...any) resultsPage {
	return resultsPage{Page: h.s.newPage(r, titleKey, args...), now: h.s.Clock.Now()}
}

// crumbs sets the breadcrumb: Accueil, then label/path pairs (last one current).
func (p *resultsPage) crumbs(pairs ...string) {
	c := []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}}
	for i := 0; i+1 < len(pairs); i += 2 {
		u := ""
		if pairs[i+1] != "" {
			u = p.URL(pairs[i+1])
		}
		c = append(c, Crumb{Label: pairs[i], URL: u})
	}
	p.Breadcrumb = c
}

func (p *resultsPage) label(prefix, code string) string {
	if p.cat.Has(prefix + code) {
		return p.T(prefix + code)
	}
	return code
}

// StatusLabel names a follow-up status.
func (p *resultsPage) StatusLabel(code string) string { return p.label("results.status.", code) }

// ChannelLabel names a channel.
func (p *resultsPage) ChannelLabel(code string) string { return p.label("results.channel.", code) }

// ToolLabel names a participation tool.
func (p *resultsPage) ToolLabel(code string) string { return p.label("results.tool.", code) }

// KindLabel names a kind of contribution.
func (p *resultsPage) KindLabel(code string) string { return p.label("results.kind.", code) }

// ContribStatus names the moderation status of a contribution.
func (p *resultsPage) ContribStatus(code string) string { return p.label("results.cstatus.", code) }

// AnswerLabel names an official answer state (default states of the proposals tool).
func (p *resultsPage) AnswerLabel(code string) string { return p.label("results.answer.", code) }

// Late reports whether a follow-up is late now.
func (p *resultsPage) Late(f results.FollowUp) bool { return f.Late(p.now) }

// Pct100 formats a 0–100 integer as a percentage.
func (p *resultsPage) Pct100(n int) string { return p.Pct(float64(n) / 100) }

// Days formats a duration in days (one decimal).
func (p *resultsPage) Days(d time.Duration) string { return p.Dec(d.Hours() / 24) }

// PathID builds a localized path with an id: PathID "/suites/%d" 3.
func (p *resultsPage) PathID(format string, id int64) string { return p.URL(fmt.Sprintf(format, id)) }

// Esc escapes a path segment.
func (p *resultsPage) Esc(s string) string { return url.PathEscape(s) }

// resPathID parses a positive id from the path, or ENOTFOUND.
func resPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, participe.Errorf(participe.ENOTFOUND, "bad id")
	}
	return id, nil
}

// resPageParam parses ?page= (1 when absent or wrong), bounded.
func resPageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	if n > 10000 {
		return 10000
	}
	return n
}

// formError turns a domain field error into a message on the page; other errors pass.
func (p *resultsPage) formError(err error) bool {
	de, ok := participe.AsError(err)
	if !ok || de.Field == "" || de.Key == "" {
		return false
	}
	p.AddError(de.Field, de.Key)
	return true
}

// KB is a size in kilobytes (rounded up).
func (p *resultsPage) KB(n int64) int64 { return (n + 1023) / 1024 }

// Excerpt shortens a text (plain, first paragraph) for lists.
func (p *resultsPage) Excerpt(s string) string {
	if i := strings.Index(s, "\n\n"); i > 0 {
		s = s[:i]
	}
	r := []rune(s)
	if len(r) > 280 {
		return string(r[:280]) + "…"
	}
	return s
}

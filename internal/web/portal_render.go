package web

import (
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"

	"participe/internal/catalog/search"
)

// The portal's repeated fragments (result items, cards, the filter form's choices)
// are written here with explicit escaping instead of template ranges: each template
// action costs a reflective call and an escaper call, and a list page made ~700 of
// them (PERFORMANCE, issue 3). The markup is the one the templates produced, with
// the same labels, ids and hidden helper text for screen readers. Every value goes
// through esc (html.EscapeString); URLs are built by the portal (paths escaped with
// url.PathEscape, queries with url.Values.Encode), so escaping them as attribute text
// is enough.

// writeSegments writes highlighted text: matches in <mark>.
func writeSegments(b *strings.Builder, segs []search.Segment, marks bool) {
	for _, s := range segs {
		if marks && s.Match {
			b.WriteString("<mark>")
			b.WriteString(esc(s.Text))
			b.WriteString("</mark>")
			continue
		}
		b.WriteString(esc(s.Text))
	}
}

// itemLabels are the fixed texts of a result item in the page's language.
type itemLabels struct{ status, body, themes string }

func (p *portalPage) itemLabels() itemLabels {
	return itemLabels{
		status: esc(p.T("portal.status.label")),
		body:   esc(p.T("portal.item.body")),
		themes: esc(p.T("portal.item.themes")),
	}
}

// writeItem writes one result (article.initiative-item).
func writeItem(b *strings.Builder, it *item, l itemLabels) {
	id := strconv.FormatInt(it.ID, 10)
	b.WriteString(`<article class="initiative-item" aria-labelledby="i-`)
	b.WriteString(id)
	b.WriteString(`">` + "\n  " + `<p class="item-tags"><span class="tag tag-`)
	b.WriteString(esc(it.Status))
	b.WriteString(`"><span class="visually-hidden">`)
	b.WriteString(l.status)
	b.WriteString(` </span>`)
	b.WriteString(esc(it.StatusLabel))
	b.WriteString(`</span> <span class="tag tag-kind">`)
	b.WriteString(esc(it.KindLabel))
	b.WriteString(`</span></p>` + "\n  " + `<h3 class="item-title" id="i-`)
	b.WriteString(id)
	b.WriteString(`" `)
	b.WriteString(string(it.TitleLang))
	b.WriteString(`><a href="`)
	b.WriteString(esc(it.URL))
	b.WriteString(`">`)
	writeSegments(b, it.Title, true)
	b.WriteString("</a></h3>\n  ")
	if len(it.Snippet) > 0 {
		b.WriteString(`<p class="item-summary" `)
		b.WriteString(string(it.SummaryLang))
		b.WriteString(`>`)
		writeSegments(b, it.Snippet, true)
		b.WriteString(`</p>`)
	}
	b.WriteString("\n  " + `<ul class="meta-list meta">` + "\n    " + `<li><span class="visually-hidden">`)
	b.WriteString(l.body)
	b.WriteString(` </span>`)
	b.WriteString(esc(it.BodyName))
	b.WriteString("</li>\n    <li>")
	b.WriteString(esc(it.When))
	b.WriteString("</li>\n    ")
	if it.Participants != "" {
		b.WriteString("<li>")
		b.WriteString(esc(it.Participants))
		b.WriteString("</li>")
	}
	b.WriteString("\n    ")
	if it.ThemeNames != "" {
		b.WriteString(`<li><span class="visually-hidden">`)
		b.WriteString(l.themes)
		b.WriteString(` </span>`)
		b.WriteString(esc(it.ThemeNames))
		b.WriteString("</li>")
	}
	b.WriteString("\n  </ul>\n</article>")
}

// RenderResults is the ordered list of results (ol#results) of items.
func (p *portalPage) RenderResults(items []item) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 900)
	l := p.itemLabels()
	b.WriteString(`<ol class="results" id="results">` + "\n")
	for n := range items {
		b.WriteString("<li>\n")
		writeItem(&b, &items[n], l)
		b.WriteString("</li>\n")
	}
	b.WriteString("</ol>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// RenderCards is the cards (li.card) of items, for the home page.
func (p *portalPage) RenderCards(items []item) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 600)
	for n := range items {
		it := &items[n]
		b.WriteString(`<li class="card">` + "\n  " + `<p class="item-tags"><span class="tag tag-`)
		b.WriteString(esc(it.Status))
		b.WriteString(`">`)
		b.WriteString(esc(it.StatusLabel))
		b.WriteString(`</span></p>` + "\n  <h3 ")
		b.WriteString(string(it.TitleLang))
		b.WriteString(`><a href="`)
		b.WriteString(esc(it.URL))
		b.WriteString(`">`)
		writeSegments(&b, it.Title, false)
		b.WriteString("</a></h3>\n  <p ")
		b.WriteString(string(it.SummaryLang))
		b.WriteString(`>`)
		writeSegments(&b, it.Snippet, false)
		b.WriteString("</p>\n  " + `<p class="meta">`)
		b.WriteString(esc(it.BodyName))
		b.WriteString("<br>")
		b.WriteString(esc(it.When))
		b.WriteString("</p>\n</li>")
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// RenderPagination is the "pagination" partial of the layout's partials, in Go (the
// same markup): nothing when there is one page.
func (p *portalPage) RenderPagination(pg Pager) template.HTML {
	if pg.Pages <= 1 {
		return ""
	}
	var b strings.Builder
	page := esc(p.T("pagination.page", ""))
	b.WriteString("\n" + `<nav class="pagination" aria-label="`)
	b.WriteString(esc(p.T("pagination.label")))
	b.WriteString(`">` + "\n  <ul>\n    ")
	if pg.HasPrev() {
		b.WriteString(`<li><a href="` + esc(pg.PrevURL()) + `" rel="prev">` + esc(p.T("pagination.previous")) +
			`<span class="visually-hidden"> (` + esc(p.T("pagination.page", p.Num(pg.Prev()))) + `)</span></a></li>`)
	}
	b.WriteString("\n    ")
	for _, l := range pg.Links() {
		switch {
		case l.Gap:
			b.WriteString(`<li class="gap" aria-hidden="true">…</li>`)
		case l.Current:
			b.WriteString(`<li><a aria-current="page" href="` + esc(l.URL) + `"><span class="visually-hidden">` + page + `</span>` + esc(p.Num(l.N)) + `</a></li>`)
		default:
			b.WriteString(`<li><a href="` + esc(l.URL) + `"><span class="visually-hidden">` + page + `</span>` + esc(p.Num(l.N)) + `</a></li>`)
		}
	}
	b.WriteString("\n    ")
	if pg.HasNext() {
		b.WriteString(`<li><a href="` + esc(pg.NextURL()) + `" rel="next">` + esc(p.T("pagination.next")) +
			`<span class="visually-hidden"> (` + esc(p.T("pagination.page", p.Num(pg.Next()))) + `)</span></a></li>`)
	}
	b.WriteString("\n  </ul>\n</nav>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// renderFilters is the filter fieldsets of the list and the calendar (the former
// "portal-filters" block).
func (p *portalPage) renderFilters(ff *filterForm) template.HTML {
	var b strings.Builder
	b.Grow(8000)
	group := func(legend string, choices template.HTML) {
		b.WriteString("\n<fieldset>\n  <legend>" + esc(p.T(legend)) + "</legend>\n  ")
		b.WriteString(string(choices))
		b.WriteString("\n</fieldset>")
	}
	// Bodies and regions are long lists: several may be chosen (checkboxes, as the
	// other filters), folded in a disclosure that is open when one is chosen.
	many := func(legend, choose, name string, opts []option) {
		b.WriteString("\n<fieldset>\n  <legend>" + esc(p.T(legend)) + "</legend>\n  " + `<details class="filter-choices"`)
		if slices.ContainsFunc(opts, func(o option) bool { return o.Checked }) {
			b.WriteString(" open")
		}
		b.WriteString(">\n    <summary>" + esc(p.T(choose)) + "</summary>\n    " + `<div class="filter-choices-list">` + "\n")
		b.WriteString(string(checkboxes(name, opts)))
		b.WriteString("    </div>\n  </details>\n</fieldset>")
	}
	group("portal.filter.status", checkboxes("status", ff.StatusOpts))
	group("portal.filter.theme", checkboxes("theme", ff.ThemeOpts))
	group("portal.filter.mode", checkboxes("mode", ff.ModeOpts))
	many("portal.filter.body", "portal.filter.body.choose", "body", ff.BodyOpts)
	many("portal.filter.region", "portal.filter.region.choose", "region", ff.RegionOpts)
	group("portal.filter.audience", checkboxes("audience", ff.AudienceOpts))
	b.WriteString("\n<fieldset>\n  <legend>" + esc(p.T("portal.filter.dates")) + "</legend>\n  " +
		`<p class="hint" id="f-dates-hint">` + esc(p.T("portal.filter.dates.hint")) + "</p>\n  " +
		`<div class="field field-compact"><label for="f-from">` + esc(p.T("portal.filter.from")) + `</label><input type="date" id="f-from" name="from" value="` + esc(ff.From) + `" aria-describedby="f-dates-hint"></div>` + "\n  " +
		`<div class="field field-compact"><label for="f-to">` + esc(p.T("portal.filter.to")) + `</label><input type="date" id="f-to" name="to" value="` + esc(ff.To) + `" aria-describedby="f-dates-hint"></div>` +
		"\n</fieldset>\n")
	for _, h := range ff.Hidden {
		b.WriteString(`<input type="hidden" name="` + esc(h.Name) + `" value="` + esc(h.Value) + `">`)
	}
	b.WriteString("\n")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// renderChips is the active filters with their remove links (the former
// "portal-chips" block).
func (p *portalPage) renderChips(chips []chip) template.HTML {
	if len(chips) == 0 {
		return ""
	}
	var b strings.Builder
	remove := esc(p.T("portal.chips.remove"))
	b.WriteString(`<div class="active-filters">` + "\n  " + `<h2 class="h-small" id="chips-title">` + esc(p.T("portal.chips.title")) + "</h2>\n  " +
		`<ul class="chips" aria-labelledby="chips-title">` + "\n    ")
	for _, c := range chips {
		b.WriteString(`<li><a href="` + esc(c.URL) + `"><span class="visually-hidden">` + remove + ` </span>` + esc(c.Label) + ` <span aria-hidden="true">×</span></a></li>`)
	}
	b.WriteString("\n  </ul>\n</div>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// renderProblems is the notice of filters that were not recognised (the former
// "portal-problems" block).
func renderProblems(problems []string) template.HTML {
	if len(problems) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<div class="notice notice-warning" role="status">` + "\n  ")
	for _, pr := range problems {
		b.WriteString("<p>" + esc(pr) + "</p>")
	}
	b.WriteString("\n</div>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// mdMemo keeps the HTML of the Markdown texts of the portal (fiche descriptions, how
// to take part, body missions…): converting them was a sixth of a fiche's CPU, and
// the output depends on the text only. Bounded: emptied when full.
var mdMemo = struct {
	sync.Mutex
	m map[string]template.HTML
}{m: map[string]template.HTML{}}

const mdMemoMax = 4096

// MD renders restricted Markdown like Page.Markdown, remembering the result.
func (p *portalPage) MD(src string) template.HTML {
	if src == "" {
		return RenderMarkdown(src)
	}
	mdMemo.Lock()
	h, ok := mdMemo.m[src]
	mdMemo.Unlock()
	if ok {
		return h
	}
	h = RenderMarkdown(src)
	mdMemo.Lock()
	if len(mdMemo.m) >= mdMemoMax {
		clear(mdMemo.m)
	}
	mdMemo.m[src] = h
	mdMemo.Unlock()
	return h
}

// monthGrid is the month table of the calendar (up to 35 days with four events each:
// a few hundred template actions before).
func (p *calendarPage) monthGrid() template.HTML {
	var b strings.Builder
	b.Grow(40000)
	today := esc(p.T("portal.calendar.today"))
	opens, closes := esc(p.T("portal.calendar.opens")), esc(p.T("portal.calendar.closes"))
	b.WriteString(`<table class="calendar-grid month-grid">` + "\n      <caption>" + esc(p.T("portal.calendar.caption", p.MonthLabel)) + "</caption>\n      <thead><tr>")
	for _, d := range p.Weekdays {
		b.WriteString(`<th scope="col"><abbr title="` + esc(d) + `">` + esc(d[:min(3, len(d))]) + "</abbr></th>")
	}
	b.WriteString("</tr></thead>\n      <tbody>\n      ")
	for _, week := range p.Weeks {
		b.WriteString("<tr>\n        ")
		for _, d := range week {
			if !d.InMonth {
				b.WriteString(`<td class="out"></td>`)
				continue
			}
			b.WriteString("<td")
			if d.Today {
				b.WriteString(` class="today"`)
			}
			b.WriteString(">\n          " + `<span class="day-number">` + strconv.Itoa(d.Day))
			if d.Today {
				b.WriteString(` <span class="visually-hidden">(` + today + ")</span>")
			}
			b.WriteString("</span>\n          ")
			if len(d.Events) > 0 {
				b.WriteString("<ul>")
				for _, e := range d.Events {
					if e.Start {
						b.WriteString(`<li class="ev-start"><span class="ev-kind">` + opens)
					} else {
						b.WriteString(`<li class="ev-end"><span class="ev-kind">` + closes)
					}
					b.WriteString(`</span> <a href="` + esc(e.URL) + `">` + esc(e.Title) + "</a></li>")
				}
				b.WriteString("</ul>")
			}
			b.WriteString("\n          ")
			if d.More != 0 {
				b.WriteString(`<a href="` + esc(d.MoreURL) + `" class="more">` + esc(p.TN("portal.calendar.more", d.More)) + "</a>")
			}
			b.WriteString("\n        </td>")
		}
		b.WriteString("\n      </tr>")
	}
	b.WriteString("\n      </tbody>\n    </table>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

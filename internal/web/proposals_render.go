package web

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"participe/internal/tools/proposals"
)

// The proposal page shows 50 comments and the list 20 cards. Written as template
// ranges they cost one reflective escaper call per interpolated value (~500 a page),
// which was half the page's CPU; they are written here with explicit escaping instead.
// The markup is the same as the templates would produce (labels, ids, hidden helper
// text for screen readers).

var esc = html.EscapeString

// renderComments writes the thread (ol.comments) of views.
func renderComments(p *Page, views []commentView, l commentLabels, open bool) template.HTML {
	if len(views) == 0 {
		return template.HTML("<p>" + esc(l.None) + "</p>")
	}
	var b strings.Builder
	b.Grow(len(views) * 700)
	act := p.Actor != nil && open
	b.WriteString(`<ol class="comments">`)
	for k := range views {
		v := &views[k]
		id := strconv.FormatInt(v.ID, 10)
		b.WriteString(`<li id="c` + id + `" class="comment depth-` + strconv.Itoa(v.Depth) + `">`)
		if v.Hidden {
			b.WriteString(`<p class="moderated">` + esc(v.Moderated) + `</p></li>`)
			continue
		}
		b.WriteString(`<p class="meta">`)
		if v.ParentID != 0 {
			b.WriteString(`<a href="#c` + strconv.FormatInt(v.ParentID, 10) + `" class="reply-to">` + esc(l.ReplyTo) + `</a> · `)
		}
		b.WriteString(`<span class="author">` + esc(v.Author))
		if v.Channel != "" {
			b.WriteString(` <span class="tag tag-channel">` + esc(v.Channel) + `</span>`)
		}
		b.WriteString(`</span> · <time datetime="` + esc(v.ISO) + `">` + esc(v.When) + `</time></p>`)
		b.WriteString(`<p class="comment-body">` + esc(v.Body) + `</p><p class="meta">` + esc(v.Up) + ` · ` + esc(v.Down) + `</p>`)
		if act {
			this := `<span class="visually-hidden"> (` + esc(l.This) + `)</span>`
			up, upLabel := "1", l.VoteUp
			if v.MyVote == 1 {
				up, upLabel = "0", l.Unvote
			}
			down, downLabel := "-1", l.VoteDown
			if v.MyVote == -1 {
				down, downLabel = "0", l.Unvote
			}
			b.WriteString(`<div class="actions">`)
			b.WriteString(`<form method="post" action="` + esc(v.VoteURL) + `" class="inline-form"><input type="hidden" name="value" value="` + up +
				`"><button type="submit" class="link-button">` + esc(upLabel) + this + `</button></form>`)
			b.WriteString(`<form method="post" action="` + esc(v.VoteURL) + `" class="inline-form"><input type="hidden" name="value" value="` + down +
				`"><button type="submit" class="link-button">` + esc(downLabel) + this + `</button></form>`)
			b.WriteString(`<a href="` + esc(v.ReportURL) + `">` + esc(l.Report) + this + `</a></div>`)
			if v.CanReply {
				b.WriteString(`<details class="reply"`)
				if v.ReplyValue != "" {
					b.WriteString(` open`)
				}
				b.WriteString(`><summary>` + esc(l.Reply) + `</summary><form method="post" action="` + esc(l.CommentURL) + `">`)
				b.WriteString(`<input type="hidden" name="parent" value="` + id + `">`)
				writeTextarea(&b, p, v.ReplyField, "text", l.ReplyLabel, v.ReplyValue, 3, 3000)
				b.WriteString(`<button type="submit" class="button button-secondary">` + esc(l.ReplySubmit) + `</button></form></details>`)
			}
		}
		b.WriteString(`</li>`)
	}
	b.WriteString(`</ol>`)
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// writeTextarea writes the markup of the "field-textarea" partial (required field).
func writeTextarea(b *strings.Builder, p *Page, id, name, label, value string, rows, max int) {
	errMsg := p.ErrorFor(id)
	b.WriteString(`<div class="field`)
	if errMsg != "" {
		b.WriteString(` field-error`)
	}
	b.WriteString(`"><label for="` + esc(id) + `">` + esc(label) + ` <span class="required" aria-hidden="true">*</span></label>`)
	if errMsg != "" {
		b.WriteString(`<p class="error-message" id="` + esc(id) + `-error">` + esc(errMsg) + `</p>`)
	}
	b.WriteString(`<textarea id="` + esc(id) + `" name="` + esc(name) + `" rows="` + strconv.Itoa(rows) + `" aria-required="true"`)
	if errMsg != "" {
		b.WriteString(` aria-invalid="true" aria-describedby="` + esc(id) + `-error"`)
	}
	b.WriteString(` maxlength="` + strconv.Itoa(max) + `">` + esc(value) + `</textarea></div>`)
}

// renderCards writes the list's cards (li.proposal-card).
func renderCards(p *Page, cards []proposalCard, support bool) template.HTML {
	var b strings.Builder
	b.Grow(len(cards) * 900)
	official, answer, countsLabel := esc(p.T("proposals.official")), esc(p.T("proposals.answer.label")), esc(p.T("proposals.counts.label"))
	live := func(field, key string) string {
		return `data-live-field="` + field + `" data-live-one="` + esc(p.T(key+".one")) + `" data-live-other="` + esc(p.T(key+".other")) + `"`
	}
	liveFor, liveAgainst, liveComments := live("votes_for", "proposals.counts.for"), live("votes_against", "proposals.counts.against"), live("comments", "proposals.counts.comments")
	for k := range cards {
		c := &cards[k]
		id := strconv.FormatInt(c.ID, 10)
		b.WriteString(`<li class="proposal-card" id="p` + id + `"><h2 class="proposal-title"><a href="` + esc(c.URL) + `"`)
		if c.TitleLang != "" {
			b.WriteString(` lang="` + esc(c.TitleLang) + `"`)
		}
		b.WriteString(`>` + esc(c.Title) + `</a></h2><p class="meta">`)
		if c.Official {
			b.WriteString(`<span class="tag tag-official">` + official + `</span> `)
		}
		if c.Theme != "" {
			b.WriteString(`<span class="tag">` + esc(c.Theme) + `</span> `)
		}
		if c.Answer != "" {
			b.WriteString(`<span class="tag tag-results">` + answer + ` ` + esc(c.Answer) + `</span> `)
		}
		b.WriteString(`<span class="author">` + esc(c.Author))
		if c.Channel != "" {
			b.WriteString(` <span class="tag tag-channel">` + esc(c.Channel) + `</span>`)
		}
		b.WriteString(`</span> · <time datetime="` + esc(c.ISO) + `">` + esc(c.Date) + `</time></p>`)
		if c.Excerpt != "" {
			b.WriteString(`<p class="excerpt">` + esc(c.Excerpt) + `</p>`)
		}
		topic := `data-live-topic="proposal:` + id + `" `
		b.WriteString(`<ul class="counts" aria-label="` + countsLabel + `"><li ` + topic + liveFor + `>` + esc(c.For) + `</li>`)
		if !support {
			b.WriteString(`<li ` + topic + liveAgainst + `>` + esc(c.Against) + `</li>`)
		}
		b.WriteString(`<li>` + esc(c.Args) + `</li><li ` + topic + liveComments + `>` + esc(c.Comments) + `</li>`)
		if c.Mine != "" {
			b.WriteString(`<li><strong>` + esc(c.Mine) + `</strong></li>`)
		}
		b.WriteString(`</ul></li>`)
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// renderArguments writes the two argument columns (for, against) of the proposal page,
// with the same markup as the former "argument-column" template.
func renderArguments(d *proposalPageData) template.HTML {
	var b strings.Builder
	b.Grow(2048 + (len(d.P.For)+len(d.P.Against))*600)
	writeArgumentColumn(&b, d, "for", d.P.For)
	writeArgumentColumn(&b, d, "against", d.P.Against)
	return template.HTML(b.String()) //nolint:gosec // every value is escaped in writeArgumentColumn
}

func writeArgumentColumn(b *strings.Builder, d *proposalPageData, side string, list []proposals.Argument) {
	p := &d.Page
	act := p.Actor != nil && d.Open
	title, newLabel := p.T("proposals.arguments.for"), p.T("proposals.arguments.new_for")
	if side != "for" {
		title, newLabel = p.T("proposals.arguments.against"), p.T("proposals.arguments.new_against")
	}
	b.WriteString(`<div class="argument-column argument-` + side + `"><h3>` + esc(title) + ` (` + esc(p.Num(len(list))) + `)</h3>`)
	if len(list) == 0 {
		b.WriteString(`<p>` + esc(p.T("proposals.arguments.none")) + `</p>`)
	} else {
		this := `<span class="visually-hidden"> (` + esc(p.T("proposals.arguments.this")) + `)</span>`
		next := url.QueryEscape(p.URL(d.Base))
		b.WriteString(`<ul class="arguments">`)
		for k := range list {
			a := &list[k]
			id := strconv.FormatInt(a.ID, 10)
			b.WriteString(`<li id="a` + id + `" class="argument">`)
			if a.Hidden() {
				msg := p.T("contrib.hidden.pending")
				if a.HiddenReason != "" {
					msg = p.T("contrib.hidden.reason", a.HiddenReason)
				}
				b.WriteString(`<p class="moderated">` + esc(msg) + `</p></li>`)
				continue
			}
			text := a.Body
			if p.IsEN() && a.BodyEN != "" {
				text = a.BodyEN
				b.WriteString(`<p>`)
			} else if p.IsEN() {
				b.WriteString(`<p lang="fr-CA">`)
			} else {
				b.WriteString(`<p>`)
			}
			who, channel := authorLine(p, a.Author, false, "")
			b.WriteString(esc(text) + `</p><p class="meta"><span class="author">` + esc(who))
			if channel != "" {
				b.WriteString(` <span class="tag tag-channel">` + esc(channel) + `</span>`)
			}
			b.WriteString(`</span> · ` + esc(p.TN("proposals.arguments.useful_count", a.Useful)) + `</p>`)
			if act {
				mark := p.T("proposals.arguments.mark")
				if a.MarkedUseful {
					mark = p.T("proposals.arguments.unmark")
				}
				b.WriteString(`<div class="actions"><form method="post" action="` + esc(p.URL(d.Base+"/arguments/"+id+"/utile")) +
					`" class="inline-form"><button type="submit" class="link-button">` + esc(mark) + this + `</button></form>`)
				b.WriteString(`<a href="` + esc(p.URL("/contributions/"+id+"/signaler")) + `?next=` + esc(next) + `">` +
					esc(p.T("contrib.report.link")) + this + `</a></div>`)
			}
			b.WriteString(`</li>`)
		}
		b.WriteString(`</ul>`)
	}
	if act {
		field := "argument-" + side
		b.WriteString(`<form method="post" action="` + esc(p.URL(d.Base+"/arguments")) + `"><input type="hidden" name="side" value="` + side + `">`)
		writeTextarea(b, p, field, "text", newLabel, d.Values[field], 3, 1500)
		b.WriteString(`<button type="submit" class="button button-secondary">` + esc(p.T("proposals.arguments.submit")) + `</button></form>`)
	}
	b.WriteString(`</div>`)
}

// renderListTools writes the list's filter form (aside) and sort navigation, the parts
// of the list page with loops (themes, answer states, sorts), as the template did.
func renderListTools(d *proposalListData) (filters, sorts template.HTML) {
	p := &d.Page
	i := d.List.Initiative
	q := d.List.Query
	var b strings.Builder
	b.Grow(2048)
	b.WriteString(`<aside class="filters" aria-labelledby="filters-title"><h2 id="filters-title">` + esc(p.T("proposals.filters.title")) +
		`</h2><form method="get" action="` + esc(p.URL(d.Base)) + `">`)
	if q.Sort != proposals.SortSupport {
		b.WriteString(`<input type="hidden" name="tri" value="` + esc(q.Sort) + `">`)
	}
	b.WriteString(`<div class="field"><label for="f-theme">` + esc(p.T("proposals.filters.theme")) + `</label><select id="f-theme" name="theme"><option value="">` +
		esc(p.T("proposals.filters.all_themes")) + `</option>`)
	for _, t := range i.Themes {
		b.WriteString(`<option value="` + strconv.FormatInt(t.ID, 10) + `"`)
		if t.ID == q.ThemeID {
			b.WriteString(` selected`)
		}
		b.WriteString(`>` + esc(p.L(t.FR, t.EN)) + `</option>`)
	}
	b.WriteString(`</select></div><div class="field"><label for="f-answer">` + esc(p.T("proposals.filters.answer")) + `</label><select id="f-answer" name="reponse"><option value="">` +
		esc(p.T("proposals.filters.all_answers")) + `</option><option value="` + proposals.AnswerNone + `"`)
	if q.Answer == proposals.AnswerNone {
		b.WriteString(` selected`)
	}
	b.WriteString(`>` + esc(p.T("proposals.filters.no_answer")) + `</option>`)
	for _, st := range i.Settings.AnswerStates {
		b.WriteString(`<option value="` + esc(st.Key) + `"`)
		if st.Key == q.Answer {
			b.WriteString(` selected`)
		}
		b.WriteString(`>` + esc(p.L(st.FR, st.EN)) + `</option>`)
	}
	b.WriteString(`</select></div><button type="submit" class="button button-secondary">` + esc(p.T("proposals.filters.apply")) + `</button></form></aside>`)
	filters = template.HTML(b.String()) //nolint:gosec // every value is escaped above

	var n strings.Builder
	n.Grow(1024)
	label := esc(p.T("proposals.sort.label"))
	n.WriteString(`<nav aria-label="` + label + `" class="sort-nav"><p id="sort-label">` + label + `</p><ul class="chips" aria-labelledby="sort-label">`)
	for _, s := range d.Sorts {
		n.WriteString(`<li><a href="` + esc(s.URL) + `"`)
		if s.Current {
			n.WriteString(` aria-current="true" class="chip-current"`)
		}
		n.WriteString(`>` + esc(s.Label) + `</a></li>`)
	}
	n.WriteString(`</ul></nav>`)
	sorts = template.HTML(n.String()) //nolint:gosec // every value is escaped above
	return filters, sorts
}

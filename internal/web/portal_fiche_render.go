package web

import (
	"html/template"
	"strings"
)

// The fiche's text sections and its facts box are written here (the same markup the
// template produced): about a hundred template actions less per fiche. The parts
// that show links typed by staff (participation modes, tools, contact) stay in the
// template, whose URL sanitizing they need.

// textSection writes a section with a heading and a Markdown text.
func (p *initiativePage) textSection(b *strings.Builder, id, titleKey, fr, en string) {
	b.WriteString(`<section aria-labelledby="` + id + `">` + "\n    " + `<h2 id="` + id + `">` + esc(p.T(titleKey)) + "</h2>\n    <div ")
	b.WriteString(string(p.LangAttr(en)))
	b.WriteString(">")
	b.WriteString(string(p.MD(p.L(fr, en))))
	b.WriteString("</div>\n  </section>")
}

// ficheTop is the tags, title, summary and the results, description and "how it
// works" sections.
func (p *initiativePage) ficheTop() template.HTML {
	i := p.I
	var b strings.Builder
	b.Grow(8000)
	b.WriteString("\n" + `<p class="item-tags"><span class="tag tag-` + esc(i.Status) + `"><span class="visually-hidden">` + esc(p.T("portal.status.label")) +
		` </span>` + esc(p.Status(i.Status)) + `</span> <span class="tag tag-kind">` + esc(p.KindLabel(i.Kind)) + "</span></p>\n<h1 ")
	b.WriteString(string(p.LangAttr(i.TitleEN)))
	b.WriteString(">" + esc(p.L(i.TitleFR, i.TitleEN)) + "</h1>\n" + `<p class="lead" `)
	b.WriteString(string(p.LangAttr(i.SummaryEN)))
	b.WriteString(">" + esc(p.L(i.SummaryFR, i.SummaryEN)) + "</p>\n\n" + `<div class="fiche-grid">` + "\n" + `<div class="fiche-main">` + "\n  ")
	if r := i.Results; r != nil {
		b.WriteString(`<section class="notice notice-success fiche-results" aria-labelledby="results-title">` + "\n    " +
			`<h2 id="results-title">` + esc(p.T("portal.fiche.results")) + "</h2>\n    <div ")
		b.WriteString(string(p.LangAttr(r.SummaryEN)))
		b.WriteString(">")
		b.WriteString(string(p.MD(p.L(r.SummaryFR, r.SummaryEN))))
		b.WriteString("</div>\n    " + `<p class="meta">` + esc(p.T("portal.fiche.results.published", p.Date(r.PublishedAt))) + "</p>\n    " +
			`<p><a href="` + esc(p.ResultsURL) + `">` + esc(p.T("portal.fiche.results.link")) + "</a></p>\n  </section>")
	}
	b.WriteString("\n\n  ")
	p.textSection(&b, "desc-title", "portal.fiche.description", i.DescriptionFR, i.DescriptionEN)
	b.WriteString("\n\n  ")
	if i.HowFR != "" || i.HowEN != "" {
		p.textSection(&b, "how-title", "portal.fiche.how", i.HowFR, i.HowEN)
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// ficheBottom is the "intended use" and accessibility sections.
func (p *initiativePage) ficheBottom() template.HTML {
	i := p.I
	var b strings.Builder
	if i.UseFR != "" || i.UseEN != "" {
		p.textSection(&b, "use-title", "portal.fiche.use", i.UseFR, i.UseEN)
	}
	b.WriteString("\n\n  " + `<section aria-labelledby="a11y-title">` + "\n    " + `<h2 id="a11y-title">` + esc(p.T("portal.fiche.accessibility")) + "</h2>\n    ")
	if i.AccessibilityFR != "" || i.AccessibilityEN != "" {
		b.WriteString("<div ")
		b.WriteString(string(p.LangAttr(i.AccessibilityEN)))
		b.WriteString(">")
		b.WriteString(string(p.MD(p.L(i.AccessibilityFR, i.AccessibilityEN))))
		b.WriteString("</div>")
	} else {
		b.WriteString("<p>" + esc(p.T("portal.fiche.accessibility.none")) + "</p>")
	}
	b.WriteString("\n  </section>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// ficheFacts is the box of key facts (status, dates, body, partners, audiences,
// themes, regions, participants).
func (p *initiativePage) ficheFacts() template.HTML {
	i := p.I
	var b strings.Builder
	b.Grow(3000)
	b.WriteString(`<div class="aside-box">` + "\n    " + `<h2 id="facts-title">` + esc(p.T("portal.fiche.facts")) + "</h2>\n    " + `<dl class="facts">` + "\n      " +
		"<dt>" + esc(p.T("portal.fiche.status")) + "</dt><dd>" + esc(p.Status(i.Status)) + "</dd>\n      " +
		"<dt>" + esc(p.T("portal.fiche.dates")) + "</dt>\n      " +
		"<dd>" + esc(p.T("portal.fiche.dates.value", p.Date(i.StartsAt), p.Date(i.EndsAt))) + `<br><a href="` + esc(p.ICSURL) + `">` + esc(p.T("portal.fiche.ics")) + "</a></dd>\n      " +
		"<dt>" + esc(p.T("portal.fiche.body")) + `</dt><dd><a href="` + esc(p.URL("/organismes/"+i.Body.Slug)) + `">` + esc(p.BodyName(i.Body)) + "</a></dd>\n      ")
	if i.PartnersFR != "" || i.PartnersEN != "" {
		b.WriteString("<dt>" + esc(p.T("portal.fiche.partners")) + "</dt><dd ")
		b.WriteString(string(p.LangAttr(i.PartnersEN)))
		b.WriteString(">" + esc(p.L(i.PartnersFR, i.PartnersEN)) + "</dd>")
	}
	b.WriteString("\n      ")
	if len(i.Audiences) > 0 {
		b.WriteString("<dt>" + esc(p.T("portal.fiche.audiences")) + `</dt><dd><ul class="plain-list">`)
		for _, a := range i.Audiences {
			b.WriteString("<li>" + esc(p.AudienceLabel(a)) + "</li>")
		}
		b.WriteString("</ul></dd>")
	}
	b.WriteString("\n      ")
	if len(i.Themes) > 0 {
		b.WriteString("<dt>" + esc(p.T("portal.fiche.themes")) + `</dt><dd><ul class="plain-list">`)
		for _, t := range i.Themes {
			b.WriteString(`<li><a href="` + esc(p.URL("/themes/"+t.Slug)) + `">` + esc(p.L(t.NameFR, t.NameEN)) + "</a></li>")
		}
		b.WriteString("</ul></dd>")
	}
	b.WriteString("\n      ")
	if len(i.Regions) > 0 {
		b.WriteString("<dt>" + esc(p.T("portal.fiche.regions")) + "</dt><dd>")
		if len(i.Regions) >= 17 {
			b.WriteString(esc(p.T("portal.fiche.regions.all")))
		} else {
			b.WriteString(`<ul class="plain-list">`)
			for _, r := range i.Regions {
				b.WriteString("<li>" + esc(p.L(r.NameFR, r.NameEN)) + "</li>")
			}
			b.WriteString("</ul>")
		}
		b.WriteString("</dd>")
	}
	b.WriteString("\n      ")
	if i.ParticipantsCount != 0 {
		b.WriteString("<dt>" + esc(p.T("portal.fiche.participants")) + "</dt><dd>" + esc(p.Num(i.ParticipantsCount)) + "</dd>")
	}
	b.WriteString("\n    </dl>\n    " + `<p><a href="` + esc(p.URL("/initiatives/"+i.Slug+"/tableau-de-bord")) + `">` + esc(p.T("portal.fiche.dashboard")) + "</a></p>\n  </div>")
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"participe/internal/catalog"
	"participe/internal/catalog/search"
	"participe/internal/i18n"
	"participe/internal/participe"
)

// portal holds the public portal's handlers and what they share.
type portal struct {
	s   *Server
	cat *catalog.Service
	// content caches rendered editorial pages (embedded, so they never change).
	pages sync.Map // lang+"/"+slug → *contentView
	// cache holds rendered pages for anonymous visitors (portal_cache.go).
	cache *pageCache
	// homeMemo holds the home page's body rendered from the current home data.
	homeMemo homeMemo
}

// portalPage is the Page of every portal page with the helpers its templates share.
type portalPage struct {
	Page
}

// Status is the label of a public status ("Ouverte").
func (p *portalPage) Status(code string) string { return p.T("portal.status." + code) }

// ModeLabel is the label of a participation mode.
func (p *portalPage) ModeLabel(code string) string { return p.T("portal.mode." + code) }

// AudienceLabel is the label of a target audience.
func (p *portalPage) AudienceLabel(code string) string { return p.T("portal.audience." + code) }

// SortLabel is the label of a sort order.
func (p *portalPage) SortLabel(code string) string { return p.T("portal.sort." + code) }

// KindLabel is the label of an initiative kind, or the code when unknown.
func (p *portalPage) KindLabel(code string) string {
	if p.cat.Has("portal.kind." + code) {
		return p.T("portal.kind." + code)
	}
	return code
}

// NetworkLabel names a social network.
func (p *portalPage) NetworkLabel(code string) string {
	if p.cat.Has("portal.network." + code) {
		return p.T("portal.network." + code)
	}
	return code
}

// BodyName is the body's name in the page's language.
// Falls back on the acronym, then the slug, so a body is never an empty link.
func (p *portalPage) BodyName(b catalog.Body) string {
	if n := p.L(b.NameFR, b.NameEN); n != "" {
		return n
	}
	if b.Acronym != "" {
		return b.Acronym
	}
	return b.Slug
}

// Fiche is the localized path of an initiative's fiche.
func (p *portalPage) Fiche(slug string) string { return p.URL("/initiatives/" + url.PathEscape(slug)) }

// newPortalPage starts a portal page.
func (h *portal) newPage(r *http.Request, titleKey string, args ...any) portalPage {
	return portalPage{Page: h.s.newPage(r, titleKey, args...)}
}

// crumbs builds a breadcrumb: Accueil, then label/path pairs, the last one current.
func (p *portalPage) crumbs(pairs ...string) {
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

// item is an initiative in a list, with its search snippet when there are keywords.
// Every text the template shows is computed here: templates then read fields only,
// which costs far less than calling methods (text/template looks methods up by name
// at each call, and a list page makes hundreds).
type item struct {
	catalog.Initiative
	// Title and Snippet are highlighted segments (Match ones render in <mark>).
	Title                                                                 []search.Segment
	Snippet                                                               []search.Segment
	URL, BodyName, When, Participants, ThemeNames, StatusLabel, KindLabel string
	// TitleLang and SummaryLang mark French text shown on an English page.
	TitleLang, SummaryLang template.HTMLAttr
}

// items highlights the keywords of q in each initiative's title and summary (or
// description when the summary does not contain them), in the page's language.
func (p *portalPage) items(list []catalog.Initiative, q search.Query) []item {
	out := make([]item, len(list))
	for n, i := range list {
		out[n].Initiative = i
		p.describe(&out[n])
		title := p.L(i.TitleFR, i.TitleEN)
		summary := p.L(i.SummaryFR, i.SummaryEN)
		if q.Empty() {
			out[n].Title = []search.Segment{{Text: title}}
			out[n].Snippet = []search.Segment{{Text: summary}}
			continue
		}
		out[n].Title = search.Highlight(title, q, 1000)
		seg := search.Highlight(summary, q, search.DefaultSnippetRunes)
		if !hasMatch(seg) {
			tried := []string{summary}
			for _, alt := range []string{p.L(i.DescriptionFR, i.DescriptionEN), i.SummaryFR, i.DescriptionFR} {
				// On a French page the French texts are the localized ones: each
				// text is searched once (a description is long).
				if alt == "" || slices.Contains(tried, alt) {
					continue
				}
				tried = append(tried, alt)
				if s := search.Highlight(plainText(alt), q, search.DefaultSnippetRunes); hasMatch(s) {
					seg = s
					break
				}
			}
		}
		out[n].Snippet = seg
	}
	return out
}

func hasMatch(segs []search.Segment) bool {
	for _, s := range segs {
		if s.Match {
			return true
		}
	}
	return false
}

// plainText drops the Markdown marks a snippet would show literally.
func plainText(md string) string { return plainTextReplacer.Replace(md) }

var plainTextReplacer = strings.NewReplacer("**", "", "__", "", "#", "", "\n", " ", "`", "")

// notFound is the error of an unknown slug (a 404 page in the visitor's language).
func notFound(what string) error { return participe.Errorf(participe.ENOTFOUND, "%s not found", what) }

// contentView is a rendered editorial page.
type contentView struct {
	Page     *catalog.ContentPage
	HTML     template.HTML
	Summary  string
	Fallback bool
}

// dateOnly formats a civil date of the filter (midnight UTC of that day) without
// shifting it to the previous day in Québec.
func (p *portalPage) dateOnly(t time.Time) string {
	return p.Date(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, i18n.Quebec))
}

// compareFold orders names ignoring case and accents.
func compareFold(a, b string) int { return strings.Compare(search.Fold(a), search.Fold(b)) }

// describe fills the display fields of an item.
func (p *portalPage) describe(it *item) {
	i := &it.Initiative
	it.URL = p.Fiche(i.Slug)
	it.BodyName = p.BodyName(i.Body)
	switch i.Status {
	case catalog.StatusUpcoming:
		it.When = p.T("portal.item.starts", p.Date(i.StartsAt))
	case catalog.StatusOpen:
		it.When = p.T("portal.item.ends", p.Date(i.EndsAt))
	default:
		it.When = p.T("portal.item.ended", p.Date(i.EndsAt))
	}
	if i.ParticipantsCount > 0 {
		it.Participants = p.TN("portal.item.participants", i.ParticipantsCount)
	}
	names := make([]string, len(i.Themes))
	for n, t := range i.Themes {
		names[n] = p.L(t.NameFR, t.NameEN)
	}
	it.ThemeNames = strings.Join(names, ", ")
	it.StatusLabel = p.Status(i.Status)
	it.KindLabel = p.KindLabel(i.Kind)
	it.TitleLang = p.LangAttr(i.TitleEN)
	it.SummaryLang = p.LangAttr(i.SummaryEN)
}

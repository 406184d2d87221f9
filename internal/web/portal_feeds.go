package web

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"participe/internal/catalog"
	"participe/internal/catalog/filter"
)

// Atom 1.0 (RFC 4287) feeds of newly published initiatives, written with encoding/xml.

const feedSize = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     string         `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published,omitempty"`
	Link      atomLink       `xml:"link"`
	Author    atomPerson     `xml:"author"`
	Summary   atomText       `xml:"summary"`
	Category  []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeAtom writes the feed of the newest initiatives matching f.
func (h *portal) writeAtom(w http.ResponseWriter, r *http.Request, title, selfPath, altPath string, f filter.Filter) error {
	res, err := h.cat.Newest(r.Context(), f, feedSize)
	if err != nil {
		return err
	}
	p := h.newPage(r, "")
	base := h.s.Cfg.BaseURL
	host := h.icsHost()
	feed := atomFeed{
		Lang:   p.HTMLLang(),
		ID:     base + selfPath,
		Title:  title + " | " + p.T("site.name"),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + selfPath}, {Rel: "alternate", Type: "text/html", Href: base + altPath}},
		Author: atomPerson{Name: p.T("site.operator")},
	}
	updated := time.Time{}
	for _, i := range res.Items {
		pub := i.PublishedAt
		if pub.After(updated) {
			updated = pub
		}
		e := atomEntry{
			ID:        "tag:" + host + "," + i.CreatedAtOr(pub).UTC().Format("2006-01-02") + ":initiative-" + strconv.FormatInt(i.ID, 10),
			Title:     p.L(i.TitleFR, i.TitleEN),
			Updated:   atomTime(pub),
			Published: atomTime(pub),
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: base + p.Fiche(i.Slug)},
			Author:    atomPerson{Name: p.L(i.Body.NameFR, i.Body.NameEN)},
			Summary:   atomText{Type: "text", Text: p.L(i.SummaryFR, i.SummaryEN)},
		}
		for _, t := range i.Themes {
			e.Category = append(e.Category, atomCategory{Term: t.Slug, Label: p.L(t.NameFR, t.NameEN)})
		}
		feed.Entries = append(feed.Entries, e)
	}
	if updated.IsZero() {
		updated = h.s.Clock.Now()
	}
	feed.Updated = atomTime(updated)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	body := append([]byte(xml.Header), out...)
	hd := w.Header()
	hd.Set("Content-Type", "application/atom+xml; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
	return nil
}

func (h *portal) feedAll(w http.ResponseWriter, r *http.Request) error {
	p := h.newPage(r, "")
	return h.writeAtom(w, r, p.T("portal.feed.all"), p.URL("/flux/initiatives.atom"), p.URL("/initiatives"), filter.Filter{})
}

// feedSlug reads "{slug}.atom" from the path.
func feedSlug(r *http.Request) (string, bool) {
	return strings.CutSuffix(r.PathValue("file"), ".atom")
}

func (h *portal) feedTheme(w http.ResponseWriter, r *http.Request) error {
	slug, ok := feedSlug(r)
	if !ok {
		return notFound("feed")
	}
	t, err := h.cat.Theme(r.Context(), slug)
	if err != nil {
		return err
	}
	p := h.newPage(r, "")
	name := p.L(t.NameFR, t.NameEN)
	return h.writeAtom(w, r, p.T("portal.feed.theme", name), p.URL("/flux/themes/"+t.Slug+".atom"), p.URL("/themes/"+t.Slug),
		filter.Filter{Themes: []string{t.Slug}})
}

func (h *portal) feedBody(w http.ResponseWriter, r *http.Request) error {
	slug, ok := feedSlug(r)
	if !ok {
		return notFound("feed")
	}
	b, err := h.cat.Body(r.Context(), slug)
	if err != nil {
		return err
	}
	p := h.newPage(r, "")
	name := p.BodyName(*b)
	return h.writeAtom(w, r, p.T("portal.feed.body", name), p.URL("/flux/organismes/"+b.Slug+".atom"), p.URL("/organismes/"+b.Slug),
		filter.Filter{Bodies: []string{b.Slug}})
}

var _ = catalog.PerPage

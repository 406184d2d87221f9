package web

import (
	"html/template"
	"net/http"
	"strings"

	"participe/internal/catalog"
)

type toolView struct {
	Name, Description, URL string
}

type initiativePage struct {
	portalPage
	I     *catalog.Initiative
	Tools []toolView
	// ResultsURL is the full results page (results area).
	ResultsURL string
	ICSURL     string
	// The fiche's sections written in Go (portal_fiche_render.go).
	Top, Bottom, Facts template.HTML
}

// initiative is the fiche (SPEC §2); /initiatives/{slug}.ics is its iCalendar.
func (h *portal) initiative(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if s, ok := strings.CutSuffix(slug, ".ics"); ok {
		return h.writeInitiativeICS(w, r, s)
	}
	i, err := h.cat.Initiative(r.Context(), slug)
	if err != nil {
		return err
	}
	p := initiativePage{portalPage: h.newPage(r, p0(i.TitleFR, i.TitleEN, r))}
	p.Description = p.L(i.SummaryFR, i.SummaryEN)
	p.crumbs(p.T("portal.list.title"), "/initiatives", p.L(i.TitleFR, i.TitleEN), "")
	p.I = i
	for _, code := range i.Tools {
		if t, ok := h.s.Tool(code); ok {
			tv := toolView{Name: p.T(t.NameKey)}
			if t.DescriptionKey != "" && p.cat.Has(t.DescriptionKey) {
				tv.Description = p.T(t.DescriptionKey)
			}
			if t.PublicPath != "" {
				tv.URL = p.URL(strings.ReplaceAll(t.PublicPath, "{slug}", i.Slug))
			}
			p.Tools = append(p.Tools, tv)
			continue
		}
		name := code
		if p.cat.Has("portal.tool." + code) {
			name = p.T("portal.tool." + code)
		}
		p.Tools = append(p.Tools, toolView{Name: name})
	}
	p.ResultsURL = p.URL("/initiatives/" + i.Slug + "/resultats")
	p.ICSURL = "/initiatives/" + i.Slug + "/calendrier.ics"
	if p.IsEN() {
		p.ICSURL = "/en" + p.ICSURL
	}
	p.Top, p.Bottom, p.Facts = p.ficheTop(), p.ficheBottom(), p.ficheFacts()
	h.s.render(w, r, http.StatusOK, "portal/initiative", &p)
	return nil
}

// p0 picks the title in the request's language.
func p0(fr, en string, r *http.Request) string {
	if LangFrom(r.Context()) == "en" && strings.TrimSpace(en) != "" {
		return en
	}
	return fr
}

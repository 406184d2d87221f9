package web

import (
	"net/http"
	"slices"

	"participe/internal/catalog"
	"participe/internal/catalog/filter"
)

type bodiesPage struct {
	portalPage
	Bodies []catalog.Body
}

type bodyPage struct {
	portalPage
	B     *catalog.Body
	Res   *catalog.List
	Items []item
	Pager Pager
	// ListURL is the initiative list filtered on this body or theme.
	ListURL string
	FeedURL string
}

type themesPage struct {
	portalPage
	Themes []catalog.Theme
}

type themePage struct {
	portalPage
	Theme   *catalog.Theme
	Res     *catalog.List
	Items   []item
	Pager   Pager
	ListURL string
	FeedURL string
}

// bodies is the index of public bodies.
func (h *portal) bodies(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cat.Bodies(r.Context())
	if err != nil {
		return err
	}
	p := bodiesPage{portalPage: h.newPage(r, "portal.bodies.title"), Bodies: list}
	p.Description = p.T("portal.bodies.description")
	p.crumbs(p.T("portal.bodies.title"), "")
	h.s.render(w, r, http.StatusOK, "portal/bodies", &p)
	return nil
}

// pageOf reads ?page= for the body and theme pages.
func pageOf(r *http.Request) int {
	f, _ := filter.ParseQuery(r.URL.RawQuery)
	return f.Page
}

// body is a public body's page: what it is, its initiatives, its social accounts.
func (h *portal) body(w http.ResponseWriter, r *http.Request) error {
	b, err := h.cat.Body(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := filter.Filter{Bodies: []string{b.Slug}, Sort: filter.SortClosing, Page: pageOf(r)}
	res, err := h.cat.List(r.Context(), f, catalog.PerPage)
	if err != nil {
		return err
	}
	p := bodyPage{portalPage: h.newPage(r, ""), B: b, Res: res}
	name := p.BodyName(*b)
	p.Title = name
	p.Description = p.L(b.DescriptionFR, b.DescriptionEN)
	p.crumbs(p.T("portal.bodies.title"), "/organismes", name, "")
	p.FeedURL = p.URL("/flux/organismes/" + b.Slug + ".atom")
	p.Feeds = []Feed{{Type: "application/atom+xml", Title: p.T("portal.feed.body", name), URL: p.FeedURL}}
	p.ListURL = p.URL("/initiatives?body=" + b.Slug)
	p.Items = p.items(res.Items, res.Query)
	p.Pager = NewPager(p.URL("/organismes/"+b.Slug), nil, f.Page, catalog.PerPage, res.Total)
	h.s.render(w, r, http.StatusOK, "portal/body", &p)
	return nil
}

// themes is the index of themes with their counts.
func (h *portal) themes(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cat.Themes(r.Context())
	if err != nil {
		return err
	}
	p := themesPage{portalPage: h.newPage(r, "portal.themes.title")}
	p.Themes = slices.Clone(list)
	if p.IsEN() {
		slices.SortFunc(p.Themes, func(a, b catalog.Theme) int { return compareFold(p.L(a.NameFR, a.NameEN), p.L(b.NameFR, b.NameEN)) })
	}
	p.Description = p.T("portal.themes.description")
	p.crumbs(p.T("portal.themes.title"), "")
	h.s.render(w, r, http.StatusOK, "portal/themes", &p)
	return nil
}

// theme is a theme's page with its initiatives.
func (h *portal) theme(w http.ResponseWriter, r *http.Request) error {
	t, err := h.cat.Theme(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := filter.Filter{Themes: []string{t.Slug}, Sort: filter.SortClosing, Page: pageOf(r)}
	res, err := h.cat.List(r.Context(), f, catalog.PerPage)
	if err != nil {
		return err
	}
	p := themePage{portalPage: h.newPage(r, p0(t.NameFR, t.NameEN, r)), Theme: t, Res: res}
	p.Description = p.L(t.DescriptionFR, t.DescriptionEN)
	p.crumbs(p.T("portal.themes.title"), "/themes", p.L(t.NameFR, t.NameEN), "")
	p.FeedURL = p.URL("/flux/themes/" + t.Slug + ".atom")
	p.Feeds = []Feed{{Type: "application/atom+xml", Title: p.T("portal.feed.theme", p.L(t.NameFR, t.NameEN)), URL: p.FeedURL}}
	p.ListURL = p.URL("/initiatives?theme=" + t.Slug)
	p.Items = p.items(res.Items, res.Query)
	p.Pager = NewPager(p.URL("/themes/"+t.Slug), nil, f.Page, catalog.PerPage, res.Total)
	h.s.render(w, r, http.StatusOK, "portal/theme", &p)
	return nil
}

// web2 is "Le gouvernement dans le Web 2.0": every body's social accounts.
func (h *portal) web2(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cat.Bodies(r.Context())
	if err != nil {
		return err
	}
	p := bodiesPage{portalPage: h.newPage(r, "portal.web2.title")}
	for _, b := range list {
		if len(b.Social) > 0 {
			p.Bodies = append(p.Bodies, b)
		}
	}
	p.Description = p.T("portal.web2.lead")
	p.crumbs(p.T("portal.web2.title"), "")
	h.s.render(w, r, http.StatusOK, "portal/web2", &p)
	return nil
}

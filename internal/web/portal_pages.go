package web

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"participe/internal/catalog"
)

type contentPage struct {
	portalPage
	C *contentView
}

// content serves an editorial page from internal/catalog/content (Markdown rendered
// once and cached).
func (h *portal) content(slug string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		lang := LangFrom(r.Context())
		key := lang + "/" + slug
		v, ok := h.pages.Load(key)
		if !ok {
			c, err := catalog.Content(lang, slug)
			if err != nil {
				return err
			}
			cv := &contentView{Page: c, HTML: RenderMarkdown(c.Body), Fallback: c.Fallback}
			v, _ = h.pages.LoadOrStore(key, cv)
		}
		cv := v.(*contentView)
		p := contentPage{portalPage: h.newPage(r, cv.Page.Title), C: cv}
		p.Description = p.T("portal.content.description." + slug)
		p.crumbs(cv.Page.Title, "")
		h.s.render(w, r, http.StatusOK, "portal/content", &p)
		return nil
	}
}

type siteMapPage struct {
	portalPage
	Initiative *catalog.Initiative
	Body       *catalog.Body
	Theme      *catalog.Theme
	Themes     []catalog.Theme
	Content    []siteLink
	Month      string
}

type siteLink struct{ Label, URL string }

// siteMap is /plan-du-site: every page type of the site, with an example of each (the
// browser accessibility crawl starts here).
func (h *portal) siteMap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := siteMapPage{portalPage: h.newPage(r, "portal.sitemap.title")}
	p.Description = p.T("portal.sitemap.description")
	p.crumbs(p.T("portal.sitemap.title"), "")
	home, err := h.cat.HomeData(ctx)
	if err != nil {
		return err
	}
	if len(home.Featured) > 0 {
		p.Initiative = &home.Featured[0]
	} else if res, err := h.cat.List(ctx, parseFilterString(""), 1); err == nil && len(res.Items) > 0 {
		p.Initiative = &res.Items[0]
	}
	bodies, err := h.cat.Bodies(ctx)
	if err != nil {
		return err
	}
	if len(bodies) > 0 {
		p.Body = &bodies[0]
	}
	if p.Themes, err = h.cat.Themes(ctx); err != nil {
		return err
	}
	if len(p.Themes) > 0 {
		p.Theme = &p.Themes[0]
	}
	for _, slug := range catalog.ContentSlugs {
		c, err := catalog.Content(p.Lang, slug)
		if err != nil {
			return err
		}
		p.Content = append(p.Content, siteLink{Label: c.Title, URL: p.URL("/" + slug)})
	}
	p.Month = h.s.Clock.Now().Format("2006-01")
	h.s.render(w, r, http.StatusOK, "portal/sitemap", &p)
	return nil
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemapXML lists the public pages for search engines (both languages).
func (h *portal) sitemapXML(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	base := h.s.Cfg.BaseURL
	var set sitemapSet
	add := func(path string) {
		for _, lang := range []string{"fr", "en"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: base + LocalPath(lang, path)})
		}
	}
	for _, p := range []string{"/", "/initiatives", "/organismes", "/themes", "/calendrier", "/gouvernement-web-2-0", "/plan-du-site"} {
		add(p)
	}
	for _, slug := range catalog.ContentSlugs {
		add("/" + slug)
	}
	bodies, err := h.cat.Bodies(ctx)
	if err != nil {
		return err
	}
	for _, b := range bodies {
		add("/organismes/" + b.Slug)
	}
	themes, err := h.cat.Themes(ctx)
	if err != nil {
		return err
	}
	for _, t := range themes {
		add("/themes/" + t.Slug)
	}
	f := parseFilterString("sort=newest")
	for page := 1; page <= 50; page++ {
		f.Page = page
		res, err := h.cat.List(ctx, f, 100)
		if err != nil {
			return err
		}
		for _, i := range res.Items {
			add("/initiatives/" + i.Slug)
		}
		if len(res.Items) < 100 {
			break
		}
	}
	out, err := xml.MarshalIndent(set, "", " ")
	if err != nil {
		return err
	}
	body := append([]byte(xml.Header), out...)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

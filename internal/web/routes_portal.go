package web

import (
	"fmt"
	"net/http"
	"strings"

	"participe/internal/catalog"
)

// routesPortal registers the public portal (owned by the portal area): home, the
// initiative list and search, the fiche, bodies, themes, calendar, iCalendar, Atom
// feeds, editorial pages and the site maps.
func (s *Server) routesPortal(mux *http.ServeMux) {
	if err := s.sharePortalPartials(); err != nil {
		panic(err) // a template bug: fail at start, never in a request
	}
	p := &portal{s: s, cat: catalog.New(s.DB, s.Clock), cache: newPortalPageCache()}
	s.page(mux, "GET /{$}", p.cached(p.home))
	s.page(mux, "GET /initiatives", p.cached(p.list))
	s.page(mux, "GET /initiatives/{slug}", p.cached(p.initiative))
	s.page(mux, "GET /initiatives/{slug}/calendrier.ics", p.cached(p.initiativeICS))
	s.page(mux, "GET /organismes", p.cached(p.bodies))
	s.page(mux, "GET /organismes/{slug}", p.cached(p.body))
	s.page(mux, "GET /themes", p.cached(p.themes))
	s.page(mux, "GET /themes/{slug}", p.cached(p.theme))
	s.page(mux, "GET /gouvernement-web-2-0", p.cached(p.web2))
	s.page(mux, "GET /calendrier", p.cached(p.calendar))
	s.page(mux, "GET /calendrier.ics", p.cached(p.calendarICS))
	s.page(mux, "GET /flux/initiatives.atom", p.cached(p.feedAll))
	s.page(mux, "GET /flux/themes/{file}", p.cached(p.feedTheme))
	s.page(mux, "GET /flux/organismes/{file}", p.cached(p.feedBody))
	s.page(mux, "GET /plan-du-site", p.cached(p.siteMap))
	mux.Handle("GET /sitemap.xml", s.handle(p.sitemapXML))
	for _, slug := range catalog.ContentSlugs {
		s.page(mux, "GET /"+slug, p.cached(p.content(slug)))
	}
}

// sharePortalPartials adds the portal's shared partials (templates/portal/shared.html)
// to every portal page's template set: the lead's parser shares only layout/ and
// partials/, and the portal's pages share a few blocks of their own. Done once at
// start-up, before any page is executed.
func (s *Server) sharePortalPartials() error {
	shared, ok := s.tmpl.pages["portal/shared"]
	if !ok {
		return nil
	}
	for name, t := range s.tmpl.pages {
		if !strings.HasPrefix(name, "portal/") || name == "portal/shared" {
			continue
		}
		for _, def := range shared.Templates() {
			if !strings.HasPrefix(def.Name(), "portal-") || def.Tree == nil {
				continue
			}
			if _, err := t.AddParseTree(def.Name(), def.Tree.Copy()); err != nil {
				return fmt.Errorf("portal partial %s in %s: %w", def.Name(), name, err)
			}
		}
	}
	return nil
}

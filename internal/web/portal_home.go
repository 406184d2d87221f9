package web

import (
	"net/http"

	"participe/internal/catalog"
	"participe/internal/catalog/search"
)

type homePage struct {
	portalPage
	H        *catalog.Home
	Featured []item
}

// home is the portal's front page (SPEC §2).
func (h *portal) home(w http.ResponseWriter, r *http.Request) error {
	data, err := h.cat.HomeData(r.Context())
	if err != nil {
		return err
	}
	p := homePage{portalPage: h.newPage(r, "")}
	p.Description = p.T("portal.home.description")
	p.Feeds = []Feed{{Type: "application/atom+xml", Title: p.T("portal.feed.all"), URL: p.URL("/flux/initiatives.atom")}}
	p.H = data
	p.Featured = p.items(data.Featured, search.Query{})
	h.s.render(w, r, http.StatusOK, "portal/home", &p)
	return nil
}

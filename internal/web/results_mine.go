package web

import (
	"net/http"

	"participe/internal/participe"
	"participe/internal/results"
)

// mineePage is "Mes contributions": what became of each of them.
type minePage struct {
	resultsPage
	Items []results.MyContribution
	Pager Pager
	Total int
}

const minePerPage = 20

func (h *resultsHandlers) mine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := ActorFrom(ctx)
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	p := minePage{resultsPage: h.newPage(r, "results.mine.title")}
	p.NoIndex = true
	p.Breadcrumb = []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}, {Label: p.T("nav.myspace"), URL: p.URL("/mon-espace")}, {Label: p.T("results.mine.title")}}
	page := resPageParam(r)
	var err error
	if p.Items, p.Total, err = h.svc.MyContributions(ctx, a, minePerPage, (page-1)*minePerPage); err != nil {
		return err
	}
	p.Pager = NewPager(p.URL("/mon-espace/contributions"), r.URL.Query(), page, minePerPage, p.Total)
	h.s.render(w, r, http.StatusOK, "results/mine", &p)
	return nil
}

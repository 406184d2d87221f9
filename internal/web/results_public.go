package web

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"participe/internal/catalog"
	"participe/internal/participe"
	"participe/internal/results"
)

// resultsListPage is "Vous avez parlé — nous avons écouté".
type resultsListPage struct {
	resultsPage
	Items       []results.Published
	FollowUps   []results.FollowUp
	Bodies      []catalog.Body
	Themes      []catalog.Theme
	Body, Theme string
	Pager       Pager
	Total       int
}

const resultsPerPage = 10

// portal lists published results and the follow-ups in progress, filtered by body and
// theme through a plain GET form.
func (h *resultsHandlers) portal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := resultsListPage{resultsPage: h.newPage(r, "results.portal.title")}
	p.crumbs(p.T("results.portal.title"), "")
	p.Description = p.T("results.portal.lead")
	var err error
	if p.Bodies, err = h.cat.Bodies(ctx); err != nil {
		return err
	}
	if p.Themes, err = h.cat.Themes(ctx); err != nil {
		return err
	}
	q := r.URL.Query()
	var f results.ListFilter
	if slug := q.Get("organisme"); slug != "" {
		for _, b := range p.Bodies {
			if b.Slug == slug {
				f.BodyID, p.Body = b.ID, slug
			}
		}
		if f.BodyID == 0 {
			p.AddError("organisme", "results.portal.error.body")
		}
	}
	if slug := q.Get("theme"); slug != "" {
		for _, t := range p.Themes {
			if t.Slug == slug {
				f.ThemeID, p.Theme = t.ID, slug
			}
		}
		if f.ThemeID == 0 {
			p.AddError("theme", "results.portal.error.theme")
		}
	}
	page := resPageParam(r)
	f.Limit, f.Offset = resultsPerPage, (page-1)*resultsPerPage
	if p.Items, p.Total, err = h.svc.PublishedResults(ctx, f); err != nil {
		return err
	}
	p.Pager = NewPager(p.URL("/resultats"), q, page, resultsPerPage, p.Total)
	if p.FollowUps, err = h.svc.FollowUps(ctx, results.FollowUpFilter{BodyID: f.BodyID, ThemeID: f.ThemeID,
		Statuses: []string{results.StatusInProgress}, PublicOnly: true, Limit: 12}); err != nil {
		return err
	}
	status := http.StatusOK
	if p.HasErrors() {
		status = http.StatusBadRequest
	}
	h.s.render(w, r, status, "results/portal", &p)
	return nil
}

// initiativeResultsPage is the public results of one initiative.
type initiativeResultsPage struct {
	resultsPage
	Initiative   *catalog.Initiative
	Results      *results.Results
	Figures      results.Figures
	Satisfaction bool
}

func (h *resultsHandlers) initiativeResults(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ini, err := h.cat.Initiative(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	res, err := h.svc.Get(ctx, ini.ID)
	if err != nil {
		return err
	}
	p := initiativeResultsPage{resultsPage: h.newPage(r, "results.initiative.title", ""), Initiative: ini, Results: res}
	title := p.L(ini.TitleFR, ini.TitleEN)
	p.Title = p.T("results.initiative.title", title)
	p.crumbs(p.T("nav.initiatives"), "/initiatives", title, "/initiatives/"+ini.Slug, p.T("results.initiative.crumb"), "")
	if p.Figures, err = h.svc.KeyFigures(ctx, ini.ID); err != nil {
		return err
	}
	if st, err := h.svc.Satisfaction(ctx, ActorFrom(ctx), ini.Slug); err == nil {
		p.Satisfaction = st.Open && !st.Answered && st.SurveyID != 0
	}
	h.s.render(w, r, http.StatusOK, "results/initiative", &p)
	return nil
}

// SatisfactionURL is the satisfaction questionnaire of the initiative.
func (p *initiativeResultsPage) SatisfactionURL() string {
	return p.URL(results.SatisfactionPath(p.Initiative.Slug))
}

func (h *resultsHandlers) document(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	docID, err := resPathID(r, "doc")
	if err != nil {
		return err
	}
	var iniID int64
	if err := h.s.DB.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = ?`, r.PathValue("slug")).Scan(&iniID); err != nil {
		return participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	d, data, err := h.svc.DocumentContent(ctx, ActorFrom(ctx), iniID, docID)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/pdf")
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
	return nil
}

// followUpPage is one follow-up with its dated updates.
type followUpPage struct {
	resultsPage
	F         *results.FollowUp
	Following bool
}

func (h *resultsHandlers) followUp(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := resPathID(r, "id")
	if err != nil {
		return err
	}
	f, err := h.svc.FollowUp(ctx, ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	p := followUpPage{resultsPage: h.newPage(r, ""), F: f}
	p.Title = p.L(f.TitleFR, f.TitleEN)
	p.crumbs(p.T("results.portal.title"), "/resultats", p.L(f.InitiativeTitleFR, f.InitiativeTitleEN), "/initiatives/"+f.InitiativeSlug+"/resultats", p.Title, "")
	p.Following = h.svc.Following(ctx, ActorFrom(ctx), id)
	h.s.render(w, r, http.StatusOK, "results/followup", &p)
	return nil
}

func (h *resultsHandlers) followFollowUp(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := resPathID(r, "id")
	if err != nil {
		return err
	}
	a := ActorFrom(ctx)
	on := r.PostFormValue("suivre") != "0"
	if err := h.svc.Follow(ctx, a, id, on); err != nil {
		return err
	}
	lang := LangFrom(ctx)
	key := "results.followup.followed"
	if !on {
		key = "results.followup.unfollowed"
	}
	h.s.SetFlash(ctx, "success", h.s.Cat.T(lang, key))
	http.Redirect(w, r, LocalPath(lang, fmt.Sprintf("/suites/%d", id)), http.StatusSeeOther)
	return nil
}

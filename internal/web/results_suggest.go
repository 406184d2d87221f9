package web

import (
	"net/http"
	"strconv"
	"time"

	"participe/internal/catalog"
	"participe/internal/participe"
	"participe/internal/results"
)

// suggestPage is "À quels sujets voulez-vous participer ?" with the platform rating.
type suggestPage struct {
	resultsPage
	Themes   []catalog.Theme
	Topic    string
	Details  string
	Theme    string
	Rating   string
	Comment  string
	Approved []results.Suggestion
	Stats    results.SuggestionStats
	Sent     bool
}

func (h *resultsHandlers) suggestPage(r *http.Request) (*suggestPage, error) {
	ctx := r.Context()
	p := &suggestPage{resultsPage: h.newPage(r, "results.suggest.title")}
	p.crumbs(p.T("results.suggest.title"), "")
	var err error
	if p.Themes, err = h.cat.Themes(ctx); err != nil {
		return nil, err
	}
	if p.Approved, _, err = h.svc.Suggestions(ctx, results.KindTopic, results.SuggestionApproved, 20, 0); err != nil {
		return nil, err
	}
	if p.Stats, err = h.svc.SuggestionStats(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

func (h *resultsHandlers) suggestForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.suggestPage(r)
	if err != nil {
		return err
	}
	p.Sent = r.URL.Query().Get("envoye") == "1"
	h.s.render(w, r, http.StatusOK, "results/suggestions", p)
	return nil
}

func (h *resultsHandlers) suggestPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		return participe.Errorf(participe.EINVALID, "form too large")
	}
	if err := h.s.Limiter.Check(ctx, "suggest:"+h.s.ClientIP(r), 10, time.Hour); err != nil {
		return err
	}
	p, err := h.suggestPage(r)
	if err != nil {
		return err
	}
	p.Topic, p.Details, p.Theme = r.PostFormValue("topic"), r.PostFormValue("details"), r.PostFormValue("theme")
	p.Rating, p.Comment = r.PostFormValue("rating"), r.PostFormValue("comment")
	in := results.SuggestionInput{Topic: p.Topic, Details: p.Details, Comment: p.Comment}
	if p.Rating != "" {
		n, err := strconv.Atoi(p.Rating)
		if err != nil {
			p.AddError("rating", "results.suggest.error.rating")
		}
		in.Rating = n
	}
	for _, t := range p.Themes {
		if t.Slug == p.Theme {
			in.ThemeID = t.ID
		}
	}
	if p.Theme != "" && in.ThemeID == 0 {
		p.AddError("theme", "results.suggest.error.theme")
	}
	if !p.HasErrors() {
		err = h.svc.Suggest(ctx, ActorFrom(ctx), in)
		if err == nil {
			http.Redirect(w, r, p.URL("/suggestions")+"?envoye=1", http.StatusSeeOther)
			return nil
		}
		if !p.formError(err) {
			return err
		}
	}
	h.s.render(w, r, http.StatusBadRequest, "results/suggestions", p)
	return nil
}

// adminSuggestionsPage is the moderation queue of suggestions (platform admins).
type adminSuggestionsPage struct {
	resultsPage
	Topics  []results.Suggestion
	Ratings []results.Suggestion
}

func (h *resultsHandlers) adminSuggestions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := ActorFrom(ctx)
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	if !results.CanModerateSuggestions(a) {
		return participe.Errorf(participe.EFORBIDDEN, "platform admins only")
	}
	p := adminSuggestionsPage{resultsPage: h.newPage(r, "results.admin.suggestions.title")}
	p.NoIndex = true
	p.crumbs(p.T("nav.admin"), "/admin", p.T("results.admin.suggestions.title"), "")
	var err error
	if p.Topics, _, err = h.svc.Suggestions(ctx, results.KindTopic, results.SuggestionPending, 100, 0); err != nil {
		return err
	}
	if p.Ratings, _, err = h.svc.Suggestions(ctx, results.KindRating, results.SuggestionPending, 100, 0); err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "results/admin-suggestions", &p)
	return nil
}

func (h *resultsHandlers) adminModerateSuggestion(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := resPathID(r, "id")
	if err != nil {
		return err
	}
	a := ActorFrom(ctx)
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	if err := h.svc.ModerateSuggestion(ctx, a, h.s.ClientIP(r), id, r.PostFormValue("decision") == "approve"); err != nil {
		return err
	}
	lang := LangFrom(ctx)
	h.s.SetFlash(ctx, "success", h.s.Cat.T(lang, "results.admin.suggestions.done"))
	http.Redirect(w, r, LocalPath(lang, "/admin/suggestions"), http.StatusSeeOther)
	return nil
}

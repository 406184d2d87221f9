package web

import (
	"net/http"
	"strconv"

	"participe/internal/participe"
	"participe/internal/results"
)

// satisfactionPage is the short process-satisfaction questionnaire of a closed
// initiative (answers stored by the survey tool, results in the dashboards).
type satisfactionPage struct {
	resultsPage
	S       *results.SatisfactionTarget
	V       map[string]string
	Done    bool
	Scores  []int
	Options []string
}

func (h *resultsHandlers) satisfactionLoad(r *http.Request) (*satisfactionPage, error) {
	t, err := h.svc.Satisfaction(r.Context(), ActorFrom(r.Context()), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	p := &satisfactionPage{resultsPage: h.newPage(r, "results.satisfaction.title"), S: t, V: map[string]string{},
		Scores: []int{1, 2, 3, 4, 5}, Options: []string{"yes", "maybe", "no"}}
	p.NoIndex = true
	title := p.L(t.TitleFR, t.TitleEN)
	p.crumbs(p.T("nav.initiatives"), "/initiatives", title, "/initiatives/"+t.Slug, p.T("results.satisfaction.title"), "")
	return p, nil
}

func (h *resultsHandlers) satisfactionForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.satisfactionLoad(r)
	if err != nil {
		return err
	}
	p.Done = r.URL.Query().Get("merci") == "1"
	h.s.render(w, r, http.StatusOK, "results/satisfaction", p)
	return nil
}

func (h *resultsHandlers) satisfactionPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if ActorFrom(ctx).IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	p, err := h.satisfactionLoad(r)
	if err != nil {
		return err
	}
	for _, k := range []string{"overall", "informed", "heard", "again", "comment"} {
		p.V[k] = r.PostFormValue(k)
	}
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil && s != "" {
			return -1
		}
		return n
	}
	in := results.SatisfactionInput{Overall: atoi(p.V["overall"]), Informed: atoi(p.V["informed"]), Heard: atoi(p.V["heard"]),
		Again: p.V["again"], Comment: p.V["comment"]}
	err = h.svc.AnswerSatisfaction(ctx, ActorFrom(ctx), r.PathValue("slug"), in)
	if err == nil {
		http.Redirect(w, r, p.URL("/initiatives/"+p.Esc(p.S.Slug)+"/satisfaction")+"?merci=1", http.StatusSeeOther)
		return nil
	}
	if !p.formError(err) {
		return err
	}
	h.s.render(w, r, http.StatusBadRequest, "results/satisfaction", p)
	return nil
}

// Checked reports whether a radio value was chosen.
func (p *satisfactionPage) Checked(name, v string) bool { return p.V[name] == v }

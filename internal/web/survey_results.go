package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"participe/internal/participe"
	"participe/internal/tools/survey"
)

type svResultsPage struct {
	surveyPage
	Public    bool
	Res       *survey.Results
	Views     []svResultView
	Filter    survey.Filter
	By        string
	Regions   []svRegionOpt
	AgeGroups []string
	CrossOpts []svCrossOpt
	ResBase   string
	// Open answers page.
	TextQ   *survey.Question
	Texts   []survey.TextRow
	Search  string
	Pager   Pager
	Channel string
	// Channels4 lists every channel for the filter.
	Channels4 []string
}

type svRegionOpt struct{ Code, Name string }
type svCrossOpt struct{ Value, Label string }

type svResultView struct {
	R        survey.QuestionResult
	Label    string
	Bars     []svBarView
	Matrix   []svMatrixView
	Heads    []string
	Ranking  []svRankView
	IsText   bool
	Mean     string
	Median   string
	TextsURL string
	Height   int
}

type svBarView struct {
	Label string
	N     int64
	Pct   string
	W     string
	Y     int
}

type svMatrixView struct {
	Label string
	N     int64
	Cells []svBarView
}

type svRankView struct {
	Label    string
	N        int64
	Mean     string
	First    int64
	Position int
}

var svAgeGroups = []string{"15-24", "25-34", "35-44", "45-54", "55-64", "65+"}

func (h *surveyHandlers) filterFrom(r *http.Request) (survey.Filter, string) {
	q := r.URL.Query()
	f := survey.Filter{Channel: q.Get("canal"), Region: q.Get("region"), AgeGroup: q.Get("age")}
	valid := func(v string, list []string) string {
		for _, x := range list {
			if x == v {
				return v
			}
		}
		return ""
	}
	f.Channel = valid(f.Channel, survey.Channels)
	f.AgeGroup = valid(f.AgeGroup, svAgeGroups)
	if len(f.Region) != 2 {
		f.Region = ""
	}
	by := q.Get("selon")
	if k, v, ok := strings.Cut(by, ":"); ok && len(by) < 200 {
		f.Question, f.Option = k, v
	} else {
		by = ""
	}
	return f, by
}

func (h *surveyHandlers) renderResults(w http.ResponseWriter, r *http.Request, sv *survey.Survey, public bool) error {
	f, by := h.filterFrom(r)
	res, err := h.svc.Results(r.Context(), sv, f, public)
	if err != nil {
		return err
	}
	p := svResultsPage{surveyPage: h.newSurveyPage(r, sv, ""), Public: public, Res: res, Filter: f, By: by, AgeGroups: svAgeGroups, Channels4: survey.Channels}
	p.Page.Title = p.T("survey.results.title_of", p.Title)
	p.ResBase = p.Base + "/resultats"
	if !public {
		p.ResBase = p.AdminBase + "/resultats"
		p.Breadcrumb = []Crumb{{Label: p.T("nav.admin"), URL: p.URL("/admin")}, {Label: p.T("survey.builder.title"), URL: p.URL(p.AdminBase)}, {Label: p.T("survey.results.title")}}
	}
	rows, err := h.s.DB.Query(r.Context(), `SELECT code, name_fr, name_en FROM regions ORDER BY code`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c, fr, en string
		if err := rows.Scan(&c, &fr, &en); err != nil {
			rows.Close()
			return err
		}
		p.Regions = append(p.Regions, svRegionOpt{c, c + " – " + p.L(fr, en)})
	}
	rows.Close()
	for _, q := range sv.Def().Questions() {
		if (q.Type == survey.TSingle || q.Type == survey.TMultiple) && !(public && q.IsPersonal()) {
			for _, o := range q.Options {
				p.CrossOpts = append(p.CrossOpts, svCrossOpt{q.Key + ":" + o.Key, svShorten(p.L(q.LabelFR, q.LabelEN), 60) + " = " + p.L(o.LabelFR, o.LabelEN)})
			}
		}
	}
	for _, qr := range res.Questions {
		p.Views = append(p.Views, svBuildResultView(&p.Page, qr, p.ResBase))
	}
	h.s.render(w, r, http.StatusOK, "survey/results", &p)
	return nil
}

func svShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func svPctWidth(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) }

func svBuildResultView(p *Page, qr survey.QuestionResult, base string) svResultView {
	q := qr.Q
	v := svResultView{R: qr, Label: p.L(q.LabelFR, q.LabelEN), IsText: q.IsText()}
	for i, o := range qr.Options {
		v.Bars = append(v.Bars, svBarView{Label: p.L(o.LabelFR, o.LabelEN), N: o.N, Pct: p.Pct(o.Pct), W: svPctWidth(o.Pct), Y: i * 32})
	}
	v.Height = len(v.Bars)*32 + 4
	if qr.HasStats {
		v.Mean, v.Median = p.Dec(qr.Mean), p.Dec(qr.Median)
	}
	for _, o := range q.Options {
		v.Heads = append(v.Heads, p.L(o.LabelFR, o.LabelEN))
	}
	for _, m := range qr.Matrix {
		mv := svMatrixView{Label: p.L(m.Row.LabelFR, m.Row.LabelEN), N: m.Answered}
		for _, c := range m.Cells {
			mv.Cells = append(mv.Cells, svBarView{N: c.N, Pct: p.Pct(c.Pct)})
		}
		v.Matrix = append(v.Matrix, mv)
	}
	for i, rr := range qr.Ranking {
		v.Ranking = append(v.Ranking, svRankView{Label: p.L(rr.Option.LabelFR, rr.Option.LabelEN), N: rr.N, Mean: p.Dec(rr.MeanRank), First: rr.First, Position: i + 1})
	}
	if v.IsText || q.Other {
		v.TextsURL = p.URL(base + "/" + q.Key)
	}
	return v
}

func (h *surveyHandlers) publicResults(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	if !sv.ResultsPublic {
		return participe.Errorf(participe.ENOTFOUND, "results not published")
	}
	return h.renderResults(w, r, sv, true)
}

func (h *surveyHandlers) adminResults(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	sv, err := h.svc.Manage(r.Context(), ActorFrom(r.Context()), id, surveyResultsRoles...)
	if err != nil {
		return err
	}
	return h.renderResults(w, r, sv, false)
}

func (h *surveyHandlers) renderTexts(w http.ResponseWriter, r *http.Request, sv *survey.Survey, public bool, base string) error {
	key := r.PathValue("q")
	qkey, isOther := strings.CutSuffix(key, "/other")
	q := sv.Def().Question(qkey)
	if q == nil || (public && q.IsPersonal()) || (!q.IsText() && !q.Other) {
		return participe.Errorf(participe.ENOTFOUND, "no such question")
	}
	if q.Other && !q.IsText() {
		isOther, key = true, q.Key+"/other"
	}
	_ = isOther
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	const per = 20
	search := r.URL.Query().Get("q")
	f, _ := h.filterFrom(r)
	texts, total, err := h.svc.Texts(r.Context(), sv, key, search, f.Channel, (page-1)*per, per)
	if err != nil {
		return err
	}
	p := svResultsPage{surveyPage: h.newSurveyPage(r, sv, ""), Public: public, TextQ: q, Texts: texts, Search: search, Channel: f.Channel}
	p.Page.Title = p.T("survey.texts.title", p.L(q.LabelFR, q.LabelEN))
	p.ResBase = base
	p.Pager = NewPager(p.URL(base+"/"+q.Key), url.Values{"q": {search}, "canal": {f.Channel}}, page, per, total)
	h.s.render(w, r, http.StatusOK, "survey/texts", &p)
	return nil
}

func (h *surveyHandlers) publicTexts(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	if !sv.ResultsPublic {
		return participe.Errorf(participe.ENOTFOUND, "results not published")
	}
	return h.renderTexts(w, r, sv, true, svBase(sv)+"/resultats")
}

func (h *surveyHandlers) adminTexts(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	sv, err := h.svc.Manage(r.Context(), ActorFrom(r.Context()), id, surveyResultsRoles...)
	if err != nil {
		return err
	}
	return h.renderTexts(w, r, sv, false, fmt.Sprintf("/admin/initiatives/%d/questionnaire/resultats", id))
}

func (h *surveyHandlers) export(w http.ResponseWriter, r *http.Request, sv *survey.Survey, format string, public bool) error {
	name := sv.Slug + "-reponses"
	if public {
		name += "-anonymisees"
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		name += ".json"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := h.svc.Export(r.Context(), sv, w, format, public); err != nil {
		// Headers are sent: log and cut the response rather than render a page.
		h.s.Log.Error("survey export failed", "err", err, "survey", sv.ID)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func (h *surveyHandlers) publicExport(format string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		sv, err := h.publicSurvey(r)
		if err != nil {
			return err
		}
		if !sv.ResultsPublic {
			return participe.Errorf(participe.ENOTFOUND, "results not published")
		}
		return h.export(w, r, sv, format, true)
	}
}

func (h *surveyHandlers) adminExport(format string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := svInitiativeID(r)
		if err != nil {
			return err
		}
		sv, err := h.svc.Manage(r.Context(), ActorFrom(r.Context()), id, surveyResultsRoles...)
		if err != nil {
			return err
		}
		return h.export(w, r, sv, format, false)
	}
}

// print is the printable paper version (print CSS), the accessible equivalent of the PDF.
func (h *surveyHandlers) print(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	p := h.newSurveyPage(r, sv, "")
	p.Sections = svAllSectionViews(&p.Page, sv, nil, nil)
	h.s.render(w, r, http.StatusOK, "survey/print", &p)
	return nil
}

func (h *surveyHandlers) pdf(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+sv.Slug+`-questionnaire.pdf"`)
	return survey.PDF(w, sv, LangFrom(r.Context()))
}

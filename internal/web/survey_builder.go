package web

import (
	"net/http"
	"strconv"
	"strings"

	"participe/internal/participe"
	"participe/internal/tools/survey"
)

// svBuilderPage is the data of the builder's pages.
type svBuilderPage struct {
	surveyPage
	Ini       *survey.InitiativeRef
	Types     []string
	Targets   []survey.InitiativeRef
	Links     []string
	LinkBase  string
	Form      svQuestionForm
	SecForm   svSectionForm
	IsNew     bool
	Locked    bool
	Earlier   []*survey.Question
	SecKeys   []svSectionChoice
	AdminBase string
	// AccessModes are the choices of who may answer.
	AccessModes []string
}

type svSectionChoice struct{ Key, Title string }

type svQuestionForm struct {
	Key, Section, Type, LabelFR, LabelEN, HelpFR, HelpEN, Display string
	Required, Other, Personal                                     bool
	Options, Rows                                                 string
	ScaleMin, ScaleMax, MinLabelFR, MinLabelEN                    string
	MaxLabelFR, MaxLabelEN, MinChoices, MaxChoices, Min, Max      string
	CondOp, Cond                                                  string
}

type svSectionForm struct {
	Key, TitleFR, TitleEN, IntroFR, IntroEN, CondOp, Cond string
}

func svInitiativeID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, participe.Errorf(participe.ENOTFOUND, "no such initiative")
	}
	return id, nil
}

func (h *surveyHandlers) adminPage(r *http.Request, roles []string, titleKey string) (*svBuilderPage, error) {
	id, err := svInitiativeID(r)
	if err != nil {
		return nil, err
	}
	ini, err := h.svc.Initiative(r.Context(), ActorFrom(r.Context()), id, roles...)
	if err != nil {
		return nil, err
	}
	bp := &svBuilderPage{Ini: ini, Types: survey.Types, AccessModes: []string{survey.AccessAccount, survey.AccessAnonymous, survey.AccessLink}}
	sv, err := h.svc.ByInitiative(r.Context(), id, survey.PurposeMain)
	if err != nil && !participe.IsCode(err, participe.ENOTFOUND) {
		return nil, err
	}
	bp.AdminBase = "/admin/initiatives/" + strconv.FormatInt(id, 10) + "/questionnaire"
	if sv != nil {
		if err := h.svc.CountResponses(r.Context(), sv); err != nil {
			return nil, err
		}
		bp.surveyPage = h.newSurveyPage(r, sv, titleKey)
	} else {
		bp.surveyPage = surveyPage{Page: h.s.newPage(r, titleKey)}
		bp.NoIndex = true
	}
	bp.surveyPage.AdminBase = bp.AdminBase
	bp.Page.Title = bp.T(titleKey)
	bp.Breadcrumb = []Crumb{{Label: bp.T("nav.admin"), URL: bp.URL("/admin")},
		{Label: bp.L(ini.TitleFR, ini.TitleEN), URL: bp.URL("/admin/initiatives/" + strconv.FormatInt(id, 10))},
		{Label: bp.T("survey.builder.title"), URL: bp.URL(bp.AdminBase)}, {Label: bp.T(titleKey)}}
	if titleKey == "survey.builder.title" {
		bp.Breadcrumb = bp.Breadcrumb[:3]
		bp.Breadcrumb[2].URL = ""
	}
	return bp, nil
}

func (h *surveyHandlers) redirectAdmin(w http.ResponseWriter, r *http.Request, suffix string) {
	id, _ := svInitiativeID(r)
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), "/admin/initiatives/"+strconv.FormatInt(id, 10)+"/questionnaire"+suffix), http.StatusSeeOther)
}

// builder is the survey's back-office page: settings, structure, tools.
func (h *surveyHandlers) builder(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.adminPage(r, surveyBuildRoles, "survey.builder.title")
	if err != nil {
		return err
	}
	if bp.Survey != nil {
		bp.Locked = bp.Survey.ResponsesCount > 0
		targets, err := h.svc.ManagedInitiatives(r.Context(), bp.Actor)
		if err != nil {
			return err
		}
		for _, t := range targets {
			if t.ID != bp.Ini.ID {
				bp.Targets = append(bp.Targets, t)
			}
		}
	}
	h.s.render(w, r, http.StatusOK, "survey/builder", bp)
	return nil
}

// builderError shows a refused change on the builder page (why it was refused).
func (h *surveyHandlers) builderError(w http.ResponseWriter, r *http.Request, err error) error {
	de, ok := participe.AsError(err)
	if !ok || (de.Code != participe.EINVALID && de.Code != participe.ECONFLICT) {
		return err
	}
	bp, err2 := h.adminPage(r, surveyBuildRoles, "survey.builder.title")
	if err2 != nil {
		return err2
	}
	msg := de.Message
	if de.Key != "" && h.s.Cat.Has(de.Key) {
		msg = bp.T(de.Key) + " (" + de.Message + ")"
	}
	bp.Errors = append(bp.Errors, FieldError{Field: "structure", Message: msg})
	if bp.Survey != nil {
		bp.Locked = bp.Survey.ResponsesCount > 0
	}
	h.s.render(w, r, http.StatusConflict, "survey/builder", bp)
	return nil
}

func (h *surveyHandlers) create(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	if _, err := h.svc.Create(r.Context(), ActorFrom(r.Context()), id); err != nil && !participe.IsCode(err, participe.ECONFLICT) {
		return err
	}
	h.redirectAdmin(w, r, "")
	return nil
}

func (h *surveyHandlers) settings(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	err = h.svc.SaveSettings(r.Context(), ActorFrom(r.Context()), id, survey.Settings{
		TitleFR: f.Get("title_fr"), TitleEN: f.Get("title_en"), IntroFR: f.Get("intro_fr"), IntroEN: f.Get("intro_en"),
		Access: f.Get("access"), Receipt: f.Get("receipt") == "1", Publish: f.Get("publish") == "1", ResultsPublic: f.Get("results_public") == "1"})
	if err != nil {
		return h.builderError(w, r, err)
	}
	h.s.SetFlash(r.Context(), "success", h.s.Cat.T(LangFrom(r.Context()), "survey.builder.saved"))
	h.redirectAdmin(w, r, "")
	return nil
}

func svVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	return v
}

func (h *surveyHandlers) edit(w http.ResponseWriter, r *http.Request, change func(*survey.Definition) error, anchor string) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Edit(r.Context(), ActorFrom(r.Context()), id, svVersion(r), change); err != nil {
		return h.builderError(w, r, err)
	}
	h.redirectAdmin(w, r, anchor)
	return nil
}

func (h *surveyHandlers) addSection(w http.ResponseWriter, r *http.Request) error {
	_ = r.ParseForm()
	title := strings.TrimSpace(r.PostForm.Get("title_fr"))
	if title == "" {
		title = h.s.Cat.T("fr", "survey.builder.new_section")
	}
	return h.edit(w, r, survey.AddSection(survey.Section{TitleFR: title, TitleEN: strings.TrimSpace(r.PostForm.Get("title_en"))}), "")
}

// structure handles the move up / move down / delete buttons (forms, no JavaScript).
func (h *surveyHandlers) structure(w http.ResponseWriter, r *http.Request) error {
	_ = r.ParseForm()
	key, kind, action := r.PostForm.Get("key"), r.PostForm.Get("kind"), r.PostForm.Get("action")
	var change func(*survey.Definition) error
	switch kind + ":" + action {
	case "section:up":
		change = survey.MoveSection(key, -1)
	case "section:down":
		change = survey.MoveSection(key, 1)
	case "section:delete":
		change = survey.DeleteSection(key)
	case "question:up":
		change = survey.MoveQuestion(key, -1)
	case "question:down":
		change = survey.MoveQuestion(key, 1)
	case "question:delete":
		change = survey.DeleteQuestion(key)
	default:
		return participe.Errorf(participe.EINVALID, "unknown action")
	}
	anchor := "#" + kind + "-" + key
	if action == "delete" {
		anchor = ""
	}
	return h.edit(w, r, change, anchor)
}

func (h *surveyHandlers) sectionChoices(bp *svBuilderPage) {
	for _, s := range bp.Survey.Sections {
		bp.SecKeys = append(bp.SecKeys, svSectionChoice{s.Key, bp.L(s.TitleFR, s.TitleEN)})
	}
}

func (h *surveyHandlers) editSection(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.adminPage(r, surveyBuildRoles, "survey.builder.section_edit")
	if err != nil {
		return err
	}
	if bp.Survey == nil {
		return participe.Errorf(participe.ENOTFOUND, "no survey")
	}
	for _, s := range bp.Survey.Sections {
		if s.Key == r.PathValue("key") {
			bp.SecForm = svSectionForm{Key: s.Key, TitleFR: s.TitleFR, TitleEN: s.TitleEN, IntroFR: s.IntroFR, IntroEN: s.IntroEN, Cond: survey.FormatConditionLines(s.ShowIf)}
			if s.ShowIf != nil {
				bp.SecForm.CondOp = s.ShowIf.Op
			}
			bp.Earlier = svEarlierQuestions(bp.Survey, s.Key, true)
			h.s.render(w, r, http.StatusOK, "survey/section", bp)
			return nil
		}
	}
	return participe.Errorf(participe.ENOTFOUND, "no section")
}

// svEarlierQuestions lists the questions a condition may use (help for the manager).
func svEarlierQuestions(sv *survey.Survey, key string, isSection bool) []*survey.Question {
	var out []*survey.Question
	for _, s := range sv.Sections {
		if isSection && s.Key == key {
			return out
		}
		for qi := range s.Questions {
			q := &s.Questions[qi]
			if !isSection && q.Key == key {
				return out
			}
			if q.Type == survey.TSingle || q.Type == survey.TMultiple || q.Type == survey.TScale || q.Type == survey.TRanking {
				out = append(out, q)
			}
		}
	}
	return out
}

func (h *surveyHandlers) saveSectionDef(w http.ResponseWriter, r *http.Request) error {
	_ = r.ParseForm()
	f := r.PostForm
	cond, err := survey.ParseConditionLines(f.Get("cond_op"), f.Get("cond"))
	if err != nil {
		return h.builderError(w, r, err)
	}
	if strings.TrimSpace(f.Get("title_fr")) == "" {
		return h.builderError(w, r, participe.KeyError(participe.EINVALID, "survey.error.section_title"))
	}
	return h.edit(w, r, survey.UpdateSection(r.PathValue("key"), survey.Section{TitleFR: strings.TrimSpace(f.Get("title_fr")), TitleEN: strings.TrimSpace(f.Get("title_en")),
		IntroFR: strings.TrimSpace(f.Get("intro_fr")), IntroEN: strings.TrimSpace(f.Get("intro_en")), ShowIf: cond}), "#section-"+r.PathValue("key"))
}

func (h *surveyHandlers) newQuestion(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.adminPage(r, surveyBuildRoles, "survey.builder.question_new")
	if err != nil {
		return err
	}
	if bp.Survey == nil {
		return participe.Errorf(participe.ENOTFOUND, "no survey")
	}
	bp.IsNew = true
	bp.Form = svQuestionForm{Section: r.URL.Query().Get("section"), Type: r.URL.Query().Get("type"), ScaleMin: "1", ScaleMax: "5", CondOp: "and"}
	if bp.Form.Type == "" {
		bp.Form.Type = survey.TShortText
	}
	h.sectionChoices(bp)
	bp.Earlier = svEarlierQuestions(bp.Survey, "", false)
	h.s.render(w, r, http.StatusOK, "survey/question", bp)
	return nil
}

func (h *surveyHandlers) editQuestion(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.adminPage(r, surveyBuildRoles, "survey.builder.question_edit")
	if err != nil {
		return err
	}
	if bp.Survey == nil {
		return participe.Errorf(participe.ENOTFOUND, "no survey")
	}
	q := bp.Survey.Def().Question(r.PathValue("key"))
	if q == nil {
		return participe.Errorf(participe.ENOTFOUND, "no question")
	}
	bp.Form = svFormFromQuestion(q)
	bp.Locked = bp.Survey.ResponsesCount > 0
	bp.Earlier = svEarlierQuestions(bp.Survey, q.Key, false)
	h.s.render(w, r, http.StatusOK, "survey/question", bp)
	return nil
}

func svFnum(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func svFormFromQuestion(q *survey.Question) svQuestionForm {
	f := svQuestionForm{Key: q.Key, Type: q.Type, LabelFR: q.LabelFR, LabelEN: q.LabelEN, HelpFR: q.HelpFR, HelpEN: q.HelpEN, Display: q.Display,
		Required: q.Required, Other: q.Other, Personal: q.Personal, Options: survey.FormatOptionLines(q.Options), Rows: survey.FormatOptionLines(q.Rows),
		Min: svFnum(q.Min), Max: svFnum(q.Max), Cond: survey.FormatConditionLines(q.ShowIf), CondOp: "and"}
	if q.ShowIf != nil {
		f.CondOp = q.ShowIf.Op
	}
	if q.MinChoices > 0 {
		f.MinChoices = strconv.Itoa(q.MinChoices)
	}
	if q.MaxChoices > 0 {
		f.MaxChoices = strconv.Itoa(q.MaxChoices)
	}
	if q.Scale != nil {
		f.ScaleMin, f.ScaleMax = strconv.Itoa(q.Scale.Min), strconv.Itoa(q.Scale.Max)
		f.MinLabelFR, f.MinLabelEN, f.MaxLabelFR, f.MaxLabelEN = q.Scale.MinLabelFR, q.Scale.MinLabelEN, q.Scale.MaxLabelFR, q.Scale.MaxLabelEN
	}
	return f
}

// svQuestionFromForm reads the question form; field errors use the form's ids.
func svQuestionFromForm(f svQuestionForm) (survey.Question, []FieldError, error) {
	q := survey.Question{Type: f.Type, LabelFR: strings.TrimSpace(f.LabelFR), LabelEN: strings.TrimSpace(f.LabelEN),
		HelpFR: strings.TrimSpace(f.HelpFR), HelpEN: strings.TrimSpace(f.HelpEN), Required: f.Required, Other: f.Other, Personal: f.Personal}
	var errs []FieldError
	if q.LabelFR == "" {
		errs = append(errs, FieldError{Field: "label_fr", Message: "survey.error.label"})
	}
	if f.Display == "list" {
		q.Display = "list"
	}
	var err error
	if q.Options, err = survey.ParseOptionLines(f.Options); err != nil {
		errs = append(errs, FieldError{Field: "options", Message: "survey.error.option_key"})
	}
	if q.Rows, err = survey.ParseOptionLines(f.Rows); err != nil {
		errs = append(errs, FieldError{Field: "rows", Message: "survey.error.option_key"})
	}
	switch q.Type {
	case survey.TSingle, survey.TMultiple, survey.TRanking, survey.TMatrix:
		if len(q.Options) == 0 {
			errs = append(errs, FieldError{Field: "options", Message: "survey.error.options"})
		}
	default:
		q.Options = nil
	}
	if q.Type == survey.TMatrix && len(q.Rows) == 0 {
		errs = append(errs, FieldError{Field: "rows", Message: "survey.error.rows"})
	}
	if q.Type != survey.TMatrix {
		q.Rows = nil
	}
	if q.Type != survey.TSingle && q.Type != survey.TMultiple {
		q.Other = false
	}
	if q.Type == survey.TScale {
		lo, e1 := strconv.Atoi(strings.TrimSpace(f.ScaleMin))
		hi, e2 := strconv.Atoi(strings.TrimSpace(f.ScaleMax))
		if e1 != nil || e2 != nil || lo >= hi || hi-lo > 20 {
			errs = append(errs, FieldError{Field: "scale_min", Message: "survey.error.scale"})
		}
		q.Scale = &survey.Scale{Min: lo, Max: hi, MinLabelFR: strings.TrimSpace(f.MinLabelFR), MinLabelEN: strings.TrimSpace(f.MinLabelEN),
			MaxLabelFR: strings.TrimSpace(f.MaxLabelFR), MaxLabelEN: strings.TrimSpace(f.MaxLabelEN)}
	}
	if q.Type == survey.TMultiple {
		q.MinChoices, _ = strconv.Atoi(strings.TrimSpace(f.MinChoices))
		q.MaxChoices, _ = strconv.Atoi(strings.TrimSpace(f.MaxChoices))
	}
	if q.Type == survey.TNumber {
		if v, ok := survey.ParseNumber(f.Min); ok {
			q.Min = &v
		} else if strings.TrimSpace(f.Min) != "" {
			errs = append(errs, FieldError{Field: "min", Message: "survey.answer.number"})
		}
		if v, ok := survey.ParseNumber(f.Max); ok {
			q.Max = &v
		} else if strings.TrimSpace(f.Max) != "" {
			errs = append(errs, FieldError{Field: "max", Message: "survey.answer.number"})
		}
	}
	cond, err := survey.ParseConditionLines(f.CondOp, f.Cond)
	if err != nil {
		errs = append(errs, FieldError{Field: "cond", Message: "survey.error.condition_syntax"})
	}
	q.ShowIf = cond
	return q, errs, nil
}

func (h *surveyHandlers) saveQuestion(w http.ResponseWriter, r *http.Request) error {
	_ = r.ParseForm()
	v := r.PostForm
	f := svQuestionForm{Key: r.PathValue("key"), Section: v.Get("section"), Type: v.Get("type"), LabelFR: v.Get("label_fr"), LabelEN: v.Get("label_en"),
		HelpFR: v.Get("help_fr"), HelpEN: v.Get("help_en"), Display: v.Get("display"), Required: v.Get("required") == "1", Other: v.Get("other") == "1",
		Personal: v.Get("personal") == "1", Options: v.Get("options"), Rows: v.Get("rows"), ScaleMin: v.Get("scale_min"), ScaleMax: v.Get("scale_max"),
		MinLabelFR: v.Get("min_label_fr"), MinLabelEN: v.Get("min_label_en"), MaxLabelFR: v.Get("max_label_fr"), MaxLabelEN: v.Get("max_label_en"),
		MinChoices: v.Get("min_choices"), MaxChoices: v.Get("max_choices"), Min: v.Get("min"), Max: v.Get("max"), CondOp: v.Get("cond_op"), Cond: v.Get("cond")}
	isNew := f.Key == ""
	q, ferrs, _ := svQuestionFromForm(f)
	var err error
	if len(ferrs) == 0 {
		id, _ := svInitiativeID(r)
		change := survey.UpdateQuestion(f.Key, q)
		if isNew {
			change = survey.AddQuestion(f.Section, q)
		}
		err = h.svc.Edit(r.Context(), ActorFrom(r.Context()), id, svVersion(r), change)
		if err == nil {
			h.redirectAdmin(w, r, "")
			return nil
		}
		de, ok := participe.AsError(err)
		if !ok || (de.Code != participe.EINVALID && de.Code != participe.ECONFLICT) {
			return err
		}
	}
	titleKey := "survey.builder.question_edit"
	if isNew {
		titleKey = "survey.builder.question_new"
	}
	bp, err2 := h.adminPage(r, surveyBuildRoles, titleKey)
	if err2 != nil {
		return err2
	}
	if bp.Survey == nil {
		return participe.Errorf(participe.ENOTFOUND, "no survey")
	}
	bp.IsNew = isNew
	bp.Form = f
	bp.Locked = bp.Survey.ResponsesCount > 0
	h.sectionChoices(bp)
	bp.Earlier = svEarlierQuestions(bp.Survey, f.Key, false)
	for _, fe := range ferrs {
		bp.Errors = append(bp.Errors, FieldError{Field: fe.Field, Message: bp.T(fe.Message)})
	}
	if err != nil {
		de, _ := participe.AsError(err)
		msg := de.Message
		if de.Key != "" && h.s.Cat.Has(de.Key) {
			msg = bp.T(de.Key) + " (" + de.Message + ")"
		}
		bp.Errors = append(bp.Errors, FieldError{Field: "label_fr", Message: msg})
	}
	h.s.render(w, r, http.StatusUnprocessableEntity, "survey/question", bp)
	return nil
}

// preview shows the whole survey as respondents will see it, without saving anything.
func (h *surveyHandlers) preview(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.adminPage(r, append(surveyBuildRoles, surveyResultsRoles...), "survey.preview.title")
	if err != nil {
		return err
	}
	if bp.Survey == nil {
		return participe.Errorf(participe.ENOTFOUND, "no survey")
	}
	bp.Mode = "preview"
	bp.Sections = svAllSectionViews(&bp.Page, bp.Survey, nil, nil)
	h.s.render(w, r, http.StatusOK, "survey/form", &bp.surveyPage)
	return nil
}

// svAllSectionViews draws every section with every question (preview, staff entry): on
// paper, conditions are instructions, so they are shown in words.
func svAllSectionViews(p *Page, sv *survey.Survey, values map[string][]string, errs []survey.FieldErr) []svSectionView {
	var out []svSectionView
	for i, s := range sv.Sections {
		v := svSectionView{N: i + 1, Key: s.Key, Title: survey.Label(p.Lang, s.TitleFR, s.TitleEN), Intro: survey.Label(p.Lang, s.IntroFR, s.IntroEN)}
		if s.ShowIf != nil {
			v.Cond = survey.ConditionText(sv, s.ShowIf, p.Lang)
		}
		v.Questions = svQuestionViews(p, sv, sv.SectionQuestions(i), values, errs)
		out = append(out, v)
	}
	return out
}

func (h *surveyHandlers) copy(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	to, err := strconv.ParseInt(r.PostForm.Get("target"), 10, 64)
	if err != nil {
		return h.builderError(w, r, participe.KeyError(participe.EINVALID, "survey.copy.error.target"))
	}
	if _, err := h.svc.CopyTo(r.Context(), ActorFrom(r.Context()), id, to); err != nil {
		return h.builderError(w, r, err)
	}
	h.s.SetFlash(r.Context(), "success", h.s.Cat.T(LangFrom(r.Context()), "survey.copy.done"))
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), "/admin/initiatives/"+strconv.FormatInt(to, 10)+"/questionnaire"), http.StatusSeeOther)
	return nil
}

func (h *surveyHandlers) links(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	n, _ := strconv.Atoi(r.PostForm.Get("count"))
	toks, err := h.svc.CreateLinks(r.Context(), ActorFrom(r.Context()), id, n)
	if err != nil {
		return h.builderError(w, r, err)
	}
	bp, err := h.adminPage(r, surveyBuildRoles, "survey.links.title")
	if err != nil {
		return err
	}
	bp.Links = toks
	bp.LinkBase = h.s.Cfg.BaseURL + LocalPath(bp.Lang, "/initiatives/"+bp.Ini.Slug+"/questionnaire/lien/")
	h.s.render(w, r, http.StatusOK, "survey/links", bp)
	return nil
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"participe/internal/participe"
	"participe/internal/tools/survey"
)

// surveyPage is the data of every survey page.
type surveyPage struct {
	Page
	Survey      *survey.Survey
	Title       string
	Intro       string
	Base        string // public base path (French, localize with .URL)
	AdminBase   string
	Open        bool
	Mode        string // section, preview, entry, verify
	Response    *survey.Response
	SectionN    int // 1-based index among all sections
	Pos, Count  int // progress among visible sections
	SecTitle    string
	SecIntro    string
	Questions   []svQView
	Sections    []svSectionView
	Stale       bool
	ResumeURL   string
	Saved       bool
	Review      []svReviewSection
	ReceiptMail string
	NeedsSignIn bool
	IdemKey     string
	Channel     string
	PaperFormID string
	Channels    []string
	Entries     []survey.EntryRow
	Diffs       []survey.Difference
	Done        *survey.Response
}

type svSectionView struct {
	N         int
	Key       string
	Title     string
	Intro     string
	Cond      string
	Questions []svQView
}

type svReviewSection struct {
	N     int
	Title string
	Items []svReviewItem
}

type svReviewItem struct {
	Label, Answer, Link string
}

// publicSurvey loads the published survey the path names: the initiative's main survey
// under /questionnaire, another purpose (e.g. the satisfaction questionnaire) under
// /questionnaires/{purpose}. Only known purposes are served ("bench" and the like stay
// private), and the main survey has one address only.
func (h *surveyHandlers) publicSurvey(r *http.Request) (*survey.Survey, error) {
	purpose := r.PathValue("purpose")
	if purpose == "" {
		purpose = survey.PurposeMain
	} else if purpose == survey.PurposeMain || !survey.PublicPurpose(purpose) {
		return nil, participe.Errorf(participe.ENOTFOUND, "no such questionnaire")
	}
	return h.svc.Public(r.Context(), r.PathValue("slug"), purpose)
}

// svBase is the public base path of a survey (French; localise with .URL or LocalPath).
func svBase(sv *survey.Survey) string {
	if sv.Purpose == "" || sv.Purpose == survey.PurposeMain {
		return "/initiatives/" + sv.Slug + "/questionnaire"
	}
	return "/initiatives/" + sv.Slug + "/questionnaires/" + sv.Purpose
}

func svSessionKey(sv *survey.Survey) string { return "survey.r." + strconv.FormatInt(sv.ID, 10) }
func svLinkKey(sv *survey.Survey) string    { return "survey.link." + strconv.FormatInt(sv.ID, 10) }

// respondent is who answers: the signed-in person (access "account"), or the draft kept
// in the visitor's session.
func (h *surveyHandlers) respondent(r *http.Request, sv *survey.Survey) survey.Respondent {
	var who survey.Respondent
	if a := ActorFrom(r.Context()); a != nil && sv.Access == survey.AccessAccount {
		who.PersonID = a.PersonID
	}
	who.ResponseID = h.s.Sessions.GetInt64(r.Context(), svSessionKey(sv))
	who.LinkToken = h.s.Sessions.GetString(r.Context(), svLinkKey(sv))
	return who
}

func (h *surveyHandlers) newSurveyPage(r *http.Request, sv *survey.Survey, titleKey string) surveyPage {
	p := surveyPage{Page: h.s.newPage(r, titleKey), Survey: sv, Base: svBase(sv)}
	p.Title = survey.Label(p.Lang, sv.TitleFR, sv.TitleEN)
	p.Intro = survey.Label(p.Lang, sv.IntroFR, sv.IntroEN)
	p.Page.Title = p.Title
	p.Open = h.svc.IsOpen(sv)
	p.NoIndex = true
	p.AdminBase = "/admin/initiatives/" + strconv.FormatInt(sv.InitiativeID, 10) + "/questionnaire"
	p.Breadcrumb = []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}, {Label: p.T("nav.initiatives"), URL: p.URL("/initiatives")},
		{Label: survey.Label(p.Lang, sv.InitiativeTitle, sv.InitiativeTitleE), URL: p.URL("/initiatives/" + sv.Slug)}, {Label: p.Title}}
	return p
}

// svVisibleSections lists the indexes of the sections shown for the answers.
func svVisibleSections(sv *survey.Survey, a survey.Answers) []int {
	vis := sv.Def().Evaluate(a)
	var out []int
	for i, s := range sv.Sections {
		if vis.Sections[s.Key] && len(s.Questions) > 0 {
			out = append(out, i)
		}
	}
	return out
}

// svFirstIncomplete is the first visible section with a missing required answer (-1: all
// complete). A person cannot jump past it by editing the URL.
func svFirstIncomplete(sv *survey.Survey, a survey.Answers) int {
	vis := sv.Def().Evaluate(a)
	for _, i := range svVisibleSections(sv, a) {
		if len(survey.Check(sv.SectionQuestions(i), a, vis, true)) > 0 {
			return i
		}
	}
	return -1
}

func (h *surveyHandlers) sectionURL(p *Page, sv *survey.Survey, i int) string {
	return p.URL(svBase(sv) + "/section/" + strconv.Itoa(i+1))
}

// start: the survey's home page (intro, how long, start or resume, paper version).
func (h *surveyHandlers) start(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	p := h.newSurveyPage(r, sv, "")
	p.Breadcrumb = p.Breadcrumb[:len(p.Breadcrumb)-1]
	p.Breadcrumb = append(p.Breadcrumb, Crumb{Label: p.Title})
	if resp, err := h.svc.Find(r.Context(), sv, h.respondent(r, sv)); err == nil {
		p.Response = resp
	}
	p.Count = len(svVisibleSections(sv, survey.Answers{}))
	p.NeedsSignIn = sv.Access == survey.AccessAccount && p.Actor == nil
	h.s.render(w, r, http.StatusOK, "survey/start", &p)
	return nil
}

// begin starts (or resumes) the respondent's response.
func (h *surveyHandlers) begin(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	resp, err := h.svc.Start(r.Context(), sv, h.respondent(r, sv))
	if err != nil {
		return err
	}
	if resp.PersonID == 0 {
		h.s.Sessions.Put(r.Context(), svSessionKey(sv), resp.ID)
	}
	p := h.s.newPage(r, "")
	if resp.Status == "submitted" {
		http.Redirect(w, r, p.URL(svBase(sv)+"/confirmation/"+resp.Reference), http.StatusSeeOther)
		return nil
	}
	next := svFirstIncomplete(sv, resp.Answers)
	if next < 0 {
		http.Redirect(w, r, p.URL(svBase(sv)+"/verifier"), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, h.sectionURL(&p, sv, next), http.StatusSeeOther)
	return nil
}

// link remembers a one-time invitation link in the session and goes to the survey.
func (h *surveyHandlers) link(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	h.s.Sessions.Put(r.Context(), svLinkKey(sv), r.PathValue("token"))
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)), http.StatusSeeOther)
	return nil
}

// resume reopens an anonymous draft from its resume link.
func (h *surveyHandlers) resume(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	resp, err := h.svc.ByResumeToken(r.Context(), sv, r.PathValue("token"))
	if err != nil {
		return err
	}
	h.s.Sessions.Put(r.Context(), svSessionKey(sv), resp.ID)
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)), http.StatusSeeOther)
	return nil
}

// current loads the respondent's draft or sends them to the survey's start page.
func (h *surveyHandlers) current(w http.ResponseWriter, r *http.Request) (*survey.Survey, *survey.Response, bool, error) {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return nil, nil, false, err
	}
	resp, err := h.svc.Find(r.Context(), sv, h.respondent(r, sv))
	if participe.IsCode(err, participe.ENOTFOUND) {
		http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)), http.StatusSeeOther)
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	if resp.Status == "submitted" {
		http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)+"/confirmation/"+resp.Reference), http.StatusSeeOther)
		return nil, nil, false, nil
	}
	return sv, resp, true, nil
}

func svSectionParam(r *http.Request, sv *survey.Survey) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(sv.Sections) {
		return 0, participe.Errorf(participe.ENOTFOUND, "no such section")
	}
	return n - 1, nil
}

// svSectionQuestionsShown returns the section's questions to draw: conditions on earlier
// pages are decided by the server (hidden questions are left out); conditions on
// questions of the same page are left to the person, explained in words and applied at
// once by survey.js.
func svSectionQuestionsShown(sv *survey.Survey, i int, a survey.Answers) []*survey.Question {
	vis := sv.Def().Evaluate(a)
	here := map[string]bool{}
	for _, q := range sv.Sections[i].Questions {
		here[q.Key] = true
	}
	var out []*survey.Question
	for _, q := range sv.SectionQuestions(i) {
		samePage := false
		if q.ShowIf != nil {
			for _, c := range q.ShowIf.Conditions {
				samePage = samePage || here[c.Question]
			}
		}
		if samePage || vis.Questions[q.Key] {
			out = append(out, q)
		}
	}
	return out
}

func (h *surveyHandlers) renderSection(w http.ResponseWriter, r *http.Request, sv *survey.Survey, resp *survey.Response, i int, a survey.Answers, values url.Values, errs []survey.FieldErr, status int) {
	p := h.newSurveyPage(r, sv, "")
	p.Mode = "section"
	p.Response = resp
	p.SectionN = i + 1
	sec := sv.Sections[i]
	p.SecTitle = survey.Label(p.Lang, sec.TitleFR, sec.TitleEN)
	p.SecIntro = survey.Label(p.Lang, sec.IntroFR, sec.IntroEN)
	visible := svVisibleSections(sv, a)
	p.Count = len(visible)
	for k, vi := range visible {
		if vi == i {
			p.Pos = k + 1
		}
	}
	p.Page.Title = p.T("survey.section.title", p.SecTitle, p.Title)
	qs := svSectionQuestionsShown(sv, i, a)
	if values == nil {
		values = survey.FormValues(qs, a)
	}
	p.Questions = svQuestionViews(&p.Page, sv, qs, values, errs)
	svAddSurveyErrors(&p.Page, errs)
	p.Stale = resp.SurveyVersion != sv.Version && len(resp.Answers) > 0
	if resp.PersonID == 0 && resp.ResumeToken != "" {
		p.ResumeURL = p.URL(svBase(sv) + "/reprendre/" + resp.ResumeToken)
	}
	p.Saved = r.URL.Query().Get("enregistre") == "1"
	h.s.render(w, r, status, "survey/form", &p)
}

// section shows one page of the survey.
func (h *surveyHandlers) section(w http.ResponseWriter, r *http.Request) error {
	sv, resp, ok, err := h.current(w, r)
	if !ok {
		return err
	}
	i, err := svSectionParam(r, sv)
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "")
	// A hidden section, or one past the first incomplete section (tampered URL): go to
	// the right page instead.
	if fi := svFirstIncomplete(sv, resp.Answers); fi >= 0 && i > fi {
		http.Redirect(w, r, h.sectionURL(&p, sv, fi), http.StatusSeeOther)
		return nil
	}
	vis := svVisibleSections(sv, resp.Answers)
	shown := false
	for _, vi := range vis {
		shown = shown || vi == i
	}
	if !shown {
		for _, vi := range vis {
			if vi > i {
				http.Redirect(w, r, h.sectionURL(&p, sv, vi), http.StatusSeeOther)
				return nil
			}
		}
		http.Redirect(w, r, p.URL(svBase(sv)+"/verifier"), http.StatusSeeOther)
		return nil
	}
	h.renderSection(w, r, sv, resp, i, resp.Answers, nil, nil, http.StatusOK)
	return nil
}

// saveSection stores a page and goes to the next (or previous) visible page.
func (h *surveyHandlers) saveSection(w http.ResponseWriter, r *http.Request) error {
	sv, resp, ok, err := h.current(w, r)
	if !ok {
		return err
	}
	i, err := svSectionParam(r, sv)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.Errorf(participe.EINVALID, "bad form")
	}
	action := r.PostForm.Get("action")
	merged, errs, err := h.svc.SaveSection(r.Context(), sv, resp, i, r.PostForm, action == "next")
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		h.renderSection(w, r, sv, resp, i, merged, r.PostForm, errs, http.StatusUnprocessableEntity)
		return nil
	}
	p := h.s.newPage(r, "")
	vis := svVisibleSections(sv, merged)
	switch action {
	case "prev":
		for k := len(vis) - 1; k >= 0; k-- {
			if vis[k] < i {
				http.Redirect(w, r, h.sectionURL(&p, sv, vis[k]), http.StatusSeeOther)
				return nil
			}
		}
		http.Redirect(w, r, p.URL(svBase(sv)), http.StatusSeeOther)
	case "save":
		http.Redirect(w, r, h.sectionURL(&p, sv, i)+"?enregistre=1", http.StatusSeeOther)
	default:
		for _, vi := range vis {
			if vi > i {
				http.Redirect(w, r, h.sectionURL(&p, sv, vi), http.StatusSeeOther)
				return nil
			}
		}
		http.Redirect(w, r, p.URL(svBase(sv)+"/verifier"), http.StatusSeeOther)
	}
	return nil
}

func (h *surveyHandlers) buildReview(p *surveyPage, sv *survey.Survey, a survey.Answers) {
	vis := sv.Def().Evaluate(a)
	for _, i := range svVisibleSections(sv, a) {
		sec := sv.Sections[i]
		rs := svReviewSection{N: i + 1, Title: survey.Label(p.Lang, sec.TitleFR, sec.TitleEN)}
		for qi := range sec.Questions {
			q := &sec.Questions[qi]
			if !q.Answerable() || !vis.Questions[q.Key] {
				continue
			}
			ans := survey.AnswerText(q, a[q.Key], p.Lang)
			if ans == "" {
				ans = p.T("survey.review.none")
			}
			rs.Items = append(rs.Items, svReviewItem{Label: survey.Label(p.Lang, q.LabelFR, q.LabelEN), Answer: ans,
				Link: h.sectionURL(&p.Page, sv, i) + "#" + survey.FieldID(q)})
		}
		p.Review = append(p.Review, rs)
	}
}

// review is "Vérifier vos réponses" before sending.
func (h *surveyHandlers) review(w http.ResponseWriter, r *http.Request) error {
	sv, resp, ok, err := h.current(w, r)
	if !ok {
		return err
	}
	p0 := h.s.newPage(r, "")
	if fi := svFirstIncomplete(sv, resp.Answers); fi >= 0 {
		http.Redirect(w, r, h.sectionURL(&p0, sv, fi), http.StatusSeeOther)
		return nil
	}
	p := h.newSurveyPage(r, sv, "")
	p.Response = resp
	p.Page.Title = p.T("survey.review.title")
	h.buildReview(&p, sv, sv.Def().Prune(resp.Answers))
	p.ReceiptMail = svReceiptDefault(r.Context(), sv, resp, p.Actor, h)
	h.s.render(w, r, http.StatusOK, "survey/review", &p)
	return nil
}

// svReceiptDefault proposes the address for the copy of the answers: an email question
// answered in the survey (seed 000 "copie_courriel"), else the account's address.
func svReceiptDefault(ctx context.Context, sv *survey.Survey, resp *survey.Response, a *participe.Actor, h *surveyHandlers) string {
	for _, q := range sv.Def().Questions() {
		if q.Type == survey.TEmail {
			if t := resp.Answers[q.Key].Text; t != "" {
				return t
			}
		}
	}
	if a != nil {
		var email string
		_ = h.s.DB.QueryRow(ctx, `SELECT COALESCE(email, '') FROM people WHERE id = ?`, a.PersonID).Scan(&email)
		return email
	}
	return ""
}

// submit sends the response. Sending twice shows the same confirmation.
func (h *surveyHandlers) submit(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.Errorf(participe.EINVALID, "bad form")
	}
	rc := survey.Receipt{Lang: LangFrom(r.Context())}
	if r.PostForm.Get("receipt") == "1" {
		rc.Email = strings.TrimSpace(r.PostForm.Get("receipt_email"))
	}
	if r.PostForm.Get("complete") == "1" {
		return h.submitComplete(w, r, sv, rc)
	}
	resp, err := h.svc.Find(r.Context(), sv, h.respondent(r, sv))
	if err != nil {
		return err
	}
	done, errs, err := h.svc.Submit(r.Context(), sv, resp, rc)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		if errs[0].Question == "receipt" {
			p := h.newSurveyPage(r, sv, "")
			p.Response = resp
			p.Page.Title = p.T("survey.review.title")
			h.buildReview(&p, sv, sv.Def().Prune(resp.Answers))
			p.ReceiptMail = rc.Email
			svAddSurveyErrors(&p.Page, errs)
			h.s.render(w, r, http.StatusUnprocessableEntity, "survey/review", &p)
			return nil
		}
		// The survey changed or an answer is missing: back to the page concerned.
		p := h.s.newPage(r, "")
		h.s.SetFlash(r.Context(), "warning", p.T("survey.submit.fix"))
		http.Redirect(w, r, h.sectionURL(&p, sv, sv.SectionOf(errs[0].Question)), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)+"/confirmation/"+done.Reference), http.StatusSeeOther)
	return nil
}

// confirmation shows the reference number and what happens next.
func (h *surveyHandlers) confirmation(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	resp, err := h.svc.ByReference(r.Context(), sv, r.PathValue("ref"))
	if err != nil || resp.Status != "submitted" || resp.Channel != survey.ChannelWeb {
		return participe.Errorf(participe.ENOTFOUND, "no such response")
	}
	p := h.newSurveyPage(r, sv, "")
	p.Page.Title = p.T("survey.confirm.title")
	p.Done = resp
	h.s.render(w, r, http.StatusOK, "survey/confirmation", &p)
	return nil
}

// onePage shows the whole survey on one page, sent in one go without a draft (short
// questionnaires such as the satisfaction one; also the fastest path, one durable write).
// Conditions on the same page are explained in words and applied at once by survey.js;
// answers to questions left hidden are dropped when sent.
func (h *surveyHandlers) onePage(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.publicSurvey(r)
	if err != nil {
		return err
	}
	if !h.svc.IsOpen(sv) || (sv.Access == survey.AccessAccount && ActorFrom(r.Context()) == nil) {
		http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)), http.StatusSeeOther)
		return nil
	}
	h.renderOnePage(w, r, sv, nil, nil, "", svNewIdemKey(), http.StatusOK)
	return nil
}

func (h *surveyHandlers) renderOnePage(w http.ResponseWriter, r *http.Request, sv *survey.Survey, values url.Values, errs []survey.FieldErr, receipt, idem string, status int) {
	p := h.newSurveyPage(r, sv, "")
	p.Mode = "onepage"
	p.IdemKey = idem
	p.ReceiptMail = receipt
	for _, sec := range svAllSectionViews(&p.Page, sv, values, errs) {
		if len(sec.Questions) > 0 {
			p.Sections = append(p.Sections, sec)
		}
	}
	svAddSurveyErrors(&p.Page, errs)
	h.s.render(w, r, status, "survey/form", &p)
}

// submitComplete sends a whole response posted by the one-page form (one durable write).
// Errors: the page again with every typed value kept; nothing stored.
func (h *surveyHandlers) submitComplete(w http.ResponseWriter, r *http.Request, sv *survey.Survey, rc survey.Receipt) error {
	in := survey.Complete{Form: r.PostForm, IdemKey: r.PostForm.Get("idem"), Receipt: rc}
	done, _, errs, err := h.svc.SubmitComplete(r.Context(), sv, h.respondent(r, sv), in)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		h.renderOnePage(w, r, sv, r.PostForm, errs, r.PostForm.Get("receipt_email"), in.IdemKey, http.StatusUnprocessableEntity)
		return nil
	}
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), svBase(sv)+"/confirmation/"+done.Reference), http.StatusSeeOther)
	return nil
}

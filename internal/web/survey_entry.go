package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"

	"participe/internal/participe"
	"participe/internal/tools/survey"
)

func svNewIdemKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (h *surveyHandlers) entryPage(r *http.Request, title string) (*svBuilderPage, error) {
	bp, err := h.adminPage(r, surveyEntryRoles, title)
	if err != nil {
		return nil, err
	}
	if bp.Survey == nil {
		return nil, participe.Errorf(participe.ENOTFOUND, "no survey")
	}
	bp.Channels = survey.StaffChannels
	bp.Entries, err = h.svc.Entries(r.Context(), bp.Actor, bp.Ini.ID, 20)
	return bp, err
}

// entry is the staff data-entry screen: one page per paper form, keyboard only.
func (h *surveyHandlers) entry(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.entryPage(r, "survey.entry.title")
	if err != nil {
		return err
	}
	bp.Mode = "entry"
	bp.IdemKey = svNewIdemKey()
	bp.Channel = r.URL.Query().Get("canal")
	if bp.Channel == "" {
		bp.Channel = survey.ChannelPaper
	}
	if ref := r.URL.Query().Get("ok"); ref != "" {
		bp.Done = &survey.Response{Reference: ref}
	}
	bp.Sections = svAllSectionViews(&bp.Page, bp.Survey, nil, nil)
	h.s.render(w, r, http.StatusOK, "survey/form", &bp.surveyPage)
	return nil
}

func (h *surveyHandlers) saveEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.Errorf(participe.EINVALID, "bad form")
	}
	in := survey.PaperEntry{Channel: r.PostForm.Get("channel"), PaperFormID: r.PostForm.Get("paper_form_id"), IdemKey: r.PostForm.Get("idem"), Form: r.PostForm}
	resp, _, errs, err := h.svc.EnterPaper(r.Context(), ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		bp, err := h.entryPage(r, "survey.entry.title")
		if err != nil {
			return err
		}
		bp.Mode = "entry"
		bp.IdemKey = in.IdemKey
		bp.Channel = in.Channel
		bp.PaperFormID = in.PaperFormID
		bp.Sections = svAllSectionViews(&bp.Page, bp.Survey, r.PostForm, errs)
		svAddSurveyErrors(&bp.Page, errs)
		h.s.render(w, r, http.StatusUnprocessableEntity, "survey/form", &bp.surveyPage)
		return nil
	}
	// Next form: same channel, a fresh page.
	h.redirectAdmin(w, r, "/saisie?canal="+in.Channel+"&ok="+resp.Reference)
	return nil
}

func svResponseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil {
		return 0, participe.Errorf(participe.ENOTFOUND, "no such response")
	}
	return id, nil
}

// verify is the double-entry check: a second staff member types the same paper form
// again, blind, and the two entries are compared.
func (h *surveyHandlers) verify(w http.ResponseWriter, r *http.Request) error {
	bp, err := h.entryPage(r, "survey.verify.title")
	if err != nil {
		return err
	}
	rid, err := svResponseID(r)
	if err != nil {
		return err
	}
	resp, err := h.svc.Response(r.Context(), bp.Survey, rid)
	if err != nil {
		return err
	}
	if resp.EnteredBy == bp.Actor.PersonID {
		return participe.KeyError(participe.ECONFLICT, "survey.verify.error.same_person")
	}
	bp.Mode = "verify"
	bp.Response = resp
	bp.Entries = nil
	bp.Sections = svAllSectionViews(&bp.Page, bp.Survey, nil, nil)
	h.s.render(w, r, http.StatusOK, "survey/form", &bp.surveyPage)
	return nil
}

func (h *surveyHandlers) saveVerify(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	rid, err := svResponseID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.Errorf(participe.EINVALID, "bad form")
	}
	resp, diffs, errs, err := h.svc.Verify(r.Context(), ActorFrom(r.Context()), id, rid, r.PostForm, LangFrom(r.Context()))
	if err != nil {
		return err
	}
	if len(errs) == 0 && len(diffs) == 0 {
		h.s.SetFlash(r.Context(), "success", h.s.Cat.T(LangFrom(r.Context()), "survey.verify.same", resp.Reference))
		h.redirectAdmin(w, r, "/saisie")
		return nil
	}
	bp, err := h.entryPage(r, "survey.verify.title")
	if err != nil {
		return err
	}
	bp.Mode = "verify"
	bp.Response = resp
	bp.Entries = nil
	bp.Diffs = diffs
	bp.Sections = svAllSectionViews(&bp.Page, bp.Survey, r.PostForm, errs)
	svAddSurveyErrors(&bp.Page, errs)
	h.s.render(w, r, http.StatusUnprocessableEntity, "survey/form", &bp.surveyPage)
	return nil
}

func (h *surveyHandlers) resolve(w http.ResponseWriter, r *http.Request) error {
	id, err := svInitiativeID(r)
	if err != nil {
		return err
	}
	rid, err := svResponseID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if err := h.svc.Resolve(r.Context(), ActorFrom(r.Context()), id, rid, r.PostForm.Get("keep")); err != nil {
		return err
	}
	h.s.SetFlash(r.Context(), "success", h.s.Cat.T(LangFrom(r.Context()), "survey.verify.resolved"))
	h.redirectAdmin(w, r, "/saisie")
	return nil
}

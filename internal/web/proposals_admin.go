package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"participe/internal/contrib"
	"participe/internal/i18n"
	"participe/internal/participe"
	"participe/internal/tools/proposals"
)

type proposalAdminData struct {
	Page
	A        *proposals.AdminPage
	Pager    Pager
	Themes   string
	States   string
	OpensAt  string
	ClosesAt string
	Base     string
	Settings proposals.SettingsInput
}

func (h *proposalHandlers) admin(w http.ResponseWriter, r *http.Request) error {
	return h.renderAdmin(w, r, http.StatusOK, nil, nil)
}

func (h *proposalHandlers) renderAdmin(w http.ResponseWriter, r *http.Request, status int, formErr error, typed *proposals.SettingsInput) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	ap, err := h.svc.Admin(r.Context(), ActorFrom(r.Context()), id, page)
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "proposals.admin.title")
	p.NoIndex = true
	i := ap.Initiative
	d := &proposalAdminData{Page: p, A: ap, Base: "/admin/initiatives/" + strconv.FormatInt(id, 10) + "/propositions"}
	if formErr != nil && !applyErrors(&d.Page, formErr) {
		return formErr
	}
	if typed != nil {
		d.Settings = *typed
		d.Themes, d.States = typed.Themes, typed.States
	} else {
		st := i.Settings
		d.Settings = proposals.SettingsInput{WhoMayPropose: st.WhoMayPropose, VotingOpen: st.VotingOpen, VoteType: st.VoteType,
			MaxLength: st.MaxLength, ReportThreshold: st.ReportThreshold, OpensAt: st.OpensAt, ClosesAt: st.ClosesAt}
		var b strings.Builder
		for _, t := range i.Themes {
			b.WriteString(t.Key + " | " + t.FR + " | " + t.EN + "\n")
		}
		d.Themes = b.String()
		b.Reset()
		for _, s := range st.AnswerStates {
			b.WriteString(s.Key + " | " + s.FR + " | " + s.EN + "\n")
		}
		d.States = b.String()
	}
	if !d.Settings.OpensAt.IsZero() {
		d.OpensAt = d.Settings.OpensAt.In(i18n.Quebec).Format("2006-01-02")
	}
	if !d.Settings.ClosesAt.IsZero() {
		d.ClosesAt = d.Settings.ClosesAt.In(i18n.Quebec).Format("2006-01-02")
	}
	d.Pager = NewPager(p.URL(d.Base), nil, ap.Page, proposals.AdminPerPage, ap.Total)
	d.Breadcrumb = []Crumb{{p.T("nav.admin"), p.URL("/admin")}, {p.L(i.TitleFR, i.TitleEN), ""}}
	h.s.render(w, r, status, "proposals/admin", d)
	return nil
}

func parseDate(s string, endOfDay bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation("2006-01-02", s, i18n.Quebec)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, false
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return t.UTC(), true
}

func (h *proposalHandlers) saveSettings(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.KeyError(participe.EINVALID, "proposals.error.form")
	}
	f := r.PostForm
	in := proposals.SettingsInput{WhoMayPropose: f.Get("who"), VotingOpen: f.Get("voting_open") == "1", VoteType: f.Get("vote_type"),
		Themes: f.Get("themes"), States: f.Get("states")}
	in.MaxLength, _ = strconv.Atoi(f.Get("max_length"))
	in.ReportThreshold, _ = strconv.Atoi(f.Get("threshold"))
	var ok1, ok2 bool
	in.OpensAt, ok1 = parseDate(f.Get("opens_at"), false)
	in.ClosesAt, ok2 = parseDate(f.Get("closes_at"), true)
	if !ok1 || !ok2 {
		field := "opens_at"
		if !ok2 {
			field = "closes_at"
		}
		return h.renderAdmin(w, r, http.StatusUnprocessableEntity, participe.FieldError(field, "proposals.error.date"), &in)
	}
	if err := h.svc.SaveSettings(r.Context(), ActorFrom(r.Context()), id, in, h.s.ClientIP(r)); err != nil {
		if participe.IsCode(err, participe.EINVALID) {
			return h.renderAdmin(w, r, http.StatusUnprocessableEntity, err, &in)
		}
		return err
	}
	h.changed()
	p := h.s.newPage(r, "")
	h.s.SetFlash(r.Context(), "success", p.T("proposals.flash.settings"))
	http.Redirect(w, r, p.URL("/admin/initiatives/"+r.PathValue("id")+"/propositions"), http.StatusSeeOther)
	return nil
}

type entryFormData struct {
	Page
	A        *proposals.AdminPage
	In       proposals.EntryInput
	Channels []string
	Base     string
}

func (h *proposalHandlers) entryForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderEntry(w, r, http.StatusOK, nil, proposals.EntryInput{Kind: proposals.KindProposal, Channel: contrib.ChannelPaper})
}

func (h *proposalHandlers) renderEntry(w http.ResponseWriter, r *http.Request, status int, formErr error, in proposals.EntryInput) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ap, err := h.svc.Admin(r.Context(), ActorFrom(r.Context()), id, 1)
	if err != nil {
		return err
	}
	if !ap.CanAnswer {
		return participe.KeyError(participe.EFORBIDDEN, "proposals.error.forbidden")
	}
	p := h.s.newPage(r, "proposals.entry.title")
	p.NoIndex = true
	d := &entryFormData{Page: p, A: ap, In: in, Channels: contrib.StaffChannels, Base: "/admin/initiatives/" + strconv.FormatInt(id, 10) + "/propositions"}
	if formErr != nil && !applyErrors(&d.Page, formErr) {
		return formErr
	}
	d.Breadcrumb = []Crumb{{p.T("nav.admin"), p.URL("/admin")}, {p.L(ap.Initiative.TitleFR, ap.Initiative.TitleEN), p.URL(d.Base)}, {p.T("proposals.entry.title"), ""}}
	h.s.render(w, r, status, "proposals/entry", d)
	return nil
}

func (h *proposalHandlers) enter(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.KeyError(participe.EINVALID, "proposals.error.form")
	}
	f := r.PostForm
	in := proposals.EntryInput{Kind: f.Get("kind"), Official: f.Get("official") == "1", Channel: f.Get("channel"), OnBehalfName: f.Get("on_behalf"),
		Side: f.Get("side"), Text: f.Get("text")}
	in.Proposal = proposalInputFrom(f, in.Proposal)
	in.ProposalID, _ = strconv.ParseInt(f.Get("proposal"), 10, 64)
	cid, err := h.svc.Enter(r.Context(), ActorFrom(r.Context()), id, in, h.s.ClientIP(r))
	if err != nil {
		if participe.IsCode(err, participe.EINVALID) {
			return h.renderEntry(w, r, http.StatusUnprocessableEntity, err, in)
		}
		return err
	}
	p := h.s.newPage(r, "")
	h.s.SetFlash(r.Context(), "success", p.T("proposals.flash.entered", cid))
	http.Redirect(w, r, p.URL("/admin/initiatives/"+r.PathValue("id")+"/propositions/saisie"), http.StatusSeeOther)
	return nil
}

func (h *proposalHandlers) answer(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	publish := r.PostFormValue("publish") == "1"
	err = h.svc.SaveAnswer(r.Context(), ActorFrom(r.Context()), pid, r.PostFormValue("state"), r.PostFormValue("text"), publish, h.s.ClientIP(r))
	if err != nil {
		if participe.IsCode(err, participe.EINVALID) {
			return h.renderAdmin(w, r, http.StatusUnprocessableEntity, err, nil)
		}
		return err
	}
	h.changed()
	p := h.s.newPage(r, "")
	key := "proposals.flash.answer_draft"
	if publish {
		key = "proposals.flash.answer_published"
	}
	h.s.SetFlash(r.Context(), "success", p.T(key))
	http.Redirect(w, r, p.URL("/admin/initiatives/"+r.PathValue("id")+"/propositions")+"#p"+r.PathValue("pid"), http.StatusSeeOther)
	return nil
}

func (h *proposalHandlers) publishAnswers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.KeyError(participe.EINVALID, "proposals.error.form")
	}
	var ids []int64
	for _, v := range r.PostForm["ids"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 && len(ids) < 1000 {
			ids = append(ids, n)
		}
	}
	if len(ids) == 0 && r.PostFormValue("all") != "1" {
		return participe.KeyError(participe.EINVALID, "proposals.error.none_selected")
	}
	n, err := h.svc.PublishAnswers(r.Context(), ActorFrom(r.Context()), id, ids, h.s.ClientIP(r))
	if err != nil {
		return err
	}
	h.changed()
	p := h.s.newPage(r, "")
	h.s.SetFlash(r.Context(), "success", p.TN("proposals.flash.bulk", n))
	http.Redirect(w, r, p.URL("/admin/initiatives/"+r.PathValue("id")+"/propositions"), http.StatusSeeOther)
	return nil
}

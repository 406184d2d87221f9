package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"participe/internal/catalog"
	"participe/internal/i18n"
	"participe/internal/participe"
	"participe/internal/results"
)

// adminResultsPage is the back-office page where managers write an initiative's results:
// summary, themes, documents, follow-ups with their updates, and publication.
type adminResultsPage struct {
	resultsPage
	Initiative *catalog.Initiative
	R          *results.Results
	Bodies     []catalog.Body
	Statuses   []string
	Closed     bool
	Published  bool
	// Form values kept after an error.
	V map[string]string
	// Section is the form that failed (its fields get the errors).
	Section string
}

// Val returns a kept form value.
func (p *adminResultsPage) Val(k string) string { return p.V[k] }

func (h *resultsHandlers) adminLoad(r *http.Request) (*adminResultsPage, error) {
	ctx := r.Context()
	a := ActorFrom(ctx)
	if a.IsAnonymous() {
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	id, err := resPathID(r, "id")
	if err != nil {
		return nil, err
	}
	ini, err := h.cat.InitiativeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	res, err := h.svc.ForEdit(ctx, a, id)
	if err != nil {
		return nil, err
	}
	p := &adminResultsPage{resultsPage: h.newPage(r, ""), Initiative: ini, R: res, Statuses: results.Statuses, V: map[string]string{}}
	p.NoIndex = true
	p.Title = p.T("results.admin.title", p.L(ini.TitleFR, ini.TitleEN))
	p.crumbs(p.T("nav.admin"), "/admin", p.L(ini.TitleFR, ini.TitleEN), fmt.Sprintf("/admin/initiatives/%d", ini.ID), p.T("results.admin.crumb"), "")
	p.Closed = !h.s.Clock.Now().Before(ini.EndsAt)
	p.Published = res.Published(h.s.Clock.Now())
	if p.Bodies, err = h.cat.Bodies(ctx); err != nil {
		return nil, err
	}
	p.V["summary_fr"], p.V["summary_en"] = res.SummaryFR, res.SummaryEN
	return p, nil
}

func (h *resultsHandlers) adminResults(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "results/admin", p)
	return nil
}

// adminDone redirects back to the results page with a flash message.
func (h *resultsHandlers) adminDone(w http.ResponseWriter, r *http.Request, id int64, key string) error {
	ctx := r.Context()
	lang := LangFrom(ctx)
	h.s.SetFlash(ctx, "success", h.s.Cat.T(lang, key))
	http.Redirect(w, r, LocalPath(lang, fmt.Sprintf("/admin/initiatives/%d/resultats", id)), http.StatusSeeOther)
	return nil
}

// adminFail re-renders the page with the form's errors, or returns other errors.
func (h *resultsHandlers) adminFail(w http.ResponseWriter, r *http.Request, p *adminResultsPage, section string, err error) error {
	if !p.formError(err) {
		return err
	}
	p.Section = section
	h.s.render(w, r, http.StatusBadRequest, "results/admin", p)
	return nil
}

func (h *resultsHandlers) who(r *http.Request) results.Who {
	return results.Who{Actor: ActorFrom(r.Context()), IP: h.s.ClientIP(r)}
}

func (h *resultsHandlers) adminSaveSummary(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	in := results.Input{SummaryFR: r.PostFormValue("summary_fr"), SummaryEN: r.PostFormValue("summary_en")}
	p.V["summary_fr"], p.V["summary_en"] = in.SummaryFR, in.SummaryEN
	if err := h.svc.SaveSummary(r.Context(), h.who(r), p.Initiative.ID, in); err != nil {
		return h.adminFail(w, r, p, "summary", err)
	}
	return h.adminDone(w, r, p.Initiative.ID, "results.admin.saved")
}

// parseIDs reads "12, 15 17" into ids (invalid parts are an error).
func parseIDs(s string) ([]int64, bool) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		n, err := strconv.ParseInt(strings.TrimPrefix(f, "#"), 10, 64)
		if err != nil || n <= 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func (h *resultsHandlers) adminAddTheme(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	for _, k := range []string{"title_fr", "title_en", "synthesis_fr", "synthesis_en", "link_path", "proposals"} {
		p.V["theme_"+k] = r.PostFormValue(k)
	}
	ids, ok := parseIDs(r.PostFormValue("proposals"))
	if !ok {
		return h.adminFail(w, r, p, "theme", participe.FieldError("proposals", "results.error.ids"))
	}
	_, err = h.svc.AddTheme(r.Context(), h.who(r), p.Initiative.ID, results.ThemeInput{TitleFR: r.PostFormValue("title_fr"), TitleEN: r.PostFormValue("title_en"),
		SynthesisFR: r.PostFormValue("synthesis_fr"), SynthesisEN: r.PostFormValue("synthesis_en"), LinkPath: r.PostFormValue("link_path"), ProposalIDs: ids})
	if err != nil {
		return h.adminFail(w, r, p, "theme", err)
	}
	return h.adminDone(w, r, p.Initiative.ID, "results.admin.theme.added")
}

func (h *resultsHandlers) adminDeleteTheme(w http.ResponseWriter, r *http.Request) error {
	return h.adminDelete(w, r, "theme", h.svc.DeleteTheme, "results.admin.theme.deleted")
}

// adminDelete removes one row of the results named by the path parameter param with
// del, then goes back to the results page with the flash message doneKey.
func (h *resultsHandlers) adminDelete(w http.ResponseWriter, r *http.Request, param string,
	del func(ctx context.Context, who results.Who, initiativeID, id int64) error, doneKey string) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	id, err := resPathID(r, param)
	if err != nil {
		return err
	}
	if err := del(r.Context(), h.who(r), p.Initiative.ID, id); err != nil {
		return err
	}
	return h.adminDone(w, r, p.Initiative.ID, doneKey)
}

func (h *resultsHandlers) adminAddDocument(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, results.MaxDocumentSize+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		return participe.KeyError(participe.EINVALID, "results.error.document_size")
	}
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	p.V["doc_title_fr"], p.V["doc_title_en"] = r.PostFormValue("doc_title_fr"), r.PostFormValue("doc_title_en")
	in := results.DocumentInput{TitleFR: r.PostFormValue("doc_title_fr"), TitleEN: r.PostFormValue("doc_title_en")}
	if f, hdr, err := r.FormFile("document"); err == nil {
		in.Filename = hdr.Filename
		in.Data, err = io.ReadAll(io.LimitReader(f, results.MaxDocumentSize+1))
		f.Close()
		if err != nil {
			return err
		}
	}
	if _, err := h.svc.AddDocument(r.Context(), h.who(r), p.Initiative.ID, in); err != nil {
		return h.adminFail(w, r, p, "document", err)
	}
	return h.adminDone(w, r, p.Initiative.ID, "results.admin.document.added")
}

func (h *resultsHandlers) adminDeleteDocument(w http.ResponseWriter, r *http.Request) error {
	return h.adminDelete(w, r, "doc", h.svc.DeleteDocument, "results.admin.document.deleted")
}

func (h *resultsHandlers) adminPublish(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	if err := h.svc.Publish(r.Context(), h.who(r), p.Initiative.ID); err != nil {
		if de, ok := participe.AsError(err); ok && de.Key != "" && de.Field == "" {
			p.Flash = &Flash{Kind: "error", Message: p.T(de.Key)}
			h.s.render(w, r, statusOf(err), "results/admin", p)
			return nil
		}
		return h.adminFail(w, r, p, "summary", err)
	}
	return h.adminDone(w, r, p.Initiative.ID, "results.admin.published")
}

func (h *resultsHandlers) adminUnpublish(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	if err := h.svc.Unpublish(r.Context(), h.who(r), p.Initiative.ID); err != nil {
		return err
	}
	return h.adminDone(w, r, p.Initiative.ID, "results.admin.unpublished")
}

func (h *resultsHandlers) adminCreateFollowUp(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminLoad(r)
	if err != nil {
		return err
	}
	for _, k := range []string{"title_fr", "title_en", "description_fr", "description_en", "status", "progress", "due", "responsible_body", "dropped_reason_fr", "dropped_reason_en", "proposals"} {
		p.V["fu_"+k] = r.PostFormValue(k)
	}
	in := results.FollowUpInput{TitleFR: r.PostFormValue("title_fr"), TitleEN: r.PostFormValue("title_en"),
		DescriptionFR: r.PostFormValue("description_fr"), DescriptionEN: r.PostFormValue("description_en"),
		Status: r.PostFormValue("status"), DroppedReasonFR: r.PostFormValue("dropped_reason_fr"), DroppedReasonEN: r.PostFormValue("dropped_reason_en")}
	if v := r.PostFormValue("progress"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return h.adminFail(w, r, p, "followup", participe.FieldError("progress", "results.error.progress"))
		}
		in.Progress = n
	}
	if v := r.PostFormValue("due"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, i18n.Quebec)
		if err != nil {
			return h.adminFail(w, r, p, "followup", participe.FieldError("due", "results.error.due"))
		}
		in.DueAt = t.Add(23*time.Hour + 59*time.Minute)
	}
	if slug := r.PostFormValue("responsible_body"); slug != "" {
		for _, b := range p.Bodies {
			if b.Slug == slug {
				in.ResponsibleBodyID = b.ID
			}
		}
		if in.ResponsibleBodyID == 0 {
			return h.adminFail(w, r, p, "followup", participe.FieldError("responsible_body", "results.error.body"))
		}
	}
	ids, ok := parseIDs(r.PostFormValue("proposals"))
	if !ok {
		return h.adminFail(w, r, p, "followup", participe.FieldError("fu_proposals", "results.error.ids"))
	}
	in.ProposalIDs = ids
	if _, err := h.svc.CreateFollowUp(r.Context(), h.who(r), p.Initiative.ID, in); err != nil {
		return h.adminFail(w, r, p, "followup", err)
	}
	return h.adminDone(w, r, p.Initiative.ID, "results.admin.followup.added")
}

// followUpInitiative finds the initiative of a follow-up (for redirects).
func (h *resultsHandlers) followUpInitiative(r *http.Request, id int64) int64 {
	var ini int64
	_ = h.s.DB.QueryRow(r.Context(), `SELECT initiative_id FROM follow_ups WHERE id = ?`, id).Scan(&ini)
	return ini
}

func (h *resultsHandlers) adminAddUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if ActorFrom(ctx).IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	id, err := resPathID(r, "id")
	if err != nil {
		return err
	}
	in := results.UpdateInput{Status: r.PostFormValue("status"), TextFR: r.PostFormValue("text_fr"), TextEN: r.PostFormValue("text_en"),
		DroppedReasonFR: r.PostFormValue("dropped_reason_fr"), DroppedReasonEN: r.PostFormValue("dropped_reason_en")}
	n, convErr := strconv.Atoi(r.PostFormValue("progress"))
	in.Progress = n
	ini := h.followUpInitiative(r, id)
	if ini == 0 {
		return participe.Errorf(participe.ENOTFOUND, "follow-up not found")
	}
	if convErr != nil {
		err = participe.FieldError("progress", "results.error.progress")
	} else {
		_, err = h.svc.AddUpdate(ctx, h.who(r), id, in)
	}
	if err != nil {
		de, ok := participe.AsError(err)
		if !ok || de.Field == "" {
			return err
		}
		// Show the message on the results page (the form is one of many on it).
		lang := LangFrom(ctx)
		h.s.SetFlash(ctx, "error", h.s.Cat.T(lang, de.Key))
		http.Redirect(w, r, LocalPath(lang, fmt.Sprintf("/admin/initiatives/%d/resultats#suite-%d", ini, id)), http.StatusSeeOther)
		return nil
	}
	return h.adminDone(w, r, ini, "results.admin.update.added")
}

func (h *resultsHandlers) adminDeleteFollowUp(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if ActorFrom(ctx).IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	id, err := resPathID(r, "id")
	if err != nil {
		return err
	}
	ini := h.followUpInitiative(r, id)
	if err := h.svc.DeleteFollowUp(ctx, h.who(r), id); err != nil {
		return err
	}
	return h.adminDone(w, r, ini, "results.admin.followup.deleted")
}

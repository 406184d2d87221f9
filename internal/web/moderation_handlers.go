package web

import (
	"net/http"

	"participe/internal/contrib"
	"participe/internal/participe"
)

type queueData struct {
	Page
	Items        []contrib.QueueItem
	InitiativeID int64
	Back         string
}

func (h *proposalHandlers) queue(w http.ResponseWriter, r *http.Request) error {
	var initiativeID int64
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		initiativeID = id
	}
	items, err := h.mod.Queue(r.Context(), ActorFrom(r.Context()), initiativeID)
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "contrib.queue.title")
	p.NoIndex = true
	d := &queueData{Page: p, Items: items, InitiativeID: initiativeID, Back: r.URL.Path}
	d.Breadcrumb = []Crumb{{p.T("nav.admin"), p.URL("/admin")}, {p.T("contrib.queue.title"), ""}}
	h.s.render(w, r, http.StatusOK, "moderation/queue", d)
	return nil
}

func (h *proposalHandlers) moderated(w http.ResponseWriter, r *http.Request, key string) error {
	h.changed() // the public pages must not show the old state from their cache
	p := h.s.newPage(r, "")
	h.s.SetFlash(r.Context(), "success", p.T(key))
	http.Redirect(w, r, SafeNext(r.PostFormValue("next"), p.URL("/admin/moderation")), http.StatusSeeOther)
	return nil
}

func (h *proposalHandlers) hide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	if err := h.mod.Hide(r.Context(), ActorFrom(r.Context()), id, r.PostFormValue("reason"), h.s.ClientIP(r)); err != nil {
		return err
	}
	return h.moderated(w, r, "contrib.flash.hidden")
}

func (h *proposalHandlers) restore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	if err := h.mod.Restore(r.Context(), ActorFrom(r.Context()), id, h.s.ClientIP(r)); err != nil {
		return err
	}
	return h.moderated(w, r, "contrib.flash.restored")
}

func (h *proposalHandlers) block(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	on := r.PostFormValue("on") != "0"
	if err := h.mod.Block(r.Context(), ActorFrom(r.Context()), id, on, r.PostFormValue("reason"), h.s.ClientIP(r)); err != nil {
		return err
	}
	if on {
		return h.moderated(w, r, "contrib.flash.blocked")
	}
	return h.moderated(w, r, "contrib.flash.unblocked")
}

type myReportsData struct {
	Page
	Reports []contrib.MyReport
}

func (h *proposalHandlers) myReports(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "contrib.error.signin")
	}
	list, err := h.mod.MyReports(r.Context(), a.PersonID)
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "contrib.mine.title")
	p.NoIndex = true
	p.Breadcrumb = []Crumb{{p.T("nav.myspace"), p.URL("/mon-espace")}, {p.T("contrib.mine.title"), ""}}
	h.s.render(w, r, http.StatusOK, "moderation/mine", &myReportsData{Page: p, Reports: list})
	return nil
}

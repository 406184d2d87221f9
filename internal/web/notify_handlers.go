package web

import (
	"net/http"
	"strconv"

	"participe/internal/notify"
	"participe/internal/participe"
)

type notificationsData struct {
	Page
	List  []notify.Notification
	Pager Pager
}

const notificationsPerPage = 30

func (h *proposalHandlers) notifications(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "notify.error.signin")
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > 10000 {
		page = 1
	}
	p := h.s.newPage(r, "notify.center.title")
	list, total, err := h.notify.List(r.Context(), a.PersonID, p.Lang, (page-1)*notificationsPerPage, notificationsPerPage)
	if err != nil {
		return err
	}
	p.NoIndex = true
	p.Breadcrumb = []Crumb{{p.T("nav.myspace"), p.URL("/mon-espace")}, {p.T("notify.center.title"), ""}}
	d := &notificationsData{Page: p, List: list, Pager: NewPager(p.URL("/mon-espace/notifications"), nil, page, notificationsPerPage, total)}
	h.s.render(w, r, http.StatusOK, "notify/center", d)
	return nil
}

func (h *proposalHandlers) markRead(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "notify.error.signin")
	}
	var id int64
	if v := r.PostFormValue("id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return participe.KeyError(participe.EINVALID, "notify.error.target")
		}
		id = n
	}
	if err := h.notify.MarkRead(r.Context(), a.PersonID, id); err != nil {
		return err
	}
	p := h.s.newPage(r, "")
	if id != 0 {
		if next := r.PostFormValue("next"); next != "" {
			http.Redirect(w, r, SafeNext(next, p.URL("/mon-espace/notifications")), http.StatusSeeOther)
			return nil
		}
	}
	http.Redirect(w, r, p.URL("/mon-espace/notifications"), http.StatusSeeOther)
	return nil
}

type prefsData struct {
	Page
	Mode    string
	Modes   []string
	Follows []notify.Followed
}

func (h *proposalHandlers) prefs(w http.ResponseWriter, r *http.Request) error {
	return h.renderPrefs(w, r, http.StatusOK, "", nil)
}

func (h *proposalHandlers) renderPrefs(w http.ResponseWriter, r *http.Request, status int, typed string, formErr error) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "notify.error.signin")
	}
	mode, err := h.notify.Mode(r.Context(), a.PersonID)
	if err != nil {
		return err
	}
	follows, err := h.notify.Follows(r.Context(), a.PersonID)
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "notify.prefs.title")
	p.NoIndex = true
	p.Breadcrumb = []Crumb{{p.T("nav.myspace"), p.URL("/mon-espace")}, {p.T("notify.center.title"), p.URL("/mon-espace/notifications")}, {p.T("notify.prefs.title"), ""}}
	d := &prefsData{Page: p, Mode: mode, Modes: []string{notify.ModeImmediate, notify.ModeDigest, notify.ModeNone}, Follows: follows}
	if typed != "" {
		d.Mode = typed
	}
	if formErr != nil && !applyErrors(&d.Page, formErr) {
		return formErr
	}
	h.s.render(w, r, status, "notify/prefs", d)
	return nil
}

func (h *proposalHandlers) savePrefs(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "notify.error.signin")
	}
	mode := r.PostFormValue("email_mode")
	if err := h.notify.SetMode(r.Context(), a.PersonID, mode); err != nil {
		if participe.IsCode(err, participe.EINVALID) {
			return h.renderPrefs(w, r, http.StatusUnprocessableEntity, "", err)
		}
		return err
	}
	p := h.s.newPage(r, "")
	h.s.SetFlash(r.Context(), "success", p.T("notify.flash.prefs"))
	http.Redirect(w, r, p.URL("/mon-espace/notifications/preferences"), http.StatusSeeOther)
	return nil
}

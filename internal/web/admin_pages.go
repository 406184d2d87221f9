package web

import (
	"net/http"
	"strconv"
	"strings"

	"participe/internal/account"
	"participe/internal/account/admin"
	"participe/internal/audit"
	"participe/internal/catalog"
	"participe/internal/participe"
)

// adminView is the data of back-office pages.
type adminView struct {
	Page
	Form        map[string]string
	Bodies      []admin.BodyRow
	Body        *catalog.Body
	BodyID      int64
	Themes      []catalog.Theme
	Theme       *catalog.Theme
	Staff       []admin.StaffMember
	Invitations []admin.Invitation
	Roles       []string
	BodyKinds   []string
	Networks    []string
	Initiatives []admin.InitiativeRow
	Initiative  *catalog.Initiative
	Choices     admin.Choices
	Kinds       []string
	States      []string
	Audiences   []string
	Modes       []string
	Tools       []ToolInfo
	ToolLinks   []toolLink
	Journal     []audit.Row
	Actions     []string
	Pager       Pager
	Total       int
	State       string
	Invitation  admin.InvitationInfo
	Token       string
	// CanAdmin and CanManage say what the actor may do in Body (to show links).
	CanAdmin  bool
	CanManage bool
}

type toolLink struct {
	Tool ToolInfo
	URL  string
}

// V returns a typed form value.
func (v *adminView) V(name string) string { return v.Form[name] }

func (h *adminHandlers) view(r *http.Request, titleKey string, args ...any) *adminView {
	v := &adminView{Page: h.s.newPage(r, titleKey, args...), Form: map[string]string{}, Roles: participe.AllRoles,
		BodyKinds: admin.BodyKinds, Networks: admin.Networks, Kinds: admin.InitiativeKinds, States: admin.States,
		Audiences: catalog.Audiences, Modes: catalog.Modes}
	v.NoIndex = true
	v.Breadcrumb = []Crumb{{Label: v.T("nav.home"), URL: v.URL("/")}, {Label: v.T("admin.title"), URL: v.URL("/admin")}, {Label: v.Title}}
	return v
}

func req(h *adminHandlers, r *http.Request) admin.Req {
	return admin.Req{Actor: ActorFrom(r.Context()), IP: h.s.ClientIP(r)}
}

func adminPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// postedRecord parses the posted form of a record and returns the record's id in the
// path, or 0 on a path without it (a new record).
func postedRecord(r *http.Request, name string) (int64, error) {
	if err := parseForm(r); err != nil {
		return 0, err
	}
	if r.PathValue(name) == "" {
		return 0, nil
	}
	return adminPathID(r, name)
}

func (h *adminHandlers) redirect(w http.ResponseWriter, r *http.Request, path string) error {
	return seeOther(w, r, path)
}

// formError shows a service error on the back-office form tmpl, next to field by default.
func (h *adminHandlers) formError(w http.ResponseWriter, r *http.Request, v *adminView, tmpl, field string, err error) error {
	return renderFormError(h.s, w, r, &v.Page, v, tmpl, field, err)
}

// done ends a back-office form that worked: success message, then path.
func (h *adminHandlers) done(w http.ResponseWriter, r *http.Request, msgKey, path string) error {
	return doneTo(h.s, w, r, msgKey, path)
}

func (h *adminHandlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	v := h.view(r, "admin.title")
	v.Breadcrumb = []Crumb{{Label: v.T("nav.home"), URL: v.URL("/")}, {Label: v.T("admin.title")}}
	var err error
	if v.Bodies, err = h.svc.Bodies(r.Context(), v.Actor); err != nil {
		return err
	}
	ids, all := audit.VisibleBodies(v.Actor)
	v.CanAdmin = all || len(ids) > 0
	h.s.render(w, r, http.StatusOK, "admin/dashboard", v)
	return nil
}

// bodyView loads the body of the path for any of its staff.
func (h *adminHandlers) bodyView(r *http.Request, titleKey string) (*adminView, error) {
	id, err := adminPathID(r, "body")
	if err != nil {
		return nil, err
	}
	a := ActorFrom(r.Context())
	b, err := h.svc.Body(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	v := h.view(r, titleKey, b.NameFR)
	v.Body, v.BodyID = b, id
	v.CanAdmin, v.CanManage = a.Has(participe.RoleBodyAdmin, id), a.Has(participe.RoleManager, id)
	v.Breadcrumb = []Crumb{{Label: v.T("nav.home"), URL: v.URL("/")}, {Label: v.T("admin.title"), URL: v.URL("/admin")},
		{Label: bodyLabel(&v.Page, b), URL: v.URL("/admin/organismes/" + strconv.FormatInt(id, 10))}, {Label: v.Title}}
	return v, nil
}

func (h *adminHandlers) bodyHome(w http.ResponseWriter, r *http.Request) error {
	v, err := h.bodyView(r, "admin.body.initiatives")
	if err != nil {
		return err
	}
	v.Breadcrumb = v.Breadcrumb[:len(v.Breadcrumb)-1]
	v.Breadcrumb[len(v.Breadcrumb)-1].URL = ""
	q := r.URL.Query()
	v.State = q.Get("etat")
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 100000 {
		page = 1
	}
	const per = 25
	if v.Initiatives, v.Total, err = h.svc.Initiatives(r.Context(), v.Actor, v.BodyID, v.State, page, per); err != nil {
		return err
	}
	v.Pager = NewPager(v.URL(r.URL.Path[len(LocalPath(v.Lang, "")):]), q, page, per, v.Total)
	h.s.render(w, r, http.StatusOK, "admin/body", v)
	return nil
}

func (h *adminHandlers) bodyNew(w http.ResponseWriter, r *http.Request) error {
	if !ActorFrom(r.Context()).PlatformAdmin {
		return participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	}
	v := h.view(r, "admin.body.new")
	v.Body = &catalog.Body{Kind: "organisme"}
	h.s.render(w, r, http.StatusOK, "admin/body-edit", v)
	return nil
}

func (h *adminHandlers) bodyEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := h.bodyView(r, "admin.body.edit")
	if err != nil {
		return err
	}
	if !v.CanAdmin {
		return participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	}
	h.s.render(w, r, http.StatusOK, "admin/body-edit", v)
	return nil
}

func (h *adminHandlers) bodySave(w http.ResponseWriter, r *http.Request) error {
	id, err := postedRecord(r, "body")
	if err != nil {
		return err
	}
	f := r.PostForm
	b := &catalog.Body{ID: id, Slug: strings.TrimSpace(f.Get("slug")), Acronym: strings.TrimSpace(f.Get("acronym")),
		NameFR: strings.TrimSpace(f.Get("name_fr")), NameEN: strings.TrimSpace(f.Get("name_en")), Kind: f.Get("kind"),
		DescriptionFR: f.Get("description_fr"), DescriptionEN: f.Get("description_en"), MissionFR: f.Get("mission_fr"),
		MissionEN: f.Get("mission_en"), Website: strings.TrimSpace(f.Get("website"))}
	for i := 0; i < 8; i++ {
		n, u := f.Get("social_network_"+strconv.Itoa(i)), strings.TrimSpace(f.Get("social_url_"+strconv.Itoa(i)))
		if n == "" && u == "" {
			continue
		}
		b.Social = append(b.Social, catalog.SocialAccount{Network: n, Handle: strings.TrimSpace(f.Get("social_handle_" + strconv.Itoa(i))), URL: u})
	}
	if err := h.svc.SaveBody(r.Context(), req(h, r), b); err != nil {
		key := "admin.body.edit"
		if id == 0 {
			key = "admin.body.new"
		}
		v := h.view(r, key)
		v.Body, v.BodyID = b, id
		return h.formError(w, r, v, "admin/body-edit", "slug", err)
	}
	return h.done(w, r, "admin.saved", "/admin/organismes/"+strconv.FormatInt(b.ID, 10))
}

func (h *adminHandlers) staff(w http.ResponseWriter, r *http.Request) error {
	v, err := h.bodyView(r, "admin.staff.title")
	if err != nil {
		return err
	}
	return h.renderStaff(w, r, v, http.StatusOK)
}

func (h *adminHandlers) renderStaff(w http.ResponseWriter, r *http.Request, v *adminView, status int) error {
	var err error
	if v.Staff, v.Invitations, err = h.svc.Staff(r.Context(), v.Actor, v.BodyID); err != nil {
		return err
	}
	h.s.render(w, r, status, "admin/staff", v)
	return nil
}

func (h *adminHandlers) invite(w http.ResponseWriter, r *http.Request) error {
	v, err := h.bodyView(r, "admin.staff.title")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	v.Form = formValues(r, "email", "role")
	if err := h.svc.Invite(r.Context(), req(h, r), v.BodyID, v.V("email"), v.V("role"), LangFrom(r.Context())); err != nil {
		if st := showFormError(&v.Page, err, "email"); st != 0 {
			return h.renderStaff(w, r, v, st)
		}
		return err
	}
	h.s.SetFlash(r.Context(), "success", v.T("admin.staff.invited", v.V("email")))
	return h.redirect(w, r, "/admin/organismes/"+strconv.FormatInt(v.BodyID, 10)+"/personnel")
}

func (h *adminHandlers) grant(w http.ResponseWriter, r *http.Request) error {
	return h.changeRole(w, r, true)
}

func (h *adminHandlers) revoke(w http.ResponseWriter, r *http.Request) error {
	return h.changeRole(w, r, false)
}

func (h *adminHandlers) changeRole(w http.ResponseWriter, r *http.Request, grant bool) error {
	body, err := adminPathID(r, "body")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	person, err := formID(r, "person")
	if err != nil {
		return err
	}
	role := r.PostFormValue("role")
	if grant {
		err = h.svc.Grant(r.Context(), req(h, r), body, person, role)
	} else {
		err = h.svc.Revoke(r.Context(), req(h, r), body, person, role)
	}
	if err != nil {
		return err
	}
	return h.done(w, r, "admin.saved", "/admin/organismes/"+strconv.FormatInt(body, 10)+"/personnel")
}

func (h *adminHandlers) themes(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if !a.PlatformAdmin {
		return participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	}
	v := h.view(r, "admin.themes.title")
	var err error
	if v.Themes, err = h.svc.Themes(r.Context(), a); err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "admin/themes", v)
	return nil
}

func (h *adminHandlers) themeEdit(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	v := h.view(r, "admin.theme.new")
	v.Theme = &catalog.Theme{}
	if r.PathValue("id") != "" {
		id, err := adminPathID(r, "id")
		if err != nil {
			return err
		}
		if v.Theme, err = h.svc.Theme(r.Context(), a, id); err != nil {
			return err
		}
		v = h.view(r, "admin.theme.edit")
		v.Theme, _ = h.svc.Theme(r.Context(), a, id)
	} else if !a.PlatformAdmin {
		return participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	}
	h.s.render(w, r, http.StatusOK, "admin/theme-edit", v)
	return nil
}

func (h *adminHandlers) themeSave(w http.ResponseWriter, r *http.Request) error {
	id, err := postedRecord(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	t := &catalog.Theme{ID: id, Slug: strings.TrimSpace(f.Get("slug")), NameFR: strings.TrimSpace(f.Get("name_fr")), NameEN: strings.TrimSpace(f.Get("name_en")),
		DescriptionFR: f.Get("description_fr"), DescriptionEN: f.Get("description_en")}
	if err := h.svc.SaveTheme(r.Context(), req(h, r), t); err != nil {
		v := h.view(r, "admin.theme.edit")
		v.Theme = t
		return h.formError(w, r, v, "admin/theme-edit", "slug", err)
	}
	return h.done(w, r, "admin.saved", "/admin/themes")
}

func (h *adminHandlers) journal(w http.ResponseWriter, r *http.Request) error {
	v := h.view(r, "admin.journal.title")
	q := r.URL.Query()
	f := audit.Filter{Action: q.Get("action"), PerPage: 50}
	if len(f.Action) > 100 {
		f.Action = ""
	}
	f.BodyID, _ = strconv.ParseInt(q.Get("organisme"), 10, 64)
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 || f.Page > 100000 {
		f.Page = 1
	}
	var err error
	if v.Journal, v.Total, err = audit.List(r.Context(), h.s.DB, v.Actor, f); err != nil {
		return err
	}
	if v.Bodies, err = h.svc.Bodies(r.Context(), v.Actor); err != nil {
		return err
	}
	ids, all := audit.VisibleBodies(v.Actor)
	if !all {
		keep := v.Bodies[:0]
		for _, b := range v.Bodies {
			for _, id := range ids {
				if id == b.ID {
					keep = append(keep, b)
				}
			}
		}
		v.Bodies = keep
	}
	if v.Actions, err = audit.Actions(r.Context(), h.s.DB); err != nil {
		return err
	}
	v.Form["action"], v.Form["organisme"] = f.Action, q.Get("organisme")
	v.Pager = NewPager(v.URL("/admin/journal"), q, f.Page, f.PerPage, v.Total)
	h.s.render(w, r, http.StatusOK, "admin/journal", v)
	return nil
}

func (h *adminHandlers) invitation(w http.ResponseWriter, r *http.Request) error {
	v := h.view(r, "admin.invitation.title")
	v.Breadcrumb = nil
	v.Token = r.URL.Query().Get("jeton")
	info, err := h.svc.Invitation(r.Context(), v.Token)
	if err != nil {
		return h.formError(w, r, v, "admin/invitation", "invitation", err)
	}
	v.Invitation = info
	h.s.render(w, r, http.StatusOK, "admin/invitation", v)
	return nil
}

func (h *adminHandlers) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a := ActorFrom(r.Context())
	token := r.PostFormValue("jeton")
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	body, err := h.svc.AcceptInvitation(r.Context(), req(h, r), token)
	if err != nil {
		v := h.view(r, "admin.invitation.title")
		v.Breadcrumb = nil
		return h.formError(w, r, v, "admin/invitation", "invitation", err)
	}
	// Privilege change: renew the session token, keeping the second-factor state, and
	// keep the person's session list in step with the new token.
	sessions := account.New(h.s.DB, h.s.Clock, h.s.Jobs, h.s.Cat, h.s.Limiter, h.s.Cfg.BaseURL)
	old := h.s.Sessions.Token(r.Context())
	if err := h.s.SignIn(r.Context(), a.PersonID, a.SecondFactor); err != nil {
		return err
	}
	_ = sessions.ForgetSession(r.Context(), old)
	_ = sessions.RecordSession(r.Context(), a.PersonID, h.s.Sessions.Token(r.Context()), r.UserAgent(), h.s.ClientIP(r))
	return h.done(w, r, "admin.invitation.accepted", "/admin/organismes/"+strconv.FormatInt(body, 10))
}

// ToolName is a registered tool's name (its code when the tool is not registered).
func (v *adminView) ToolName(code string) string {
	for _, t := range v.Tools {
		if t.Code == code {
			return v.T(t.NameKey)
		}
	}
	return code
}

// bodyLabel is a body's name in the page's language (its slug when it has no name).
func bodyLabel(p *Page, b *catalog.Body) string {
	if n := p.L(b.NameFR, b.NameEN); n != "" {
		return n
	}
	return b.Slug
}

package web

import (
	"context"
	"net/http"
	"strconv"

	"participe/internal/account"
	"participe/internal/catalog"
	"participe/internal/participe"
)

// spacePage starts a "Mon espace" page for the signed-in person.
func (h *accountHandlers) spacePage(r *http.Request, titleKey, current string) (*accountPage, *participe.Actor, error) {
	a, err := requirePerson(r)
	if err != nil {
		return nil, nil, err
	}
	p := h.page(r, titleKey)
	p.Nav = spaceNav(&p.Page, current)
	p.Breadcrumb = []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}, {Label: p.T("nav.myspace"), URL: p.URL("/mon-espace")}, {Label: p.Title}}
	if current == "/mon-espace" {
		p.Breadcrumb = []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}, {Label: p.T("nav.myspace")}}
	}
	p.Staff = a.IsStaff()
	_ = h.svc.TouchSession(r.Context(), a.PersonID, h.s.Sessions.Token(r.Context()))
	return p, a, nil
}

// spacePageWith is spacePage then fill, which loads what the page shows for the person.
func (h *accountHandlers) spacePageWith(r *http.Request, titleKey, current string, fill func(ctx context.Context, p *accountPage, person int64) error) (*accountPage, *participe.Actor, error) {
	p, a, err := h.spacePage(r, titleKey, current)
	if err != nil {
		return nil, nil, err
	}
	if err := fill(r.Context(), p, a.PersonID); err != nil {
		return nil, nil, err
	}
	return p, a, nil
}

// profilePage is the profile form with the person's profile and the choices.
func (h *accountHandlers) profilePage(r *http.Request) (*accountPage, *participe.Actor, error) {
	return h.spacePageWith(r, "account.profile.title", "/mon-espace", func(ctx context.Context, p *accountPage, person int64) (err error) {
		if p.Profile, err = h.svc.ProfileOf(ctx, person); err != nil {
			return err
		}
		p.Regions, err = catalog.New(h.s.DB, h.s.Clock).Regions(ctx)
		p.AgeGroups = account.AgeGroups
		return err
	})
}

func (h *accountHandlers) profileForm(w http.ResponseWriter, r *http.Request) error {
	p, _, err := h.profilePage(r)
	if err != nil {
		return err
	}
	p.Form = map[string]string{"pseudonym": p.Profile.Pseudonym, "region": p.Profile.RegionCode, "age_group": p.Profile.AgeGroup, "locale": p.Profile.Locale}
	h.s.render(w, r, http.StatusOK, "account/profile", p)
	return nil
}

func (h *accountHandlers) profileSave(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.profilePage)
	if err != nil {
		return err
	}
	p.Form = formValues(r, "pseudonym", "region", "age_group", "locale")
	err = h.svc.UpdateProfile(r.Context(), a.PersonID, account.ProfileInput{Pseudonym: p.V("pseudonym"), RegionCode: p.V("region"), AgeGroup: p.V("age_group"), Locale: p.V("locale")})
	if err != nil {
		return h.formError(w, r, p, "account/profile", "pseudonym", err)
	}
	return h.done(w, r, "account.profile.saved", "/mon-espace")
}

func (h *accountHandlers) securityPage(r *http.Request) (*accountPage, *participe.Actor, error) {
	return h.spacePageWith(r, "account.security.title", "/mon-espace/securite", func(ctx context.Context, p *accountPage, person int64) (err error) {
		if p.Profile, err = h.svc.ProfileOf(ctx, person); err != nil {
			return err
		}
		if p.Sessions, err = h.svc.Sessions(ctx, person, h.s.Sessions.Token(ctx)); err != nil {
			return err
		}
		if p.HasTOTP, err = h.svc.HasTOTP(ctx, person); err != nil {
			return err
		}
		p.Remaining, err = h.svc.RemainingRecoveryCodes(ctx, person)
		return err
	})
}

func (h *accountHandlers) passwordChange(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.securityPage)
	if err != nil {
		return err
	}
	err = h.svc.ChangePassword(r.Context(), a.PersonID, r.PostFormValue("current_password"), r.PostFormValue("new_password"), h.s.Sessions.Token(r.Context()))
	if err != nil {
		return h.formError(w, r, p, "account/security", "new_password", err)
	}
	return h.done(w, r, "account.password.changed", "/mon-espace/securite")
}

func (h *accountHandlers) signOutOthers(w http.ResponseWriter, r *http.Request) error {
	a, err := requirePerson(r)
	if err != nil {
		return err
	}
	if err := h.svc.SignOutOthers(r.Context(), a.PersonID, h.s.Sessions.Token(r.Context())); err != nil {
		return err
	}
	return h.done(w, r, "account.sessions.done", "/mon-espace/securite")
}

func (h *accountHandlers) totpForm(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.securityPage(r)
	if err != nil {
		return err
	}
	if p.HasTOTP {
		if !a.SecondFactor {
			// Enrolled but this session has not passed the code yet.
			return h.redirect(w, r, "/connexion/verification")
		}
		return h.redirect(w, r, "/mon-espace/securite")
	}
	if p.TOTP, err = h.svc.BeginTOTP(r.Context(), a.PersonID); err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "account/totp", p)
	return nil
}

func (h *accountHandlers) totpConfirm(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.securityPage)
	if err != nil {
		return err
	}
	codes, err := h.svc.ConfirmTOTP(r.Context(), a.PersonID, r.PostFormValue("code"))
	if err != nil {
		if st := showFormError(&p.Page, err, "code"); st != 0 {
			if p.TOTP, err = h.svc.BeginTOTP(r.Context(), a.PersonID); err != nil {
				return err
			}
			h.s.render(w, r, st, "account/totp", p)
			return nil
		}
		return err
	}
	// Privilege change: a new session token with the second factor recorded.
	if err := h.startSession(r, a.PersonID, true); err != nil {
		return err
	}
	p.Recovery, p.HasTOTP = codes, true
	p.Actor.SecondFactor = true
	h.s.render(w, r, http.StatusOK, "account/recovery", p)
	return nil
}

func (h *accountHandlers) totpCodes(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.securityPage(r)
	if err != nil {
		return err
	}
	if !p.HasTOTP || !a.SecondFactor {
		return participe.KeyError(participe.EFORBIDDEN, "account.totp.none")
	}
	if p.Recovery, err = h.svc.RegenerateRecoveryCodes(r.Context(), a.PersonID); err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "account/recovery", p)
	return nil
}

func (h *accountHandlers) totpDisable(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.securityPage)
	if err != nil {
		return err
	}
	if err := h.svc.DisableTOTP(r.Context(), a, r.PostFormValue("code"), h.s.ClientIP(r)); err != nil {
		if st := showFormError(&p.Page, err, "disable-code"); st != 0 {
			for i := range p.Errors {
				p.Errors[i].Field = "disable-code"
			}
			h.s.render(w, r, st, "account/security", p)
			return nil
		}
		return err
	}
	return h.done(w, r, "account.totp.disabled", "/mon-espace/securite")
}

// emailPage is the e-mail change form with the current address.
func (h *accountHandlers) emailPage(r *http.Request) (*accountPage, *participe.Actor, error) {
	return h.spacePageWith(r, "account.email.title", "/mon-espace/securite", func(ctx context.Context, p *accountPage, person int64) (err error) {
		p.Profile, err = h.svc.ProfileOf(ctx, person)
		return err
	})
}

func (h *accountHandlers) emailChange(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.emailPage)
	if err != nil {
		return err
	}
	p.Form = formValues(r, "email")
	if err := h.svc.RequestEmailChange(r.Context(), a.PersonID, p.V("email"), r.PostFormValue("current_password"), LangFrom(r.Context()), h.s.ClientIP(r)); err != nil {
		return h.formError(w, r, p, "account/email", "email", err)
	}
	return h.done(w, r, "account.email.sent", "/mon-espace/securite")
}

func (h *accountHandlers) emailConfirmForm(w http.ResponseWriter, r *http.Request) error {
	return h.linkForm(w, r, "account.email.confirm.title", "account/email-confirm")
}

func (h *accountHandlers) emailConfirm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.linkPost(r, "account.email.confirm.title")
	if err != nil {
		return err
	}
	if _, err := h.svc.ConfirmEmailChange(r.Context(), p.Token); err != nil {
		return h.formError(w, r, p, "account/email-confirm", "confirm", err)
	}
	h.s.SetFlash(r.Context(), "success", p.T("account.email.changed"))
	if ActorFrom(r.Context()).IsAnonymous() {
		return h.redirect(w, r, "/connexion")
	}
	return h.redirect(w, r, "/mon-espace/securite")
}

// dataPage is "Mes données": consents, export and account deletion.
func (h *accountHandlers) dataPage(r *http.Request) (*accountPage, *participe.Actor, error) {
	return h.spacePageWith(r, "account.data.title", "/mon-espace/donnees", func(ctx context.Context, p *accountPage, person int64) (err error) {
		if p.Consents, err = h.svc.Consents(ctx, person); err != nil {
			return err
		}
		p.Profile, err = h.svc.ProfileOf(ctx, person)
		return err
	})
}

func (h *accountHandlers) export(w http.ResponseWriter, r *http.Request) error {
	a, err := requirePerson(r)
	if err != nil {
		return err
	}
	if err := h.s.Limiter.Check(r.Context(), "export:"+strconv.FormatInt(a.PersonID, 10), 10, 3600e9); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="participe-mes-donnees.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	return h.svc.ExportData(r.Context(), a.PersonID, w)
}

func (h *accountHandlers) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.dataPage)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "1" {
		p.AddError("confirm", "account.delete.confirm_required")
		h.s.render(w, r, http.StatusUnprocessableEntity, "account/data", p)
		return nil
	}
	if err := h.svc.DeleteAccount(r.Context(), a.PersonID, r.PostFormValue("password")); err != nil {
		return h.formError(w, r, p, "account/data", "password", err)
	}
	_ = h.s.SignOut(r.Context())
	return h.done(w, r, "account.delete.done", "/")
}

func (h *accountHandlers) orgsPage(r *http.Request) (*accountPage, *participe.Actor, error) {
	return h.spacePageWith(r, "account.org.title", "/mon-espace/organisations", func(ctx context.Context, p *accountPage, person int64) (err error) {
		if p.Orgs, err = h.svc.MyOrganisations(ctx, person); err != nil {
			return err
		}
		q := r.URL.Query().Get("q")
		p.Form["q"] = q
		p.AllOrgs, err = h.svc.AllOrganisations(ctx, person, q)
		p.OrgKinds = account.OrganisationKinds
		return err
	})
}

func (h *accountHandlers) orgCreate(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.posted(r, h.orgsPage)
	if err != nil {
		return err
	}
	p.Form = formValues(r, "name", "kind")
	if _, err := h.svc.CreateOrganisation(r.Context(), a.PersonID, p.V("name"), p.V("kind")); err != nil {
		return h.formError(w, r, p, "account/organisations", "name", err)
	}
	return h.done(w, r, "account.org.created", "/mon-espace/organisations")
}

func formID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, participe.Errorf(participe.ENOTFOUND, "bad id")
	}
	return id, nil
}

// orgPost reads a posted organisation form: the signed-in person and the organisation.
func orgPost(r *http.Request) (*participe.Actor, int64, error) {
	a, err := requirePerson(r)
	if err != nil {
		return nil, 0, err
	}
	if err := parseForm(r); err != nil {
		return nil, 0, err
	}
	org, err := formID(r, "organisation")
	if err != nil {
		return nil, 0, err
	}
	return a, org, nil
}

func (h *accountHandlers) orgJoin(w http.ResponseWriter, r *http.Request) error {
	a, id, err := orgPost(r)
	if err != nil {
		return err
	}
	if err := h.svc.RequestJoin(r.Context(), a.PersonID, id); err != nil {
		return err
	}
	return h.done(w, r, "account.org.requested", "/mon-espace/organisations")
}

func (h *accountHandlers) orgDecide(w http.ResponseWriter, r *http.Request) error {
	a, org, err := orgPost(r)
	if err != nil {
		return err
	}
	person, err := formID(r, "person")
	if err != nil {
		return err
	}
	if err := h.svc.DecideJoin(r.Context(), a.PersonID, org, person, r.PostFormValue("decision") == "approve"); err != nil {
		return err
	}
	return h.done(w, r, "account.org.decided", "/mon-espace/organisations")
}

func (h *accountHandlers) orgLeave(w http.ResponseWriter, r *http.Request) error {
	a, org, err := orgPost(r)
	if err != nil {
		return err
	}
	if err := h.svc.LeaveOrganisation(r.Context(), a.PersonID, org); err != nil {
		return err
	}
	return h.redirect(w, r, "/mon-espace/organisations")
}

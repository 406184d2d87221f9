package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"participe/internal/account"
	"participe/internal/catalog"
	"participe/internal/participe"
)

// accountPage is the data of every account page: the Page, what was typed (never a
// password), and what each page lists.
type accountPage struct {
	Page
	Form        map[string]string
	Next        string
	OIDCName    string
	OIDCEnabled bool
	Nav         []spaceNavItem
	Profile     account.Profile
	Regions     []catalog.Region
	AgeGroups   []string
	Sessions    []account.Session
	Consents    []account.Consent
	Orgs        []account.Organisation
	AllOrgs     []account.Organisation
	OrgKinds    []string
	TOTP        account.TOTPSetup
	HasTOTP     bool
	Recovery    []string
	Remaining   int
	Token       string
	Staff       bool
}

// V returns the typed value of a form field.
func (p *accountPage) V(name string) string { return p.Form[name] }

type spaceNavItem struct {
	Label, URL string
	Current    bool
}

// spaceNav is the "Mon espace" menu; other areas own the pages it links to.
func spaceNav(p *Page, current string) []spaceNavItem {
	items := []struct{ key, path string }{
		{"account.nav.profile", "/mon-espace"},
		{"account.nav.security", "/mon-espace/securite"},
		{"account.nav.data", "/mon-espace/donnees"},
		{"account.nav.contributions", "/mon-espace/contributions"},
		{"account.nav.notifications", "/mon-espace/notifications"},
		{"account.nav.follows", "/mon-espace/suivis"},
		{"account.nav.organisations", "/mon-espace/organisations"},
	}
	out := make([]spaceNavItem, len(items))
	for i, it := range items {
		out[i] = spaceNavItem{Label: p.T(it.key), URL: p.URL(it.path), Current: it.path == current}
	}
	return out
}

// newAccountPage starts an account page (never indexed).
func (h *accountHandlers) page(r *http.Request, titleKey string) *accountPage {
	p := &accountPage{Page: h.s.newPage(r, titleKey), Form: map[string]string{}}
	p.NoIndex = true
	p.OIDCEnabled = h.oidc != nil
	p.OIDCName = h.s.Cfg.OIDCName
	return p
}

// formValues keeps what was typed in the named fields (trimmed, bounded).
func formValues(r *http.Request, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		v := r.PostFormValue(n)
		if len(v) > 2000 {
			v = v[:2000]
		}
		m[n] = strings.TrimSpace(v)
	}
	return m
}

// parseForm reads a posted form; an oversized body becomes a form error, not a 500.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return participe.KeyError(participe.EINVALID, "account.form.too_large")
		}
		return participe.KeyError(participe.EINVALID, "form.error.invalid")
	}
	return nil
}

// showFormError puts a service error on the form: field errors go next to their
// fields, keyed domain errors (rate limits, expired links…) into the summary on
// defaultField. It returns the status to render, or 0 when err is not for the form.
func showFormError(p *Page, err error, defaultField string) int {
	if fields := account.Fields(err); len(fields) > 0 {
		for _, f := range fields {
			p.AddError(f.Field, f.Key)
		}
		return http.StatusUnprocessableEntity
	}
	if de, ok := participe.AsError(err); ok && de.Key != "" && p.cat.Has(de.Key) {
		switch de.Code {
		case participe.ETOOMANY:
			p.AddError(defaultField, de.Key)
			return http.StatusTooManyRequests
		case participe.EINVALID, participe.ECONFLICT:
			p.AddError(defaultField, de.Key)
			return http.StatusUnprocessableEntity
		}
	}
	return 0
}

// requirePerson returns the signed-in person or EUNAUTHORIZED (GET: sent to sign in).
func requirePerson(r *http.Request) (*participe.Actor, error) {
	a := ActorFrom(r.Context())
	if a.IsAnonymous() {
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "sign in first")
	}
	return a, nil
}

// redirect sends a 303 to a French path, localized.
func (h *accountHandlers) redirect(w http.ResponseWriter, r *http.Request, path string) error {
	return seeOther(w, r, path)
}

// seeOther sends a 303 to a French path, localized (account and back-office forms).
func seeOther(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, LocalPath(LangFrom(r.Context()), path), http.StatusSeeOther)
	return nil
}

// doneTo flashes the success message msgKey and sends a 303 to path (French, localized):
// the end of every form that worked.
func doneTo(s *Server, w http.ResponseWriter, r *http.Request, msgKey, path string) error {
	s.SetFlash(r.Context(), "success", s.Cat.T(LangFrom(r.Context()), msgKey))
	return seeOther(w, r, path)
}

// renderFormError shows err on the form page tmpl (data, whose Page is p) when it is
// for the form (see showFormError) and returns nil; any other error is returned for
// the error page.
func renderFormError(s *Server, w http.ResponseWriter, r *http.Request, p *Page, data any, tmpl, field string, err error) error {
	if st := showFormError(p, err, field); st != 0 {
		s.render(w, r, st, tmpl, data)
		return nil
	}
	return err
}

// formError shows a service error on the account form tmpl, next to field by default.
func (h *accountHandlers) formError(w http.ResponseWriter, r *http.Request, p *accountPage, tmpl, field string, err error) error {
	return renderFormError(h.s, w, r, &p.Page, p, tmpl, field, err)
}

// done ends an account form that worked: success message, then path.
func (h *accountHandlers) done(w http.ResponseWriter, r *http.Request, msgKey, path string) error {
	return doneTo(h.s, w, r, msgKey, path)
}

// posted loads a "Mon espace" page with load, then parses the posted form.
func (h *accountHandlers) posted(r *http.Request, load func(*http.Request) (*accountPage, *participe.Actor, error)) (*accountPage, *participe.Actor, error) {
	p, a, err := load(r)
	if err != nil {
		return nil, nil, err
	}
	if err := parseForm(r); err != nil {
		return nil, nil, err
	}
	return p, a, nil
}

// show is the handler of a "Mon espace" page as it is asked for: loaded by load,
// rendered with tmpl.
func (h *accountHandlers) show(load func(*http.Request) (*accountPage, *participe.Actor, error), tmpl string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, _, err := load(r)
		if err != nil {
			return err
		}
		h.s.render(w, r, http.StatusOK, tmpl, p)
		return nil
	}
}

// linkForm is the page a mailed link opens (token in ?jeton=): it shows a button, so
// that mail scanners that prefetch links do not use up a single-use token.
func (h *accountHandlers) linkForm(w http.ResponseWriter, r *http.Request, titleKey, tmpl string) error {
	p := h.page(r, titleKey)
	p.Token = r.URL.Query().Get("jeton")
	h.s.render(w, r, http.StatusOK, tmpl, p)
	return nil
}

// linkPost starts the posted form of a mailed link: the page, with the token posted.
func (h *accountHandlers) linkPost(r *http.Request, titleKey string) (*accountPage, error) {
	p := h.page(r, titleKey)
	if err := parseForm(r); err != nil {
		return nil, err
	}
	p.Token = r.PostFormValue("jeton")
	return p, nil
}

// mailLinkForm runs a posted "mail me a link" form, whose one field is the address:
// send gets it. It returns the page when send went well; otherwise a nil page and
// what the handler returns (nil once the form is shown again with the error).
func (h *accountHandlers) mailLinkForm(w http.ResponseWriter, r *http.Request, titleKey, tmpl string, send func(ctx context.Context, email, lang, ip string) error) (*accountPage, error) {
	p := h.page(r, titleKey)
	if err := parseForm(r); err != nil {
		return nil, err
	}
	p.Form = formValues(r, "email")
	if err := send(r.Context(), p.V("email"), LangFrom(r.Context()), h.s.ClientIP(r)); err != nil {
		return nil, h.formError(w, r, p, tmpl, "email", err)
	}
	return p, nil
}

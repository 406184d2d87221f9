package web

import (
	"fmt"
	"net/http"
	"strconv"

	"participe/internal/api"
	"participe/internal/catalog"
	"participe/internal/participe"
)

// tokensPage is the back-office page of a body's API tokens.
type tokensPage struct {
	Page
	Bodies  []catalog.Body
	BodyID  int64
	Tokens  []api.Token
	Scopes  []string
	Secret  string // shown once, right after creation
	Name    string
	Checked map[string]bool
}

// adminBodies are the bodies whose tokens the actor manages.
func (h *apiHandlers) adminBodies(r *http.Request) ([]catalog.Body, error) {
	a := ActorFrom(r.Context())
	all, err := catalog.New(h.s.DB, h.s.Clock).Bodies(r.Context())
	if err != nil {
		return nil, err
	}
	var out []catalog.Body
	for _, b := range all {
		if a.Has(participe.RoleBodyAdmin, b.ID) {
			out = append(out, b)
		}
	}
	return out, nil
}

func (h *apiHandlers) tokensLoad(r *http.Request, bodyID int64) (*tokensPage, error) {
	ctx := r.Context()
	a := ActorFrom(ctx)
	if a.IsAnonymous() {
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	p := &tokensPage{Page: h.s.newPage(r, "api.tokens.title"), Scopes: api.AllScopes, Checked: map[string]bool{}}
	p.NoIndex = true
	p.Breadcrumb = []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}, {Label: p.T("nav.admin"), URL: p.URL("/admin")}, {Label: p.T("api.tokens.title")}}
	var err error
	if p.Bodies, err = h.adminBodies(r); err != nil {
		return nil, err
	}
	if len(p.Bodies) == 0 {
		return nil, participe.Errorf(participe.EFORBIDDEN, "body admins only")
	}
	p.BodyID = bodyID
	if p.BodyID == 0 {
		p.BodyID = p.Bodies[0].ID
	}
	if p.Tokens, err = h.tokens.List(ctx, a, p.BodyID); err != nil {
		return nil, err
	}
	return p, nil
}

func (h *apiHandlers) tokensPage(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.URL.Query().Get("organisme"), 10, 64)
	p, err := h.tokensLoad(r, id)
	if err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "api/tokens", p)
	return nil
}

func (h *apiHandlers) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue("organisme"), 10, 64)
	if id <= 0 {
		return participe.Errorf(participe.EINVALID, "body required")
	}
	p, err := h.tokensLoad(r, id)
	if err != nil {
		return err
	}
	p.Name = r.PostFormValue("name")
	scopes := r.PostForm["scopes"]
	for _, s := range scopes {
		p.Checked[s] = true
	}
	tok, secret, err := h.tokens.Create(ctx, ActorFrom(ctx), h.s.ClientIP(r), id, p.Name, scopes)
	if err != nil {
		de, ok := participe.AsError(err)
		if !ok || de.Field == "" {
			return err
		}
		p.AddError(de.Field, de.Key)
		h.s.render(w, r, http.StatusBadRequest, "api/tokens", p)
		return nil
	}
	// The secret is shown once, in this response only (never stored, never redirected).
	p.Secret = secret
	p.Name = ""
	p.Checked = map[string]bool{}
	p.Tokens, _ = h.tokens.List(ctx, ActorFrom(ctx), id)
	p.Flash = &Flash{Kind: "success", Message: p.T("api.tokens.created", tok.Name)}
	w.Header().Set("Cache-Control", "no-store")
	h.s.render(w, r, http.StatusOK, "api/tokens", p)
	return nil
}

func (h *apiHandlers) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := ActorFrom(ctx)
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return participe.Errorf(participe.ENOTFOUND, "token not found")
	}
	bodyID, _ := strconv.ParseInt(r.PostFormValue("organisme"), 10, 64)
	if err := h.tokens.Revoke(ctx, a, h.s.ClientIP(r), bodyID, id); err != nil {
		return err
	}
	lang := LangFrom(ctx)
	h.s.SetFlash(ctx, "success", h.s.Cat.T(lang, "api.tokens.revoked"))
	http.Redirect(w, r, LocalPath(lang, fmt.Sprintf("/admin/jetons-api?organisme=%d", bodyID)), http.StatusSeeOther)
	return nil
}

// docsPage is the human-readable API documentation.
type docsPage struct {
	Page
	Routes []apiRoute
}

type apiRoute struct {
	Method, Path, Summary string
	Auth                  bool
}

func (h *apiHandlers) docs(w http.ResponseWriter, r *http.Request) error {
	p := docsPage{Page: h.s.newPage(r, "api.docs.title")}
	p.Breadcrumb = []Crumb{{Label: p.T("nav.home"), URL: p.URL("/")}, {Label: p.T("api.docs.title")}}
	doc := api.Document()
	paths := doc["paths"].(map[string]any)
	for _, path := range sortedKeys(paths) {
		ops := paths[path].(map[string]any)
		for _, m := range []string{"get", "post"} {
			if op, ok := ops[m].(map[string]any); ok {
				_, auth := op["security"]
				p.Routes = append(p.Routes, apiRoute{Method: map[string]string{"get": "GET", "post": "POST"}[m], Path: path, Summary: op["summary"].(string), Auth: auth})
			}
		}
	}
	h.s.render(w, r, http.StatusOK, "api/docs", &p)
	return nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

package web

import (
	"net/http"
	"strconv"

	"participe/internal/ops"
	"participe/internal/participe"
)

// retentionHandlers serve the records-retention plan of a body ("plan de conservation"):
// managers and body admins see the periods and what will be purged and when; body
// admins change the periods.
type retentionHandlers struct {
	s   *Server
	svc *ops.Retention
}

type retentionPage struct {
	Page
	Plan   *ops.Plan
	Values map[string]string
}

func (h *retentionHandlers) bodyID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func (h *retentionHandlers) page(r *http.Request, plan *ops.Plan) *retentionPage {
	p := &retentionPage{Page: h.s.newPage(r, "ops.retention.title"), Plan: plan, Values: map[string]string{}}
	p.NoIndex = true
	name := plan.BodyNameFR
	if p.IsEN() && plan.BodyNameEN != "" {
		name = plan.BodyNameEN
	}
	p.Title = p.T("ops.retention.title") + " — " + name
	p.Breadcrumb = []Crumb{{Label: p.T("ops.admin"), URL: p.URL("/admin")}, {Label: p.T("ops.retention.title")}}
	for _, d := range plan.Due {
		p.Values[d.Kind] = strconv.Itoa(d.Days)
	}
	return p
}

func (h *retentionHandlers) show(w http.ResponseWriter, r *http.Request) error {
	id, err := h.bodyID(r)
	if err != nil {
		return err
	}
	plan, err := h.svc.Plan(r.Context(), ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "ops/retention", h.page(r, plan))
	return nil
}

func (h *retentionHandlers) save(w http.ResponseWriter, r *http.Request) error {
	id, err := h.bodyID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return participe.Errorf(participe.EINVALID, "retention form: %v", err)
	}
	values := map[string]string{}
	for _, k := range ops.Kinds {
		if v, ok := r.PostForm[k]; ok && len(v) > 0 {
			values[k] = v[0]
		}
	}
	ctx := r.Context()
	actor := ActorFrom(ctx)
	err = h.svc.SetPolicies(ctx, actor, id, values, h.s.ClientIP(r))
	if de, ok := participe.AsError(err); ok && de.Field != "" {
		plan, perr := h.svc.Plan(ctx, actor, id)
		if perr != nil {
			return perr
		}
		p := h.page(r, plan)
		for k, v := range values {
			p.Values[k] = v
		}
		p.AddError(de.Field, de.Key)
		h.s.render(w, r, http.StatusUnprocessableEntity, "ops/retention", p)
		return nil
	}
	if err != nil {
		return err
	}
	h.s.SetFlash(ctx, "success", h.s.Cat.T(LangFrom(ctx), "ops.retention.saved"))
	http.Redirect(w, r, LocalPath(LangFrom(ctx), "/admin/organismes/"+strconv.FormatInt(id, 10)+"/conservation"), http.StatusSeeOther)
	return nil
}

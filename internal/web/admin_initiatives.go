package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"participe/internal/catalog"
	"participe/internal/i18n"
	"participe/internal/participe"
)

// dateTimeLocal is the value format of <input type="datetime-local">, in Québec time.
const dateTimeLocal = "2006-01-02T15:04"

func localInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(i18n.Quebec).Format(dateTimeLocal)
}

func parseLocal(v string) time.Time {
	t, err := time.ParseInLocation(dateTimeLocal, strings.TrimSpace(v), i18n.Quebec)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func (h *adminHandlers) toolCodes() []string {
	var out []string
	for _, t := range h.s.Tools() {
		out = append(out, t.Code)
	}
	return out
}

// initiativeView prepares the form's choices and the tools' back-office links.
func (h *adminHandlers) initiativeView(r *http.Request, titleKey string, i *catalog.Initiative) (*adminView, error) {
	v := h.view(r, titleKey)
	var err error
	if v.Choices, err = h.svc.FormChoices(r.Context()); err != nil {
		return nil, err
	}
	b, err := h.svc.Body(r.Context(), v.Actor, i.BodyID)
	if err != nil {
		return nil, err
	}
	v.Body, v.BodyID, v.Initiative, v.Tools = b, i.BodyID, i, h.s.Tools()
	v.CanManage = v.Actor.Has(participe.RoleManager, i.BodyID)
	v.Form["starts_at"], v.Form["ends_at"] = localInput(i.StartsAt), localInput(i.EndsAt)
	for _, code := range i.Tools {
		if t, ok := h.s.Tool(code); ok && t.AdminPath != "" && i.ID != 0 {
			v.ToolLinks = append(v.ToolLinks, toolLink{Tool: t, URL: v.URL(strings.ReplaceAll(t.AdminPath, "{id}", strconv.FormatInt(i.ID, 10)))})
		}
	}
	bodyURL := v.URL("/admin/organismes/" + strconv.FormatInt(i.BodyID, 10))
	v.Breadcrumb = []Crumb{{Label: v.T("nav.home"), URL: v.URL("/")}, {Label: v.T("admin.title"), URL: v.URL("/admin")},
		{Label: bodyLabel(&v.Page, b), URL: bodyURL}, {Label: v.Title}}
	return v, nil
}

func (h *adminHandlers) initiativeNew(w http.ResponseWriter, r *http.Request) error {
	body, err := adminPathID(r, "body")
	if err != nil {
		return err
	}
	if !ActorFrom(r.Context()).Has(participe.RoleManager, body) {
		return participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	}
	now := h.s.Clock.Now()
	i := &catalog.Initiative{BodyID: body, Kind: "consultation", State: catalog.StateDraft,
		StartsAt: now.Add(7 * 24 * time.Hour).Truncate(time.Hour), EndsAt: now.Add(37 * 24 * time.Hour).Truncate(time.Hour)}
	v, err := h.initiativeView(r, "admin.initiative.new", i)
	if err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "admin/initiative-edit", v)
	return nil
}

func (h *adminHandlers) initiativeEdit(w http.ResponseWriter, r *http.Request) error {
	return h.initiativePage(w, r, "admin.initiative.edit", "admin/initiative-edit", participe.RoleManager)
}

// initiativePage shows the initiative of the path on tmpl, for staff of its body with
// one of roles (any staff role when none is given).
func (h *adminHandlers) initiativePage(w http.ResponseWriter, r *http.Request, titleKey, tmpl string, roles ...string) error {
	id, err := adminPathID(r, "id")
	if err != nil {
		return err
	}
	i, err := h.svc.Initiative(r.Context(), ActorFrom(r.Context()), id, roles...)
	if err != nil {
		return err
	}
	v, err := h.initiativeView(r, titleKey, i)
	if err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, tmpl, v)
	return nil
}

// initiativeFromForm reads every fiche field of the form.
func initiativeFromForm(r *http.Request, themes []catalog.Theme, regions []catalog.Region) *catalog.Initiative {
	f := r.PostForm
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	i := &catalog.Initiative{Slug: g("slug"), Kind: g("kind"), TitleFR: g("title_fr"), TitleEN: g("title_en"),
		SummaryFR: g("summary_fr"), SummaryEN: g("summary_en"), DescriptionFR: g("description_fr"), DescriptionEN: g("description_en"),
		HowFR: g("how_fr"), HowEN: g("how_en"), UseFR: g("use_fr"), UseEN: g("use_en"), AccessibilityFR: g("accessibility_fr"),
		AccessibilityEN: g("accessibility_en"), PartnersFR: g("partners_fr"), PartnersEN: g("partners_en"),
		ContactName: g("contact_name"), ContactEmail: g("contact_email"), ContactPhone: g("contact_phone"),
		StartsAt: parseLocal(f.Get("starts_at")), EndsAt: parseLocal(f.Get("ends_at"))}
	if i.Slug == "" && i.TitleFR != "" {
		i.Slug = slugify(i.TitleFR)
	}
	for _, t := range themes {
		if containsString(f["themes"], strconv.FormatInt(t.ID, 10)) {
			i.Themes = append(i.Themes, t)
		}
	}
	for _, rg := range regions {
		if containsString(f["regions"], rg.Code) {
			i.Regions = append(i.Regions, rg)
		}
	}
	i.Audiences = f["audiences"]
	for _, m := range catalog.Modes {
		if containsString(f["modes"], m) {
			i.Modes = append(i.Modes, catalog.Mode{Mode: m, DetailsFR: g("mode-" + m + "-details_fr"), DetailsEN: g("mode-" + m + "-details_en"),
				Address: g("mode-" + m + "-address"), Phone: g("mode-" + m + "-phone"), URL: g("mode-" + m + "-url")})
		}
	}
	i.Tools = f["tools"]
	return i
}

// slugify makes an address part from a French title ("Électricité 2035" → "electricite-2035").
func slugify(s string) string {
	r := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e", "î", "i", "ï", "i",
		"ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe", "æ", "ae")
	s = r.Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 70 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func (h *adminHandlers) initiativeSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a := ActorFrom(r.Context())
	choices, err := h.svc.FormChoices(r.Context())
	if err != nil {
		return err
	}
	i := initiativeFromForm(r, choices.Themes, choices.Regions)
	titleKey := "admin.initiative.new"
	if r.PathValue("id") != "" {
		id, err := adminPathID(r, "id")
		if err != nil {
			return err
		}
		cur, err := h.svc.Initiative(r.Context(), a, id, participe.RoleManager)
		if err != nil {
			return err
		}
		i.ID, i.BodyID, i.State, titleKey = id, cur.BodyID, cur.State, "admin.initiative.edit"
	} else {
		if i.BodyID, err = adminPathID(r, "body"); err != nil {
			return err
		}
	}
	if err := h.svc.SaveInitiative(r.Context(), req(h, r), i, h.toolCodes()); err != nil {
		if fields := showFormErrorFields(err); fields {
			v, verr := h.initiativeView(r, titleKey, i)
			if verr != nil {
				return verr
			}
			showFormError(&v.Page, err, "title_fr")
			v.Form["starts_at"], v.Form["ends_at"] = r.PostFormValue("starts_at"), r.PostFormValue("ends_at")
			h.s.render(w, r, http.StatusUnprocessableEntity, "admin/initiative-edit", v)
			return nil
		}
		return err
	}
	return h.done(w, r, "admin.saved", "/admin/initiatives/"+strconv.FormatInt(i.ID, 10))
}

// showFormErrorFields reports whether err is a form error (shown on the form).
func showFormErrorFields(err error) bool {
	e, ok := participe.AsError(err)
	return ok && e.Code == participe.EINVALID
}

func (h *adminHandlers) initiativePreview(w http.ResponseWriter, r *http.Request) error {
	return h.initiativePage(w, r, "admin.preview.title", "admin/preview")
}

func (h *adminHandlers) initiativeState(w http.ResponseWriter, r *http.Request) error {
	id, err := adminPathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	err = h.svc.SetState(r.Context(), req(h, r), id, r.PostFormValue("state"), parseLocal(r.PostFormValue("publish_at")))
	if err != nil {
		if showFormErrorFields(err) || participe.IsCode(err, participe.ECONFLICT) {
			i, lerr := h.svc.Initiative(r.Context(), ActorFrom(r.Context()), id, participe.RoleManager)
			if lerr != nil {
				return lerr
			}
			v, verr := h.initiativeView(r, "admin.initiative.edit", i)
			if verr != nil {
				return verr
			}
			st := showFormError(&v.Page, err, "state")
			v.Form["publish_at"] = r.PostFormValue("publish_at")
			h.s.render(w, r, st, "admin/initiative-edit", v)
			return nil
		}
		return err
	}
	return h.done(w, r, "admin.state.done", "/admin/initiatives/"+strconv.FormatInt(id, 10))
}

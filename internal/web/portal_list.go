package web

import (
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"participe/internal/catalog"
	"participe/internal/catalog/filter"
)

// filterForm is what the filter form and the chips need.
type filterForm struct {
	F         filter.Filter
	Themes    []catalog.Theme
	Bodies    []catalog.Body
	Regions   []catalog.Region
	Modes     []string
	Statuses  []string
	Audiences []string
	Sorts     []string
	From, To  string
	// Chips are the active filters with their remove links.
	Chips []chip
	// Problems lists the values that were not recognised (already escaped by the template).
	Problems []string
	// The choices of the form, with labels and state computed once (fields only in
	// the template: see item).
	StatusOpts, ThemeOpts, ModeOpts, BodyOpts, RegionOpts, AudienceOpts, SortOpts []option
	// The filter fieldsets, chips, problems and sort options as HTML, built in Go
	// (portal_render.go): a filter form has ~80 choices and each template action costs
	// a reflective call and an escaper call (PERFORMANCE).
	FiltersHTML, ChipsHTML, ProblemsHTML, SortHTML template.HTML
	// Action is the form's target path (localized); Hidden are extra fields kept.
	Action string
	Hidden []hiddenField
}

type option struct {
	Value, Label string
	Checked      bool
}

type chip struct {
	Label, URL string
}

type hiddenField struct{ Name, Value string }

type listPage struct {
	portalPage
	filterForm
	Res   *catalog.List
	Items []item
	Pager Pager
}

// Has tells whether value is selected for a list key, for checkboxes and selects.
func (f filterForm) Has(key, value string) bool {
	var list []string
	switch key {
	case filter.KeyTheme:
		list = f.F.Themes
	case filter.KeyBody:
		list = f.F.Bodies
	case filter.KeyMode:
		list = f.F.Modes
	case filter.KeyStatus:
		list = f.F.Statuses
	case filter.KeyRegion:
		list = f.F.Regions
	case filter.KeyAudience:
		list = f.F.Audiences
	}
	return containsString(list, value)
}

// parseFilter reads the query string; never fails.
func parseFilter(r *http.Request) (filter.Filter, []filter.Problem) {
	return filter.ParseQuery(r.URL.RawQuery)
}

// fillForm prepares the filter form, chips and problem messages of a list.
func (h *portal) fillForm(r *http.Request, p *portalPage, ff *filterForm, f filter.Filter, probs []filter.Problem, action string, keep url.Values) error {
	ctx := r.Context()
	themes, err := h.cat.Themes(ctx)
	if err != nil {
		return err
	}
	bodies, err := h.cat.Bodies(ctx)
	if err != nil {
		return err
	}
	regions, err := h.cat.Regions(ctx)
	if err != nil {
		return err
	}
	ff.F = f
	ff.Themes, ff.Bodies, ff.Regions = themes, bodies, regions
	ff.Modes, ff.Statuses, ff.Audiences, ff.Sorts = filter.Modes(), filter.Statuses(), filter.Audiences(), filter.Sorts()
	if f.Q == "" {
		ff.Sorts = ff.Sorts[:3] // relevance only with keywords
	}
	if !f.From.IsZero() {
		ff.From = f.From.Format(filter.DateLayout)
	}
	if !f.To.IsZero() {
		ff.To = f.To.Format(filter.DateLayout)
	}
	ff.Action = p.URL(action)
	opts := func(values []string, label func(string) string, key string) []option {
		out := make([]option, len(values))
		for n, v := range values {
			out[n] = option{Value: v, Label: label(v), Checked: ff.Has(key, v)}
		}
		return out
	}
	ff.StatusOpts = opts(ff.Statuses, p.Status, filter.KeyStatus)
	ff.ModeOpts = opts(ff.Modes, p.ModeLabel, filter.KeyMode)
	ff.AudienceOpts = opts(ff.Audiences, p.AudienceLabel, filter.KeyAudience)
	for _, s := range ff.Sorts {
		ff.SortOpts = append(ff.SortOpts, option{Value: s, Label: p.SortLabel(s), Checked: s == f.Sort})
	}
	for _, t := range themes {
		ff.ThemeOpts = append(ff.ThemeOpts, option{Value: t.Slug, Label: p.L(t.NameFR, t.NameEN), Checked: ff.Has(filter.KeyTheme, t.Slug)})
	}
	for _, b := range bodies {
		ff.BodyOpts = append(ff.BodyOpts, option{Value: b.Slug, Label: p.BodyName(b), Checked: ff.Has(filter.KeyBody, b.Slug)})
	}
	for _, rg := range regions {
		ff.RegionOpts = append(ff.RegionOpts, option{Value: rg.Code, Label: rg.Code + " – " + p.L(rg.NameFR, rg.NameEN), Checked: ff.Has(filter.KeyRegion, rg.Code)})
	}
	for _, k := range slices.Sorted(maps.Keys(keep)) { // a stable order
		for _, v := range keep[k] {
			ff.Hidden = append(ff.Hidden, hiddenField{k, v})
		}
	}
	label := func(key, value string) string {
		switch key {
		case filter.KeyQ:
			return p.T("portal.chip.q", value)
		case filter.KeyTheme:
			for _, t := range themes {
				if t.Slug == value {
					return p.T("portal.chip.theme", p.L(t.NameFR, t.NameEN))
				}
			}
		case filter.KeyBody:
			for _, b := range bodies {
				if b.Slug == value {
					return p.T("portal.chip.body", p.L(b.NameFR, b.NameEN))
				}
			}
		case filter.KeyRegion:
			for _, rg := range regions {
				if rg.Code == value {
					return p.T("portal.chip.region", p.L(rg.NameFR, rg.NameEN))
				}
			}
		case filter.KeyMode:
			return p.T("portal.chip.mode", p.ModeLabel(value))
		case filter.KeyStatus:
			return p.T("portal.chip.status", p.Status(value))
		case filter.KeyAudience:
			return p.T("portal.chip.audience", p.AudienceLabel(value))
		case filter.KeyFrom:
			if t, ok := f.From, !f.From.IsZero(); ok {
				return p.T("portal.chip.from", p.dateOnly(t))
			}
		case filter.KeyTo:
			if t, ok := f.To, !f.To.IsZero(); ok {
				return p.T("portal.chip.to", p.dateOnly(t))
			}
		}
		return value
	}
	for _, c := range f.Active() {
		u := action
		q := mergeKeep(c.Remove, keep)
		if q != "" {
			u += "?" + q
		}
		ff.Chips = append(ff.Chips, chip{Label: label(c.Key, c.Value), URL: p.URL(u)})
	}
	var bad []string
	for _, pr := range probs {
		v := pr.Value
		switch {
		case pr.Code == filter.CodeTooLong && pr.Field == filter.KeyQ:
			ff.Problems = append(ff.Problems, p.T("portal.problem.q_too_long"))
			continue
		case pr.Code == filter.CodeInvalidDate:
			ff.Problems = append(ff.Problems, p.T("portal.problem.date", v))
			continue
		case pr.Code == filter.CodeRange:
			ff.Problems = append(ff.Problems, p.T("portal.problem.range"))
			continue
		case v == "":
			v = pr.Field
		}
		if v != "" && !containsString(bad, v) && len(bad) < 5 {
			bad = append(bad, v)
		}
	}
	if len(bad) > 0 {
		ff.Problems = append(ff.Problems, p.T("portal.problem.unknown", "« "+strings.Join(bad, " », « ")+" »"))
	} else if len(probs) > 0 && len(ff.Problems) == 0 {
		ff.Problems = append(ff.Problems, p.T("portal.problem.generic"))
	}
	ff.renderHTML(p)
	return nil
}

// renderHTML builds the form's fragments once its fields are final (the calendar adds
// a problem after fillForm: it renders ProblemsHTML again).
func (ff *filterForm) renderHTML(p *portalPage) {
	ff.FiltersHTML = p.renderFilters(ff)
	ff.ChipsHTML = p.renderChips(ff.Chips)
	ff.ProblemsHTML = renderProblems(ff.Problems)
	ff.SortHTML = selectOptions(ff.SortOpts)
}

// mergeKeep adds the kept parameters (calendar month and view) to an encoded query.
func mergeKeep(encoded string, keep url.Values) string {
	if len(keep) == 0 {
		return encoded
	}
	v, _ := url.ParseQuery(encoded)
	for k, vs := range keep {
		v[k] = vs
	}
	return v.Encode()
}

// list is /initiatives: filters, keywords, sort and pagination, all in the URL.
func (h *portal) list(w http.ResponseWriter, r *http.Request) error {
	f, probs := parseFilter(r)
	res, err := h.cat.List(r.Context(), f, catalog.PerPage)
	if err != nil {
		return err
	}
	probs = append(probs, res.Problems...)
	p := listPage{portalPage: h.newPage(r, "portal.list.title")}
	if res.Filter.Q != "" {
		p.Title = p.T("portal.list.title.search", res.Filter.Q)
	}
	p.Description = p.T("portal.list.description")
	p.crumbs(p.T("portal.list.title"), "")
	p.Feeds = []Feed{{Type: "application/atom+xml", Title: p.T("portal.feed.all"), URL: p.URL("/flux/initiatives.atom")}}
	if !res.Filter.IsZero() || res.Filter.Page > 1 {
		p.NoIndex = true
	}
	if err := h.fillForm(r, &p.portalPage, &p.filterForm, res.Filter, probs, "/initiatives", nil); err != nil {
		return err
	}
	p.Res = res
	p.Items = p.items(res.Items, res.Query)
	p.Pager = NewPager(p.URL("/initiatives"), res.Filter.Values(), res.Filter.Page, catalog.PerPage, res.Total)
	h.s.render(w, r, http.StatusOK, "portal/list", &p)
	return nil
}

func parseFilterString(raw string) filter.Filter {
	f, _ := filter.ParseQuery(raw)
	return f
}

// checkboxes renders a group of choices (the markup of the "choice" pattern), every
// value and label escaped.
func checkboxes(name string, opts []option) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		id := esc("f-" + name + "-" + o.Value)
		b.WriteString(`<div class="choice"><input type="checkbox" id="`)
		b.WriteString(id)
		b.WriteString(`" name="`)
		b.WriteString(esc(name))
		b.WriteString(`" value="`)
		b.WriteString(esc(o.Value))
		b.WriteString(`"`)
		if o.Checked {
			b.WriteString(` checked`)
		}
		b.WriteString(`><label for="`)
		b.WriteString(id)
		b.WriteString(`">`)
		b.WriteString(esc(o.Label))
		b.WriteString("</label></div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every piece escaped above
}

// selectOptions renders <option> elements (the sort menu), escaped.
func selectOptions(opts []option) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="` + esc(o.Value) + `"`)
		if o.Checked {
			b.WriteString(" selected")
		}
		b.WriteString(">" + esc(o.Label) + "</option>")
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

package web

import (
	"net/http"
	"strconv"

	"participe/internal/catalog"
	"participe/internal/i18n"
	"participe/internal/participe"
	"participe/internal/results"
)

// dashboardPage is an evaluation dashboard (one initiative, or the platform).
type dashboardPage struct {
	resultsPage
	Initiative *catalog.Initiative
	D          *results.Dashboard
	// Staff sees moderation figures.
	Staff bool
	// Charts, rendered server-side (accessible SVG), each followed by its data table.
	ChannelChart  resultsChart
	ToolChart     resultsChart
	TimeChart     resultsChart
	RegionChart   resultsChart
	AgeChart      resultsChart
	SatisfChart   resultsChart
	FollowUpChart resultsChart
	Channels      []string
}

// resultsChart is an SVG chart with its id (the data table's caption links to it).
type resultsChart struct {
	ID  string
	SVG any
}

func (h *resultsHandlers) initiativeDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ini, err := h.cat.Initiative(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	d, err := h.svc.Dashboard(ctx, ini.ID)
	if err != nil {
		return err
	}
	p := dashboardPage{resultsPage: h.newPage(r, ""), Initiative: ini, D: d}
	title := p.L(ini.TitleFR, ini.TitleEN)
	p.Title = p.T("results.dashboard.initiative.title", title)
	p.crumbs(p.T("nav.initiatives"), "/initiatives", title, "/initiatives/"+ini.Slug, p.T("results.dashboard.crumb"), "")
	a := ActorFrom(ctx)
	p.Staff = a != nil && a.HasAny(ini.BodyID, participe.RoleModerator, participe.RoleManager, participe.RoleAnalyst)
	p.build()
	h.s.render(w, r, http.StatusOK, "results/dashboard", &p)
	return nil
}

func (h *resultsHandlers) platformDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.svc.Dashboard(ctx, 0)
	if err != nil {
		return err
	}
	p := dashboardPage{resultsPage: h.newPage(r, "results.dashboard.platform.title"), D: d}
	p.crumbs(p.T("results.dashboard.platform.title"), "")
	p.Staff = ActorFrom(ctx).IsStaff()
	p.build()
	h.s.render(w, r, http.StatusOK, "results/dashboard", &p)
	return nil
}

// build draws the charts in the page's language.
func (p *dashboardPage) build() {
	d := p.D
	f := d.Figures
	num := func(n int64) string { return p.Num(n) }

	ch := results.Chart{ID: "ch-channel", Title: p.T("results.dashboard.bychannel"), Desc: p.T("results.chart.desc.table")}
	s := results.Series{Label: p.T("results.dashboard.contributions")}
	for _, c := range f.ByChannel {
		ch.Categories = append(ch.Categories, p.ChannelLabel(c.Key))
		s.Values = append(s.Values, float64(c.N))
		s.Texts = append(s.Texts, num(c.N))
	}
	ch.Series = []results.Series{s}
	p.ChannelChart = resultsChart{ID: ch.ID, SVG: ch.SVG()}

	tc := results.Chart{ID: "ch-tool", Title: p.T("results.dashboard.bytool"), Desc: p.T("results.chart.desc.table")}
	s = results.Series{Label: p.T("results.dashboard.contributions")}
	for _, c := range f.ByTool {
		tc.Categories = append(tc.Categories, p.ToolLabel(c.Key))
		s.Values = append(s.Values, float64(c.N))
		s.Texts = append(s.Texts, num(c.N))
	}
	tc.Series = []results.Series{s}
	p.ToolChart = resultsChart{ID: tc.ID, SVG: tc.SVG()}

	// Over time, stacked by channel.
	seen := map[string]bool{}
	for _, per := range d.Timeline {
		for k := range per.ByChannel {
			seen[k] = true
		}
	}
	for _, k := range []string{"web", "paper", "phone", "in_person", "email"} {
		if seen[k] {
			p.Channels = append(p.Channels, k)
		}
	}
	st := results.StackedChart{ID: "ch-time", Title: p.T("results.dashboard.overtime"), Desc: p.T("results.chart.desc.table")}
	for _, per := range d.Timeline {
		st.Labels = append(st.Labels, p.PeriodLabel(per))
	}
	for _, k := range p.Channels {
		ser := results.Series{Label: p.ChannelLabel(k)}
		for _, per := range d.Timeline {
			ser.Values = append(ser.Values, float64(per.ByChannel[k]))
		}
		st.Series = append(st.Series, ser)
	}
	p.TimeChart = resultsChart{ID: st.ID, SVG: st.SVG()}

	rep := d.Representation
	rc := results.Chart{ID: "ch-region", Title: p.T("results.rep.regions"), Desc: p.T("results.chart.desc.rep"), Max: 0}
	part, pop := results.Series{Label: p.T("results.rep.participants")}, results.Series{Label: p.T("results.rep.population")}
	for _, sh := range rep.Regions {
		rc.Categories = append(rc.Categories, p.L(sh.NameFR, sh.NameEN))
		part.Values = append(part.Values, sh.ParticipantShare)
		part.Texts = append(part.Texts, p.Pct(sh.ParticipantShare))
		pop.Values = append(pop.Values, sh.PopulationShare)
		pop.Texts = append(pop.Texts, p.Pct(sh.PopulationShare))
	}
	rc.Series = []results.Series{part, pop}
	p.RegionChart = resultsChart{ID: rc.ID, SVG: rc.SVG()}

	ac := results.Chart{ID: "ch-age", Title: p.T("results.rep.ages"), Desc: p.T("results.chart.desc.rep")}
	part, pop = results.Series{Label: p.T("results.rep.participants")}, results.Series{Label: p.T("results.rep.population")}
	for _, sh := range rep.AgeGroups {
		ac.Categories = append(ac.Categories, p.AgeLabel(sh.Key))
		part.Values = append(part.Values, sh.ParticipantShare)
		part.Texts = append(part.Texts, p.Pct(sh.ParticipantShare))
		pop.Values = append(pop.Values, sh.PopulationShare)
		pop.Texts = append(pop.Texts, p.Pct(sh.PopulationShare))
	}
	ac.Series = []results.Series{part, pop}
	p.AgeChart = resultsChart{ID: ac.ID, SVG: ac.SVG()}

	sc := results.Chart{ID: "ch-satisf", Title: p.T("results.dashboard.satisfaction"), Desc: p.T("results.chart.desc.table")}
	s = results.Series{Label: p.T("results.dashboard.responses")}
	for i, n := range d.Satisfaction.ByScore {
		sc.Categories = append(sc.Categories, p.T("results.satisf.score", i+1))
		s.Values = append(s.Values, float64(n))
		s.Texts = append(s.Texts, num(n))
	}
	sc.Series = []results.Series{s}
	p.SatisfChart = resultsChart{ID: sc.ID, SVG: sc.SVG()}

	fc := results.Chart{ID: "ch-followups", Title: p.T("results.dashboard.followups"), Desc: p.T("results.chart.desc.table")}
	s = results.Series{Label: p.T("results.dashboard.followups.count")}
	inProgress := f.FollowUps - f.FollowUpsDone - f.FollowUpsDropped
	for _, kv := range []struct {
		k string
		n int64
	}{{"promised", f.FollowUps}, {"done", f.FollowUpsDone}, {"ongoing", inProgress}, {"late", f.FollowUpsLate}, {"dropped", f.FollowUpsDropped}} {
		fc.Categories = append(fc.Categories, p.T("results.dashboard.fu."+kv.k))
		s.Values = append(s.Values, float64(kv.n))
		s.Texts = append(s.Texts, num(kv.n))
	}
	fc.Series = []results.Series{s}
	p.FollowUpChart = resultsChart{ID: fc.ID, SVG: fc.SVG()}
}

// PeriodLabel names a period of the timeline (week of… or month).
func (p *dashboardPage) PeriodLabel(per results.Period) string {
	if p.D.InitiativeID != 0 {
		return i18n.ISODate(per.Start)
	}
	return per.Start.Format("2006-01")
}

// AgeLabel names an age group ("65+" → "65 ans et plus").
func (p *resultsPage) AgeLabel(code string) string {
	if p.cat.Has("results.age." + code) {
		return p.T("results.age." + code)
	}
	return code
}

// RepCount is the count of a share as a number.
func (p *dashboardPage) RepCount(n int64) string { return strconv.FormatInt(n, 10) }

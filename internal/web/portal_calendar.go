package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"participe/internal/catalog"
	"participe/internal/i18n"
)

// maxEventsPerDay keeps a day cell readable; the rest is in the list view.
const maxEventsPerDay = 4

type calEvent struct {
	Start bool // opens that day (else closes)
	Title string
	URL   string
}

type calDay struct {
	Day     int
	ISO     string
	InMonth bool
	Today   bool
	Events  []calEvent
	More    int
	MoreURL string
}

type calendarPage struct {
	portalPage
	filterForm
	MonthLabel string
	Month      string // 2026-11
	ListView   bool
	Weekdays   []string
	Weeks      [][]calDay
	Res        *catalog.List
	Items      []item
	PrevURL    string
	NextURL    string
	PrevLabel  string
	NextLabel  string
	MonthURL   string
	ListURL    string
	ICSURL     string
	// GridHTML is the month table (portal_render.go).
	GridHTML template.HTML
}

// parseMonth reads ?mois=2026-11; ok is false when the value is present and wrong.
func parseMonth(s string, now time.Time) (time.Time, bool) {
	cur := now.In(i18n.Quebec)
	def := time.Date(cur.Year(), cur.Month(), 1, 0, 0, 0, 0, time.UTC)
	if s == "" {
		return def, true
	}
	if len(s) != 7 || s[4] != '-' {
		return def, false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 1900 || y > 2200 || m < 1 || m > 12 {
		return def, false
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true
}

var (
	weekdaysFR = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
	weekdaysEN = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthsFR   = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

func monthLabel(lang string, m time.Time) string {
	if lang == "en" {
		return m.Format("January 2006")
	}
	return monthsFR[m.Month()-1] + " " + strconv.Itoa(m.Year())
}

// calendar is the platform-wide calendar: a month grid (accessible table) or a list.
func (h *portal) calendar(w http.ResponseWriter, r *http.Request) error {
	f, probs := parseFilter(r)
	qv := r.URL.Query()
	now := h.s.Clock.Now()
	month, ok := parseMonth(qv.Get("mois"), now)
	listView := qv.Get("vue") == "liste"
	res, err := h.cat.Month(r.Context(), f, month, !listView)
	if err != nil {
		return err
	}
	probs = append(probs, res.Problems...)
	p := calendarPage{portalPage: h.newPage(r, "portal.calendar.title")}
	p.ListView = listView
	p.Month = month.Format("2006-01")
	p.MonthLabel = monthLabel(p.Lang, month)
	p.Title = p.T("portal.calendar.title.month", p.MonthLabel)
	p.Description = p.T("portal.calendar.description")
	p.crumbs(p.T("portal.calendar.title"), "")
	// The form and the chips act on the filter as given (the month is separate).
	shown := f
	shown.Themes, shown.Bodies = res.Filter.Themes, res.Filter.Bodies
	shown.Page, shown.Sort = 1, ""
	keep := url.Values{"mois": {p.Month}}
	if p.ListView {
		keep.Set("vue", "liste")
	}
	if err := h.fillForm(r, &p.portalPage, &p.filterForm, shown, probs, "/calendrier", keep); err != nil {
		return err
	}
	if !ok {
		p.Problems = append(p.Problems, p.T("portal.calendar.bad_month"))
		p.ProblemsHTML = renderProblems(p.Problems)
	}
	base := shown.Values()
	base.Del("sort")
	link := func(m time.Time, list bool) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		v.Set("mois", m.Format("2006-01"))
		if list {
			v.Set("vue", "liste")
		}
		return p.URL("/calendrier") + "?" + v.Encode()
	}
	prev, next := month.AddDate(0, -1, 0), month.AddDate(0, 1, 0)
	p.PrevURL, p.NextURL = link(prev, p.ListView), link(next, p.ListView)
	p.PrevLabel, p.NextLabel = monthLabel(p.Lang, prev), monthLabel(p.Lang, next)
	p.MonthURL, p.ListURL = link(month, false), link(month, true)
	p.ICSURL = p.URL("/calendrier.ics")
	if enc := base.Encode(); enc != "" {
		p.ICSURL += "?" + enc
	}
	p.NoIndex = !shown.IsZero()
	p.Res = res
	if p.ListView {
		p.Items = p.items(res.Items, res.Query)
	}
	p.Weekdays = weekdaysFR
	if p.IsEN() {
		p.Weekdays = weekdaysEN
	}
	if !p.ListView {
		p.Weeks = buildMonth(&p, month, res.Items, now, link)
		p.GridHTML = p.monthGrid()
	}
	h.s.render(w, r, http.StatusOK, "portal/calendar", &p)
	return nil
}

// buildMonth lays out the month in weeks from Monday to Sunday, with the initiatives
// that open or close each day.
func buildMonth(p *calendarPage, month time.Time, items []catalog.Initiative, now time.Time, link func(time.Time, bool) string) [][]calDay {
	byDay := map[string][]calEvent{}
	for _, i := range items {
		title := p.L(i.TitleFR, i.TitleEN)
		u := p.Fiche(i.Slug)
		s, e := i18n.ISODate(i.StartsAt), i18n.ISODate(i.EndsAt)
		byDay[s] = append(byDay[s], calEvent{Start: true, Title: title, URL: u})
		byDay[e] = append(byDay[e], calEvent{Start: false, Title: title, URL: u})
	}
	today := i18n.ISODate(now)
	offset := (int(month.Weekday()) + 6) % 7 // days before the 1st since Monday
	day := month.AddDate(0, 0, -offset)
	var weeks [][]calDay
	for len(weeks) == 0 || day.Month() == month.Month() {
		week := make([]calDay, 7)
		for d := range week {
			iso := day.Format("2006-01-02")
			cd := calDay{Day: day.Day(), ISO: iso, InMonth: day.Month() == month.Month(), Today: iso == today}
			if cd.InMonth {
				ev := byDay[iso]
				if len(ev) > maxEventsPerDay {
					cd.More = len(ev) - maxEventsPerDay
					ev = ev[:maxEventsPerDay]
					v, _ := url.ParseQuery(p.F.Values().Encode())
					v.Set("from", iso)
					v.Set("to", iso)
					v.Set("mois", month.Format("2006-01"))
					v.Set("vue", "liste")
					cd.MoreURL = p.URL("/calendrier") + "?" + v.Encode()
				}
				cd.Events = ev
			}
			week[d] = cd
			day = day.AddDate(0, 0, 1)
		}
		weeks = append(weeks, week)
	}
	return weeks
}

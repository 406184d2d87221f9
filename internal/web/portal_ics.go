package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"participe/internal/catalog"
)

// iCalendar (RFC 5545) written by hand: a handful of properties, with the escaping
// of TEXT values (§3.3.11) and the folding of lines longer than 75 octets (§3.1)
// done right, CRLF line ends, UTC times.

type icsWriter struct {
	b bytes.Buffer
}

// line writes "NAME:value" folded at 75 octets, never inside a UTF-8 sequence.
func (w *icsWriter) line(name, value string) {
	s := name + ":" + value
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

// text writes a TEXT property with its value escaped.
func (w *icsWriter) text(name, value string) { w.line(name, icsEscape(value)) }

func icsEscape(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsHost is the host part of UIDs (UID@host).
func (h *portal) icsHost() string {
	if u, err := url.Parse(h.s.Cfg.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "participe.localhost"
}

// writeICS writes a calendar of initiatives.
func (h *portal) writeICS(w http.ResponseWriter, p *portalPage, name, filename string, list []catalog.Initiative) {
	var c icsWriter
	c.line("BEGIN", "VCALENDAR")
	c.line("VERSION", "2.0")
	c.line("PRODID", "-//Participe//Portail de participation//"+strings.ToUpper(p.Lang))
	c.line("CALSCALE", "GREGORIAN")
	c.line("METHOD", "PUBLISH")
	c.text("X-WR-CALNAME", name)
	c.line("X-WR-TIMEZONE", "America/Toronto")
	stamp := icsTime(h.s.Clock.Now())
	host := h.icsHost()
	base := h.s.Cfg.BaseURL
	for _, i := range list {
		c.line("BEGIN", "VEVENT")
		c.line("UID", "initiative-"+strconv.FormatInt(i.ID, 10)+"@"+host)
		c.line("DTSTAMP", stamp)
		c.line("DTSTART", icsTime(i.StartsAt))
		c.line("DTEND", icsTime(i.EndsAt))
		c.text("SUMMARY", p.L(i.TitleFR, i.TitleEN))
		desc := p.L(i.SummaryFR, i.SummaryEN)
		if body := p.L(i.Body.NameFR, i.Body.NameEN); body != "" {
			desc += "\n\n" + p.T("portal.chip.body", body)
		}
		c.text("DESCRIPTION", desc)
		c.line("URL", base+p.Fiche(i.Slug))
		for _, m := range i.Modes {
			if m.Mode == "in_person" && m.Address != "" {
				c.text("LOCATION", m.Address)
				break
			}
		}
		if !i.UpdatedAt.IsZero() {
			c.line("LAST-MODIFIED", icsTime(i.UpdatedAt))
		}
		c.line("STATUS", "CONFIRMED")
		c.line("TRANSP", "TRANSPARENT")
		c.line("END", "VEVENT")
	}
	c.line("END", "VCALENDAR")
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	hd.Set("Content-Length", strconv.Itoa(c.b.Len()))
	hd.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(c.b.Bytes())
}

func (h *portal) initiativeICS(w http.ResponseWriter, r *http.Request) error {
	return h.writeInitiativeICS(w, r, r.PathValue("slug"))
}

func (h *portal) writeInitiativeICS(w http.ResponseWriter, r *http.Request, slug string) error {
	i, err := h.cat.Initiative(r.Context(), slug)
	if err != nil {
		return err
	}
	p := h.newPage(r, "")
	h.writeICS(w, &p, p.L(i.TitleFR, i.TitleEN), i.Slug+".ics", []catalog.Initiative{*i})
	return nil
}

// calendarICS is the calendar of a filtered list (the list's query string).
func (h *portal) calendarICS(w http.ResponseWriter, r *http.Request) error {
	f, _ := parseFilter(r)
	res, err := h.cat.Export(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.newPage(r, "")
	h.writeICS(w, &p, p.T("portal.calendar.ics_name"), "participe.ics", res.Items)
	return nil
}

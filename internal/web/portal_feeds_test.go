package web

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// checkICS validates the RFC 5545 shape: CRLF lines of at most 75 octets, balanced
// components, DTSTAMP in UTC, UID@host; it returns the number of events and the
// unfolded lines.
func checkICS(t *testing.T, body string) (int, []string) {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("ics does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	var lines []string
	for _, l := range raw {
		if strings.Contains(l, "\n") {
			t.Errorf("bare LF in %q", l)
		}
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold split a UTF-8 character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("not a VCALENDAR")
	}
	begins, ends := 0, 0
	for _, l := range lines {
		switch {
		case l == "BEGIN:VEVENT":
			begins++
		case l == "END:VEVENT":
			ends++
		case strings.HasPrefix(l, "DTSTAMP:"):
			if !strings.HasSuffix(l, "Z") || len(l) != len("DTSTAMP:20261123T143000Z") {
				t.Errorf("DTSTAMP not in UTC: %s", l)
			}
		case strings.HasPrefix(l, "UID:"):
			if !strings.Contains(l, "@") {
				t.Errorf("UID without host: %s", l)
			}
		}
	}
	if begins != ends {
		t.Errorf("%d BEGIN:VEVENT, %d END:VEVENT", begins, ends)
	}
	return begins, lines
}

func TestPortalICalendar(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		for _, p := range []string{"/initiatives/plan-action-proches-aidants/calendrier.ics", "/initiatives/plan-action-proches-aidants.ics", "/en/initiatives/plan-action-proches-aidants/calendrier.ics"} {
			res, body := ts.get(p)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("%s: %d %s", p, res.StatusCode, res.Header.Get("Content-Type"))
			}
			n, lines := checkICS(t, body)
			if n != 1 {
				t.Errorf("%s: %d events", p, n)
			}
			joined := strings.Join(lines, "\n")
			if !strings.Contains(joined, "DTSTAMP:20261123T143000Z") {
				t.Errorf("%s: DTSTAMP is not the clock's time", p)
			}
			if !strings.Contains(joined, "URL:http") || !strings.Contains(joined, "/initiatives/plan-action-proches-aidants") {
				t.Errorf("%s: no URL", p)
			}
		}
		res, body := ts.get("/calendrier.ics?status=open")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("calendrier.ics: %d", res.StatusCode)
		}
		n, lines := checkICS(t, body)
		_, list := ts.get("/initiatives?status=open")
		if want := resultCount(t, list); n != want {
			t.Errorf("calendrier.ics?status=open has %d events, the list %d", n, want)
		}
		// Commas and semicolons of French titles are escaped.
		for _, l := range lines {
			if strings.HasPrefix(l, "SUMMARY:") || strings.HasPrefix(l, "DESCRIPTION:") {
				v := l[strings.Index(l, ":")+1:]
				for i := 0; i < len(v); i++ {
					if (v[i] == ',' || v[i] == ';') && (i == 0 || v[i-1] != '\\') {
						t.Errorf("unescaped %c in %q", v[i], l)
						break
					}
				}
			}
		}
	})
}

func TestICSWriterFoldsAndEscapes(t *testing.T) {
	var w icsWriter
	long := strings.Repeat("Électricité, énergie; avenir\\ ", 10) + "\nfin"
	w.text("DESCRIPTION", long)
	_, lines := checkICS(t, "BEGIN:VCALENDAR\r\n"+w.b.String()+"END:VCALENDAR\r\n")
	got := strings.TrimPrefix(lines[1], "DESCRIPTION:")
	if got != icsEscape(long) {
		t.Errorf("unfolded value differs:\n%q\n%q", got, icsEscape(long))
	}
	if icsEscape("a,b;c\\d\ne") != `a\,b\;c\\d\ne` {
		t.Errorf("escape: %q", icsEscape("a,b;c\\d\ne"))
	}
}

type testAtom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func TestPortalAtomFeeds(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		for _, c := range []struct {
			path string
			min  int
		}{{"/flux/initiatives.atom", 40}, {"/en/flux/initiatives.atom", 40}, {"/flux/themes/sante.atom", 1}, {"/flux/organismes/hydro-quebec.atom", 1}} {
			res, body := ts.get(c.path)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("%s: %d %s", c.path, res.StatusCode, res.Header.Get("Content-Type"))
			}
			var f testAtom
			if err := xml.Unmarshal([]byte(body), &f); err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			if f.ID == "" || f.Title == "" || f.Updated == "" || len(f.Links) == 0 {
				t.Errorf("%s: feed lacks id/title/updated/link", c.path)
			}
			if len(f.Entries) < c.min {
				t.Errorf("%s: %d entries, want ≥ %d", c.path, len(f.Entries), c.min)
			}
			seen := map[string]bool{}
			for _, e := range f.Entries {
				if e.ID == "" || e.Title == "" || e.Updated == "" || !strings.Contains(e.Link.Href, "/initiatives/") || seen[e.ID] {
					t.Errorf("%s: bad entry %+v", c.path, e)
				}
				seen[e.ID] = true
			}
		}
		// The pages advertise their feeds.
		_, body := ts.get("/themes/sante")
		if !strings.Contains(body, `type="application/atom&#43;xml" title="Nouvelles initiatives, thème Santé et services sociaux" href="/flux/themes/sante.atom"`) {
			t.Errorf("theme page does not advertise its feed")
		}
		res, body := ts.get("/sitemap.xml")
		if res.StatusCode != 200 || xml.Unmarshal([]byte(body), new(struct {
			XMLName xml.Name `xml:"urlset"`
		})) != nil || !strings.Contains(body, "/en/initiatives/plan-action-proches-aidants") {
			t.Errorf("sitemap.xml: %d", res.StatusCode)
		}
	})
}

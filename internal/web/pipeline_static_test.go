package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"participe/internal/db/dbtest"
)

// TestStaticTemplatesRenderTheSame: pages rendered with the constant messages and paths
// baked in are byte for byte those of the plain templates, in both languages, for a
// visitor and a signed-in person.
func TestStaticTemplatesRenderTheSame(t *testing.T) {
	d := dbtest.SQLite(t)
	ts := newTestServer(t, d)
	ts.loadDemo()
	ctx := context.Background()
	paths := []string{"/", "/initiatives", "/calendrier", "/resultats", "/plan-du-site", "/connexion",
		"/inscription", "/mon-espace", "/comment-participer", "/boite-a-outils", "/pas-de-page", "/organismes"}
	rows, err := d.Query(ctx, `SELECT slug FROM initiatives WHERE state = 'published' ORDER BY id LIMIT 5`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var slug string
		_ = rows.Scan(&slug)
		paths = append(paths, "/initiatives/"+slug)
	}
	rows.Close()
	rows, err = d.Query(ctx, `SELECT i.slug, p.id FROM proposals p JOIN initiatives i ON i.id = p.initiative_id ORDER BY p.id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var slug string
		var id int64
		_ = rows.Scan(&slug, &id)
		paths = append(paths, "/initiatives/"+slug+"/propositions", fmt.Sprintf("/initiatives/%s/propositions/%d", slug, id))
	}
	rows.Close()
	me := ts.createPerson("Baked", false)
	c := ts.sessionFor(me)
	baked := 0
	for _, p := range paths {
		for _, path := range []string{p, LocalPath("en", p)} {
			for _, signedIn := range []bool{false, true} {
				get := func(noBake bool) (int, string) {
					ts.tmpl.noBake = noBake
					var res *http.Response
					var body string
					if signedIn {
						res, body = ts.get(path, c)
					} else {
						res, body = ts.get(path)
					}
					return res.StatusCode, body
				}
				st1, b1 := get(false)
				st2, b2 := get(true)
				if st1 != st2 || b1 != b2 {
					i := 0
					for i < len(b1) && i < len(b2) && b1[i] == b2[i] {
						i++
					}
					t.Errorf("%s (signed in %v): baked %d, plain %d, first difference at %d:\nbaked: %q\nplain: %q",
						path, signedIn, st1, st2, i, excerpt(b1, i), excerpt(b2, i))
				}
				if st1 == http.StatusOK && strings.Contains(b1, "</html>") {
					baked++
				}
			}
		}
	}
	ts.tmpl.noBake = false
	if baked < 20 {
		t.Fatalf("only %d full pages compared", baked)
	}
}

func excerpt(s string, i int) string {
	return s[max(0, i-80):min(len(s), i+80)]
}

func TestBakeConstantsContexts(t *testing.T) {
	d := dbtest.SQLite(t)
	ts := newTestServer(t, d)
	cat := ts.Cat
	cases := []struct{ src, want string }{
		{`<p>{{.T "site.name"}}</p>`, `<p>Participe</p>`},
		{`<a aria-label="{{.T "site.name"}}" href="{{.URL "/initiatives"}}">`, `<a aria-label="Participe" href="/initiatives">`},
		{`<a href="/x?q={{.T "site.name"}}">`, `<a href="/x?q={{.T "site.name"}}">`},   // URL attribute: dynamic
		{`<a href="/{{.URL "/initiatives"}}">`, `<a href="/{{.URL "/initiatives"}}">`}, // not at the start
		{`<a title={{.T "site.name"}}>`, `<a title={{.T "site.name"}}>`},               // unquoted
		{`<a onclick="{{.T "site.name"}}">`, `<a onclick="{{.T "site.name"}}">`},       // script attribute
		{`<script>var x = "{{.T "site.name"}}"</script>`, `<script>var x = "{{.T "site.name"}}"</script>`},
		{`{{.T "no.such.key"}}`, `{{.T "no.such.key"}}`},
		{`{{.T "site.name" .X}}`, `{{.T "site.name" .X}}`},
		{`<p>{{$.T "site.name"}}</p>`, `<p>Participe</p>`},
		{`<html lang="{{.HTMLLang}}"><a hreflang="{{.AltLang}}" href="{{.AltLangURL}}">`, `<html lang="fr-CA"><a hreflang="en-CA" href="{{.AltLangURL}}">`},
	}
	for _, c := range cases {
		if got := bakeConstants(c.src, "fr", cat); got != c.want {
			t.Errorf("bake %s\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	if got := bakeConstants(`<a href="{{.URL "/initiatives"}}">`, "en", cat); got != `<a href="/en/initiatives">` {
		t.Errorf("en URL: %s", got)
	}
}

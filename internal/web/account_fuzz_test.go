package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever ?next= holds, the redirect stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/mon-espace", "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
		"/%2F%2Fevil.example", "/ok?x=1#y", "\t//evil", "/a\r\nLocation: http://evil", "///evil", "/.//evil", "http:/evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next, "/fallback")
		if got == "/fallback" {
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsAny(got, "\r\n\t") {
			t.Fatalf("%q -> unsafe %q", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("%q -> %q leaves the site", next, got)
		}
		// What a browser would resolve the Location against must stay on our host.
		base, _ := url.Parse("https://participe.test/page")
		if r := base.ResolveReference(u); r.Host != "participe.test" {
			t.Fatalf("%q resolves to host %q", next, r.Host)
		}
	})
}

// FuzzSlugify: the slug derived from any title is a valid address part or empty.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Électricité 2035 : l'avenir", "  ", "---", "Œuvre & Cœur", strings.Repeat("mot ", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := slugify(title)
		if s == "" {
			return
		}
		if len(s) > 80 || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("%q -> bad slug %q", title, s)
		}
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				t.Fatalf("%q -> bad slug %q", title, s)
			}
		}
	})
}

// FuzzParseLocal: dates typed in the back office never panic and are either zero or
// round-trip through the input format.
func FuzzParseLocal(f *testing.F) {
	for _, s := range []string{"2026-12-01T09:00", "2026-13-01T09:00", "", "2026-03-08T02:30", "9999-12-31T23:59", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm := parseLocal(s)
		if tm.IsZero() {
			return
		}
		if again := parseLocal(localInput(tm)); !again.Equal(tm) {
			t.Fatalf("%q: %v != %v", s, tm, again)
		}
	})
}

package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

func TestFrameHeadersAndErrorPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		cases := []struct {
			path   string
			status int
			lang   string
			text   string
		}{
			{"/healthz", 200, "", "ok"},
			{"/readyz", 200, "", "ready"},
			{"/n-existe-pas", 404, `lang="fr-CA"`, "Page introuvable"},
			{"/en/does-not-exist", 404, `lang="en-CA"`, "Page not found"},
		}
		for _, c := range cases {
			res, body := ts.get(c.path)
			if res.StatusCode != c.status || !strings.Contains(body, c.text) || !strings.Contains(body, c.lang) {
				t.Errorf("%s: status %d, body %.200q", c.path, res.StatusCode, body)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q", c.path, csp)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
				t.Errorf("%s: missing security headers", c.path)
			}
		}
		res, body := ts.get("/metrics")
		if res.StatusCode != 200 || !strings.Contains(body, "participe_http_requests_total") {
			t.Errorf("metrics: %d", res.StatusCode)
		}
	})
}

// A cross-site POST is refused (CSRF); a same-origin one reaches the router.
func TestCrossOriginPostRefused(t *testing.T) {
	ts := newTestServer(t, dbtest.SQLite(t))
	req, _ := http.NewRequest(http.MethodPost, "/n-existe-pas", strings.NewReader(url.Values{"a": {"b"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, _ := ts.do(req)
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", res.StatusCode)
	}
	res, _ = ts.postForm("/n-existe-pas", url.Values{"a": {"b"}})
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("same-origin POST: %d, want 404", res.StatusCode)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/mon-espace":          "/mon-espace",
		"//evil.example":       "/",
		"https://evil.example": "/",
		"/\\evil.example":      "/",
		"javascript:alert(1)":  "/",
		"":                     "/",
	} {
		if got := SafeNext(in, "/"); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

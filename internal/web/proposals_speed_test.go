package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// In production, anonymous visitors get the proposal pages from a 5-second micro-cache;
// signed-in visitors, "no-cache" requests and moderation see the current state at once.
func TestProposalPagesAnonymousCache(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newPropFixture(t, d)
		ts := f.ts
		ts.Cfg.Env = "production"
		pURL := fmt.Sprintf("/initiatives/%s/propositions/%d", f.slug, f.proposalID)
		if res, _ := ts.get(pURL); res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", pURL, res.StatusCode)
		}
		// A change behind the application's back (another server): the cached copy is
		// served to anonymous visitors for a few seconds…
		ctx := context.Background()
		if _, err := d.Exec(ctx, `UPDATE proposals SET title = ? WHERE id = ?`, "Titre changé ailleurs", f.proposalID); err != nil {
			t.Fatal(err)
		}
		if _, body := ts.get(pURL); !strings.Contains(body, "Des bancs dans les parcs") {
			t.Error("anonymous visitor did not get the cached page")
		}
		// …but never to a signed-in visitor, nor to a reload.
		if _, body := ts.get(pURL, ts.sessionFor(f.other)); !strings.Contains(body, "Titre changé ailleurs") {
			t.Error("signed-in visitor got a cached page")
		}
		req := httptest.NewRequest(http.MethodGet, pURL, nil)
		req.Header.Set("Cache-Control", "no-cache")
		if _, body := ts.do(req); !strings.Contains(body, "Titre changé ailleurs") {
			t.Error("no-cache request got a cached page")
		}
		// Moderation drops the cached pages at once.
		if res, _ := ts.postForm(fmt.Sprintf("/admin/moderation/%d/masquer", f.proposalID), url.Values{"reason": {"Hors sujet"}}, ts.sessionFor(f.moderator)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide = %d", res.StatusCode)
		}
		if _, body := ts.get(pURL); strings.Contains(body, "Des bancs dans les parcs") || strings.Contains(body, "Titre changé ailleurs") {
			t.Error("hidden proposal still shown to anonymous visitors")
		}
		if _, body := ts.get("/initiatives/" + f.slug + "/propositions"); strings.Contains(body, "Titre changé ailleurs") {
			t.Error("hidden proposal still listed")
		}
	})
}

// Over the rate limit a comment is refused with 429, a clear message, and the typed
// text kept in the form; the other comments were saved.
func TestProposalsRateLimitKeepsTheForm(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newPropFixture(t, d)
		ts := f.ts
		me := ts.sessionFor(f.other)
		pURL := fmt.Sprintf("/initiatives/%s/propositions/%d", f.slug, f.proposalID)
		for k := 0; k < 10; k++ {
			if res, _ := ts.postForm(pURL+"/commentaires", url.Values{"text": {fmt.Sprintf("Commentaire %d", k)}}, me); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("comment %d = %d", k, res.StatusCode)
			}
		}
		res, body := ts.postForm(pURL+"/commentaires", url.Values{"text": {"Mon onzième commentaire"}}, me)
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("11th comment = %d, want 429", res.StatusCode)
		}
		if !strings.Contains(body, "Mon onzième commentaire") || !strings.Contains(body, "commentaires en peu de temps") {
			t.Error("the refused comment's form lost the text or the message")
		}
		var n int
		if err := d.QueryRow(context.Background(), `SELECT comments_count FROM proposals WHERE id = ?`, f.proposalID).Scan(&n); err != nil || n != 10 {
			t.Errorf("comments_count = %d (%v), want 10", n, err)
		}
		// Votes: another person is not limited by this one's comments.
		if res, _ := ts.postForm(pURL+"/vote", url.Values{"value": {"1"}}, ts.sessionFor(f.participant)); res.StatusCode != http.StatusSeeOther {
			t.Errorf("vote = %d", res.StatusCode)
		}
	})
}

// The argument columns are written in Go (proposals_render.go): texts escaped, the
// author, the "useful" and report actions for signed-in visitors, and a refused
// argument's text kept in its column's form with the error.
func TestProposalArgumentColumns(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newPropFixture(t, d)
	ts := f.ts
	pURL := fmt.Sprintf("/initiatives/%s/propositions/%d", f.slug, f.proposalID)
	if res, _ := ts.postForm(pURL+"/arguments", url.Values{"side": {"against"}, "text": {"Trop <b>cher</b> & loin"}}, ts.sessionFor(f.other)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("argument = %d", res.StatusCode)
	}
	_, anon := ts.get(pURL)
	if !strings.Contains(anon, "Trop &lt;b&gt;cher&lt;/b&gt; &amp; loin") || strings.Contains(anon, "<b>cher") {
		t.Error("argument text not shown escaped")
	}
	if !strings.Contains(anon, `class="argument-column argument-against"`) || !strings.Contains(anon, "Dominique") {
		t.Error("argument column or author missing")
	}
	if strings.Contains(anon, "/utile") {
		t.Error("visitor sees the useful action")
	}
	_, mine := ts.get(pURL, ts.sessionFor(f.participant))
	if !strings.Contains(mine, "/utile") || !strings.Contains(mine, `name="side" value="for"`) {
		t.Error("signed-in visitor misses the useful action or the argument form")
	}
	long := strings.Repeat("é", 1501)
	res, body := ts.postForm(pURL+"/arguments", url.Values{"side": {"for"}, "text": {long}}, ts.sessionFor(f.participant))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, long) || !strings.Contains(body, `id="argument-for-error"`) {
		t.Errorf("too long argument: %d, text or error lost", res.StatusCode)
	}
}

// The list's filters and sort navigation are written in Go too: the current choices are
// selected and marked, values are escaped.
func TestProposalListTools(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newPropFixture(t, d)
	base := "/initiatives/" + f.slug + "/propositions"
	res, body := f.ts.get(fmt.Sprintf("%s?tri=recentes&theme=%d&reponse=sans-reponse", base, f.themeID))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("list = %d", res.StatusCode)
	}
	for _, want := range []string{
		fmt.Sprintf(`<option value="%d" selected>Santé</option>`, f.themeID),
		`<option value="sans-reponse" selected>`,
		`<input type="hidden" name="tri" value="recentes">`,
		`aria-current="true" class="chip-current">`,
		`<label for="f-theme">`, `<label for="f-answer">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("list misses %s", want)
		}
	}
	if strings.Count(body, `aria-current="true" class="chip-current"`) != 1 {
		t.Error("not exactly one current sort")
	}
	_, en := f.ts.get("/en" + base)
	if !strings.Contains(en, `>Health</option>`) || !strings.Contains(en, `href="/en`+base+`?tri=recentes"`) {
		t.Error("English list misses the English theme or sort links")
	}
}

package systest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/participe"
	"participe/internal/tools/proposals"
)

// pageCacheTTL is the portal's page-cache lifetime (internal/web/portal_cache.go): a
// page refreshed on B sooner than this after it was cached was refreshed by the
// invalidation, not by its expiry.
const pageCacheTTL = 5 * time.Second

// staffTOTPSecret is the second factor of the test's body administrator.
const staffTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// seedPublishedInitiative creates a body, a published open initiative of it and a body
// administrator (password + confirmed second factor); it returns the initiative.
func seedPublishedInitiative(t *testing.T, ctx context.Context, d *db.DB, passwordHash string) (*catalog.Initiative, string) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	tag := strconv.FormatInt(time.Now().UnixNano(), 36) // unique per call: now is truncated
	email := "admin-" + tag + "@example.test"
	i := &catalog.Initiative{Slug: "invalidation-" + tag, Kind: "consultation", State: catalog.StatePublished,
		TitleFR: "Titre initial " + tag, TitleEN: "Original title " + tag,
		SummaryFR: "Un résumé pour l'essai d'invalidation.", SummaryEN: "A summary.",
		StartsAt: now.Add(-24 * time.Hour), EndsAt: now.Add(30 * 24 * time.Hour), PublishedAt: now.Add(-time.Hour),
		CreatedAt: now, UpdatedAt: now, Tools: []string{proposals.Tool}}
	err := d.Write(ctx, func(tx *db.Tx) error {
		var err error
		if i.BodyID, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr, name_en) VALUES (?, ?, ?) RETURNING id`,
			"organisme-"+tag, "Organisme "+tag, "Body "+tag); err != nil {
			return err
		}
		if err := catalog.SaveInitiative(ctx, tx, i); err != nil {
			return err
		}
		pid, err := tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, password_hash, email_verified_at, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, email, "Admin-"+tag, passwordHash, db.T(now), db.T(now))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO staff_roles (person_id, body_id, role) VALUES (?, ?, ?)`, pid, i.BodyID, "body_admin"); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO person_totp (person_id, secret, confirmed_at, created_at) VALUES (?, ?, ?, ?)`,
			pid, staffTOTPSecret, db.T(now), db.T(now))
		return err
	})
	if err != nil {
		t.Fatalf("seed initiative: %v", err)
	}
	return i, email
}

// staffSignIn signs in on srv with password and second factor; it returns the session.
func staffSignIn(t *testing.T, srv *Proc, email, password string) *http.Cookie {
	t.Helper()
	res := postForm(t, srv.URL+"/connexion", url.Values{"email": {email}, "password": {password}})
	pending := sessionCookie(res)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/connexion/verification") || pending == nil {
		t.Fatalf("staff sign-in on %s: %d → %s", srv.Name, res.StatusCode, res.Header.Get("Location"))
	}
	code, err := totp.GenerateCode(staffTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res = postForm(t, srv.URL+"/connexion/verification", url.Values{"code": {code}}, pending)
	session := sessionCookie(res)
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("second factor on %s: %d", srv.Name, res.StatusCode)
	}
	return session
}

func sessionCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "participe_session" && c.Value != "" {
			return c
		}
	}
	return nil
}

// initiativeForm is the back-office form of i as a manager submits it.
func initiativeForm(i *catalog.Initiative) url.Values {
	local := func(t time.Time) string {
		loc, err := time.LoadLocation("America/Toronto")
		if err != nil {
			loc = time.FixedZone("EST", -5*3600)
		}
		return t.In(loc).Format("2006-01-02T15:04")
	}
	return url.Values{"slug": {i.Slug}, "kind": {i.Kind}, "title_fr": {i.TitleFR}, "title_en": {i.TitleEN},
		"summary_fr": {i.SummaryFR}, "summary_en": {i.SummaryEN},
		"starts_at": {local(i.StartsAt)}, "ends_at": {local(i.EndsAt)}, "tools": i.Tools}
}

// testCatalogWriteOnAReachesB: a manager renames an initiative on A (the back office);
// B, which serves the public page from its page cache (production, anonymous), shows the
// new title at once — sooner than the cache's TTL could explain.
func testCatalogWriteOnAReachesB(t *testing.T, ctx context.Context, d *db.DB, a, b *Proc, passwordHash, password string) {
	i, email := seedPublishedInitiative(t, ctx, d, passwordHash)
	session := staffSignIn(t, a, email, password) // before the clock starts: hashing is slow
	page := b.URL + "/initiatives/" + i.Slug

	// Cache the page on B, then prove the cache is on: a change written behind the
	// app's back (no invalidation) is not seen.
	if status, body := get(t, page); status != http.StatusOK || !strings.Contains(body, i.TitleFR) {
		t.Fatalf("B's page: %d, title %q in it: %v", status, i.TitleFR, strings.Contains(body, i.TitleFR))
	}
	cachedAt := time.Now()
	hidden := i.TitleFR + " (modifié en douce)"
	if _, err := d.Exec(ctx, `UPDATE initiatives SET title_fr = ? WHERE id = ?`, hidden, i.ID); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, page); strings.Contains(body, hidden) || !strings.Contains(body, i.TitleFR) {
		t.Fatalf("B did not serve its cached copy: the test cannot tell an invalidation from a fresh render")
	}

	i.TitleFR = fmt.Sprintf("Nouveau titre %d", time.Now().UnixNano())
	res := postForm(t, a.URL+"/admin/initiatives/"+strconv.FormatInt(i.ID, 10), initiativeForm(i), session)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save on A: %d\n%s", res.StatusCode, a.Output())
	}
	saved := time.Now()
	for {
		_, body := get(t, page)
		if strings.Contains(body, i.TitleFR) {
			t.Logf("B shows the new title %v after A's save (%v after B cached the page)",
				time.Since(saved).Round(time.Millisecond), time.Since(cachedAt).Round(time.Millisecond))
			break
		}
		if time.Since(cachedAt) > pageCacheTTL-500*time.Millisecond {
			t.Fatalf("B still served its cached page %v after A's save: the invalidation did not reach it",
				time.Since(saved).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testVoteOnAReachesB: a person votes through A (the real form post); a page open on B
// (its Server-Sent-Event stream) gets the proposal's new count without reloading.
func testVoteOnAReachesB(t *testing.T, ctx context.Context, d *db.DB, a, b *Proc, passwordHash, password string) {
	i, _ := seedPublishedInitiative(t, ctx, d, passwordHash)
	var voterID int64
	email := "votante-" + i.Slug + "@example.test"
	now := time.Now()
	if err := d.QueryRow(ctx, `INSERT INTO people (email, pseudonym, password_hash, email_verified_at, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, email, "Votante", passwordHash, db.T(now), db.T(now)).Scan(&voterID); err != nil {
		t.Fatal(err)
	}
	svc := proposals.New(d, participe.SystemClock{}, nil, nil, t.TempDir())
	pid, err := svc.Submit(ctx, &participe.Actor{PersonID: voterID}, i.Slug, proposals.ProposalInput{
		Title: "Des pistes cyclables protégées", Body: "Relier les quartiers par des pistes cyclables séparées de la circulation."})
	if err != nil {
		t.Fatalf("submit a proposal: %v", err)
	}
	res := postForm(t, a.URL+"/connexion", url.Values{"email": {email}, "password": {password}})
	session := sessionCookie(res)
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in on A: %d", res.StatusCode)
	}
	topic := "proposal:" + strconv.FormatInt(pid, 10)
	onB, stop := openStream(t, b.URL, topic)
	defer stop()
	sent := time.Now()
	res = postForm(t, fmt.Sprintf("%s/initiatives/%s/propositions/%d/vote", a.URL, i.Slug, pid), url.Values{"value": {"1"}}, session)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("vote on A: %d\n%s", res.StatusCode, a.Output())
	}
	line := waitLine(t, onB, "data: ")
	if !strings.Contains(line, `"votes_for":1`) {
		t.Fatalf("B's stream got %s", line)
	}
	t.Logf("the vote posted to A reached B's stream %v after the request was sent", time.Since(sent).Round(100*time.Microsecond))
}

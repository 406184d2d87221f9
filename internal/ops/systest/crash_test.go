package systest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"participe/internal/account"
	"participe/internal/db"
	"participe/internal/db/dbtest"
)

const crashPassword = "une phrase de passe assez longue 42"

// forwardedFor gives each write its own client address (the server trusts the proxy
// header in this test, as behind a load balancer), so per-address rate limits apply to
// each simulated person rather than to the test machine.
func forwardedFor(i int64) string {
	return fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255)
}

func post(ctx context.Context, client *http.Client, u string, form url.Values, xff string, cookie *http.Cookie) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", xff)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return res, nil
}

// signupKind signs up new people: one transaction writes the person, two consents,
// the verification token and the mail job; all or nothing.
func signupKind() WriteKind {
	email := func(i int64) string { return "crash-" + strconv.FormatInt(i, 10) + "@example.test" }
	return WriteKind{
		Name: "signup",
		Do: func(ctx context.Context, c *http.Client, base string, i int64) (int, bool, error) {
			res, err := post(ctx, c, base+"/inscription", url.Values{"email": {email(i)}, "pseudonym": {"Crash" + strconv.FormatInt(i, 10)},
				"password": {crashPassword}, "terms": {"1"}}, forwardedFor(i), nil)
			if err != nil {
				return 0, false, err
			}
			return res.StatusCode, res.StatusCode == http.StatusSeeOther && strings.Contains(res.Header.Get("Location"), "/inscription/envoye"), nil
		},
		Stored: func(ctx context.Context, d *db.DB, i int64) (bool, error) {
			var n int
			err := d.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE email = ?`, email(i)).Scan(&n)
			return n == 1, err
		},
		Consistent: func(ctx context.Context, d *db.DB) error {
			var people, broken int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE email LIKE 'crash-%'`).Scan(&people); err != nil {
				return err
			}
			err := d.QueryRow(ctx, `SELECT COUNT(*) FROM people p WHERE p.email LIKE 'crash-%' AND (
				(SELECT COUNT(*) FROM consents c WHERE c.person_id = p.id) <> 2 OR
				(SELECT COUNT(*) FROM account_tokens t WHERE t.person_id = p.id) <> 1)`).Scan(&broken)
			if err != nil {
				return err
			}
			var mails int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%"to":"crash-%'`).Scan(&mails); err != nil {
				return err
			}
			if broken != 0 || mails != people {
				return fmt.Errorf("%d people, %d without their consents or token, %d verification mails", people, broken, mails)
			}
			return nil
		},
	}
}

// voters signs people in once (sessions live in the database and survive restarts).
type voters struct {
	cookies   []*http.Cookie
	proposals []struct {
		id   int64
		slug string
	}
	ids []int64
	// comments0 is each proposal's comments_count before the run.
	comments0 map[int64]int64
}

func prepareVoters(t *testing.T, d *db.DB, base string, n int) *voters {
	t.Helper()
	ctx := context.Background()
	v := &voters{}
	now := time.Now()
	rows, err := d.Query(ctx, `SELECT p.id, i.slug FROM proposals p
		JOIN contributions c ON c.id = p.id JOIN initiatives i ON i.id = p.initiative_id
		LEFT JOIN proposal_settings s ON s.initiative_id = i.id
		WHERE c.status = 'published' AND i.state = 'published' AND i.starts_at <= ? AND i.ends_at > ?
		AND (s.voting_open IS NULL OR s.voting_open = ?) ORDER BY p.id LIMIT 40`, now.Unix(), now.Unix(), true)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p struct {
			id   int64
			slug string
		}
		if err := rows.Scan(&p.id, &p.slug); err != nil {
			t.Fatal(err)
		}
		v.proposals = append(v.proposals, p)
	}
	rows.Close()
	if len(v.proposals) == 0 {
		t.Skip("no open proposal in the demo data to vote on")
	}
	v.comments0 = map[int64]int64{}
	for _, p := range v.proposals {
		var n int64
		if err := d.QueryRow(ctx, `SELECT comments_count FROM proposals WHERE id = ?`, p.id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		v.comments0[p.id] = n
	}
	hash, err := account.HashPassword(crashPassword)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for k := 0; k < n; k++ {
		email := fmt.Sprintf("votant-%d@example.test", k)
		var id int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, password_hash, email_verified_at, created_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`, email, fmt.Sprintf("Votant%d", k), hash, db.T(now), db.T(now))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := post(ctx, client, base+"/connexion", url.Values{"email": {email}, "password": {crashPassword}}, forwardedFor(int64(100000+k)), nil)
		if err != nil {
			t.Fatal(err)
		}
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "participe_session" && c.Value != "" {
				cookie = c
			}
		}
		if res.StatusCode != http.StatusSeeOther || cookie == nil {
			t.Fatalf("sign in %s: %d", email, res.StatusCode)
		}
		v.cookies = append(v.cookies, cookie)
		v.ids = append(v.ids, id)
	}
	return v
}

// voteKind votes through the real vote endpoint: the vote row and the proposal's
// counters change in one transaction.
func voteKind(v *voters) WriteKind {
	pick := func(i int64) (int, int) {
		n := int64(len(v.cookies))
		return int(i % n), int((i / n) % int64(len(v.proposals)))
	}
	return WriteKind{
		Name: "vote",
		Do: func(ctx context.Context, c *http.Client, base string, i int64) (int, bool, error) {
			who, which := pick(i)
			p := v.proposals[which]
			res, err := post(ctx, c, fmt.Sprintf("%s/initiatives/%s/propositions/%d/vote", base, p.slug, p.id),
				url.Values{"value": {"1"}}, forwardedFor(i), v.cookies[who])
			if err != nil {
				return 0, false, err
			}
			return res.StatusCode, res.StatusCode == http.StatusSeeOther, nil
		},
		Stored: func(ctx context.Context, d *db.DB, i int64) (bool, error) {
			who, which := pick(i)
			var n int
			err := d.QueryRow(ctx, `SELECT COUNT(*) FROM proposal_votes WHERE proposal_id = ? AND person_id = ? AND value = 1`,
				v.proposals[which].id, v.ids[who]).Scan(&n)
			return n == 1, err
		},
		Consistent: func(ctx context.Context, d *db.DB) error {
			var bad int
			err := d.QueryRow(ctx, `SELECT COUNT(*) FROM proposals p WHERE
				p.votes_for <> (SELECT COUNT(*) FROM proposal_votes v WHERE v.proposal_id = p.id AND v.value = 1) OR
				p.votes_against <> (SELECT COUNT(*) FROM proposal_votes v WHERE v.proposal_id = p.id AND v.value = -1)`).Scan(&bad)
			if err != nil {
				return err
			}
			if bad != 0 {
				return fmt.Errorf("%d proposals whose counters do not match their votes", bad)
			}
			return nil
		},
	}
}

// commentKind comments through the real endpoint: the contribution, the comment with
// its thread path, the proposal's counters and the statistics change in one transaction.
func commentKind(v *voters) WriteKind {
	marker := func(i int64) string { return "[crash " + strconv.FormatInt(i, 10) + "]" }
	pick := func(i int64) (int, int) {
		return int(i % int64(len(v.cookies))), int((i / 7) % int64(len(v.proposals)))
	}
	return WriteKind{
		Name: "comment",
		Do: func(ctx context.Context, c *http.Client, base string, i int64) (int, bool, error) {
			who, which := pick(i)
			p := v.proposals[which]
			res, err := post(ctx, c, fmt.Sprintf("%s/initiatives/%s/propositions/%d/commentaires", base, p.slug, p.id),
				url.Values{"text": {"Je suis d'accord avec cette proposition " + marker(i) + "."}}, forwardedFor(i), v.cookies[who])
			if err != nil {
				return 0, false, err
			}
			return res.StatusCode, res.StatusCode == http.StatusSeeOther, nil
		},
		Stored: func(ctx context.Context, d *db.DB, i int64) (bool, error) {
			_, which := pick(i)
			var n int
			err := d.QueryRow(ctx, `SELECT COUNT(*) FROM comments WHERE proposal_id = ? AND body LIKE ?`,
				v.proposals[which].id, "%"+marker(i)+"%").Scan(&n)
			return n == 1, err
		},
		Consistent: func(ctx context.Context, d *db.DB) error {
			for _, p := range v.proposals {
				var count, crash int64
				if err := d.QueryRow(ctx, `SELECT comments_count FROM proposals WHERE id = ?`, p.id).Scan(&count); err != nil {
					return err
				}
				if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM comments WHERE proposal_id = ? AND body LIKE '%[crash %'`, p.id).Scan(&crash); err != nil {
					return err
				}
				if count != v.comments0[p.id]+crash {
					return fmt.Errorf("proposal %d counts %d comments, holds %d before the run + %d written", p.id, count, v.comments0[p.id], crash)
				}
			}
			var orphans int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM comments m WHERE m.body LIKE '%[crash %'
				AND NOT EXISTS (SELECT 1 FROM contributions c WHERE c.id = m.id)`).Scan(&orphans); err != nil {
				return err
			}
			if orphans != 0 {
				return fmt.Errorf("%d comments without their contribution row", orphans)
			}
			return nil
		},
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestNoAcknowledgedWriteLost is the crash test: concurrent sign-ups, votes and comments through
// the real HTTP endpoints while the server is killed with SIGKILL at random moments
// and restarted; every write that got its success answer must be in the database, and
// no transaction may be half there. Short by default (CI); the long form is
// PARTICIPE_CRASH_ROUNDS=50 PARTICIPE_CRASH_WRITERS=32 (docs/operations.md).
func TestNoAcknowledgedWriteLost(t *testing.T) {
	if testing.Short() {
		t.Skip("system test: builds and runs the binary")
	}
	dbtest.EngineDSNs(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		// Demo data gives open initiatives with proposals to vote on.
		demo := Start(t, dir, "demo", "demo", "--database", dsn, "--trust-proxy=true")
		ctx := context.Background()
		d, err := db.Open(ctx, db.Options{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		v := prepareVoters(t, d, demo.URL, 12)
		d.Close()
		demo.Kill()

		vote, comment := voteKind(v), commentKind(v)
		rep := RunCrash(t, dsn, CrashConfig{
			// A sign-up hashes a password (argon2id, slow on purpose): one write in
			// eight, or the writers would mostly wait on hashing.
			Kinds:   []WriteKind{vote, comment, vote, vote, comment, vote, vote, signupKind()},
			Writers: envInt("PARTICIPE_CRASH_WRITERS", 8),
			Rounds:  envInt("PARTICIPE_CRASH_ROUNDS", 3),
			MinUp:   time.Second,
			MaxUp:   3 * time.Second,
			Start: func(round int) *Proc {
				return Start(t, dir, fmt.Sprintf("serve-%d", round), "serve", "--database", dsn, "--no-worker=true", "--trust-proxy=true")
			},
		})
		if rep.PerKind["vote"] < 50 || rep.PerKind["comment"] < 20 || rep.PerKind["signup"] < 3 {
			t.Fatalf("too few acknowledged writes to prove anything: %v", rep.PerKind)
		}
	})
}

package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// TestResultsPages fetches every public page of the results area on the demo data, in
// French and English, through the real router.
func TestResultsPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		counts := func() [5]int {
			return [5]int{ts.count(`SELECT COUNT(*) FROM follow_ups`), ts.count(`SELECT COUNT(*) FROM follow_up_updates`),
				ts.count(`SELECT COUNT(*) FROM result_themes`), ts.count(`SELECT COUNT(*) FROM suggestions`), ts.count(`SELECT COUNT(*) FROM survey_responses`)}
		}
		before := counts()
		ts.loadDemo() // idempotent
		if after := counts(); after != before || before[0] < 18 || before[2] != 10 {
			t.Errorf("demo results: %v then %v", before, after)
		}
		var fu int64
		if err := d.QueryRow(context.Background(), `SELECT MIN(f.id) FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE i.slug = ?`,
			"dialogue-gouvernement-du-futur").Scan(&fu); err != nil {
			t.Fatal(err)
		}
		pages := []struct {
			path string
			want []string
		}{
			{"/resultats", []string{"Vous avez parlé", "Vers le gouvernement du futur", "Suites en cours"}},
			{"/en/resultats", []string{"You spoke", "Follow-ups in progress"}},
			{"/resultats?organisme=mcn", []string{"Suites en cours"}},
			{"/initiatives/dialogue-gouvernement-du-futur/resultats", []string{"Connexion aux services gouvernementaux", "Service d’authentification gouvernemental unique",
				"Abandonnée", "Chiffres clés", "Suites prévues"}},
			{"/en/initiatives/dialogue-gouvernement-du-futur/resultats", []string{"Connecting to government services", "Planned follow-ups"}},
			{"/initiatives/dialogue-gouvernement-du-futur/tableau-de-bord", []string{"role=\"img\"", "aria-labelledby=\"ch-channel-t ch-channel-d\"", "Représentativité", "<caption>"}},
			{"/tableau-de-bord", []string{"Tableau de bord de la participation", "Montréal", "65 ans et plus"}},
			{"/en/tableau-de-bord", []string{"Participation dashboard", "65 and over"}},
			{"/suites/" + strconv.FormatInt(fu, 10), []string{"Mises à jour", "Engagement annoncé"}},
			{"/donnees-ouvertes", []string{"CC BY 4.0", "catalogue.json", "dialogue-gouvernement-du-futur/contributions.csv"}},
			{"/suggestions", []string{"À quels sujets voulez-vous participer", "Accès aux services de garde"}},
			{"/api", []string{"/api/v1/initiatives", "openapi.json"}},
		}
		for _, p := range pages {
			res, body := ts.get(p.path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d\n%s", p.path, res.StatusCode, resSnippet(body))
				continue
			}
			for _, w := range p.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: missing %q", p.path, w)
				}
			}
		}
	})
}

func resSnippet(s string) string {
	if len(s) > 800 {
		return s[:800]
	}
	return s
}

// TestResultsReminderDelaySetting: --reminder-before reaches the results service.
func TestResultsReminderDelaySetting(t *testing.T) {
	ts := newResultsConfigServer(t, func(c *config.Config) { c.ReminderBefore = 72 * time.Hour })
	if got := ts.newResultsService().ReminderBefore; got != 72*time.Hour {
		t.Errorf("reminder delay = %v, want 72h", got)
	}
}

// newResultsConfigServer is a test server on SQLite with its configuration changed.
func newResultsConfigServer(t *testing.T, mutate func(*config.Config)) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.Env = "development"
	mutate(&cfg)
	s, err := New(Deps{Cfg: cfg, DB: dbtest.SQLite(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: participe.NewFixedClock(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

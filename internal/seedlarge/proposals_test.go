package seedlarge

import (
	"bytes"
	"context"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// A small seed-large gives exactly the asked proposals, votes and comments, with
// counters that match the rows, 1,000 threaded comments on proposal 1, and a second
// run adds nothing.
func TestSeedProposalsSmall(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		env := &Env{DB: d, Sizes: Sizes{Initiatives: 30, People: 400, Proposals: 600, Votes: 5000, Comments: 1500}, Out: &bytes.Buffer{}, Now: time.Now().UTC()}
		for run := 0; run < 2; run++ {
			for _, step := range []func(context.Context, *Env) error{seedCatalog, seedPeople, seedProposals} {
				if err := step(ctx, env); err != nil {
					t.Fatal(err)
				}
			}
		}
		one := func(q string) int {
			var n int
			if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM proposals`:                                    600,
			`SELECT COUNT(*) FROM proposal_votes`:                               5000,
			`SELECT COALESCE(SUM(votes_for + votes_against), 0) FROM proposals`: 5000,
			`SELECT COUNT(*) FROM comments`:                                     1500,
			`SELECT COALESCE(SUM(comments_count), 0) FROM proposals`:            1500,
			`SELECT COUNT(*) FROM comments WHERE proposal_id = 1 AND depth = 3`: 250,
			`SELECT COUNT(*) FROM people WHERE email LIKE '%@large.test'`:       400,
			`SELECT COALESCE(SUM(n_total), 0) FROM contribution_stats`:          2100,
		} {
			if got := one(q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		if n := one(`SELECT COUNT(*) FROM comments WHERE proposal_id = 1`); n < 1000 {
			t.Errorf("proposal 1 has %d comments", n)
		}
		// New contributions still get fresh ids after the explicit-id bulk insert.
		err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.InsertID(ctx, `INSERT INTO contributions (initiative_id, tool, kind, created_at, updated_at)
				SELECT MIN(id), 'proposals', 'proposal', 0, 0 FROM initiatives RETURNING id`)
			return err
		})
		if err != nil {
			t.Errorf("insert after bulk: %v", err)
		}
	})
}

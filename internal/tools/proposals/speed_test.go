package proposals

import (
	"context"
	"fmt"
	"testing"
	"time"

	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// The list reads proposals.status (migration 0008), a copy of contributions.status kept
// by triggers: a proposal hidden by moderation leaves the list and its filtered count at
// once, and comes back when restored.
func TestListFollowsModerationStatus(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		mod := contrib.NewModeration(d, f.clock, f.n)
		a := f.person("auteur")
		moderator := f.person("moderatrice", participe.Role{BodyID: f.bodyID, Role: participe.RoleModerator})
		var ids []int64
		for k := 0; k < 3; k++ {
			ids = append(ids, f.propose(a, fmt.Sprintf("Proposition %d", k)))
		}
		listed := func(q ListQuery) (int, map[int64]bool) {
			t.Helper()
			lp, err := f.svc.List(ctx, f.slug, q, 0)
			if err != nil {
				t.Fatal(err)
			}
			in := map[int64]bool{}
			for _, p := range lp.Proposals {
				in[p.ID] = true
			}
			return lp.Total, in
		}
		if err := mod.Hide(ctx, moderator, ids[1], "Hors sujet", ""); err != nil {
			t.Fatal(err)
		}
		for _, q := range []ListQuery{{Sort: SortSupport, Page: 1}, {Sort: SortNewest, Page: 1, Answer: AnswerNone}} {
			total, in := listed(q)
			if total != 2 || len(in) != 2 || in[ids[1]] {
				t.Errorf("%+v after hiding: total %d, listed %v", q, total, in)
			}
		}
		if err := mod.Restore(ctx, moderator, ids[1], ""); err != nil {
			t.Fatal(err)
		}
		if total, in := listed(ListQuery{Sort: SortDebated, Page: 1, Answer: AnswerNone}); total != 3 || !in[ids[1]] {
			t.Errorf("after restoring: total %d, listed %v", total, in)
		}
		// Reports reaching the threshold hide it pending review: out of the list too.
		for k := 0; k < 3; k++ {
			if err := mod.Report(ctx, f.person(fmt.Sprintf("r%d", k)), ids[2], "spam", ""); err != nil {
				t.Fatal(err)
			}
		}
		if total, in := listed(ListQuery{Sort: SortSupport, Page: 1, ThemeID: 0, Answer: AnswerNone}); total != 2 || in[ids[2]] {
			t.Errorf("after automatic hiding: total %d, listed %v", total, in)
		}
	})
}

// Votes, comments, arguments and reports are rate limited per person in the database,
// inside the write they guard: allowed under the limit, refused over it with ETOOMANY
// (and the form field for forms), and nothing of the refused attempt is saved.
func TestRateLimits(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a, v := f.person("auteur"), f.person("votante")
		var ids []int64
		for k := 0; k < 5; k++ {
			ids = append(ids, f.propose(a, fmt.Sprintf("Proposition %d", k)))
		}
		f.svc.SetRateLimit("vote", 3)
		f.svc.SetRateLimit("comment", 2)
		for k := 0; k < 3; k++ {
			if _, err := f.svc.Vote(ctx, v, ids[k], 1); err != nil {
				t.Fatalf("vote %d under the limit: %v", k, err)
			}
		}
		_, err := f.svc.Vote(ctx, v, ids[3], 1)
		if !participe.IsCode(err, participe.ETOOMANY) {
			t.Fatalf("vote over the limit: %v", err)
		}
		if de, _ := participe.AsError(err); de.Key != "proposals.error.rate_vote" {
			t.Errorf("message key %q", de.Key)
		}
		if n := f.count(`SELECT COUNT(*) FROM proposal_votes WHERE person_id = ?`, v.PersonID); n != 3 {
			t.Errorf("%d votes saved, want 3", n)
		}
		if n := f.count(`SELECT votes_for FROM proposals WHERE id = ?`, ids[3]); n != 0 {
			t.Errorf("refused vote counted: %d", n)
		}
		// Another person is not affected; the next minute the person may vote again.
		if _, err := f.svc.Vote(ctx, a, ids[3], 1); err != nil {
			t.Errorf("another person: %v", err)
		}
		f.clock.Set(fixNow.Add(time.Minute))
		if _, err := f.svc.Vote(ctx, v, ids[3], 1); err != nil {
			t.Errorf("vote in the next window: %v", err)
		}
		// Comments: the error names the form's field, so the page shows the text again.
		for k := 0; k < 2; k++ {
			if _, err := f.svc.AddComment(ctx, v, ids[0], 0, fmt.Sprintf("Commentaire %d", k)); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.svc.AddComment(ctx, v, ids[0], 0, "Un de trop")
		if de, ok := participe.AsError(err); !ok || de.Code != participe.ETOOMANY || de.Field != "comment" {
			t.Fatalf("comment over the limit: %v", err)
		}
		if n := f.count(`SELECT comments_count FROM proposals WHERE id = ?`, ids[0]); n != 2 {
			t.Errorf("comments_count %d, want 2", n)
		}
		// Arguments (default limit 10 per minute).
		for k := 0; k < 10; k++ {
			if _, err := f.svc.AddArgument(ctx, v, ids[1], "for", fmt.Sprintf("Argument %d", k)); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.svc.AddArgument(ctx, v, ids[1], "against", "Encore un")
		if de, ok := participe.AsError(err); !ok || de.Code != participe.ETOOMANY || de.Field != "argument-against" {
			t.Fatalf("argument over the limit: %v", err)
		}
		// Reports: 20 per hour.
		mod := contrib.NewModeration(d, f.clock, nil)
		reporter := f.person("signaleur")
		var targets []int64
		err = d.Write(ctx, func(tx *db.Tx) error {
			for k := 0; k < contrib.ReportLimit+1; k++ {
				id, err := contrib.Insert(ctx, tx, fixNow, contrib.New{InitiativeID: f.initID, Tool: Tool, Kind: KindComment, Author: contrib.Author{PersonID: a.PersonID}})
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO comments (id, proposal_id, path, depth, body) VALUES (?, ?, ?, 0, 'x')`, id, ids[4], pathSegment(id)); err != nil {
					return err
				}
				targets = append(targets, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range targets[:contrib.ReportLimit] {
			if err := mod.Report(ctx, reporter, id, "spam", ""); err != nil {
				t.Fatalf("report under the limit: %v", err)
			}
		}
		err = mod.Report(ctx, reporter, targets[contrib.ReportLimit], "spam", "Texte gardé")
		if de, ok := participe.AsError(err); !ok || de.Code != participe.ETOOMANY || de.Key != "contrib.error.rate_report" {
			t.Fatalf("report over the limit: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM reports WHERE reporter_id = ?`, reporter.PersonID); n != contrib.ReportLimit {
			t.Errorf("%d reports saved, want %d", n, contrib.ReportLimit)
		}
	})
}

// Settings saved through the service reach the pages and votes at once, although they
// read the initiative from the service's copy.
func TestSettingsChangeDropsTheCopy(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a, v := f.person("auteur"), f.person("votante")
		manager := f.person("gestionnaire", participe.Role{BodyID: f.bodyID, Role: participe.RoleManager})
		pid := f.propose(a, "Une idée")
		if _, err := f.svc.Vote(ctx, v, pid, -1); err != nil {
			t.Fatal(err)
		}
		in := SettingsInput{WhoMayPropose: ProposeParticipants, VoteType: VoteForAgainst, VotingOpen: false, MaxLength: 5000,
			ReportThreshold: 3, Themes: "t0 | Santé\nt1 | Éducation"}
		if err := f.svc.SaveSettings(ctx, manager, f.initID, in, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Vote(ctx, v, pid, 1); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("vote after voting was closed: %v", err)
		}
		in.VotingOpen, in.VoteType = true, VoteSupport
		if err := f.svc.SaveSettings(ctx, manager, f.initID, in, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Vote(ctx, v, pid, -1); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("against after support-only: %v", err)
		}
		if _, err := f.svc.Vote(ctx, v, pid, 1); err != nil {
			t.Errorf("support: %v", err)
		}
	})
}

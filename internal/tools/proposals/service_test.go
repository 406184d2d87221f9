package proposals

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/events"
	"participe/internal/participe"
)

// Concurrent votes by many people, and concurrent double clicks by one person, never
// lose an update: the counters equal the rows, on both engines.
func TestVotesConcurrentNoLostUpdate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		author := f.person("autrice")
		pid := f.propose(author, "Une idée")
		const n = 40
		voters := make([]*participe.Actor, n)
		for k := range voters {
			voters[k] = f.person(fmt.Sprintf("votant%d", k))
		}
		var wg sync.WaitGroup
		errs := make(chan error, n*3)
		for k, v := range voters {
			value := 1
			if k%4 == 0 {
				value = -1
			}
			for c := 0; c < 3; c++ { // a triple click
				wg.Add(1)
				go func(v *participe.Actor, value int) {
					defer wg.Done()
					if _, err := f.svc.Vote(ctx, v, pid, value); err != nil {
						errs <- err
					}
				}(v, value)
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("vote: %v", err)
		}
		var vf, va int
		if err := d.QueryRow(ctx, `SELECT votes_for, votes_against FROM proposals WHERE id = ?`, pid).Scan(&vf, &va); err != nil {
			t.Fatal(err)
		}
		if vf != 30 || va != 10 {
			t.Errorf("counters = %d for / %d against, want 30 / 10", vf, va)
		}
		if rows := f.count(`SELECT COUNT(*) FROM proposal_votes WHERE proposal_id = ?`, pid); rows != n {
			t.Errorf("vote rows = %d, want %d", rows, n)
		}
		// Changing a vote moves the counters; withdrawing removes it.
		if c, err := f.svc.Vote(ctx, voters[0], pid, 1); err != nil || c.VotesFor != 31 || c.VotesAgainst != 9 {
			t.Errorf("change vote: %+v %v", c, err)
		}
		if c, err := f.svc.Vote(ctx, voters[0], pid, 0); err != nil || c.VotesFor != 30 || c.VotesAgainst != 9 {
			t.Errorf("withdraw vote: %+v %v", c, err)
		}
	})
}

func TestVoteRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		author, voter := f.person("auteur"), f.person("votante")
		pid := f.propose(author, "Une idée à débattre")
		if _, err := f.svc.Vote(ctx, nil, pid, 1); !participe.IsCode(err, participe.EUNAUTHORIZED) {
			t.Errorf("anonymous vote: %v", err)
		}
		if _, err := f.svc.Vote(ctx, voter, pid, 7); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("bad value: %v", err)
		}
		if _, err := f.svc.Vote(ctx, voter, 999999, 1); !participe.IsCode(err, participe.ENOTFOUND) {
			t.Errorf("unknown proposal: %v", err)
		}
		// Hidden proposal: no vote, no comment, no argument.
		if _, err := d.Exec(ctx, `UPDATE contributions SET status = 'hidden' WHERE id = ?`, pid); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Vote(ctx, voter, pid, 1); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("vote on hidden: %v", err)
		}
		if _, err := f.svc.AddComment(ctx, voter, pid, 0, "Bonjour"); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("comment on hidden: %v", err)
		}
		if _, err := d.Exec(ctx, `UPDATE contributions SET status = 'published' WHERE id = ?`, pid); err != nil {
			t.Fatal(err)
		}
		// Support-only initiatives refuse "against".
		if _, err := d.Exec(ctx, `INSERT INTO proposal_settings (initiative_id, vote_type, voting_open) VALUES (?, 'support', ?)`, f.initID, true); err != nil {
			t.Fatal(err)
		}
		f.svc.Invalidate() // settings changed behind the service's back (SaveSettings does this)
		if _, err := f.svc.Vote(ctx, voter, pid, -1); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("against in support-only: %v", err)
		}
		if _, err := d.Exec(ctx, `UPDATE proposal_settings SET voting_open = ? WHERE initiative_id = ?`, false, f.initID); err != nil {
			t.Fatal(err)
		}
		f.svc.Invalidate()
		if _, err := f.svc.Vote(ctx, voter, pid, 1); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("vote while voting closed: %v", err)
		}
		// After the initiative closes: nothing accepted, what was saved stays.
		f.clock.Set(fixNow.AddDate(0, 0, 11))
		if _, err := f.svc.AddComment(ctx, voter, pid, 0, "Trop tard"); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("comment after closing: %v", err)
		}
		if _, err := f.svc.AddArgument(ctx, voter, pid, "for", "Trop tard"); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("argument after closing: %v", err)
		}
		if _, err := f.svc.Submit(ctx, voter, f.slug, ProposalInput{Title: "Encore une", Body: "x", ThemeID: f.themes[0]}); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("proposal after closing: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM proposals WHERE initiative_id = ?`, f.initID); n != 1 {
			t.Errorf("proposals = %d", n)
		}
	})
}

func TestSubmitValidation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.person("proposante")
		_, err := f.svc.Submit(ctx, a, f.slug, ProposalInput{Title: "  ", Body: strings.Repeat("é", 5001), ThemeID: 424242})
		fe, ok := err.(*FormErrors)
		if !ok || len(fe.Fields) != 3 {
			t.Fatalf("want 3 field errors, got %v", err)
		}
		// HTML is stored as typed (rendered inert by the sanitizer at display).
		id, err := f.svc.Submit(ctx, a, f.slug, ProposalInput{Title: "<script>alert(1)</script> Titre", Body: "<img src=x onerror=alert(1)> **gras**", ThemeID: f.themes[1]})
		if err != nil {
			t.Fatal(err)
		}
		pg, err := f.svc.Page(ctx, f.slug, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Proposal.Title != "<script>alert(1)</script> Titre" || pg.Theme.ID != f.themes[1] {
			t.Errorf("stored %+v", pg.Proposal)
		}
		// Forged attachment: text named .png.
		_, err = f.svc.Submit(ctx, a, f.slug, ProposalInput{Title: "Avec fichier", Body: "x", ThemeID: f.themes[0],
			Attachment: &Upload{Name: "photo.png", Data: []byte("#!/bin/sh\nrm -rf /\n")}})
		if fe, ok := err.(*FormErrors); !ok || fe.Fields[0].Field != "attachment" {
			t.Errorf("forged attachment: %v", err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		_, err = f.svc.Submit(ctx, a, f.slug, ProposalInput{Title: "Avec image", Body: "x", ThemeID: f.themes[0], Attachment: &Upload{Name: "plan.pdf", Data: png}})
		if err == nil {
			t.Error("a PNG named .pdf was accepted")
		}
		id, err = f.svc.Submit(ctx, a, f.slug, ProposalInput{Title: "Avec image", Body: "x", ThemeID: f.themes[0], Attachment: &Upload{Name: "plan.PNG", Data: png}})
		if err != nil {
			t.Fatal(err)
		}
		att, _, err := f.svc.AttachmentOf(ctx, id)
		if err != nil || att.Mime != "image/png" || att.Name != "plan.PNG" {
			t.Errorf("attachment %+v %v", att, err)
		}
	})
}

// The proposal page with 1,000 threaded comments reads a fixed number of queries and
// the first 50 comments; "show more" continues from the cursor in path order.
func TestCommentsThreadPagingAndQueryCount(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a, b := f.person("alice"), f.person("bruno")
		pid := f.propose(a, "Idée commentée")
		// A thread of depth 4, then a reply beyond the limit is refused.
		parent := int64(0)
		var chain []int64
		for depth := 0; depth <= MaxDepth; depth++ {
			id, err := f.svc.AddComment(ctx, b, pid, parent, fmt.Sprintf("niveau %d", depth))
			if err != nil {
				t.Fatalf("depth %d: %v", depth, err)
			}
			chain = append(chain, id)
			parent = id
		}
		if _, err := f.svc.AddComment(ctx, a, pid, parent, "trop profond"); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("depth beyond max: %v", err)
		}
		top2, _ := f.svc.AddComment(ctx, a, pid, 0, "second fil")
		reply, _ := f.svc.AddComment(ctx, a, pid, chain[0], "réponse tardive au premier")
		var counter atomic.Int64
		if _, err := f.svc.PublicInitiative(ctx, f.slug); err != nil { // warm the copy
			t.Fatal(err)
		}
		f.svc.CountQueries(&counter)
		pg, err := f.svc.Page(ctx, f.slug, pid, b.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		small := counter.Load()
		var order []int64
		for _, c := range pg.Comments {
			order = append(order, c.ID)
		}
		// chain[0], its subtree (chain[1..] then the later reply to chain[0]), then top2.
		want := []int64{chain[0], chain[1], chain[2], chain[3], chain[4], reply, top2}
		if fmt.Sprint(order) != fmt.Sprint(want) {
			t.Errorf("thread order = %v, want %v", order, want)
		}
		// Grow to 1,000+ comments in one transaction.
		err = d.Write(ctx, func(tx *db.Tx) error {
			for k := 0; k < 1000; k++ {
				id, err := contrib.Insert(ctx, tx, fixNow, contrib.New{InitiativeID: f.initID, Tool: Tool, Kind: KindComment, Author: contrib.Author{PersonID: b.PersonID}})
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO comments (id, proposal_id, path, depth, body) VALUES (?, ?, ?, 0, 'x')`, id, pid, pathSegment(id)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		counter.Store(0)
		pg, err = f.svc.Page(ctx, f.slug, pid, b.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		// With the initiative in the service's copy: the proposal, its arguments, the
		// first comments and the viewer's state.
		if big := counter.Load(); big != small || big > 4 {
			t.Errorf("queries: %d with 7 comments, %d with 1,007 (want equal, ≤ 4)", small, big)
		}
		if len(pg.Comments) != CommentsPerBit || pg.NextCursor == "" {
			t.Fatalf("first batch %d, cursor %q", len(pg.Comments), pg.NextCursor)
		}
		seen := len(pg.Comments)
		cursor := pg.NextCursor
		for cursor != "" {
			m, err := f.svc.More(ctx, f.slug, pid, cursor)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Comments) > 0 && m.Comments[0].Path <= cursor {
				t.Fatalf("cursor went backwards")
			}
			seen += len(m.Comments)
			cursor = m.NextCursor
		}
		if seen != 1007 {
			t.Errorf("comments seen through paging = %d, want 1007", seen)
		}
		if _, err := f.svc.More(ctx, f.slug, pid, "'; DROP TABLE comments;--"); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

// The list page's query count does not grow with the number of proposals.
func TestListQueryCountAndFilters(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a, v := f.person("auteur"), f.person("votant")
		for k := 0; k < 3; k++ {
			f.propose(a, fmt.Sprintf("Proposition %d", k))
		}
		var counter atomic.Int64
		if _, err := f.svc.PublicInitiative(ctx, f.slug); err != nil { // warm the copy
			t.Fatal(err)
		}
		f.svc.CountQueries(&counter)
		lp, err := f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: 1}, v.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		small := counter.Load()
		if lp.Total != 3 || len(lp.Proposals) != 3 {
			t.Errorf("total %d, rows %d", lp.Total, len(lp.Proposals))
		}
		for k := 3; k < 60; k++ {
			id := f.propose(a, fmt.Sprintf("Proposition %d", k))
			if k%5 == 0 {
				if _, err := f.svc.Vote(ctx, v, id, 1); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, sort := range Sorts {
			counter.Store(0)
			lp, err = f.svc.List(ctx, f.slug, ListQuery{Sort: sort, Page: 2, Seed: 42}, v.PersonID)
			if err != nil {
				t.Fatalf("%s: %v", sort, err)
			}
			// The total (the maintained counter), the rows and the viewer's votes.
			if n := counter.Load(); n != small || n > 3 {
				t.Errorf("%s: %d queries with 60 proposals, %d with 3 (want equal, ≤ 3)", sort, n, small)
			}
			if lp.Total != 60 || len(lp.Proposals) != PerPage {
				t.Errorf("%s: total %d rows %d", sort, lp.Total, len(lp.Proposals))
			}
		}
		lp, _ = f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: 1}, v.PersonID)
		if lp.Proposals[0].VotesFor != 1 || lp.Proposals[0].MyVote != 1 {
			t.Errorf("most supported first with my vote: %+v", lp.Proposals[0])
		}
		r1, _ := f.svc.List(ctx, f.slug, ListQuery{Sort: SortRandom, Page: 1, Seed: 7}, 0)
		r2, _ := f.svc.List(ctx, f.slug, ListQuery{Sort: SortRandom, Page: 1, Seed: 7}, 0)
		if r1.Proposals[0].ID != r2.Proposals[0].ID {
			t.Error("random order not stable for one seed")
		}
		lp, _ = f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: 1, ThemeID: f.themes[1]}, 0)
		if lp.Total != 0 {
			t.Errorf("theme filter total %d", lp.Total)
		}
		counter.Store(0)
		lp, _ = f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: 1, Answer: AnswerNone}, 0)
		if lp.Total != 60 {
			t.Errorf("sans réponse total %d", lp.Total)
		}
		if n := counter.Load(); n != 2 {
			t.Errorf("filtered list: %d queries, want 2 (count, rows)", n)
		}
		// The deep pages: every proposal exactly once, in order, across the pages.
		var all []Proposal
		for page := 1; page <= 4; page++ {
			lp, err := f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: page}, 0)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, lp.Proposals...)
		}
		if len(all) != 60 {
			t.Fatalf("pages 1-4 hold %d proposals, want 60", len(all))
		}
		seen := map[int64]bool{}
		for k, p := range all {
			if seen[p.ID] {
				t.Fatalf("proposal %d listed twice", p.ID)
			}
			seen[p.ID] = true
			if k > 0 && (p.VotesFor > all[k-1].VotesFor || p.VotesFor == all[k-1].VotesFor && p.ID > all[k-1].ID) {
				t.Fatalf("order broken at %d", k)
			}
		}
	})
}

// A vote and a comment publish the new counts on the proposal's live topic.
func TestLiveCountsPublished(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newFixture(t, d)
	bus := events.New()
	f.svc.events = bus
	ctx := context.Background()
	a, v := f.person("a"), f.person("v")
	pid := f.propose(a, "Idée en direct")
	ch, stop := bus.Subscribe(fmt.Sprintf("proposal:%d", pid))
	defer stop()
	if _, err := f.svc.Vote(ctx, v, pid, -1); err != nil {
		t.Fatal(err)
	}
	next := func() string {
		select {
		case b := <-ch:
			return string(b)
		case <-time.After(5 * time.Second):
			return "no event"
		}
	}
	if got := next(); got != `{"votes_against":1,"votes_for":0}` {
		t.Errorf("vote event %s", got)
	}
	if _, err := f.svc.AddComment(ctx, v, pid, 0, "Bravo"); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != `{"comments":1}` {
		t.Errorf("comment event %s", got)
	}
}

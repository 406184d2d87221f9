package web

import (
	"testing"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/events"
)

// TestOpsCatalogInvalidationShared: on PostgreSQL a catalog write in this server is
// announced to the other servers ("invalidate:catalog" through NOTIFY), a burst of
// writes sends a few announcements rather than one each, and the announcement does not
// echo (receiving it does not announce it again). On SQLite (one app server) nothing is
// sent and one write bumps the generation once.
func TestOpsCatalogInvalidationShared(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		defer ts.Shutdown()
		if d.Engine != db.Postgres {
			before := catalog.Generation()
			catalog.Invalidate()
			time.Sleep(50 * time.Millisecond)
			if got := catalog.Generation() - before; got != 1 {
				t.Fatalf("one write bumped the generation %d times on SQLite", got)
			}
			return
		}
		// Another app server, as far as PostgreSQL can tell.
		other := events.New()
		br := events.NewBridge(d.DSN, d.SQL(), other, nil)
		defer br.Stop()
		ch, stop := other.Subscribe(events.InvalidateTopic("catalog"))
		defer stop()

		before := catalog.Generation()
		const writes = 200
		for range writes {
			catalog.Invalidate()
		}
		if got := catalog.Generation() - before; got < writes {
			t.Fatalf("local generation bumped %d times for %d writes", got, writes)
		}
		received := 0
		timeout := time.After(3 * time.Second)
	first:
		for {
			select {
			case <-ch:
				received++
				break first
			case <-timeout:
				t.Fatal("no invalidation reached the other server")
			}
		}
		// Let the burst settle, then nothing more must come: no echo between servers.
		settle := time.After(500 * time.Millisecond)
	drain:
		for {
			select {
			case <-ch:
				received++
			case <-settle:
				break drain
			}
		}
		if received > 20 {
			t.Errorf("%d announcements for a burst of %d writes: they should be coalesced", received, writes)
		}
		gen := catalog.Generation()
		select {
		case <-ch:
			t.Fatalf("announcements keep coming after the writes stopped (echo loop); %d before", received)
		case <-time.After(time.Second):
		}
		if g := catalog.Generation(); g != gen {
			t.Fatalf("the generation keeps moving after the writes stopped (%d → %d): echo loop", gen, g)
		}
		t.Logf("%d writes → %d announcements", writes, received)
	})
}

package events

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"participe/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func receive(t *testing.T, ch <-chan []byte, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if string(got) != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no event (want %s)", want)
	}
}

func TestBusInProcess(t *testing.T) {
	b := New()
	ch, stop := b.Subscribe("proposal:1")
	other, stopOther := b.Subscribe("proposal:2")
	defer stopOther()
	if err := b.PublishFields(context.Background(), "proposal:1", map[string]any{"votes": 3}); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, `{"votes":3}`)
	select {
	case e := <-other:
		t.Fatalf("event leaked to another topic: %s", e)
	default:
	}
	stop()
	stop() // idempotent
	if n := b.Subscribers(); n != 1 {
		t.Fatalf("subscribers after stop = %d", n)
	}
	if err := b.Publish(context.Background(), "x", make([]byte, MaxPayload+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized payload: %v", err)
	}
	if err := b.Publish(context.Background(), "bad\ntopic", nil); err == nil {
		t.Fatal("a topic with a newline must be refused")
	}
}

func TestInvalidateReachesCache(t *testing.T) {
	b := New()
	hits := make(chan struct{}, 1)
	stop := b.OnInvalidate("themes", func() { hits <- struct{}{} })
	defer stop()
	if err := b.Invalidate(context.Background(), "themes"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hits:
	case <-time.After(2 * time.Second):
		t.Fatal("cache was not told")
	}
}

// Two bridges on one database stand for two app servers: an event published on A
// reaches a subscriber on B (and A's own subscribers) through LISTEN/NOTIFY, and the
// listener comes back by itself after its connection is killed.
func TestPostgresBridgeAcrossServers(t *testing.T) {
	d := dbtest.Postgres(t)
	busA, busB := New(), New()
	brA := NewBridge(d.DSN, d.SQL(), busA, nil)
	brB := NewBridge(d.DSN, d.SQL(), busB, nil)
	defer brA.Stop()
	defer brB.Stop()
	ctx := context.Background()

	onB, stopB := busB.Subscribe("proposal:12")
	defer stopB()
	onA, stopA := busA.Subscribe("proposal:12")
	defer stopA()
	if !brB.Connected() || !brA.Connected() {
		t.Fatal("listeners not connected after subscribe")
	}
	if err := busA.PublishFields(ctx, "proposal:12", map[string]any{"votes": 13}); err != nil {
		t.Fatal(err)
	}
	receive(t, onB, `{"votes":13}`)
	receive(t, onA, `{"votes":13}`)

	if err := busA.Publish(ctx, "proposal:12", []byte(strings.Repeat("x", MaxPayload+1))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized NOTIFY: %v", err)
	}

	// Kill B's listening connection: it must reconnect and receive again.
	if _, err := d.SQL().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for brB.Reconnections() == 0 || !brB.Connected() {
		if time.Now().After(deadline) {
			t.Fatal("listener did not reconnect")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := busA.PublishFields(ctx, "proposal:12", map[string]any{"votes": 14}); err != nil {
		t.Fatal(err)
	}
	receive(t, onB, `{"votes":14}`)
}

// A NOTIFY sent inside a transaction that rolls back is never delivered.
func TestPostgresNotifyIsTransactional(t *testing.T) {
	d := dbtest.Postgres(t)
	bus := New()
	br := NewBridge(d.DSN, d.SQL(), bus, nil)
	defer br.Stop()
	ch, stop := bus.Subscribe("initiative:1")
	defer stop()
	ctx := context.Background()
	tx, err := d.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Notify(ctx, tx, "initiative:1", []byte(`{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	_ = tx.Rollback()
	if err := bus.PublishFields(ctx, "initiative:1", map[string]any{"n": 2}); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, `{"n":2}`)
}

// The listener stops by itself when the app closes its database pool.
func TestPostgresListenerEndsWithPool(t *testing.T) {
	d := dbtest.Postgres(t)
	bus := New()
	br := NewBridge(d.DSN, d.SQL(), bus, nil)
	_, stop := bus.Subscribe("proposal:1")
	defer stop()
	if !br.Connected() {
		t.Fatal("not listening")
	}
	d.Close()
	select {
	case <-br.done:
	case <-time.After(3 * poolCheckEvery):
		t.Fatal("listener outlived the pool")
	}
}

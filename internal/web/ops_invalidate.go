package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/events"
)

// Cache invalidation shared by every app server (issue 8). Each server keeps copies of
// data for a few seconds (the catalog's lookups, the portal's page cache): a write made
// on server A drops A's copies at once, and A announces it on the event bus
// ("invalidate:<what>", carried by PostgreSQL NOTIFY) so that B, C… drop theirs at once
// too instead of serving the old copy until its TTL.
//
// The announcement is sent by a goroutine, not by the writer: a write never waits for
// the network, and a burst of writes (an import, the seeder) sends a few NOTIFYs, not
// one per write. A write made while a NOTIFY is on its way is announced again after it,
// so the last write is always followed by one announcement. The catalog announces twice
// for one save (SaveInitiative inside its transaction, then the service after the
// commit): only the second one can be seen by a server that re-reads at once.

// invalidationSender sends "invalidate:<what>" for the writes signalled by kick.
type invalidationSender struct {
	bus  *events.Bus
	what string
	log  func(msg string, args ...any)
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newInvalidationSender(bus *events.Bus, what string, log func(string, ...any)) *invalidationSender {
	is := &invalidationSender{bus: bus, what: what, log: log, kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	go is.loop()
	return is
}

// signal asks for one announcement; it never blocks (a pending one covers this write).
func (is *invalidationSender) signal() {
	select {
	case is.kick <- struct{}{}:
	default:
	}
}

func (is *invalidationSender) loop() {
	defer close(is.done)
	for {
		select {
		case <-is.stop:
			return
		case <-is.kick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := is.bus.Invalidate(ctx, is.what)
		cancel()
		if err != nil {
			if strings.Contains(err.Error(), "database is closed") {
				return // the app stopped without calling Shutdown (tests)
			}
			// The other servers see the change after their TTL (5 to 15 s): degraded,
			// not wrong.
			is.log("cache invalidation not sent to the other servers", "what", is.what, "err", err)
		}
	}
}

// close stops the sender (pending announcements are dropped: the server is stopping).
func (is *invalidationSender) close() {
	is.once.Do(func() { close(is.stop); <-is.done })
}

// shareInvalidation links a cache of this server to the others: local runs here each
// time any server (this one included) announces what; the returned announce tells
// every server, without blocking. On SQLite (one app server) announce only runs local.
func (s *Server) shareInvalidation(what string, local func()) (announce func()) {
	s.OnShutdown(s.Events.OnInvalidate(what, local))
	if s.DB.Engine != db.Postgres {
		return local
	}
	is := newInvalidationSender(s.Events, what, s.Log.Warn)
	s.OnShutdown(is.close)
	return is.signal
}

// shareCatalogInvalidation makes every catalog.Invalidate in this process (admin
// saves, SaveInitiative, jobs) reach the other app servers, which drop their lookups and
// cached pages (catalog.Generation) with catalog.InvalidateLocal — not Invalidate,
// which would announce it again, back and forth forever.
func (s *Server) shareCatalogInvalidation() {
	announce := s.shareInvalidation("catalog", catalog.InvalidateLocal)
	if s.DB.Engine == db.Postgres {
		s.OnShutdown(catalog.AddInvalidateHook(announce))
	}
}

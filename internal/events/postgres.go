package events

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Channel is the PostgreSQL NOTIFY channel every Participe server listens on.
const Channel = "participe_events"

// Bridge links a Bus to PostgreSQL: Publish becomes pg_notify (through the app's pool,
// so a NOTIFY inside a transaction is sent only if it commits), and a listener goroutine
// with its own connection delivers every server's events to this server's subscribers.
// The listener starts on the first subscription (a worker that never subscribes holds no
// extra connection) and reconnects with back-off when the connection drops.
type Bridge struct {
	dsn  string
	pool *sql.DB
	bus  *Bus
	log  *slog.Logger

	startOnce sync.Once
	ready     chan struct{} // closed once the first LISTEN succeeded
	readyOnce sync.Once
	stopOnce  sync.Once
	cancel    context.CancelFunc
	done      chan struct{}

	mu        sync.Mutex
	connected bool
	reconnect int // reconnections after the first connection (metrics, tests)
}

// NewBridge connects bus to the PostgreSQL database at dsn; pool is the app's pool used
// to publish. Call Stop when the server stops.
func NewBridge(dsn string, pool *sql.DB, bus *Bus, log *slog.Logger) *Bridge {
	if log == nil {
		log = slog.Default()
	}
	br := &Bridge{dsn: dsn, pool: pool, bus: bus, log: log, ready: make(chan struct{}), done: make(chan struct{})}
	bus.SetRemote(func(ctx context.Context, topic string, data []byte) error {
		return Notify(ctx, pool, topic, data)
	})
	bus.SetOnSubscribe(br.ensureListening)
	return br
}

// Notify sends one event to every server through PostgreSQL (pg_notify).
func Notify(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, topic string, data []byte) error {
	if err := checkEvent(topic, data); err != nil {
		return err
	}
	_, err := ex.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, topic+"\n"+string(data))
	return err
}

// ensureListening starts the listener once and waits (a little) for its first LISTEN,
// so that an event published right after a subscription is not missed.
func (br *Bridge) ensureListening() {
	br.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		br.cancel = cancel
		go br.loop(ctx)
	})
	select {
	case <-br.ready:
	case <-br.done:
	case <-time.After(3 * time.Second):
	}
}

// Start begins listening now instead of at the first subscription.
func (br *Bridge) Start() { br.ensureListening() }

// Connected tells whether the listener holds a live connection.
func (br *Bridge) Connected() bool {
	br.mu.Lock()
	defer br.mu.Unlock()
	return br.connected
}

// Reconnections counts how many times the listener had to reconnect.
func (br *Bridge) Reconnections() int {
	br.mu.Lock()
	defer br.mu.Unlock()
	return br.reconnect
}

// Stop ends the listener and waits for it. Safe to call more than once.
func (br *Bridge) Stop() {
	br.stopOnce.Do(func() {
		started := false
		br.startOnce.Do(func() { close(br.done) }) // never started
		if br.cancel != nil {
			started = true
			br.cancel()
		}
		if started {
			<-br.done
		}
	})
}

func (br *Bridge) loop(ctx context.Context) {
	defer close(br.done)
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := br.listen(ctx, func() {
			backoff = 100 * time.Millisecond
			br.mu.Lock()
			br.connected = true
			if !first {
				br.reconnect++
			}
			br.mu.Unlock()
			first = false
			br.readyOnce.Do(func() { close(br.ready) })
		})
		br.mu.Lock()
		br.connected = false
		br.mu.Unlock()
		if ctx.Err() != nil || errors.Is(err, errPoolClosed) {
			return
		}
		br.log.Warn("events: PostgreSQL listener lost, reconnecting", "err", err, "in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		if backoff *= 2; backoff > 10*time.Second {
			backoff = 10 * time.Second
		}
	}
}

// listen holds one connection: LISTEN, then deliver notifications until it fails.
func (br *Bridge) listen(ctx context.Context, onListening func()) error {
	connectCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(connectCtx, br.dsn)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	onListening()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, poolCheckEvery)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
				// Quiet channel: the listener lives as long as the app's pool.
				if br.poolClosed() {
					return errPoolClosed
				}
				continue
			}
			return err
		}
		topic, data, ok := strings.Cut(n.Payload, "\n")
		if !ok {
			continue
		}
		br.bus.Deliver(topic, []byte(data))
	}
}

// poolCheckEvery is how often a quiet listener checks that the app still runs.
const poolCheckEvery = 5 * time.Second

var errPoolClosed = errors.New("events: the app's database pool is closed")

// poolClosed tells whether the app closed its database: the listener then stops by
// itself, even when nobody called Stop (tests, embedded uses).
func (br *Bridge) poolClosed() bool {
	if br.pool == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := br.pool.PingContext(ctx)
	return err != nil && strings.Contains(err.Error(), "database is closed")
}

// errNotPostgres is returned when a bridge is asked for on another engine.
var errNotPostgres = errors.New("events: LISTEN/NOTIFY needs PostgreSQL")

// CheckDSN tells whether dsn can carry LISTEN/NOTIFY.
func CheckDSN(dsn string) error {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil
	}
	return errNotPostgres
}

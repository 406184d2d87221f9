// Package db opens SQLite or PostgreSQL behind one small API: reads through a pool,
// writes through Write (a group-committing single writer on SQLite, the pool on
// PostgreSQL), `?` placeholders rebound for PostgreSQL, and migrations per engine.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Engine names the database engine in use.
type Engine string

// The two engines Participe runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options configures Open.
type Options struct {
	// DSN is "sqlite:path/to/file.db" or "postgres://…".
	DSN string
	// ReadConns is the size of the read pool (SQLite: 2–4 is best on 2 cores).
	ReadConns int
	// WriteConns is the PostgreSQL pool size for writes (shared with reads).
	WriteConns int
	// MaxBatch bounds how many writes one SQLite group commit takes.
	MaxBatch int
	Logger   *slog.Logger
}

// DB is the application's database handle.
type DB struct {
	Engine Engine
	// Path is the SQLite file (empty on PostgreSQL).
	Path string
	// DSN is what Open was given.
	DSN string

	read   *sql.DB
	write  *sql.DB
	writer *writer
	// readStmts caches prepared read statements (SQLite only); the writer keeps its
	// own (writeStmts, prepared between group commits).
	readStmts *stmtCache
	log       *slog.Logger
	binds     sync.Map // query text -> rebound text (PostgreSQL)
}

// ParseDSN tells the engine and the driver's DSN for a Participe database setting.
func ParseDSN(dsn string) (Engine, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", fmt.Errorf("db: empty SQLite path in %q", dsn)
		}
		return SQLite, path, nil
	case dsn != "" && !strings.Contains(dsn, "://"):
		return SQLite, dsn, nil
	}
	return "", "", fmt.Errorf("db: unsupported database %q (use sqlite:FILE or postgres://…)", dsn)
}

// sqliteDSN builds the modernc DSN. busy_timeout comes before journal_mode so that
// switching to WAL waits for other connections instead of failing.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "cache_size(-32000)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open connects to the database named by opts.DSN. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	engine, dsn, err := ParseDSN(opts.DSN)
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	d := &DB{Engine: engine, DSN: opts.DSN, log: opts.Logger}
	switch engine {
	case SQLite:
		d.Path = dsn
		if err := d.openSQLite(ctx, opts); err != nil {
			return nil, err
		}
	case Postgres:
		if err := d.openPostgres(ctx, dsn, opts); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *DB) openSQLite(ctx context.Context, opts Options) error {
	w, err := sql.Open("sqlite", sqliteDSN(d.Path, false))
	if err != nil {
		return fmt.Errorf("db: open sqlite writer: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and the
	// group-commit goroutine is its only user.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return fmt.Errorf("db: open sqlite %s: %w", d.Path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(d.Path, true))
	if err != nil {
		w.Close()
		return fmt.Errorf("db: open sqlite readers: %w", err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	d.read, d.write = r, w
	d.readStmts = newStmtCache(r)
	batch := opts.MaxBatch
	if batch <= 0 {
		batch = 1000
	}
	d.writer = newWriter(w, batch, d.log)
	return nil
}

func (d *DB) openPostgres(ctx context.Context, dsn string, opts Options) error {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("db: open postgres: %w", err)
	}
	n := opts.WriteConns
	if n <= 0 {
		n = 32
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pingCtx); err != nil {
		p.Close()
		return fmt.Errorf("db: connect postgres: %w", err)
	}
	d.read, d.write = p, p
	return nil
}

// Close stops the writer and closes the pools.
func (d *DB) Close() error {
	if d.writer != nil {
		d.writer.stop()
	}
	d.readStmts.close()
	err := d.read.Close()
	if d.write != d.read {
		if e := d.write.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers (used by /readyz).
func (d *DB) Ping(ctx context.Context) error {
	if err := d.read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// SQL returns the read pool for code that needs database/sql directly (job queues,
// session stores). Prefer Query/Write.
func (d *DB) SQL() *sql.DB { return d.read }

// WriteSQL returns the connection pool writes go to. On SQLite it is the single writer
// connection: use it only for libraries that must own their transactions (the job
// queue), never from request paths.
func (d *DB) WriteSQL() *sql.DB { return d.write }

// Query runs a read query on the read pool.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.readStmts.get(ctx, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, translate(err)
	}
	rows, err := d.read.QueryContext(ctx, d.Rebind(q), args...)
	return rows, translate(err)
}

// QueryRow runs a read query returning at most one row.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.readStmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.read.QueryRowContext(ctx, d.Rebind(q), args...)
}

// Exec runs one write statement in its own (group-committed) transaction.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := d.Write(ctx, func(tx *Tx) error {
		var err error
		res, err = tx.Exec(ctx, q, args...)
		return err
	})
	return res, err
}

// Write runs fn in a write transaction. On SQLite, fn joins the writer's current group
// commit inside its own savepoint: a failing fn rolls back alone and the others still
// commit; Write returns only once the group is durably committed. fn must not keep tx.
// fn may run again never: it runs exactly once.
func (d *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	if d.writer != nil {
		return d.writer.do(ctx, d, fn)
	}
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(&Tx{tx: tx, d: d}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return translate(tx.Commit())
}

// Tx is a write transaction (or, on SQLite, one savepoint of a group commit).
type Tx struct {
	tx *sql.Tx
	d  *DB
	// ws are the writer connection's prepared statements (SQLite; nil on PostgreSQL,
	// whose driver caches statements itself).
	ws *writeStmts
}

// stmt returns q prepared for this transaction, or nil to run it unprepared.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.ws == nil {
		return nil
	}
	if st := t.ws.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	return nil
}

// Engine tells which engine the transaction runs on.
func (t *Tx) Engine() Engine { return t.d.Engine }

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, translate(err)
	}
	res, err := t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
	return res, translate(err)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, translate(err)
	}
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
	return rows, translate(err)
}

// QueryRow runs a query returning at most one row in the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func (t *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if err := t.QueryRow(ctx, q, args...).Scan(&id); err != nil {
		return 0, translate(err)
	}
	return id, nil
}

package db

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements per query text on SQLite, where modernc spends
// 10–35 % of a short query's CPU parsing SQL (PERFORMANCE-NOTES). Queries are constants
// in practice; queries built with a variable number of placeholders stop being cached
// once the cache is full. PostgreSQL's driver (pgx) caches statements by itself.
type stmtCache struct {
	pool *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
}

const maxCachedStmts = 2000

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// get returns a prepared statement for q, or nil when it cannot be cached.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[q]
	n := len(c.m)
	c.mu.RUnlock()
	if st != nil || n >= maxCachedStmts {
		return st
	}
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // let the unprepared path report the error
	}
	c.mu.Lock()
	if prev := c.m[q]; prev != nil {
		c.mu.Unlock()
		st.Close()
		return prev
	}
	c.m[q] = st
	c.mu.Unlock()
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
	c.mu.Unlock()
}

// writeStmts keeps prepared statements of SQLite's single writer connection. A
// statement can only be prepared while that connection is free, i.e. between two group
// commits: preparing from inside a transaction would wait for the connection the
// transaction holds, forever (the deadlock a first write-side cache ran into). So a
// statement seen for the first time runs unprepared and is queued; the writer goroutine
// prepares the queue right after the group's COMMIT (once the callers have their
// answer), and later transactions bind the prepared statement to their connection with
// Tx.StmtContext, which reuses it since it is the same connection.
type writeStmts struct {
	mu sync.Mutex
	// m maps query text to its statement; a nil entry is queued or could not be
	// prepared (then it stays unprepared, never retried).
	m       map[string]*sql.Stmt
	pending []string
}

func newWriteStmts() *writeStmts { return &writeStmts{m: map[string]*sql.Stmt{}} }

// lookup returns the prepared statement for q, or nil (q is then queued once).
func (c *writeStmts) lookup(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[q]
	if !ok && len(c.m) < maxCachedStmts {
		c.m[q] = nil
		c.pending = append(c.pending, q)
	}
	return st
}

// preparePending prepares the queued statements on conn. Only the writer goroutine
// calls it, between transactions.
func (c *writeStmts) preparePending(conn *sql.DB) {
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, q := range pending {
		st, err := conn.PrepareContext(context.Background(), q)
		if err != nil {
			continue // stays unprepared
		}
		c.mu.Lock()
		c.m[q] = st
		c.mu.Unlock()
	}
}

func (c *writeStmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		if st != nil {
			st.Close()
		}
		delete(c.m, q)
	}
	c.pending = nil
}

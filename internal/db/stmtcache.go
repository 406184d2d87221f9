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

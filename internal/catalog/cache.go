package catalog

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// generation counts catalog writes in this process. SaveInitiative bumps it, so the
// caches below drop their copy at once after a change made here; other app servers
// (several behind a load balancer) drop theirs when the invalidation reaches them
// (invalidate.go), or after the TTL at worst. The database stays the only
// source of truth: the cache is a copy, never the only one (PERFORMANCE-NOTES).
var generation atomic.Int64

// Invalidate drops every cached lookup (after a write to bodies, themes or news that
// does not go through SaveInitiative), here and, through the hooks, on the other app
// servers (invalidate.go).
func Invalidate() { generation.Add(1); runInvalidateHooks() }

// cacheTTL bounds how stale a cached lookup may be on another app server.
const cacheTTL = 15 * time.Second

// cached holds one value computed by load, reloaded after ttl or a new generation.
// Concurrent misses wait for one load instead of all hitting the database. When only
// the TTL has passed (no write known in this process), the old copy is served while one
// background load refreshes it: every request blocking on the reload each 15 s made
// the tail latency of the lists (p99) ten times their median under load.
type cached[T any] struct {
	mu         sync.RWMutex
	val        T
	gen        int64
	at         time.Time
	loaded     bool
	refreshing atomic.Bool
}

func (c *cached[T]) get(ctx context.Context, load func(context.Context) (T, error)) (T, error) {
	g := generation.Load()
	c.mu.RLock()
	if c.loaded && c.gen == g {
		v, fresh := c.val, time.Since(c.at) < cacheTTL
		c.mu.RUnlock()
		if !fresh && c.refreshing.CompareAndSwap(false, true) {
			go c.refresh(g, load)
		}
		return v, nil
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && c.gen == g {
		return c.val, nil
	}
	v, err := load(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	c.val, c.gen, c.at, c.loaded = v, g, time.Now(), true
	return v, nil
}

// refresh reloads the value in the background after its TTL; a write meanwhile (new
// generation) wins: its synchronous load is newer than this one.
func (c *cached[T]) refresh(g int64, load func(context.Context) (T, error)) {
	defer c.refreshing.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := load(ctx)
	if err != nil {
		return
	}
	c.mu.Lock()
	if c.gen == g {
		c.val, c.at = v, time.Now()
	}
	c.mu.Unlock()
}

// lookups are the rarely-changing lists the portal reads on every page.
type lookups struct {
	themes  cached[[]Theme]
	bodies  cached[[]Body]
	regions cached[[]Region]
	home    cached[*Home]
	// snapshot is the list columns of every public initiative (snapshot.go).
	snapshot cached[*snapshot]
}

// Generation is the current write generation, for caches built on the catalog (the
// portal's page cache): a change means "drop what you computed".
func Generation() int64 { return generation.Load() }

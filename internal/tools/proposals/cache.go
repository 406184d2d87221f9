package proposals

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"participe/internal/catalog"
)

// Every page and every vote needs the initiative with its tool settings and themes (two
// queries, a third of a page's database work). They change rarely, so the service keeps
// a copy for a few seconds. The database stays the source of truth:
//   - a change made through this process drops the copy at once: the initiative's
//     back office (catalog.SaveInitiative / catalog.Invalidate bump catalog.Generation)
//     and this tool's settings (SaveSettings calls catalog.Invalidate too, which also
//     tells the other app servers on PostgreSQL through the catalog's invalidation hook);
//   - a change made on another server and not announced is seen after initiativeTTL.
//
// Time-dependent decisions (open, closed, published) are computed at each request from
// the copy's dates, so an initiative closes on time whatever the cache holds. Writes
// that need the current state (staff actions) still read it inside their transaction.
const initiativeTTL = 5 * time.Second

type cachedInitiative struct {
	i   *Initiative
	gen int64
	at  time.Time
}

type initiativeCache struct {
	mu     sync.RWMutex
	bySlug map[string]cachedInitiative
	byID   map[int64]cachedInitiative
	// local counts this service's own invalidations (tests, settings).
	local atomic.Int64
}

func (c *initiativeCache) generation() int64 { return catalog.Generation()<<16 + c.local.Load() }

func (c *initiativeCache) get(slug string, id int64) (*Initiative, bool) {
	gen := c.generation()
	c.mu.RLock()
	var e cachedInitiative
	var ok bool
	if slug != "" {
		e, ok = c.bySlug[slug]
	} else {
		e, ok = c.byID[id]
	}
	c.mu.RUnlock()
	if !ok || e.gen != gen || time.Since(e.at) > initiativeTTL {
		return nil, false
	}
	return e.i, true
}

func (c *initiativeCache) put(i *Initiative, gen int64) {
	e := cachedInitiative{i: i, gen: gen, at: time.Now()}
	c.mu.Lock()
	if c.bySlug == nil || len(c.bySlug) > 10000 {
		c.bySlug, c.byID = map[string]cachedInitiative{}, map[int64]cachedInitiative{}
	}
	c.bySlug[i.Slug], c.byID[i.ID] = e, e
	c.mu.Unlock()
}

// Invalidate drops the service's copies of initiatives (tests that change initiatives
// behind its back; settings changes call it too).
func (s *Service) Invalidate() { s.cache.local.Add(1) }

// cachedInitiative returns the initiative (with settings and themes) by slug, or by id
// when slug is empty, from the copy when fresh. The result is shared: read only.
func (s *Service) cachedInitiative(ctx context.Context, slug string, id int64) (*Initiative, error) {
	if i, ok := s.cache.get(slug, id); ok {
		return i, nil
	}
	gen := s.cache.generation() // before the read: a change during it is not missed
	var i *Initiative
	var err error
	if slug != "" {
		i, err = scanInitiative(s.queryRow(ctx, initiativeSelect+`WHERE i.slug = ?`, slug))
	} else {
		i, err = scanInitiative(s.queryRow(ctx, initiativeSelect+`WHERE i.id = ?`, id))
	}
	if err != nil {
		return nil, err
	}
	if err := s.themes(ctx, i); err != nil {
		return nil, err
	}
	s.cache.put(i, gen)
	return i, nil
}

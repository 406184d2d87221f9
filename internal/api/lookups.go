package api

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
)

// lookups is the API's in-memory copy of the catalogue's small, rarely-changing parts:
// bodies, themes, which themes each initiative has, and the slug, state and publication
// date of each initiative (to resolve ?initiative= without a query). Every list request
// needed them and paid one or two extra queries for them. The copy is dropped after any
// catalogue write in this process (catalog.Generation: SaveInitiative, the body and
// theme editors) and after lookupTTL at worst (writes made on another app server), and
// is never the only copy of anything (PERFORMANCE-NOTES).
type lookups struct {
	bodies      []Body          // by id
	bodyByID    map[int64]*Body // into bodies
	bodyBySlug  map[string]int64
	themes      []Theme // by id
	themeBySlug map[string]int64
	// themesOf lists each initiative's theme slugs, sorted.
	themesOf map[int64][]string
	// initiatives indexes every initiative by slug (public or not: publicness is
	// checked at request time against the clock).
	initiatives map[string]initiativeRef
}

// initiativeRef is what resolving a slug needs.
type initiativeRef struct {
	ID          int64
	State       string
	PublishedAt time.Time
}

// public reports whether the initiative is visible at now (the rule of publicInitiative).
func (r initiativeRef) public(now time.Time) bool {
	switch r.State {
	case "published", "scheduled", "closed", "archived":
	default:
		return false
	}
	return !r.PublishedAt.IsZero() && !r.PublishedAt.After(now)
}

const lookupTTL = 15 * time.Second

type lookupCache struct {
	cur atomic.Pointer[lookupEntry] // read without a lock by every request
	mu  sync.Mutex                  // one load at a time
}

type lookupEntry struct {
	val *lookups
	gen int64
	at  time.Time
}

func (e *lookupEntry) fresh(gen int64) bool {
	return e != nil && e.gen == gen && time.Since(e.at) < lookupTTL
}

// get returns the current copy, loading it when missing, stale or from an older
// generation. Concurrent misses wait for one load.
func (c *lookupCache) get(ctx context.Context, d *db.DB) (*lookups, error) {
	g := catalog.Generation()
	if e := c.cur.Load(); e.fresh(g) {
		return e.val, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.cur.Load(); e.fresh(g) {
		return e.val, nil
	}
	v, err := loadLookups(ctx, d)
	if err != nil {
		return nil, err
	}
	c.cur.Store(&lookupEntry{val: v, gen: g, at: time.Now()})
	return v, nil
}

func loadLookups(ctx context.Context, d *db.DB) (*lookups, error) {
	l := &lookups{bodyByID: map[int64]*Body{}, bodyBySlug: map[string]int64{}, themeBySlug: map[string]int64{},
		themesOf: map[int64][]string{}, initiatives: map[string]initiativeRef{}}
	rows, err := d.Query(ctx, `SELECT id, slug, acronym, name_fr, name_en, kind, website FROM bodies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b Body
		if err := rows.Scan(&b.ID, &b.Slug, &b.Acronym, &b.Name.FR, &b.Name.EN, &b.Kind, &b.Website); err != nil {
			rows.Close()
			return nil, err
		}
		b.URL = "/organismes/" + b.Slug
		l.bodies = append(l.bodies, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range l.bodies {
		l.bodyByID[l.bodies[i].ID] = &l.bodies[i]
		l.bodyBySlug[l.bodies[i].Slug] = l.bodies[i].ID
	}
	rows, err = d.Query(ctx, `SELECT id, slug, name_fr, name_en FROM themes ORDER BY id`)
	if err != nil {
		return nil, err
	}
	slugOf := map[int64]string{}
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name.FR, &t.Name.EN); err != nil {
			rows.Close()
			return nil, err
		}
		l.themes = append(l.themes, t)
		l.themeBySlug[t.Slug] = t.ID
		slugOf[t.ID] = t.Slug
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = d.Query(ctx, `SELECT initiative_id, theme_id FROM initiative_themes`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var iid, tid int64
		if err := rows.Scan(&iid, &tid); err != nil {
			rows.Close()
			return nil, err
		}
		if slug, ok := slugOf[tid]; ok {
			l.themesOf[iid] = append(l.themesOf[iid], slug)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, list := range l.themesOf {
		slices.Sort(list)
	}
	rows, err = d.Query(ctx, `SELECT id, slug, state, published_at FROM initiatives`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r initiativeRef
		var slug string
		var pub db.Time
		if err := rows.Scan(&r.ID, &slug, &r.State, &pub); err != nil {
			rows.Close()
			return nil, err
		}
		r.PublishedAt = pub.Time
		l.initiatives[slug] = r
	}
	rows.Close()
	return l, rows.Err()
}

// themesFor returns a copy-free, never-nil list of the initiative's theme slugs (shared:
// callers must not modify it).
func (l *lookups) themesFor(id int64) []string {
	if t := l.themesOf[id]; t != nil {
		return t
	}
	return []string{}
}

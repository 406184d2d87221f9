// Package results closes the loop of an initiative: the published results (summary,
// themes that emerged, documents, key figures computed from the data), the follow-ups
// ("suites prévues") tracked to completion with dated updates, the evaluation dashboards,
// representativeness against population figures, open-data exports and their catalogue,
// reminders before an initiative closes, and the public's suggestions and ratings.
package results

import (
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/participe"
)

// Translator gives a message of the i18n catalog in a language (mail texts of jobs).
type Translator func(lang, key string, args ...any) string

// Service is the results area's service.
type Service struct {
	db    *db.DB
	clock participe.Clock
	jobs  *jobs.Queue
	// T renders mail texts; BaseURL prefixes links in mail.
	T       Translator
	BaseURL string
	// ReminderBefore is how long before an initiative closes its followers are reminded.
	ReminderBefore time.Duration
	// DashboardTTL bounds how stale a cached dashboard may be.
	DashboardTTL time.Duration

	cache ttlCache
	// cold makes concurrent first requests for one dashboard wait for a single
	// computation instead of each running the aggregate queries (64 at once under load).
	cold singleflight.Group
}

// New builds the service.
func New(d *db.DB, clock participe.Clock, q *jobs.Queue) *Service {
	return &Service{db: d, clock: clock, jobs: q, ReminderBefore: 48 * time.Hour, DashboardTTL: 30 * time.Second,
		T: func(lang, key string, args ...any) string { return key }}
}

// ttlCache keeps computed aggregates for a short time. It is only a cache of derived
// figures (never the only copy of anything), so several app servers may each hold one.
type ttlCache struct {
	mu      sync.Mutex
	entries map[string]ttlEntry
}

type ttlEntry struct {
	at  time.Time
	val any
}

func (c *ttlCache) get(key string, now time.Time, ttl time.Duration) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) > ttl || now.Before(e.at) {
		return nil, false
	}
	return e.val, true
}

func (c *ttlCache) put(key string, now time.Time, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]ttlEntry{}
	}
	c.entries[key] = ttlEntry{at: now, val: v}
}

// Invalidate drops every cached aggregate (after a write that changes them).
func (s *Service) Invalidate() {
	s.cache.mu.Lock()
	s.cache.entries = nil
	s.cache.mu.Unlock()
}

// canManage reports whether the actor may write the results of body's initiatives.
func canManage(a *participe.Actor, bodyID int64) bool {
	return a != nil && a.Has(participe.RoleManager, bodyID)
}

// canAnalyse reports whether the actor sees staff figures of a body.
func canAnalyse(a *participe.Actor, bodyID int64) bool {
	return a != nil && a.HasAny(bodyID, participe.RoleManager, participe.RoleAnalyst, participe.RoleModerator)
}

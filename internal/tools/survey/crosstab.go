package survey

import (
	"context"
	"sync"
	"time"
)

// Cross-tab results ("responses whose answer to question Q includes option O") are not
// in the aggregates: keeping them would square their size. They are computed from the
// responses, which is linear in their number (about a minute for 500,000 responses on a
// busy 2-core machine), so they are kept in memory and maintained incrementally: a
// later request only reads the responses submitted since (id > the last id counted).
// Surveys with more than crossTabSyncLimit responses compute the first time in the
// background and the page says so; smaller ones compute at once.

const (
	crossTabSyncLimit = 20000
	// crossTabMaxAge: an entry is recomputed from scratch after this long, so that
	// changes to old responses (retention anonymisation) are eventually seen. Double-
	// entry corrections invalidate the survey's entries at once (forgetCrossTabs).
	crossTabMaxAge = 15 * time.Minute
	crossTabMax    = 256
)

type crossKey struct {
	db     string
	survey int64
	f      Filter
}

type crossEntry struct {
	mu        sync.Mutex
	counts    countMap
	upTo      int64
	built     time.Time
	computing bool
	used      time.Time
}

var crossTabs = struct {
	sync.Mutex
	m map[crossKey]*crossEntry
}{m: map[crossKey]*crossEntry{}}

func (s *Service) crossEntry(sv *Survey, f Filter) *crossEntry {
	k := crossKey{db: s.db.DSN, survey: sv.ID, f: f}
	crossTabs.Lock()
	defer crossTabs.Unlock()
	e := crossTabs.m[k]
	if e == nil {
		if len(crossTabs.m) >= crossTabMax {
			var oldest crossKey
			var t time.Time
			for k2, e2 := range crossTabs.m {
				if t.IsZero() || e2.used.Before(t) {
					oldest, t = k2, e2.used
				}
			}
			delete(crossTabs.m, oldest)
		}
		e = &crossEntry{}
		crossTabs.m[k] = e
	}
	e.used = time.Now()
	return e
}

// forgetCrossTabs drops the cached cross-tabs of a survey (answers of an already
// counted response changed).
func (s *Service) forgetCrossTabs(surveyID int64) {
	crossTabs.Lock()
	defer crossTabs.Unlock()
	for k := range crossTabs.m {
		if k.survey == surveyID && k.db == s.db.DSN {
			delete(crossTabs.m, k)
		}
	}
}

// crossTab returns the cross-tab counts, or nil (and no error) while a large survey's
// first computation runs in the background.
func (s *Service) crossTab(ctx context.Context, sv *Survey, f Filter) (countMap, error) {
	e := s.crossEntry(sv, f)
	e.mu.Lock()
	fresh := e.counts != nil && time.Since(e.built) < crossTabMaxAge
	if fresh {
		defer e.mu.Unlock()
		more, last, err := s.scanCounts(ctx, sv, f, e.upTo)
		if err != nil {
			return nil, err
		}
		for q, opts := range more {
			for o, n := range opts {
				e.counts.add(q, o, n)
			}
		}
		e.upTo = last
		return e.counts.clone(), nil
	}
	if e.computing {
		stale := e.counts.clone()
		e.mu.Unlock()
		return stale, nil // nil while the first computation runs
	}
	if err := s.CountResponses(ctx, sv); err != nil {
		e.mu.Unlock()
		return nil, err
	}
	if sv.ResponsesCount <= crossTabSyncLimit {
		defer e.mu.Unlock()
		m, last, err := s.scanCounts(ctx, sv, f, 0)
		if err != nil {
			return nil, err
		}
		e.counts, e.upTo, e.built = m, last, time.Now()
		return m.clone(), nil
	}
	e.computing = true
	stale := e.counts.clone()
	e.mu.Unlock()
	go func() {
		bg, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		m, last, err := s.scanCounts(bg, sv, f, 0)
		e.mu.Lock()
		defer e.mu.Unlock()
		e.computing = false
		if err == nil {
			e.counts, e.upTo, e.built = m, last, time.Now()
		}
	}()
	return stale, nil
}

func (m countMap) clone() countMap {
	if m == nil {
		return nil
	}
	out := make(countMap, len(m))
	for q, opts := range m {
		c := make(map[string]int64, len(opts))
		for o, n := range opts {
			c[o] = n
		}
		out[q] = c
	}
	return out
}

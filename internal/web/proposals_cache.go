package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"participe/internal/catalog"
)

// A micro-cache of the public proposal pages (list, proposal page, "show more") for
// anonymous visitors, in production only, like the portal's (portal_cache.go): a page
// is the same for every anonymous visitor of a URL, and serving it from memory costs a
// tenth of a render. It is a second layer: the pages are fast uncached too
// (docs/performance.md gives both figures).
//
//   - Pages stay at most proposalCacheTTL old. Vote and comment counts may lag by that
//     much on a freshly loaded page; open pages get them live (SSE, live.js) anyway.
//   - Moderation, official answers and tool settings made in this process drop every
//     page at once (proposalHandlers.changed); catalog writes too (catalog.Generation).
//   - Never for signed-in visitors, visitors with a session cookie (a flash message may
//     be waiting, or they just voted and must see their vote), requests sent with
//     "Cache-Control: no-cache", the random order (it depends on the visitor's
//     cookie), or responses that set a cookie or are not 200.
const (
	proposalCacheTTL = 5 * time.Second
	proposalCacheMax = 4096
)

type proposalCachedPage struct {
	body        []byte
	contentType string
	at          time.Time
	gen         int64
	refreshing  atomic.Bool
}

type proposalPageCache struct {
	mu      sync.RWMutex
	entries map[string]*proposalCachedPage
	local   atomic.Int64
}

func (c *proposalPageCache) generation() int64 { return catalog.Generation()<<20 + c.local.Load() }

// get returns the page to serve, or nil when the caller renders: no entry, or a stale
// one nobody is refreshing yet (the others keep the stale copy for that moment).
func (c *proposalPageCache) get(key string) *proposalCachedPage {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	age := time.Since(e.at)
	if e.gen != c.generation() || age > 3*proposalCacheTTL {
		return nil
	}
	if age <= proposalCacheTTL || !e.refreshing.CompareAndSwap(false, true) {
		return e
	}
	return nil
}

func (c *proposalPageCache) put(key string, e *proposalCachedPage) {
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= proposalCacheMax {
		c.entries = make(map[string]*proposalCachedPage, 64)
	}
	c.entries[key] = e
	c.mu.Unlock()
}

// changed drops every cached proposal page (after moderation, answers, settings), here
// and — through the catalog's invalidation, announced on PostgreSQL — on the other app
// servers, so that hidden content does not linger there until the TTL.
func (h *proposalHandlers) changed() {
	h.pages.local.Add(1)
	h.svc.Invalidate()
	catalog.Invalidate()
}

func (h *proposalHandlers) cacheable(r *http.Request) bool {
	if h.s.Cfg.Env != "production" || r.Method != http.MethodGet || ActorFrom(r.Context()) != nil {
		return false
	}
	if len(r.URL.RawQuery) > 256 || strings.Contains(r.URL.RawQuery, "hasard") || strings.Contains(r.Header.Get("Cache-Control"), "no-cache") {
		return false
	}
	if h.s.Sessions != nil {
		if _, err := r.Cookie(h.s.Sessions.Cookie.Name); err == nil {
			return false
		}
	}
	return true
}

// cached serves fn's page from the micro-cache when it can.
func (h *proposalHandlers) cached(fn HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !h.cacheable(r) {
			return fn(w, r)
		}
		key := r.URL.Path + "?" + r.URL.RawQuery
		if e := h.pages.get(key); e != nil {
			hd := w.Header()
			hd.Set("Content-Type", e.contentType)
			hd.Set("Content-Length", strconv.Itoa(len(e.body)))
			hd.Set("Cache-Control", "no-cache")
			_, _ = w.Write(e.body)
			return nil
		}
		gen := h.pages.generation()
		bw := &proposalBufferWriter{header: http.Header{}}
		if err := fn(bw, r); err != nil {
			return err
		}
		for k, v := range bw.header {
			w.Header()[k] = v
		}
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		if bw.status == http.StatusOK && bw.header.Get("Set-Cookie") == "" {
			h.pages.put(key, &proposalCachedPage{body: bytes.Clone(bw.buf.Bytes()), contentType: bw.header.Get("Content-Type"), at: time.Now(), gen: gen})
		}
		w.WriteHeader(bw.status)
		_, _ = w.Write(bw.buf.Bytes())
		return nil
	}
}

// proposalBufferWriter captures a response to cache it.
type proposalBufferWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *proposalBufferWriter) Header() http.Header { return b.header }
func (b *proposalBufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *proposalBufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

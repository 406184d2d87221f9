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

// A micro-cache of the portal's rendered pages for anonymous visitors, in production
// only. Rendering a page costs far more than reading it from the database (templates
// evaluate hundreds of calls), and an anonymous page is the same for every visitor
// of the same URL. Pages stay at most pageCacheTTL old, are dropped at once after a
// catalog write in this process (catalog.Generation), and are never the only copy of
// anything. Signed-in visitors, visitors with a session (a flash message may be
// waiting) and requests sent with "Cache-Control: no-cache" (a browser's reload, or
// the benchmark's uncached runs) always get a fresh render.

const (
	pageCacheTTL      = 5 * time.Second
	pageCacheMax      = 2048 // entries; the whole cache is dropped when full
	pageCacheMaxQuery = 512  // longer query strings are not cached (hostile or rare)
)

type cachedPage struct {
	body        []byte
	contentType string
	at          time.Time
	gen         int64
	// refreshing is set by the one request that renders a stale page again; the
	// others keep getting the stale copy meanwhile, so an expiry under load costs one
	// render, not one per waiting request.
	refreshing atomic.Bool
}

type pageCache struct {
	mu      sync.RWMutex
	entries map[string]*cachedPage
}

// get returns the entry to serve, or nil when the caller must render (and store) the
// page: no entry, or a stale one that nobody is refreshing yet. A stale entry older
// than 4 TTLs is never served.
func (c *pageCache) get(key string) *cachedPage {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	age := time.Since(e.at)
	if age <= pageCacheTTL && e.gen == catalog.Generation() {
		return e
	}
	if age > 4*pageCacheTTL || e.refreshing.CompareAndSwap(false, true) {
		return nil
	}
	return e
}

func (c *pageCache) put(key string, e *cachedPage) {
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= pageCacheMax {
		c.entries = make(map[string]*cachedPage, 64)
	}
	c.entries[key] = e
	c.mu.Unlock()
}

// bufferWriter captures a response to cache it.
type bufferWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

// cacheable tells whether the response to r may come from (and go to) the cache.
func (h *portal) cacheable(r *http.Request) bool {
	if h.s.Cfg.Env != "production" || r.Method != http.MethodGet || ActorFrom(r.Context()) != nil {
		return false
	}
	if len(r.URL.RawQuery) > pageCacheMaxQuery || strings.Contains(r.Header.Get("Cache-Control"), "no-cache") {
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
func (h *portal) cached(fn HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !h.cacheable(r) {
			return fn(w, r)
		}
		key := r.URL.Path + "?" + r.URL.RawQuery
		if e := h.cache.get(key); e != nil {
			hd := w.Header()
			hd.Set("Content-Type", e.contentType)
			hd.Set("Content-Length", strconv.Itoa(len(e.body)))
			hd.Set("Cache-Control", "no-cache")
			_, _ = w.Write(e.body)
			return nil
		}
		gen := catalog.Generation()
		bw := &bufferWriter{header: http.Header{}}
		err := fn(bw, r)
		if err != nil {
			return err
		}
		for k, v := range bw.header {
			w.Header()[k] = v
		}
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		if bw.status == http.StatusOK && bw.header.Get("Set-Cookie") == "" {
			h.cache.put(key, &cachedPage{body: bytes.Clone(bw.buf.Bytes()), contentType: bw.header.Get("Content-Type"), at: time.Now(), gen: gen})
		}
		w.WriteHeader(bw.status)
		_, _ = w.Write(bw.buf.Bytes())
		return nil
	}
}

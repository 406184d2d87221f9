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

// A micro-cache of rendered public pages for anonymous visitors, in production only,
// used by the portal and the proposals tool. Rendering a page costs far more than
// serving stored bytes, and an anonymous page is the same for every visitor of a URL.
//
//   - A page stays at most ttl old; then the one request that renders it again refreshes
//     the copy while the others keep getting the stale one (an expiry under load costs
//     one render, not one per waiting request); a copy older than 4 ttl is never served.
//   - A catalog write on any app server (catalog.Generation, announced between servers;
//     moderation, answers and settings changes bump it too) makes every copy unusable
//     at once: the next request renders.
//   - Never for signed-in visitors, visitors with a session cookie (a flash message may
//     be waiting, or they just voted and must see it), requests sent with
//     "Cache-Control: no-cache" (a browser's reload, the benchmark's uncached runs), long
//     query strings, requests the area excludes (skip), or responses that set a cookie
//     or are not 200. Never the only copy of anything.
type pageCache struct {
	ttl        time.Duration
	maxEntries int // the whole cache is dropped when full
	maxQuery   int // longer query strings are not cached (hostile or rare)
	// skip excludes more requests (e.g. the proposals' random order, per visitor).
	skip func(*http.Request) bool

	mu      sync.RWMutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	body        []byte
	contentType string
	at          time.Time
	gen         int64
	refreshing  atomic.Bool
}

func (c *pageCache) generation() int64 { return catalog.Generation() }

// get returns the entry to serve, or nil when the caller must render (and store) the page.
func (c *pageCache) get(key string) *cachedPage {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil || e.gen != c.generation() {
		return nil
	}
	age := time.Since(e.at)
	if age <= c.ttl {
		return e
	}
	if age > 4*c.ttl || e.refreshing.CompareAndSwap(false, true) {
		return nil
	}
	return e
}

func (c *pageCache) put(key string, e *cachedPage) {
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= c.maxEntries {
		c.entries = make(map[string]*cachedPage, 64)
	}
	c.entries[key] = e
	c.mu.Unlock()
}

// cacheable tells whether the response to r may come from (and go to) the cache.
func (s *Server) cacheable(c *pageCache, r *http.Request) bool {
	if s.Cfg.Env != "production" || r.Method != http.MethodGet || ActorFrom(r.Context()) != nil {
		return false
	}
	if len(r.URL.RawQuery) > c.maxQuery || strings.Contains(r.Header.Get("Cache-Control"), "no-cache") {
		return false
	}
	if c.skip != nil && c.skip(r) {
		return false
	}
	if s.Sessions != nil {
		if _, err := r.Cookie(s.Sessions.Cookie.Name); err == nil {
			return false
		}
	}
	return true
}

// withPageCache serves fn's page from c when it can.
func (s *Server) withPageCache(c *pageCache, fn HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !s.cacheable(c, r) {
			return fn(w, r)
		}
		key := r.URL.Path + "?" + r.URL.RawQuery
		if e := c.get(key); e != nil {
			hd := w.Header()
			hd.Set("Content-Type", e.contentType)
			hd.Set("Content-Length", strconv.Itoa(len(e.body)))
			hd.Set("Cache-Control", "no-cache")
			_, _ = w.Write(e.body)
			return nil
		}
		gen := c.generation()
		bw := &bufferWriter{header: http.Header{}}
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
			c.put(key, &cachedPage{body: bytes.Clone(bw.buf.Bytes()), contentType: bw.header.Get("Content-Type"), at: time.Now(), gen: gen})
		}
		w.WriteHeader(bw.status)
		_, _ = w.Write(bw.buf.Bytes())
		return nil
	}
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

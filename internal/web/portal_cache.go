package web

import "time"

// The portal's pages go through the shared anonymous page cache (page_cache.go).
func newPortalPageCache() *pageCache {
	return &pageCache{ttl: 5 * time.Second, maxEntries: 2048, maxQuery: 512}
}

// cached serves fn's page from the portal's page cache when it can.
func (h *portal) cached(fn HandlerFunc) HandlerFunc { return h.s.withPageCache(h.cache, fn) }

package web

import (
	"net/http"
	"strings"
	"time"

	"participe/internal/catalog"
)

// The public proposal pages (list, proposal page, "show more") go through the shared
// anonymous page cache (page_cache.go), as a second layer: they are fast uncached too
// (docs/performance.md gives both figures). Vote and comment counts may lag by the TTL
// on a freshly loaded page; open pages get them live (SSE, live.js) anyway. The random
// order depends on the visitor's cookie, so it is never cached.
func newProposalPageCache() *pageCache {
	return &pageCache{ttl: 5 * time.Second, maxEntries: 4096, maxQuery: 256, skip: func(r *http.Request) bool {
		return strings.Contains(r.URL.RawQuery, "hasard")
	}}
}

// changed drops every cached proposal page and the tool's copies of initiatives (after
// moderation, answers, settings): both are keyed on catalog.Generation, which the
// catalog's invalidation bumps here and — announced on PostgreSQL — on the other app
// servers, so that hidden content does not linger there until the TTL.
func (h *proposalHandlers) changed() { catalog.Invalidate() }

// cached serves fn's page from the proposals' page cache when it can.
func (h *proposalHandlers) cached(fn HandlerFunc) HandlerFunc {
	return h.s.withPageCache(h.pages, fn)
}

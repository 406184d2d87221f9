package catalog

import "sync"

// Invalidation across app servers. Invalidate (a write made in this process) bumps the
// generation here, then runs the hooks: the web server adds one that tells the other
// app servers through PostgreSQL LISTEN/NOTIFY, and their listener calls
// InvalidateLocal. The two are distinct so that an invalidation received from another
// server is not sent out again (it would echo between servers forever).

var invalidateHooks struct {
	mu   sync.Mutex
	next int
	fns  map[int]func()
}

// AddInvalidateHook runs fn after every Invalidate made in this process, until remove is
// called. fn runs on the writer's path (inside SaveInitiative's transaction too): it must
// not block nor touch the database, only signal (e.g. a buffered channel).
func AddInvalidateHook(fn func()) (remove func()) {
	h := &invalidateHooks
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fns == nil {
		h.fns = map[int]func(){}
	}
	id := h.next
	h.next++
	h.fns[id] = fn
	return func() {
		h.mu.Lock()
		delete(h.fns, id)
		h.mu.Unlock()
	}
}

// runInvalidateHooks calls every hook (after a local bump).
func runInvalidateHooks() {
	h := &invalidateHooks
	h.mu.Lock()
	fns := make([]func(), 0, len(h.fns))
	for _, fn := range h.fns {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// InvalidateLocal drops this process's cached lookups and pages without telling anyone:
// what a listener calls when another server announced a catalog write.
func InvalidateLocal() { generation.Add(1) }

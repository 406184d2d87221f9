package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// liveStreams serves Server-Sent Events: GET /evenements?topic=proposal:12&topic=…
// streams the events of those topics (a vote or comment made on any app server) to
// live.js, which updates the counts on the page. Pages work without it.
type liveStreams struct {
	s *Server
	// open counts streams; max bounds them (each holds a goroutine and a socket).
	open atomic.Int64
	max  int64
	// Heartbeat keeps proxies from closing an idle stream; MaxAge ends a stream so that
	// load balancers rebalance (EventSource reconnects by itself).
	Heartbeat time.Duration
	MaxAge    time.Duration

	// shutdown closes streams when the http.Server stops: Shutdown waits for idle
	// connections, and a stream is never idle. One channel per *http.Server.
	mu       sync.Mutex
	shutdown map[*http.Server]chan struct{}
}

// maxTopics bounds the topics of one stream; a page shows a handful.
const maxTopics = 20

// liveTopic is what a page may listen to: "proposal:12", "initiative:4", "survey:3".
// Internal topics (invalidate:…) are not streamed.
var liveTopic = regexp.MustCompile(`^(initiative|proposal|comment|survey|argument|followup|results):[0-9]{1,19}$`)

func newLiveStreams(s *Server) *liveStreams {
	max := int64(s.Cfg.MaxInFlight) * 8
	if max < 1000 {
		max = 1000
	}
	ls := &liveStreams{s: s, max: max, Heartbeat: 25 * time.Second, MaxAge: 10 * time.Minute,
		shutdown: map[*http.Server]chan struct{}{}}
	gauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "participe_live_streams", Help: "Server-sent event streams open on this server.",
	}, func() float64 { return float64(ls.open.Load()) })
	_ = s.Registry().Register(gauge)
	return ls
}

// closing returns a channel closed when the request's http.Server shuts down.
func (ls *liveStreams) closing(r *http.Request) <-chan struct{} {
	hs, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if hs == nil {
		return nil
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ch, ok := ls.shutdown[hs]
	if !ok {
		ch = make(chan struct{})
		ls.shutdown[hs] = ch
		hs.RegisterOnShutdown(func() {
			ls.mu.Lock()
			close(ch)
			delete(ls.shutdown, hs)
			ls.mu.Unlock()
		})
	}
	return ch
}

type liveMessage struct {
	Topic  string          `json:"topic"`
	Fields json.RawMessage `json:"fields"`
}

func (ls *liveStreams) stream(w http.ResponseWriter, r *http.Request) error {
	topics := uniqueTopics(r.URL.Query()["topic"])
	if len(topics) == 0 || len(topics) > maxTopics {
		return errInvalidTopics
	}
	for _, t := range topics {
		if !liveTopic.MatchString(t) {
			return errInvalidTopics
		}
	}
	if n := ls.open.Add(1); n > ls.max {
		ls.open.Add(-1)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many live streams", http.StatusServiceUnavailable)
		return nil
	}
	defer ls.open.Add(-1)
	// A stream must not hold one of the MaxInFlight request slots for minutes: streams
	// have their own bound (max) above.

	type event struct {
		topic string
		data  []byte
	}
	merged := make(chan event, 32)
	done := make(chan struct{})
	defer close(done)
	for _, t := range topics {
		ch, stop := ls.s.Events.Subscribe(t)
		defer stop()
		go func(topic string, ch <-chan []byte) {
			for {
				select {
				case <-done:
					return
				case data := <-ch:
					select {
					case merged <- event{topic, data}:
					default: // slow client: drop, the next event carries fresh counts
					}
				}
			}
		}(t, ch)
	}

	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	rc := http.NewResponseController(w)
	// No read deadline on a long-lived stream (net/http clears it once the request is
	// read; this keeps it so whatever serves us).
	_ = rc.SetReadDeadline(time.Time{})
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.WriteHeader(http.StatusOK)
	if !write([]byte("retry: 5000\n: connected\n\n")) {
		return nil
	}
	heartbeat := time.NewTicker(ls.Heartbeat)
	defer heartbeat.Stop()
	maxAge := time.NewTimer(ls.MaxAge)
	defer maxAge.Stop()
	closing := ls.closing(r)
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-closing:
			return nil
		case <-maxAge.C:
			return nil
		case <-heartbeat.C:
			if !write([]byte(": ping\n\n")) {
				return nil
			}
		case e := <-merged:
			if !json.Valid(e.data) {
				continue
			}
			msg, _ := json.Marshal(liveMessage{Topic: e.topic, Fields: e.data})
			if !write(append(append([]byte("event: update\ndata: "), msg...), '\n', '\n')) {
				return nil
			}
		}
	}
}

func uniqueTopics(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range in {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

package web

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// sseClient opens a live-event stream and returns a reader of its lines.
func sseClient(t *testing.T, base, query string) (*bufio.Reader, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/evenements?"+query, nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	return bufio.NewReader(res.Body), func() { cancel(); res.Body.Close() }
}

// readUntil reads lines until one contains want (or fails after a few seconds).
func readUntil(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var seen strings.Builder
		for {
			line, err := r.ReadString('\n')
			seen.WriteString(line)
			if strings.Contains(line, want) {
				got <- line
				return
			}
			if err != nil {
				got <- "ERROR " + err.Error() + " after " + seen.String()
				return
			}
		}
	}()
	select {
	case line := <-got:
		if !strings.Contains(line, want) {
			t.Fatalf("want %q: %s", want, line)
		}
		return line
	case <-time.After(8 * time.Second):
		t.Fatalf("no %q on the stream", want)
	}
	return ""
}

// serveReal runs the server on a real listener (streams need a real connection).
func serveReal(t *testing.T, h http.Handler) (string, *http.Server) {
	t.Helper()
	return serveRealTimeout(t, h, 0)
}

func serveRealTimeout(t *testing.T, h http.Handler, readTimeout time.Duration) (string, *http.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: readTimeout}
	go hs.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String(), hs
}

func TestLiveEventsStream(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		defer ts.Shutdown()
		base, hs := serveReal(t, ts)

		for _, q := range []string{"", "topic=invalidate:themes", "topic=proposal:abc", "topic=" + strings.Repeat("proposal:1&topic=", 0) + "x:1"} {
			res, err := http.Get(base + "/evenements?" + q)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("topics %q: status %d", q, res.StatusCode)
			}
		}

		r, stop := sseClient(t, base, "topic=proposal:12&topic=initiative:3")
		defer stop()
		readUntil(t, r, ": connected")
		if n := ts.inFlight.Load(); n != 0 {
			t.Errorf("an open stream holds %d request slots", n)
		}
		ctx := context.Background()
		if err := ts.Events.PublishFields(ctx, "proposal:99", map[string]any{"votes": 1}); err != nil {
			t.Fatal(err)
		}
		if err := ts.Events.PublishFields(ctx, "proposal:12", map[string]any{"votes": 1234, "comments": 5}); err != nil {
			t.Fatal(err)
		}
		line := readUntil(t, r, "data: ")
		if !strings.Contains(line, `"topic":"proposal:12"`) || !strings.Contains(line, `"votes":1234`) {
			t.Fatalf("event: %s", line)
		}
		// English pages use the same stream under /en.
		r2, stop2 := sseClient(t, base+"/en", "topic=initiative:3")
		defer stop2()
		readUntil(t, r2, ": connected")

		// Graceful shutdown does not wait for open streams.
		shutCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		start := time.Now()
		if err := hs.Shutdown(shutCtx); err != nil {
			t.Fatalf("shutdown with open streams: %v", err)
		}
		if time.Since(start) > 3*time.Second {
			t.Fatalf("shutdown waited %v for streams", time.Since(start))
		}
	})
}

// A stream outlives the server's ReadTimeout (serve sets 60 s; here 300 ms).
func TestLiveStreamOutlivesReadTimeout(t *testing.T) {
	ts := newTestServer(t, dbtest.SQLite(t))
	base, _ := serveRealTimeout(t, ts, 300*time.Millisecond)
	r, stop := sseClient(t, base, "topic=proposal:5")
	defer stop()
	readUntil(t, r, ": connected")
	time.Sleep(time.Second)
	if err := ts.Events.PublishFields(context.Background(), "proposal:5", map[string]any{"comments": 2}); err != nil {
		t.Fatal(err)
	}
	readUntil(t, r, `"comments":2`)
}

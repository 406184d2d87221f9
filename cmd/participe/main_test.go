package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"participe/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// syncBuffer is a bytes.Buffer safe for the server's log goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun boots the real program (run) on port 0 and returns its base URL and a stop
// function that sends the equivalent of SIGTERM and waits for a clean exit.
func startRun(t *testing.T, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	logs := &syncBuffer{}
	env := func(string) string { return "" }
	go func() {
		errc <- run(ctx, args, env, logs, logs, func(addr string) { addrc <- addr })
	}()
	select {
	case addr := <-addrc:
		return "http://" + addr, logs, func() error { cancel(); return <-errc }
	case err := <-errc:
		cancel()
		t.Fatalf("run exited early: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("server did not start\n%s", logs.String())
	}
	return "", nil, nil
}

// TestRunEndToEnd boots `participe demo` on both engines: migrations, demo data, the
// real server on a free port, then a graceful stop.
func TestRunEndToEnd(t *testing.T) {
	dbtest.EngineDSNs(t, func(t *testing.T, dsn string) {
		base, logs, stop := startRun(t, "demo", "--addr", "127.0.0.1:0", "--database", dsn)
		for path, want := range map[string]string{
			"/healthz":    "ok",
			"/readyz":     "ready",
			"/en/unknown": "Page not found",
		} {
			res, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !strings.Contains(string(body), want) {
				t.Errorf("%s: %d %q", path, res.StatusCode, body)
			}
		}
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if !strings.Contains(logs.String(), `"msg":"stopped"`) {
			t.Errorf("no clean stop in logs:\n%s", logs.String())
		}
	})
}

// The second demo load must not duplicate anything (idempotent).
func TestDemoIsIdempotent(t *testing.T) {
	dsn := "sqlite:" + t.TempDir() + "/demo.db"
	for i := 0; i < 2; i++ {
		_, _, stop := startRun(t, "demo", "--addr", "127.0.0.1:0", "--database", dsn)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
	out := &syncBuffer{}
	if err := run(context.Background(), []string{"demo", "--addr", "bad address", "--database", dsn}, func(string) string { return "" }, out, out, nil); err == nil {
		t.Fatal("a bad address must fail")
	}
	if !strings.Contains(out.String(), "(0 nouvelles)") {
		t.Fatalf("second load created initiatives again:\n%s", out.String())
	}
}

func TestServeHelpExplainsSettings(t *testing.T) {
	out := &syncBuffer{}
	err := run(context.Background(), []string{"serve", "-h"}, func(string) string { return "" }, out, out, nil)
	if err == nil {
		t.Fatal("-h should return flag.ErrHelp")
	}
	for _, want := range []string{"PARTICIPE_DATABASE", "PARTICIPE_ADDR", "PARTICIPE_BASE_URL", "-max-in-flight"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve -h lacks %s", want)
		}
	}
}

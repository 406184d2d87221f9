// Package systest runs the real participe binary as separate processes for system
// tests: the scale-out test (two app servers and two workers on one PostgreSQL) and the
// crash test (SIGKILL during writes). Separate processes matter: in one process,
// package-level caches and connection pools would be shared and prove nothing.
package systest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// Binary builds cmd/participe once per test binary and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "participe-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildBin = filepath.Join(dir, "participe")
		cmd := exec.Command("go", "build", "-o", buildBin, "participe/cmd/participe")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out.String())
		}
	})
	if buildErr != nil {
		t.Fatalf("build participe: %v", buildErr)
	}
	return buildBin
}

// FreePort returns a TCP port free right now on 127.0.0.1.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Proc is one running participe process.
type Proc struct {
	Name string
	URL  string // http://127.0.0.1:port for serve, "" for worker
	Log  string // path of its combined output
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start runs `participe args…` with its output in a log file under dir. For "serve",
// and "demo", it listens on a free port and Start waits until /readyz answers.
func Start(t testing.TB, dir, name string, args ...string) *Proc {
	t.Helper()
	bin := Binary(t)
	p := &Proc{Name: name, Log: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	if len(args) > 0 && (args[0] == "serve" || args[0] == "demo") {
		port := FreePort(t)
		p.URL = "http://127.0.0.1:" + strconv.Itoa(port)
		args = append(args, "--addr", "127.0.0.1:"+strconv.Itoa(port), "--base-url", p.URL)
	}
	logf, err := os.OpenFile(p.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.Env = append(os.Environ(), "PARTICIPE_LOG_LEVEL=info")
	// The child dies with the test binary (Linux): no stray servers after a crash.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	t.Cleanup(func() { p.Kill() })
	if p.URL != "" {
		wait := 60 * time.Second
		if args[0] == "demo" {
			wait = 5 * time.Minute // loads every area's demo data first
		}
		if err := p.WaitReady(wait); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, p.Output())
		}
	}
	return p
}

// WaitReady polls /readyz until it answers 200.
func (p *Proc) WaitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("exited: %v", p.err)
		default:
		}
		res, err := client.Get(p.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v", timeout)
}

// Output returns what the process logged so far.
func (p *Proc) Output() string {
	b, _ := os.ReadFile(p.Log)
	return string(b)
}

// Kill sends SIGKILL (a crash, a power cut for the process) and waits for the exit.
func (p *Proc) Kill() {
	if p.cmd.Process == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM (graceful) and waits up to timeout, then kills.
func (p *Proc) Stop(timeout time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("%s did not stop within %v", p.Name, timeout)
	}
}

// Wait returns a channel closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Context is a helper for tests: a context ended at the test's end.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

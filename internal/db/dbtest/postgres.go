package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// cluster is one throwaway PostgreSQL server for the whole test binary.
type cluster struct {
	dir  string
	port int
	url  string // superuser URL without database name
	proc *exec.Cmd
}

var (
	clusterOnce sync.Once
	theCluster  *cluster
	clusterErr  error
)

// postgresRequired reports whether a missing PostgreSQL must fail the tests.
func postgresRequired() bool {
	return os.Getenv("CI") == "true" || os.Getenv("PARTICIPE_TEST_POSTGRES") == "1"
}

// findPGBin finds a PostgreSQL server binary: PATH first, then Debian's versioned dirs.
func findPGBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found (install Debian's postgresql package)", name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// unprivileged returns the credentials to run PostgreSQL with: initdb refuses root.
func unprivileged() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and no unprivileged user (postgres or nobody) to run PostgreSQL")
}

func startCluster() (*cluster, error) {
	initdb, err := findPGBin("initdb")
	if err != nil {
		return nil, err
	}
	postgres, err := findPGBin("postgres")
	if err != nil {
		return nil, err
	}
	cred, err := unprivileged()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "participe-pg-")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	if cred != nil {
		for _, p := range []string{dir, data} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	cmd := exec.Command(initdb, "-D", data, "-U", "participe", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		// Older initdb without C.UTF-8: retry with plain C.
		cmd = exec.Command(initdb, "-D", data, "-U", "participe", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out2, err2 := cmd.CombinedOutput(); err2 != nil {
			return nil, fmt.Errorf("initdb: %v\n%s\n%s", err, out, out2)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir, port: port, url: fmt.Sprintf("postgres://participe@127.0.0.1:%d", port)}
	started := make(chan error, 1)
	// Pdeathsig is tied to the OS thread that forked the child: keep this goroutine's
	// thread alive for the life of the server so a crashed test binary still takes
	// PostgreSQL down with it (SIGQUIT = immediate shutdown).
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(postgres, "-D", data, "-p", strconv.Itoa(port), "-k", dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=64MB")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
		logf, _ := os.Create(filepath.Join(dir, "postgres.log"))
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		c.proc = cmd
		started <- nil
		_ = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("pgx", c.url+"/postgres?sslmode=disable")
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			logText, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres did not start: %v\n%s", err, logText)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *cluster) stop() {
	if c.proc != nil && c.proc.Process != nil {
		_ = c.proc.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { c.proc.Process.Wait(); close(done) }() //nolint:errcheck
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = c.proc.Process.Kill()
		}
	}
	os.RemoveAll(c.dir)
}

// adminExec runs a statement on the cluster's postgres database.
func (c *cluster) adminExec(ctx context.Context, q string) error {
	db, err := sql.Open("pgx", c.url+"/postgres?sslmode=disable")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, q)
	return err
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func getCluster() (*cluster, error) {
	clusterOnce.Do(func() { theCluster, clusterErr = startCluster() })
	return theCluster, clusterErr
}

// Command participe is the whole platform in one binary: web server, job worker,
// migrations, demo data, large data sets for benchmarks, backups.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // dates are shown in America/Toronto even where the OS has no zoneinfo
)

const usage = `Participe — la plateforme de participation du gouvernement du Québec

Usage: participe <command> [flags]

Commands:
  serve       run the web server (and the job worker unless --no-worker)
  worker      run the job worker only (scale-out deployments)
  migrate     apply database migrations and exit
  demo        fill the database with French demo data (idempotent), then serve
  seed-large  generate a large data set for benchmarks (sizes as flags)
  backup      make a consistent online backup of the database
  restore     restore a backup into an empty database
  version     print the version

Run "participe <command> -h" for the flags of a command. Every flag can also be set
by its PARTICIPE_* environment variable.
`

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	tuneGC(os.Getenv)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "participe:", err)
		}
		os.Exit(1)
	}
}

// run dispatches a sub-command. onListen, when not nil, receives the address the server
// listens on (tests start it on port 0).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, onListen func(string)) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("a command is required")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stderr, onListen)
	case "worker":
		return cmdWorker(ctx, rest, getenv, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stderr)
	case "demo":
		return cmdDemo(ctx, rest, getenv, stdout, stderr, onListen)
	case "seed-large":
		return cmdSeedLarge(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "participe", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"participe/internal/config"
	"participe/internal/demo"
)

// cmdDemo loads the demo data (idempotent) and serves, with mail printed to the log.
func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, onListen func(string)) error {
	a, err := openApp(ctx, "demo", args, getenv, stderr, func(c *config.Config) {
		c.Env = "demo"
		// The printed address and links in mail follow --addr unless a public URL is set.
		if getenv("PARTICIPE_BASE_URL") == "" && !hasFlag(args, "base-url") {
			c.BaseURL = "http://" + c.Addr
		}
		if c.SMTPHost == "" {
			c.MailLog = true
		}
	})
	if err != nil {
		return err
	}
	defer a.db.Close()
	report, err := demo.Load(ctx, a.db, a.clock, a.jobs)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	fmt.Fprintln(stdout, report.String())
	fmt.Fprintf(stdout, "Participe (démo) : %s\n", a.cfg.BaseURL)
	return a.serve(ctx, onListen)
}

// hasFlag reports whether args set the flag (as -name, --name, -name=… or --name=…).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

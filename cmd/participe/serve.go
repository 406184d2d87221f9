package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/participe"
	"participe/internal/web"
)

// app is what serve, worker and demo share: configuration, logger, database, queue.
type app struct {
	cfg   config.Config
	log   *slog.Logger
	db    *db.DB
	clock participe.Clock
	jobs  *jobs.Queue
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// openApp parses the configuration, opens and migrates the database.
func openApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, adjust func(*config.Config)) (*app, error) {
	cfg, err := config.Parse(name, args, getenv, stderr)
	if err != nil {
		return nil, err
	}
	if adjust != nil {
		adjust(&cfg)
	}
	log := newLogger(cfg, stderr)
	d, err := db.Open(ctx, db.Options{DSN: cfg.Database, ReadConns: cfg.ReadConns, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	clock := participe.SystemClock{}
	return &app{cfg: cfg, log: log, db: d, clock: clock, jobs: jobs.New(d, clock, log)}, nil
}

func (a *app) server() (*web.Server, error) {
	return web.New(web.Deps{Cfg: a.cfg, DB: a.db, Log: a.log, Clock: a.clock, Jobs: a.jobs})
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, onListen func(string)) error {
	a, err := openApp(ctx, "serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	defer a.db.Close()
	return a.serve(ctx, onListen)
}

// serve runs the HTTP server (and the worker unless disabled) until ctx ends, then
// drains requests in flight for up to ShutdownTimeout.
func (a *app) serve(ctx context.Context, onListen func(string)) error {
	srv, err := a.server()
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	if err := srv.ScheduleOps(ctx); err != nil {
		a.log.Warn("operations jobs not scheduled", "err", err)
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      0, // server-sent events stream; each request has its own timeout
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	var wg sync.WaitGroup
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	if !a.cfg.NoWorker {
		wg.Add(1)
		go func() { defer wg.Done(); a.jobs.Run(workerCtx) }()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	addr := ln.Addr().String()
	a.log.Info("listening", "addr", addr, "database", string(a.db.Engine), "url", a.cfg.BaseURL)
	if onListen != nil {
		onListen(addr)
	}
	select {
	case err := <-errc:
		stopWorker()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: draining requests", "timeout", a.cfg.ShutdownTimeout.String())
	shutCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(shutCtx)
	stopWorker()
	wg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return nil
}

func cmdWorker(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	a, err := openApp(ctx, "worker", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	defer a.db.Close()
	// Building the server registers every area's job handlers; it serves nothing here.
	srv, err := a.server()
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	if err := srv.ScheduleOps(ctx); err != nil {
		a.log.Warn("operations jobs not scheduled", "err", err)
	}
	a.jobs.Run(ctx)
	return nil
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	a, err := openApp(ctx, "migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	return a.db.Close()
}

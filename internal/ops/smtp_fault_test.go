package ops

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/jobs"
	"participe/internal/mail"
	"participe/internal/participe"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestMailSurvivesSMTPOutage queues mail while the SMTP server is down: each attempt
// fails fast (dial timeout), the job is retried with growing back-off and never lost;
// when the server comes back, the message is delivered exactly once.
func TestMailSurvivesSMTPOutage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := participe.NewFixedClock(testNow)
		q := jobs.New(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		port := freePort(t)
		sender := &mail.SMTPSender{Host: "127.0.0.1", Port: port, TLS: "none", From: "Participe <ne-pas-repondre@participe.test>", Timeout: 2 * time.Second}
		q.Handle(mail.JobKind, mail.Handler(sender))
		if err := mail.Enqueue(ctx, q, mail.Message{To: "lea@example.test", Subject: "Confirmez votre adresse", Text: "Bonjour"}); err != nil {
			t.Fatal(err)
		}
		state := func() (string, int, time.Time) {
			var st string
			var attempts int
			var runAt db.Time
			if err := d.QueryRow(ctx, `SELECT state, attempts, run_at FROM jobs WHERE kind = ?`, mail.JobKind).Scan(&st, &attempts, &runAt); err != nil {
				t.Fatal(err)
			}
			return st, attempts, runAt.Time
		}
		// Down: two attempts, each failing within the dial timeout, back-off doubling.
		for attempt, wait := range []time.Duration{10 * time.Second, 20 * time.Second} {
			start := time.Now()
			if n, err := q.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("attempt %d: ran %d, %v", attempt+1, n, err)
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("a down SMTP server blocked the worker %v", time.Since(start))
			}
			st, attempts, runAt := state()
			if st != "available" || attempts != attempt+1 || !runAt.Equal(clock.Now().Add(wait)) {
				t.Fatalf("after failure %d: %s, %d attempts, next at %v", attempt+1, st, attempts, runAt.Sub(clock.Now()))
			}
			if n, _ := q.RunOnce(ctx); n != 0 {
				t.Fatal("retried before its back-off")
			}
			clock.Advance(wait)
		}
		srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", PortNumber: port, MultipleMessageReceiving: true})
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer srv.Stop() //nolint:errcheck
		if err := q.RunUntilIdle(ctx); err != nil {
			t.Fatal(err)
		}
		if st, attempts, _ := state(); st != "done" || attempts != 3 {
			var lastErr string
			_ = d.QueryRow(ctx, `SELECT last_error FROM jobs`).Scan(&lastErr)
			t.Log(lastErr)
			t.Fatalf("after recovery: %s, %d attempts", st, attempts)
		}
		msgs, err := srv.WaitForMessages(1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || !strings.Contains(msgs[0].MsgRequest(), "Bonjour") ||
			!strings.Contains(strings.Join(msgs[0].RcpttoRequestResponse()[0], " "), "lea@example.test") {
			t.Fatalf("delivered %d messages: %+v", len(msgs), msgs)
		}
		clock.Advance(24 * time.Hour)
		if n, _ := q.RunOnce(ctx); n != 0 {
			t.Fatal("the delivered mail ran again")
		}
	})
}

package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"participe/internal/config"
)

func TestSMTPSenderDeliversToARealServer(t *testing.T) {
	srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	cfg := config.Default()
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS = "127.0.0.1", srv.PortNumber(), "none"
	s := NewSender(cfg, slog.Default())
	if _, ok := s.(*SMTPSender); !ok {
		t.Fatalf("sender %T, want SMTP", s)
	}
	payload, _ := json.Marshal(Message{To: "lea@example.test", Subject: "Confirmez votre adresse — Participe", Text: "Bonjour Léa,\nhttp://x.test/a?jeton=abc"})
	if err := Handler(s)(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitForMessages(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	raw := msgs[0].MsgRequest()
	if !strings.Contains(raw, "lea@example.test") || !strings.Contains(raw, "Subject:") {
		t.Fatalf("message: %s", raw)
	}
	if !strings.Contains(msgs[0].HeloRequest(), "participe.quebec") {
		t.Fatalf("HELO: %q", msgs[0].HeloRequest())
	}
}

func TestSMTPDownIsAnErrorSoTheJobRetries(t *testing.T) {
	s := &SMTPSender{Host: "127.0.0.1", Port: 1, From: "a@b.test", TLS: "none", Timeout: time.Second}
	if err := s.Send(context.Background(), Message{To: "x@y.test", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("no error when the server is down")
	}
	if err := Handler(s)(context.Background(), []byte("{not json")); err == nil {
		t.Fatal("bad payload accepted")
	}
	if err := Handler(s)(context.Background(), []byte(`{"to":""}`)); err != nil {
		t.Fatalf("erased address must be dropped, got %v", err)
	}
}

func TestLogModePrintsTheMessage(t *testing.T) {
	var buf bytes.Buffer
	cfg := config.Default()
	cfg.MailLog = true
	cfg.SMTPHost = "smtp.example.test"
	s := NewSender(cfg, slog.New(slog.NewJSONHandler(&buf, nil)))
	if err := s.Send(context.Background(), Message{To: "a@b.test", Subject: "Sujet", Text: "Lien : http://x"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"to":"a@b.test"`, `"subject":"Sujet"`, `"text":"Lien : http://x"`} {
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("log lacks %s: %s", want, buf.String())
		}
	}
	cfg.MailLog, cfg.SMTPHost = false, ""
	if _, ok := NewSender(cfg, slog.Default()).(LogSender); !ok {
		t.Fatal("no SMTP host must mean log mode")
	}
}

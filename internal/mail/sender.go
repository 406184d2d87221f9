package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"participe/internal/config"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// NewSender returns the SMTP sender, or the log sender when mail is to be printed
// (cfg.MailLog, or no SMTP host configured: demo and development).
func NewSender(cfg config.Config, log *slog.Logger) Sender {
	if cfg.MailLog || cfg.SMTPHost == "" {
		return LogSender{Log: log}
	}
	return &SMTPSender{Host: cfg.SMTPHost, Port: cfg.SMTPPort, User: cfg.SMTPUser, Password: cfg.SMTPPassword,
		From: cfg.SMTPFrom, TLS: cfg.SMTPTLS, Timeout: 20 * time.Second}
}

// LogSender prints messages to the JSON log instead of sending them.
type LogSender struct{ Log *slog.Logger }

// Send logs the message.
func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Log.InfoContext(ctx, "mail (not sent: log mode)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// SMTPSender sends through an SMTP server with go-mail.
type SMTPSender struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	// TLS is "starttls" (mandatory STARTTLS), "tls" (implicit TLS) or "none".
	TLS     string
	Timeout time.Duration
}

// Send delivers m; an error makes the job retry with back-off.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.Timeout), gomail.WithHELO(heloName(s.From))}
	switch s.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.User), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s: %w", m.To, err)
	}
	return nil
}

// Handler is the "mail.send" job: decode the message and send it.
func Handler(s Sender) func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var m Message
		if err := json.Unmarshal(payload, &m); err != nil {
			return fmt.Errorf("mail: bad payload: %w", err)
		}
		if m.To == "" {
			return nil // nothing to deliver (an erased address): drop
		}
		return s.Send(ctx, m)
	}
}

// heloName is the domain announced in HELO/EHLO: the sender address's domain (servers
// refuse a bare word).
func heloName(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		if _, domain, ok := strings.Cut(a.Address, "@"); ok && strings.Contains(domain, ".") {
			return domain
		}
	}
	return "localhost.localdomain"
}

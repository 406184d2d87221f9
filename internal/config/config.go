// Package config reads Participe's settings from flags and PARTICIPE_* environment
// variables, once, in main. A flag wins over its variable; the variable over the default.
package config

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting. It is passed down as a value; nothing reads the environment
// after start-up.
type Config struct {
	Addr     string
	Database string
	BaseURL  string
	// Env is "production", "demo" or "development".
	Env      string
	LogLevel string

	ReadConns       int
	MaxInFlight     int
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64
	NoWorker        bool
	UploadDir       string
	TrustProxy      bool

	SessionIdle     time.Duration
	SessionLifetime time.Duration

	SMTPHost     string
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string
	SMTPFrom     string
	// SMTPTLS is "starttls", "tls" or "none".
	SMTPTLS string
	// MailLog prints outgoing mail to the log instead of sending it (demo).
	MailLog bool
	// ReminderBefore is how long before an initiative closes its followers are
	// reminded (once, by the job queue).
	ReminderBefore time.Duration

	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCName         string

	OfficialSignature bool
	OperatorName      string
}

// Setting describes one setting for -h, the README and the environment.
type Setting struct {
	Flag, Env, Default, Help string
	set                      func(c *Config, v string) error
}

// parsed sets the field p points to from a value read by parse; a value parse
// refuses is reported as `what: "value"`.
func parsed[T any](parse func(string) (T, error), what string, p func(*Config) *T) func(*Config, string) error {
	return func(c *Config, v string) error {
		x, err := parse(v)
		if err != nil {
			return fmt.Errorf("%s: %q", what, v)
		}
		*p(c) = x
		return nil
	}
}

func parseInt64(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) }

// Settings lists every setting, in the order -h shows them.
func Settings() []Setting {
	str := func(p func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *p(c) = v; return nil }
	}
	integer := func(p func(*Config) *int) func(*Config, string) error {
		return parsed(strconv.Atoi, "not a whole number", p)
	}
	boolean := func(p func(*Config) *bool) func(*Config, string) error {
		return parsed(strconv.ParseBool, "not true/false", p)
	}
	duration := func(p func(*Config) *time.Duration) func(*Config, string) error {
		return parsed(time.ParseDuration, "not a duration like 30s or 12h", p)
	}
	return []Setting{
		{"addr", "PARTICIPE_ADDR", "localhost:8080", "address to listen on (host:port)", str(func(c *Config) *string { return &c.Addr })},
		{"database", "PARTICIPE_DATABASE", "sqlite:./participe.db", "database: sqlite:FILE (embedded, default) or postgres://user:pass@host/db", str(func(c *Config) *string { return &c.Database })},
		{"base-url", "PARTICIPE_BASE_URL", "http://localhost:8080", "public URL of the site, used in emails, feeds and iCalendar", str(func(c *Config) *string { return &c.BaseURL })},
		{"env", "PARTICIPE_ENV", "production", "production, demo or development", str(func(c *Config) *string { return &c.Env })},
		{"log-level", "PARTICIPE_LOG_LEVEL", "info", "debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
		{"read-conns", "PARTICIPE_READ_CONNS", "4", "SQLite read connections (2–4 suit 2 cores)", integer(func(c *Config) *int { return &c.ReadConns })},
		{"max-in-flight", "PARTICIPE_MAX_IN_FLIGHT", "256", "requests served at once; beyond, 503 with Retry-After", integer(func(c *Config) *int { return &c.MaxInFlight })},
		{"request-timeout", "PARTICIPE_REQUEST_TIMEOUT", "30s", "time limit of one request", duration(func(c *Config) *time.Duration { return &c.RequestTimeout })},
		{"shutdown-timeout", "PARTICIPE_SHUTDOWN_TIMEOUT", "20s", "time given to requests in flight on SIGTERM", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
		{"max-body", "PARTICIPE_MAX_BODY", "1048576", "largest request body in bytes (uploads have their own limit)", parsed(parseInt64, "not a whole number", func(c *Config) *int64 { return &c.MaxBodyBytes })},
		{"no-worker", "PARTICIPE_NO_WORKER", "false", "do not run the job worker inside serve (run `participe worker` apart)", boolean(func(c *Config) *bool { return &c.NoWorker })},
		{"upload-dir", "PARTICIPE_UPLOAD_DIR", "./uploads", "where attachments are stored", str(func(c *Config) *string { return &c.UploadDir })},
		{"trust-proxy", "PARTICIPE_TRUST_PROXY", "false", "trust X-Forwarded-For/Proto from a reverse proxy", boolean(func(c *Config) *bool { return &c.TrustProxy })},
		{"session-idle", "PARTICIPE_SESSION_IDLE", "30m", "sign out after this long without activity", duration(func(c *Config) *time.Duration { return &c.SessionIdle })},
		{"session-lifetime", "PARTICIPE_SESSION_LIFETIME", "12h", "sign out after this long in any case", duration(func(c *Config) *time.Duration { return &c.SessionLifetime })},
		{"smtp-host", "PARTICIPE_SMTP_HOST", "", "SMTP server for outgoing mail (empty: mail is logged)", str(func(c *Config) *string { return &c.SMTPHost })},
		{"smtp-port", "PARTICIPE_SMTP_PORT", "587", "SMTP port", integer(func(c *Config) *int { return &c.SMTPPort })},
		{"smtp-user", "PARTICIPE_SMTP_USER", "", "SMTP user name", str(func(c *Config) *string { return &c.SMTPUser })},
		{"smtp-password", "PARTICIPE_SMTP_PASSWORD", "", "SMTP password", str(func(c *Config) *string { return &c.SMTPPassword })},
		{"smtp-from", "PARTICIPE_SMTP_FROM", "Participe <ne-pas-repondre@participe.quebec>", "sender address of outgoing mail", str(func(c *Config) *string { return &c.SMTPFrom })},
		{"smtp-tls", "PARTICIPE_SMTP_TLS", "starttls", "starttls, tls or none", str(func(c *Config) *string { return &c.SMTPTLS })},
		{"mail-log", "PARTICIPE_MAIL_LOG", "false", "print outgoing mail to the log instead of sending it", boolean(func(c *Config) *bool { return &c.MailLog })},
		{"reminder-before", "PARTICIPE_REMINDER_BEFORE", "48h", "how long before an initiative closes its followers get a reminder email", duration(func(c *Config) *time.Duration { return &c.ReminderBefore })},
		{"oidc-issuer", "PARTICIPE_OIDC_ISSUER", "", "OpenID Connect issuer of the government identity provider (empty: off)", str(func(c *Config) *string { return &c.OIDCIssuer })},
		{"oidc-client-id", "PARTICIPE_OIDC_CLIENT_ID", "", "OpenID Connect client id", str(func(c *Config) *string { return &c.OIDCClientID })},
		{"oidc-client-secret", "PARTICIPE_OIDC_CLIENT_SECRET", "", "OpenID Connect client secret", str(func(c *Config) *string { return &c.OIDCClientSecret })},
		{"oidc-name", "PARTICIPE_OIDC_NAME", "clicSÉQUR", "name of the identity provider shown on the sign-in page", str(func(c *Config) *string { return &c.OIDCName })},
		{"official-signature", "PARTICIPE_OFFICIAL_SIGNATURE", "false", "show the official Québec signature (reserved by law to public bodies)", boolean(func(c *Config) *bool { return &c.OfficialSignature })},
		{"operator-name", "PARTICIPE_OPERATOR_NAME", "Gouvernement du Québec", "name of the operator shown in the footer", str(func(c *Config) *string { return &c.OperatorName })},
	}
}

// Default returns the configuration with every default applied.
func Default() Config {
	var c Config
	for _, s := range Settings() {
		if err := s.set(&c, s.Default); err != nil {
			panic("config: bad default for " + s.Flag + ": " + err.Error())
		}
	}
	return c
}

// Parse reads flags (args, without the program and sub-command names) and the
// environment into a Config. The returned FlagSet has already printed usage on -h.
func Parse(name string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	c := Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	if out != nil {
		fs.SetOutput(out)
	}
	values := map[string]*string{}
	for _, s := range Settings() {
		if v := getenv(s.Env); v != "" {
			if err := s.set(&c, v); err != nil {
				return c, fmt.Errorf("%s: %w", s.Env, err)
			}
		}
		values[s.Flag] = fs.String(s.Flag, "", fmt.Sprintf("%s (env %s, default %q)", s.Help, s.Env, s.Default))
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: participe %s [flags]\n\nEvery flag can also be set by its PARTICIPE_* environment variable.\n\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range Settings() {
		if set[s.Flag] {
			if err := s.set(&c, *values[s.Flag]); err != nil {
				return c, fmt.Errorf("--%s: %w", s.Flag, err)
			}
		}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c, c.Validate()
}

// Validate checks values that would fail later in a confusing way.
func (c Config) Validate() error {
	switch c.Env {
	case "production", "demo", "development":
	default:
		return fmt.Errorf("env must be production, demo or development, not %q", c.Env)
	}
	switch c.SMTPTLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf("smtp-tls must be starttls, tls or none, not %q", c.SMTPTLS)
	}
	if c.ReminderBefore <= 0 {
		return fmt.Errorf("reminder-before must be a positive duration such as 48h")
	}
	if c.MaxInFlight < 1 {
		return fmt.Errorf("max-in-flight must be at least 1")
	}
	if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("base-url must start with http:// or https://, not %q", c.BaseURL)
	}
	return nil
}

// SecureCookies reports whether cookies get the Secure flag (the site is on HTTPS).
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Getenv is os.Getenv, named so main reads nicely.
var Getenv = os.Getenv

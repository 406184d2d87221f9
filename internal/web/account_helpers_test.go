package web

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/participe"
)

// newMailTestServer is the real server whose mail goes to a real SMTP server running
// in the test (go-smtp-mock): tests read what it received and follow the links.
func newMailTestServer(t *testing.T, d *db.DB, mutate ...func(*config.Config)) (*testServer, *smtpmock.Server) {
	t.Helper()
	smtp := smtpmock.New(smtpmock.ConfigurationAttr{MultipleMessageReceiving: true, HostAddress: "127.0.0.1"})
	if err := smtp.Start(); err != nil {
		t.Fatalf("smtp mock: %v", err)
	}
	t.Cleanup(func() { _ = smtp.Stop() })
	cfg := config.Default()
	cfg.Env = "development"
	cfg.BaseURL = "http://participe.test"
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS = "127.0.0.1", smtp.PortNumber(), "none"
	for _, m := range mutate {
		m(&cfg)
	}
	clock := participe.NewFixedClock(testNow)
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &testServer{Server: s, t: t, clock: clock}, smtp
}

// sentMail is one message the SMTP server received, decoded.
type sentMail struct {
	To, Subject, Body string
}

// mails runs the queued jobs and returns every message received so far.
func (ts *testServer) mails(smtp *smtpmock.Server) []sentMail {
	ts.t.Helper()
	if err := ts.Jobs.RunUntilIdle(context.Background()); err != nil {
		ts.t.Fatalf("jobs: %v", err)
	}
	var out []sentMail
	for _, m := range smtp.Messages() {
		raw := m.MsgRequest()
		msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			ts.t.Fatalf("bad mail: %v\n%s", err, raw)
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(msg.Body)
		}
		b, _ := io.ReadAll(body)
		subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		out = append(out, sentMail{To: msg.Header.Get("To"), Subject: subj, Body: string(b)})
	}
	return out
}

var linkRE = regexp.MustCompile(`http://participe\.test(/[^\s]+)`)

// lastLink returns the path of the last link mailed to addr.
func (ts *testServer) lastLink(smtp *smtpmock.Server, addr string) string {
	ts.t.Helper()
	ms := ts.mails(smtp)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].To, addr) {
			if m := linkRE.FindAllStringSubmatch(ms[i].Body, -1); m != nil {
				return m[0][1]
			}
		}
	}
	ts.t.Fatalf("no link mailed to %s (got %d mails)", addr, len(ms))
	return ""
}

// browser keeps cookies between requests like a browser (one person).
type browser struct {
	ts      *testServer
	cookies map[string]*http.Cookie
}

func (ts *testServer) browser() *browser { return &browser{ts: ts, cookies: map[string]*http.Cookie{}} }

func (b *browser) keep(res *http.Response) {
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c
	}
}

func (b *browser) list() []*http.Cookie {
	var out []*http.Cookie
	for _, c := range b.cookies {
		out = append(out, c)
	}
	return out
}

func (b *browser) get(path string) (*http.Response, string) {
	res, body := b.ts.get(path, b.list()...)
	b.keep(res)
	return res, body
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	res, body := b.ts.postForm(path, form, b.list()...)
	b.keep(res)
	return res, body
}

// totpCode computes the code of secret at t (what the person's phone shows).
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var hiddenRE = regexp.MustCompile(`name="jeton" value="([^"]+)"`)
var secretRE = regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`)

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("page does not contain %q:\n%s", w, snippet(body))
		}
	}
}

func snippet(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000]
	}
	return body
}

func mustRE(p string) *regexp.Regexp { return regexp.MustCompile(p) }

// signUpVerified signs up in b with goodPassword and follows the verification link
// received by mail: a verified person signed out, the start of most flows.
func signUpVerified(t *testing.T, ts *testServer, b *browser, smtp *smtpmock.Server, email, pseudo string) {
	t.Helper()
	signUp(t, b, email, pseudo, goodPassword)
	verifyByMail(t, ts, b, smtp, ts.lastLink(smtp, email))
}

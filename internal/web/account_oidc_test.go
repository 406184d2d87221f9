package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// testOP is a real OpenID provider (zitadel/oidc's op package) running in the test,
// with a tiny in-memory storage: one confidential client (Participe) and a login page
// that signs in whichever user the test chose.
type testOP struct {
	srv      *httptest.Server
	provider *op.Provider
	store    *opStore
}

type opUser struct {
	Email    string
	Verified bool
	Given    string
}

type opAuthRequest struct {
	id, clientID, redirectURI, state, nonce, subject string
	scopes                                           []string
	challenge                                        *oidc.CodeChallenge
	done                                             bool
	authTime                                         time.Time
}

func (a *opAuthRequest) GetID() string                         { return a.id }
func (a *opAuthRequest) GetACR() string                        { return "" }
func (a *opAuthRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *opAuthRequest) GetAudience() []string                 { return []string{a.clientID} }
func (a *opAuthRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *opAuthRequest) GetClientID() string                   { return a.clientID }
func (a *opAuthRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *opAuthRequest) GetNonce() string                      { return a.nonce }
func (a *opAuthRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *opAuthRequest) GetResponseType() oidc.ResponseType    { return oidc.ResponseTypeCode }
func (a *opAuthRequest) GetResponseMode() oidc.ResponseMode    { return "" }
func (a *opAuthRequest) GetScopes() []string                   { return a.scopes }
func (a *opAuthRequest) GetState() string                      { return a.state }
func (a *opAuthRequest) GetSubject() string                    { return a.subject }
func (a *opAuthRequest) Done() bool                            { return a.done }

type opClient struct{ redirect string }

func (c opClient) GetID() string                       { return "participe" }
func (c opClient) RedirectURIs() []string              { return []string{c.redirect} }
func (c opClient) PostLogoutRedirectURIs() []string    { return nil }
func (c opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c opClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c opClient) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c opClient) LoginURL(id string) string            { return "/login?id=" + url.QueryEscape(id) }
func (c opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c opClient) IDTokenLifetime() time.Duration       { return 5 * time.Minute }
func (c opClient) DevMode() bool                        { return true }
func (c opClient) IsScopeAllowed(string) bool           { return false }
func (c opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c opClient) ClockSkew() time.Duration             { return 0 }
func (c opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

type opKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k opKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k opKey) ID() string                                  { return k.id }
func (k opKey) Use() string                                 { return "sig" }

type opSigning struct{ opKey }

func (k opSigning) Key() any { return k.key }

type opPublic struct{ opKey }

func (k opPublic) Key() any { return &k.key.PublicKey }

type opStore struct {
	mu       sync.Mutex
	client   opClient
	key      opKey
	requests map[string]*opAuthRequest
	codes    map[string]string
	tokens   map[string]string // access token id -> subject
	users    map[string]opUser
	// next is the subject the login page signs in.
	next string
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *opStore) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &opAuthRequest{id: randomID(), clientID: r.ClientID, redirectURI: r.RedirectURI, state: r.State, nonce: r.Nonce, scopes: r.Scopes}
	if r.CodeChallenge != "" {
		a.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	s.requests[a.id] = a
	return a, nil
}

func (s *opStore) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.requests[id]; ok {
		return a, nil
	}
	return nil, errors.New("no such request")
}

func (s *opStore) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("no such code")
	}
	return s.AuthRequestByID(ctx, id)
}

func (s *opStore) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

func (s *opStore) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for c, rid := range s.codes {
		if rid == id {
			delete(s.codes, c)
		}
	}
	return nil
}

func (s *opStore) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := randomID()
	s.tokens[id] = r.GetSubject()
	return id, time.Now().Add(5 * time.Minute), nil
}

func (s *opStore) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens are not offered")
}

func (s *opStore) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}
func (s *opStore) TerminateSession(context.Context, string, string) error { return nil }
func (s *opStore) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return nil
}
func (s *opStore) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}
func (s *opStore) SigningKey(context.Context) (op.SigningKey, error) { return opSigning{s.key}, nil }
func (s *opStore) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}
func (s *opStore) KeySet(context.Context) ([]op.Key, error) { return []op.Key{opPublic{s.key}}, nil }
func (s *opStore) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != "participe" {
		return nil, errors.New("unknown client")
	}
	return s.client, nil
}
func (s *opStore) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != "participe" || secret != "secret-de-test" {
		return errors.New("bad client credentials")
	}
	return nil
}

func (s *opStore) fill(info *oidc.UserInfo, subject string) {
	s.mu.Lock()
	u := s.users[subject]
	s.mu.Unlock()
	info.Subject = subject
	info.Email = u.Email
	info.EmailVerified = oidc.Bool(u.Verified)
	info.GivenName = u.Given
}

func (s *opStore) SetUserinfoFromScopes(_ context.Context, info *oidc.UserInfo, subject, _ string, _ []string) error {
	s.fill(info, subject)
	return nil
}
func (s *opStore) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, r op.IDTokenRequest, _ []string) error {
	s.fill(info, r.GetSubject())
	return nil
}
func (s *opStore) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.fill(info, subject)
	return nil
}
func (s *opStore) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return nil
}
func (s *opStore) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return map[string]any{}, nil
}
func (s *opStore) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no JWT profile keys")
}
func (s *opStore) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}
func (s *opStore) Health(context.Context) error { return nil }

func startTestOP(t *testing.T, redirect string) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	store := &opStore{client: opClient{redirect: redirect}, key: opKey{id: "k1", key: key},
		requests: map[string]*opAuthRequest{}, codes: map[string]string{}, tokens: map[string]string{}, users: map[string]opUser{}}
	o := &testOP{store: store}
	mux := http.NewServeMux()
	o.srv = httptest.NewServer(mux)
	t.Cleanup(o.srv.Close)
	o.provider, err = op.NewProvider(&op.Config{CryptoKey: sha256.Sum256([]byte("cle de test")), CodeMethodS256: true}, store, op.StaticIssuer(o.srv.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	// The provider's login page: the person "signs in" as store.next.
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		store.mu.Lock()
		a, ok := store.requests[id]
		if ok {
			a.subject, a.done, a.authTime = store.next, true, time.Now()
		}
		store.mu.Unlock()
		if !ok {
			http.Error(w, "unknown request", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(o.provider)(r.Context(), id), http.StatusFound)
	})
	mux.Handle("/", o.provider)
	return o
}

// login drives the browser through Participe → provider → Participe and returns the
// final response of Participe's callback.
func (o *testOP) login(t *testing.T, b *browser, subject string) *http.Response {
	t.Helper()
	o.store.mu.Lock()
	o.store.next = subject
	o.store.mu.Unlock()
	res, _ := b.get("/connexion/oidc?next=/mon-espace/securite")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), o.srv.URL+"/authorize?") {
		t.Fatalf("start: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	loc := res.Header.Get("Location")
	for _, must := range []string{"code_challenge=", "code_challenge_method=S256", "nonce=", "state="} {
		if !strings.Contains(loc, must) {
			t.Fatalf("authorization URL lacks %s: %s", must, loc)
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := 0; i < 10; i++ {
		if strings.HasPrefix(loc, "http://participe.test/") {
			res, body := b.get(strings.TrimPrefix(loc, "http://participe.test"))
			if res.StatusCode >= 400 {
				t.Fatalf("callback: %d\n%s", res.StatusCode, snippet(body))
			}
			return res
		}
		if strings.HasPrefix(loc, "/") {
			loc = o.srv.URL + loc
		}
		r, err := client.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode/100 != 3 {
			t.Fatalf("provider answered %d at %s", r.StatusCode, loc)
		}
		loc = r.Header.Get("Location")
	}
	t.Fatal("too many redirects")
	return nil
}

func TestAccountOIDC(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		o := startTestOP(t, "http://participe.test/connexion/oidc/retour")
		ts, smtp := newMailTestServer(t, d, func(c *config.Config) {
			c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret = o.srv.URL, "participe", "secret-de-test"
		})
		// The sign-in page offers the provider as a link (GET), not a form.
		_, page := ts.get("/connexion")
		mustContain(t, page, `href="/connexion/oidc"`, "Se connecter avec clicSÉQUR")

		// First sign-in creates the account.
		o.store.users["sub-1"] = opUser{Email: "ines@example.test", Verified: true, Given: "Inès"}
		b := ts.browser()
		res := o.login(t, b, "sub-1")
		if res.Header.Get("Location") != "/mon-espace/securite" {
			t.Fatalf("after OIDC: %q", res.Header.Get("Location"))
		}
		_, page = b.get("/mon-espace")
		mustContain(t, page, `value="Inès"`)
		// Second sign-in finds the same person.
		b2 := ts.browser()
		o.login(t, b2, "sub-1")
		var n int
		_ = d.QueryRow(context.Background(), `SELECT COUNT(*) FROM people`).Scan(&n)
		if n != 1 {
			t.Fatalf("people after two sign-ins: %d", n)
		}

		// A verified address that matches an existing account links to it.
		b3 := ts.browser()
		signUpVerified(t, ts, b3, smtp, "jules@example.test", "Jules")
		o.store.users["sub-2"] = opUser{Email: "JULES@example.test", Verified: true, Given: "J"}
		o.login(t, ts.browser(), "sub-2")
		var linked int64
		_ = d.QueryRow(context.Background(), `SELECT o.person_id FROM oidc_identities o JOIN people p ON p.id = o.person_id WHERE o.subject = 'sub-2' AND p.email = 'jules@example.test'`).Scan(&linked)
		if linked == 0 {
			t.Fatal("verified address not linked to the existing account")
		}
		// An unverified address is never linked: a new account without an address.
		o.store.users["sub-3"] = opUser{Email: "jules@example.test", Verified: false, Given: "Imposteur"}
		o.login(t, ts.browser(), "sub-3")
		var other int64
		_ = d.QueryRow(context.Background(), `SELECT person_id FROM oidc_identities WHERE subject = 'sub-3'`).Scan(&other)
		if other == 0 || other == linked {
			t.Fatalf("unverified address linked: %d", other)
		}

		// A forged state is refused.
		b4 := ts.browser()
		b4.get("/connexion/oidc")
		res, body := b4.get("/connexion/oidc/retour?code=abc&state=forged")
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "authentification") {
			t.Fatalf("forged state: %d", res.StatusCode)
		}
	})
}

package account

import (
	"strings"
	"testing"
	"unicode/utf8"

	"participe/internal/participe"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("une phrase assez longue")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if !CheckPassword(h, "une phrase assez longue") || CheckPassword(h, "une phrase assez longuE") {
		t.Fatal("check")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$bcrypt$x$y$z$w"} {
		if CheckPassword(bad, "x") {
			t.Fatalf("malformed hash %q matched", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	cases := []struct {
		pw, email, pseudo, key string
	}{
		{"court", "a@b.ca", "Ali", "account.password.too_short"},
		{"motdepasse123", "a@b.ca", "Ali", "account.password.common"},
		{"password1234", "a@b.ca", "Ali", "account.password.common"},
		{"P@ssw0rd2024!", "a@b.ca", "Ali", "account.password.common"},
		{"azertyuiop123", "a@b.ca", "Ali", "account.password.common"},
		{"aaaaaaaaaaaaaaaa", "a@b.ca", "Ali", "account.password.common"},
		{"abababababababab", "a@b.ca", "Ali", "account.password.repetitive"},
		{"josephine.tremblay-2026", "josephine.tremblay@exemple.ca", "Jo", "account.password.personal"},
		{"le grand Castorvif du nord", "a@b.ca", "Castorvif", "account.password.personal"},
		{"participe rocks 2026", "a@b.ca", "Ali", "account.password.personal"},
		{strings.Repeat("x", 300), "a@b.ca", "Ali", "account.password.too_long"},
		{"velo rouge sous la pluie", "a@b.ca", "Ali", ""},
		{"Érable-Mauve-Fenêtre-7", "a@b.ca", "Ali", ""},
	}
	for _, c := range cases {
		err := CheckPasswordPolicy(c.pw, c.email, c.pseudo)
		got := ""
		if e, ok := participe.AsError(err); ok {
			got = e.Key
			if e.Field != "password" {
				t.Errorf("%q: field %q", c.pw, e.Field)
			}
		}
		if got != c.key {
			t.Errorf("%q: got %q, want %q", c.pw, got, c.key)
		}
	}
	if n := len(commonPasswords()); n < 2000 {
		t.Fatalf("common password list too small: %d", n)
	}
}

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{" Alice@Example.CA ": "alice@example.ca", "a.b+c@sous.domaine.qc.ca": "a.b+c@sous.domaine.qc.ca"}
	for in, want := range good {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "pas une adresse", "a@b", "Alice <a@b.ca>", "a@b..ca", "a@.b.ca", "@b.ca", "a@b.ca,c@d.ca", "a\r\n@b.ca", "a@b.ca.", strings.Repeat("a", 250) + "@b.ca"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@b.ca", "A <a@b.ca>", "\"x y\"@b.ca", "a@[127.0.0.1]", "é@é.ca", "a@b.ca\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail(s)
		if err != nil {
			if e, ok := participe.AsError(err); !ok || e.Code != participe.EINVALID || e.Field != "email" {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		if got != strings.ToLower(got) || strings.ContainsAny(got, " <>\r\n,;") || strings.Count(got, "@") != 1 || len(got) > MaxEmailLen {
			t.Fatalf("%q normalized to bad %q", s, got)
		}
		if again, err := NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q %v", s, got, again, err)
		}
	})
}

func FuzzPasswordPolicy(f *testing.F) {
	for _, s := range []string{"motdepasse123", "velo rouge sous la pluie", "\xff\xfe", strings.Repeat("é", 20)} {
		f.Add(s, "a@b.ca", "Ali")
	}
	f.Fuzz(func(t *testing.T, pw, email, pseudo string) {
		err := CheckPasswordPolicy(pw, email, pseudo)
		if err == nil {
			if utf8.RuneCountInString(pw) < MinPasswordLen || len(pw) > MaxPasswordLen {
				t.Fatalf("%q accepted", pw)
			}
			return
		}
		if e, ok := participe.AsError(err); !ok || e.Field != "password" || e.Key == "" {
			t.Fatalf("%q: bad error %v", pw, err)
		}
	})
}

func FuzzCheckPseudonym(f *testing.F) {
	for _, s := range []string{"Alice", "a@b", "  x  ", "Personne participante anonyme", "\x00abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := CheckPseudonym(s)
		if err == nil && (strings.Contains(p, "@") || utf8.RuneCountInString(p) < MinPseudonymLen || utf8.RuneCountInString(p) > MaxPseudonymLen) {
			t.Fatalf("%q accepted as %q", s, p)
		}
	})
}

package account

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"participe/internal/participe"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane) costs
// about 30 ms on the target machine, slow for guessing, cheap enough for sign-in.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	// MinPasswordLen is the shortest password accepted (characters).
	MinPasswordLen = 12
	// MaxPasswordLen bounds the work of hashing a hostile input.
	MaxPasswordLen = 256
)

// HashPassword returns an encoded argon2id hash ("$argon2id$v=19$m=…,t=…,p=…$salt$key").
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash. An empty or malformed hash
// never matches (accounts created through OIDC have no password).
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the email is unknown, so that a sign-in attempt
// takes the same time whether or not the account exists (no user enumeration).
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("participe-dummy-password-for-timing")
	return h
})

//go:embed data/common-passwords.txt
var commonPasswordsTxt []byte

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 22000)
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsTxt))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[w] = true
		}
	}
	return m
})

// commonWords are the roots of common passwords: a password that is one of these with
// digits and symbols around it is weak whatever its length.
var commonWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for w := range commonPasswords() {
		letters := lettersOnly(w)
		if len(letters) >= 4 {
			m[letters] = true
		}
	}
	return m
})

// leet maps common substitutions back to letters ("p@ssw0rd" is "password").
var leet = strings.NewReplacer("@", "a", "4", "a", "3", "e", "1", "i", "!", "i", "0", "o", "$", "s", "5", "s", "7", "t", "+", "t")

func lettersOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// CheckPasswordPolicy returns nil or an EINVALID field error on "password" whose key
// explains what to change. email and pseudonym are the person's own (the password must
// not contain them).
func CheckPasswordPolicy(pw, email, pseudonym string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return participe.FieldError("password", "account.password.too_short")
	case len(pw) > MaxPasswordLen:
		return participe.FieldError("password", "account.password.too_long")
	}
	lower := strings.ToLower(pw)
	if commonPasswords()[lower] {
		return participe.FieldError("password", "account.password.common")
	}
	unleet := leet.Replace(lower)
	if commonPasswords()[unleet] {
		return participe.FieldError("password", "account.password.common")
	}
	letters := lettersOnly(unleet)
	if letters != "" && commonWords()[letters] && len(letters) < MinPasswordLen {
		return participe.FieldError("password", "account.password.common")
	}
	if distinct(lower) < 5 {
		return participe.FieldError("password", "account.password.repetitive")
	}
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	if len(local) >= 4 && (strings.Contains(lower, local) || strings.Contains(unleet, local)) {
		return participe.FieldError("password", "account.password.personal")
	}
	ps := strings.ToLower(strings.TrimSpace(pseudonym))
	if utf8.RuneCountInString(ps) >= 4 && (strings.Contains(lower, ps) || strings.Contains(unleet, ps)) {
		return participe.FieldError("password", "account.password.personal")
	}
	if strings.Contains(lower, "participe") {
		return participe.FieldError("password", "account.password.personal")
	}
	return nil
}

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

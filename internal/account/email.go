package account

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"participe/internal/participe"
)

// MaxEmailLen is the longest address accepted (RFC 5321 path limit).
const MaxEmailLen = 254

// NormalizeEmail trims and lower-cases an address and checks that it is one plain
// address (no display name, no comments, a dotted domain). The error is a field error
// on "email".
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", participe.FieldError("email", "account.email.required")
	}
	if len(s) > MaxEmailLen || !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n<>()\",;:\\[]") {
		return "", participe.FieldError("email", "account.email.invalid")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", participe.FieldError("email", "account.email.invalid")
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Count(s, "@") != 1 || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || len(local) > 64 {
		return "", participe.FieldError("email", "account.email.invalid")
	}
	return s, nil
}

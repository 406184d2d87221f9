// Package participe holds the domain types shared by every package: error codes,
// the acting person, and small interfaces. It imports nothing of ours.
package participe

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to one HTTP status in one place.
const (
	ECONFLICT     = "conflict"     // the action conflicts with the current state (duplicate, closed…)
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
	EINVALID      = "invalid"      // the input is wrong
	ENOTFOUND     = "not_found"    // the thing does not exist (or is not visible to the actor)
	EFORBIDDEN    = "forbidden"    // the actor may not do this
	EUNAUTHORIZED = "unauthorized" // the actor must sign in first
	ETOOMANY      = "too_many"     // rate limited
	EUNAVAILABLE  = "unavailable"  // temporarily unable to serve (overload, database down)
)

// Error is a domain error: a code, and a message safe to show (already plain language,
// or an i18n key when Key is set).
type Error struct {
	Code    string
	Message string
	// Key, when set, is an i18n catalog key the web layer shows instead of Message.
	Key string
	// Field names the form field the error belongs to, when there is one.
	Field string
	Err   error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// KeyError makes a domain error whose user message is the i18n key.
func KeyError(code, key string) *Error {
	return &Error{Code: code, Key: key, Message: key}
}

// FieldError makes an EINVALID error attached to a form field, shown with the i18n key.
func FieldError(field, key string) *Error {
	return &Error{Code: EINVALID, Key: key, Message: key, Field: field}
}

// ErrorCode returns the code of the first domain error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// AsError returns the domain error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsCode reports whether err carries the given domain code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }

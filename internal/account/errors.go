package account

import (
	"errors"
	"strings"

	"participe/internal/participe"
)

// FieldErrors are several form errors at once (an EINVALID error whose parts each name
// a field and an i18n key), so that a form shows them all together.
type FieldErrors []*participe.Error

func (fe FieldErrors) Error() string {
	var parts []string
	for _, e := range fe {
		parts = append(parts, e.Field+": "+e.Key)
	}
	return "invalid: " + strings.Join(parts, ", ")
}

// Is lets errors.Is/participe.ErrorCode see an EINVALID error.
func (fe FieldErrors) As(target any) bool {
	if t, ok := target.(**participe.Error); ok && len(fe) > 0 {
		*t = &participe.Error{Code: participe.EINVALID, Message: fe.Error(), Key: fe[0].Key, Field: fe[0].Field}
		return true
	}
	return false
}

// Add appends err when it is a field error (or a list of them); nil adds nothing.
func (fe *FieldErrors) Add(err error) {
	if err == nil {
		return
	}
	var list FieldErrors
	if errors.As(err, &list) {
		*fe = append(*fe, list...)
		return
	}
	if e, ok := participe.AsError(err); ok {
		*fe = append(*fe, e)
	}
}

// Err is the list as an error, nil when it is empty.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// Fields returns the field errors carried by err: all of a FieldErrors, or the single
// domain error when it names a field.
func Fields(err error) []*participe.Error {
	var list FieldErrors
	if errors.As(err, &list) {
		return list
	}
	if e, ok := participe.AsError(err); ok && e.Field != "" {
		return []*participe.Error{e}
	}
	return nil
}

// errKey returns the i18n key of a domain error (or the generic "invalid" one).
func errKey(err error) string {
	if e, ok := participe.AsError(err); ok && e.Key != "" {
		return e.Key
	}
	return "form.error.invalid"
}

func fieldErr(field, key string) error { return participe.FieldError(field, key) }

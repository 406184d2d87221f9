package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxBody bounds a JSON request body.
const MaxBody = 64 << 10

// DecodeStrict decodes exactly one JSON object into v: unknown fields, trailing data,
// wrong types and oversized bodies are errors with a message safe to show.
func DecodeStrict(r io.Reader, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBody+1))
	if err != nil {
		return errors.New("the request body could not be read")
	}
	if len(raw) > MaxBody {
		return fmt.Errorf("the request body is larger than %d bytes", MaxBody)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("the request body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			if typ.Field != "" {
				return fmt.Errorf("field %q must be of type %s", typ.Field, typ.Type.String())
			}
			return fmt.Errorf("a JSON object is expected")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("malformed JSON: unexpected end of input")
		}
		return errors.New("malformed JSON")
	}
	if dec.More() {
		return errors.New("only one JSON object is expected")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return errors.New("only one JSON object is expected")
	}
	return nil
}

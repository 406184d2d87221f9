package api

import (
	"context"
	"strings"
	"testing"
)

// FuzzCursorDecode: no input crashes the decoder, and only cursors we signed for the
// same list and filters are accepted.
func FuzzCursorDecode(f *testing.F) {
	s := NewStaticSigner([]byte("0123456789abcdef0123456789abcdef"))
	ctx := context.Background()
	good, _ := s.Encode(ctx, Cursor{Resource: "bodies", Filters: "", AfterID: 42})
	f.Add(good)
	f.Add("")
	f.Add(".")
	f.Add("eyJ2IjoxfQ.AAAA")
	f.Add(strings.Repeat("A", 600))
	f.Add(good + "x")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := s.Decode(ctx, in, "bodies", "")
		if err != nil {
			return
		}
		if in != good {
			// Another encoding of the same payload and signature is fine only if it is
			// bit-for-bit what we issued for these values.
			again, _ := s.Encode(ctx, c)
			if again != in {
				t.Fatalf("accepted a cursor we did not issue: %q", in)
			}
		}
		if c.AfterID < 0 || c.Resource != "bodies" {
			t.Fatalf("bad cursor accepted: %+v", c)
		}
	})
}

func TestCursorRoundTripAndTamper(t *testing.T) {
	s := NewStaticSigner([]byte("0123456789abcdef0123456789abcdef"))
	ctx := context.Background()
	tok, err := s.Encode(ctx, Cursor{Resource: "initiatives", Filters: "body=sct&", AfterID: 7})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Decode(ctx, tok, "initiatives", "body=sct&")
	if err != nil || c.AfterID != 7 {
		t.Fatalf("round trip: %+v %v", c, err)
	}
	if _, err := s.Decode(ctx, tok, "initiatives", "body=mcn&"); err != ErrBadCursor {
		t.Errorf("other filters accepted: %v", err)
	}
	if _, err := s.Decode(ctx, tok, "themes", "body=sct&"); err != ErrBadCursor {
		t.Errorf("other resource accepted: %v", err)
	}
	for i := 0; i < len(tok); i++ {
		b := []byte(tok)
		b[i] ^= 0x01
		if _, err := s.Decode(ctx, string(b), "initiatives", "body=sct&"); err == nil && string(b) != tok {
			// Flipping the low bit of the last base64 character can leave the bytes
			// unchanged (unused padding bits): only accept that case.
			if c2, _ := s.Decode(ctx, string(b), "initiatives", "body=sct&"); c2 != c {
				t.Fatalf("tampered cursor accepted at byte %d", i)
			}
		}
	}
	other := NewStaticSigner([]byte("another key, another server....."))
	if _, err := other.Decode(ctx, tok, "initiatives", "body=sct&"); err != ErrBadCursor {
		t.Errorf("cursor signed with another key accepted")
	}
}

// FuzzDecodeUpdate: the JSON body parser of the write API never panics, and whatever it
// accepts is a single object with only known fields.
func FuzzDecodeUpdate(f *testing.F) {
	for _, s := range []string{`{"status":"done","progress":100,"text_fr":"Fait"}`, `{}`, `[]`, `{"progress":1e400}`, `{"x":1}`,
		`{"text_fr":"a"}{"text_fr":"b"}`, `{"progress":-1}`, "\xff", `{"text_fr":"\u0000"}`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var u UpdateInput
		err := DecodeStrict(strings.NewReader(in), &u)
		if err == nil && !strings.Contains(in, "{") {
			if strings.TrimSpace(in) != "null" {
				t.Fatalf("accepted a non-object: %q", in)
			}
		}
		var a AnswerInput
		_ = DecodeStrict(strings.NewReader(in), &a)
	})
}

func TestDecodeStrict(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{`{"status":"done","progress":100,"text_fr":"Fait"}`, true},
		{`{"status":"done","unknown":1}`, false},
		{`{"progress":"cent"}`, false},
		{`{"progress":1}{"progress":2}`, false},
		{`{"progress":1} x`, false},
		{``, false},
		{`   `, false},
		{`{"progress":`, false},
		{strings.Repeat(" ", MaxBody+10) + "{}", false},
	}
	for _, c := range cases {
		var u UpdateInput
		err := DecodeStrict(strings.NewReader(c.in), &u)
		if (err == nil) != c.ok {
			t.Errorf("%.40q: err = %v", c.in, err)
		}
		if err != nil && (strings.Contains(err.Error(), "json:") || strings.Contains(err.Error(), "api.")) {
			t.Errorf("%.40q: error leaks internals: %v", c.in, err)
		}
	}
}

func TestValidateSchema(t *testing.T) {
	doc := Document()
	s := map[string]any{"$ref": "#/components/schemas/FollowUp"}
	bad := []any{
		map[string]any{"id": 1.0},
		"string",
		nil,
	}
	for _, v := range bad {
		if Validate(doc, s, v) == nil {
			t.Errorf("accepted %v", v)
		}
	}
	if err := Validate(doc, map[string]any{"$ref": "#/components/schemas/Text"}, map[string]any{"fr": "a", "en": "b", "de": "c"}); err == nil {
		t.Error("unknown property accepted")
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// trickyStrings are the strings every hand-written encoder must escape exactly like
// encoding/json.
var trickyStrings = []string{
	"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bback\ffeed", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "é à ç « » — œ", "line\u2028sep\u2029para", "bad \xff utf-8 \xc3", "emoji 😀",
	"\xed\xa0\x80 surrogate half", strings.Repeat("long ", 300),
}

func randomString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return trickyStrings[r.IntN(len(trickyStrings))]
	}
	n := r.IntN(40)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return string(b)
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
	for _, s := range trickyStrings {
		check(s)
	}
	for range 20000 {
		check(randomString(r))
	}
	for c := range 0x10000 {
		check("a" + string(rune(c)) + "b")
	}
}

func strPtr(s string) *string { return &s }

// TestAppendJSONMatchesEncodingJSON encodes filled and empty values of every list shape
// both ways and requires the same bytes, so the OpenAPI document (checked against
// encoding/json's output of these types) stays true of the fast path.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	txt := func() Text { return Text{FR: randomString(r), EN: randomString(r)} }
	parent := int64(7)
	for i := range 300 {
		empty := i%5 == 0
		var next *string
		if !empty {
			next = strPtr(randomString(r))
		}
		it := Initiative{ID: r.Int64(), Slug: randomString(r), Title: txt(), Summary: txt(), Body: BodyRef{Slug: randomString(r), Name: txt()},
			Kind: randomString(r), Status: "open", StartsAt: randomString(r), EndsAt: randomString(r), Themes: []string{randomString(r), "x"},
			Participants: -r.Int64N(5), ResultsPublishedAt: next, URL: randomString(r)}
		if empty {
			it.Themes = []string{}
		}
		c := Contribution{ID: 1, Initiative: randomString(r), Tool: "proposals", Kind: "proposal", Channel: "web", AuthorKind: "participant",
			Status: "published", CreatedAt: randomString(r), Title: randomString(r), Text: randomString(r), Side: randomString(r),
			VotesFor: r.Int64N(1000), VotesAgainst: 3, AnswerState: randomString(r)}
		if !empty {
			c.ParentID = &parent
		}
		fu := FollowUp{ID: 9, Initiative: randomString(r), Title: txt(), Description: txt(), ResponsibleBody: BodyRef{Slug: "b", Name: txt()},
			Status: "done", Progress: 40, DueDate: next, DoneDate: nil, DroppedReason: txt(), Late: i%2 == 0, Proposals: []int64{1, 2},
			Updates: []Update{{ID: 1, At: randomString(r), Status: "done", Progress: 100, Text: txt()}}, URL: "/suites/9"}
		if empty {
			fu.Proposals, fu.Updates = []int64{}, []Update{}
		}
		check(t, []Initiative{it}, next)
		check(t, []Body{{ID: 3, Slug: randomString(r), Acronym: randomString(r), Name: txt(), Kind: "ministere", Website: randomString(r), URL: "/organismes/x"}}, next)
		check(t, []Theme{{ID: 4, Slug: randomString(r), Name: txt()}}, next)
		check(t, []Contribution{c, c}, next)
		check(t, []Answer{{ContributionID: 5, Initiative: randomString(r), State: "retenue", Text: randomString(r), PublishedAt: randomString(r)}}, next)
		check(t, []FollowUp{fu}, next)
		check(t, []Results{{Initiative: randomString(r), Title: txt(), Body: BodyRef{Slug: "b", Name: txt()}, Summary: txt(), PublishedAt: "2026-01-01T00:00:00Z", URL: "/r"}}, next)
		check(t, []Initiative{}, nil)
	}
}

func check[T any, P interface {
	*T
	appender
}](t *testing.T, data []T, next *string) {
	t.Helper()
	want, err := json.Marshal(List[T]{Data: data, NextCursor: next})
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendList[T, P](nil, data, next); !bytes.Equal(got, want) {
		t.Fatalf("hand-encoded JSON differs:\n got %s\nwant %s", got, want)
	}
}

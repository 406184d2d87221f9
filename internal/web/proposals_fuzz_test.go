package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"participe/internal/tools/proposals"
)

// unsafeTag finds a script, image, event handler or javascript: link inside a real tag
// (text cannot contain "<": it is escaped).
var unsafeTag = regexp.MustCompile(`<script|<img|<iframe|<[a-z][^>]*\son[a-z]+=|<a[^>]*href="\s*javascript`)

// The proposal form parser never panics and never yields a negative organisation or a
// silently dropped theme; normalised titles are valid one-line UTF-8.
func FuzzProposalForm(f *testing.F) {
	for _, s := range []string{"title=Bonjour&body=**x**&theme=3", "theme=abc&organisation=-4", "title=%00%ff&theme=99999999999999999999", "body=<script>alert(1)</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		in := proposalInputFrom(q, proposals.ProposalInput{})
		if in.OrganisationID < 0 || (q.Get("theme") != "" && in.ThemeID == 0) {
			t.Fatalf("parsed %+v from %q", in, raw)
		}
		title := proposals.NormalizeLine(in.Title)
		if !utf8.ValidString(title) {
			t.Fatalf("title %q", title)
		}
		out := strings.ToLower(string(RenderMarkdown(proposals.NormalizeText(in.Body))))
		if unsafeTag.MatchString(out) {
			t.Fatalf("markdown not inert: %q", out)
		}
	})
}

package proposals

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseListQuery(f *testing.F) {
	for _, s := range []string{"tri=hasard&theme=3&reponse=sans-reponse&page=2", "tri=%00&page=-1", "theme=9999999999999999999999", "reponse=<script>", "page=1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		lq := ParseListQuery(q)
		ok := false
		for _, s := range Sorts {
			ok = ok || s == lq.Sort
		}
		if !ok || lq.Page < 1 || lq.Page > 100000 || lq.ThemeID < 0 || !isKey(lq.Answer) || len(lq.Answer) > 40 {
			t.Fatalf("unclean query %+v from %q", lq, raw)
		}
		// Round trip: the links the page builds parse back to the same list.
		again := ParseListQuery(lq.Values())
		again.Page = lq.Page
		if again != lq {
			t.Fatalf("round trip %+v != %+v", again, lq)
		}
	})
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"Bonjour\r\nle monde", "\x00\x1b[31mrouge", "**gras** <script>alert(1)</script>", "\xff\xfe", "  é  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := normalizeText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		for _, r := range out {
			if r < 0x20 && r != '\n' && r != '\t' {
				t.Fatalf("control character %U kept from %q", r, s)
			}
		}
		if normalizeText(out) != out {
			t.Fatalf("not idempotent on %q", s)
		}
		line := NormalizeLine(s)
		if strings.ContainsAny(line, "\n\t") || strings.Contains(line, "  ") {
			t.Fatalf("line %q from %q", line, s)
		}
	})
}

func FuzzSettingsLines(f *testing.F) {
	for _, s := range []string{"sante | Santé | Health\néducation", "|||\n\n |", "clé | Libellé", "\x00|é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parts := range ParseLines(s) {
			for _, p := range parts {
				if strings.Contains(p, "|") || strings.Contains(p, "\n") {
					t.Fatalf("part %q", p)
				}
			}
			key := Slugify(parts[0])
			for _, r := range key {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
					t.Fatalf("slug %q", key)
				}
			}
		}
	})
}

func FuzzCheckAttachment(f *testing.F) {
	f.Add("a.png", []byte("\x89PNG\r\n\x1a\n0000"))
	f.Add("a.pdf", []byte("%PDF-1.7\n"))
	f.Add("a.png", []byte("<html><script>alert(1)</script>"))
	f.Add("../../etc/passwd.jpg", []byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		sf, err := checkAttachment(name, data)
		if err != nil {
			return
		}
		if _, ok := allowed[sf.mime]; !ok || strings.ContainsAny(sf.file, "/\\") || strings.Contains(sf.name, "/") {
			t.Fatalf("accepted %+v", sf)
		}
	})
}

package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis marks a cut end of a snippet (its own, non-Match segment).
const Ellipsis = "…"

// DefaultSnippetRunes is the snippet width used when Highlight gets width <= 0.
const DefaultSnippetRunes = 200

// Segment is a piece of a snippet; the template renders Match segments in
// <mark> (after HTML escaping, like any text).
type Segment struct {
	Text  string
	Match bool
}

// matcher decides whether a folded word of the text matches the query.
type matcher struct {
	exact  map[string]bool
	prefix []string
}

func newMatcher(q Query) matcher {
	m := matcher{exact: map[string]bool{}}
	for _, t := range q.Terms {
		if t.Exclude {
			continue
		}
		m.exact[t.Stem] = true
		if t.Prefix() {
			m.prefix = append(m.prefix, t.Stem)
		}
	}
	return m
}

func (m matcher) match(folded string) bool {
	if !keep(folded) {
		return false
	}
	st := Stem(folded)
	if m.exact[st] {
		return true
	}
	for _, p := range m.prefix {
		if strings.HasPrefix(st, p) {
			return true
		}
	}
	return false
}

type span struct{ start, end int }

// Highlight returns a snippet of about width runes of text around the first
// word that matches q, cut on word boundaries, with an Ellipsis segment at
// each cut end. Every word of the original text (accents kept) whose folded
// stem matches a positive query term is a Match segment; matching mirrors
// FTS5 (a lone term of 3+ runes also matches longer stems). Without a match
// the snippet is the start of the text. Invalid UTF-8 is replaced by U+FFFD,
// so segments are always valid UTF-8.
func Highlight(text string, q Query, width int) []Segment {
	if width <= 0 {
		width = DefaultSnippetRunes
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	m := newMatcher(q)

	// The first match decides where the window is.
	first := -1
	if len(m.exact) > 0 {
		scanWords(text, func(start, end int, w string) bool {
			if m.match(w) {
				first = start
				return false
			}
			return true
		})
	}
	from := 0
	if first > 0 {
		// Start about a quarter of the width before the match, then move
		// forward to the start of a word so no word is cut.
		from = backRunes(text, first, width/4)
		// Near the end of the text, use the whole width before the match.
		if forwardRunes(text, from, width) == len(text) {
			from = backRunes(text, len(text), width)
		}
		if from > 0 {
			from = nextWordStart(text, from, first)
		}
	}
	to := forwardRunes(text, from, width)
	if to < len(text) {
		to = lastWordEnd(text, from, to)
	}
	// At a cut start, begin with a word (not "-Québec" or ", et");
	// at a cut end, do not finish on a space or a dangling elision ("de l'").
	if from > 0 {
		for from < to {
			r, size := utf8.DecodeRuneInString(text[from:])
			if isWordRune(r) {
				break
			}
			from += size
		}
	}
	if to < len(text) {
		to = trimCutEnd(text, from, to)
	}
	for to > from {
		r, size := utf8.DecodeLastRuneInString(text[:to])
		if !unicode.IsSpace(r) {
			break
		}
		to -= size
	}

	// Matched word spans inside the window.
	var marks []span
	if len(m.exact) > 0 {
		scanWords(text[from:to], func(start, end int, w string) bool {
			if n := len(marks); n > 0 && marks[n-1].start == from+start {
				return true // another piece of a run already marked
			}
			if m.match(w) {
				marks = append(marks, span{from + start, from + end})
			}
			return true
		})
	}

	var segs []Segment
	if strings.TrimSpace(text[:from]) != "" {
		segs = append(segs, Segment{Text: Ellipsis})
	}
	pos := from
	for _, s := range marks {
		if s.start > pos {
			segs = append(segs, Segment{Text: text[pos:s.start]})
		}
		segs = append(segs, Segment{Text: text[s.start:s.end], Match: true})
		pos = s.end
	}
	if pos < to {
		segs = append(segs, Segment{Text: text[pos:to]})
	}
	if to < len(text) && strings.TrimSpace(text[to:]) != "" {
		segs = append(segs, Segment{Text: Ellipsis})
	}
	return segs
}

// backRunes returns the byte offset n runes before i (or 0).
func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// forwardRunes returns the byte offset n runes after i (or len(s)).
func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// nextWordStart returns the first offset in [i, limit] that does not cut a
// word: i itself when it is at a word start, else just after the current
// word (which is cut off).
func nextWordStart(s string, i, limit int) int {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	if !isWordRune(prev) {
		return i
	}
	for i < limit {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			return i
		}
		i += size
	}
	return limit
}

// lastWordEnd moves a cut at i back so it does not split a word; if the
// whole window is one word it cuts the word rather than return nothing.
func lastWordEnd(s string, from, i int) int {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if !isWordRune(r) {
		return i
	}
	j := i
	for j > from {
		p, size := utf8.DecodeLastRuneInString(s[:j])
		if !isWordRune(p) {
			return j
		}
		j -= size
	}
	return i
}

// trimCutEnd drops spaces, dashes and an elided article ("l'", "d'") at the
// end of text[from:to].
func trimCutEnd(s string, from, to int) int {
	for to > from {
		r, size := utf8.DecodeLastRuneInString(s[:to])
		switch {
		case unicode.IsSpace(r) || isDash(r):
			to -= size
		case isApostrophe(r):
			j := to - size
			k := j
			for k > from {
				p, ps := utf8.DecodeLastRuneInString(s[:k])
				if !isWordRune(p) {
					break
				}
				k -= ps
			}
			if !elisions[Fold(s[k:j])] {
				return to
			}
			to = k
		default:
			return to
		}
	}
	return to
}

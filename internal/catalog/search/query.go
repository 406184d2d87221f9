package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits applied by Parse. A search box is not a document: anything beyond
// these is ignored (and Query.Truncated is set).
const (
	MaxQueryRunes = 200 // runes of input considered
	MaxQueryTerms = 10  // terms kept (positive and excluded, phrase words included)
	// maxPhraseWords caps the words (stop words included) of one phrase
	// sent to PostgreSQL.
	maxPhraseWords = 16
	// minPrefixRunes: a stem of at least this many runes also matches as a
	// prefix ("consult" finds "consultatif"); shorter stems would match a
	// large part of the vocabulary and cost ranking time.
	minPrefixRunes = 3
)

// Term is one searched word.
type Term struct {
	Stem    string // Snowball French stem of Word
	Word    string // the folded word as typed ("electricite")
	Phrase  int    // 0: a lone term; n > 0: part of phrase n (consecutive terms share it)
	Exclude bool   // typed with a leading "-": results must not contain it
}

// Prefix reports whether the term also matches longer stems (lone, positive
// terms with a stem of at least 3 runes).
func (t Term) Prefix() bool {
	return t.Phrase == 0 && !t.Exclude && utf8.RuneCountInString(t.Stem) >= minPrefixRunes
}

// Query is a parsed search box. The zero value is an empty query.
type Query struct {
	Raw       string // the input, capped to MaxQueryRunes and made valid UTF-8: safe to redisplay (escaped by the template)
	Terms     []Term
	Truncated bool // input or terms were cut by the limits

	// phrases[n-1] holds every folded ASCII word of phrase n, stop words
	// and elided articles included, so PostgreSQL (which keeps positions
	// for stop words) sees the same distances as in the text.
	phrases [][]string
}

// Empty reports whether the query has no positive term: nothing to search
// (a query made only of exclusions or stop words is empty).
func (q Query) Empty() bool {
	for _, t := range q.Terms {
		if !t.Exclude {
			return false
		}
	}
	return true
}

// isQuote reports the characters that open or close a phrase.
func isQuote(r rune) bool {
	switch r {
	case '"', '«', '»', '“', '”', '„', '＂':
		return true
	}
	return false
}

// isDash reports the characters accepted for an exclusion ("-word") and as
// a word joiner ("Saint-Jean").
func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '−', '–':
		return true
	}
	return false
}

// capInput keeps the first MaxQueryRunes runes of s (invalid bytes count as
// one rune each and become spaces).
func capInput(s string) (string, bool) {
	n, i := 0, 0
	for i < len(s) && n < MaxQueryRunes {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	cut := i < len(s)
	s = s[:i]
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	return s, cut
}

// Parse reads anything a person may type in a search box and never fails.
// Words are folded, elisions and stop words dropped, then stemmed. Supported
// syntax: "quoted phrases" (also « » and “ ”), -word and -"a phrase" to
// exclude; words joined by a hyphen or an apostrophe (Saint-Jean,
// aujourd'hui) form a phrase. Everything else (*, :, parentheses, NEAR, SQL,
// emoji…) is a separator.
func Parse(raw string) Query {
	s, cut := capInput(raw)
	p := parser{q: Query{Raw: s, Truncated: cut}}
	i := 0
	negNext := false // a lone "-" right before a quote
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			negNext = false
			i += size
		case isQuote(r):
			// The phrase runs to the next quote character, or to the end.
			j := i + size
			end := len(s)
			for k, c := range s[j:] {
				if isQuote(c) {
					end = j + k
					break
				}
			}
			p.addPhrase(s[j:end], negNext)
			negNext = false
			if end < len(s) {
				_, qs := utf8.DecodeRuneInString(s[end:])
				end += qs
			}
			i = end
		default:
			// A chunk runs to the next space or quote.
			j := i
			for j < len(s) {
				c, cs := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(c) || isQuote(c) {
					break
				}
				j += cs
			}
			chunk := s[i:j]
			exclude := false
			if isDash(r) {
				exclude = true
				chunk = chunk[size:]
				if chunk == "" && j < len(s) {
					// "-" glued to a quote: -"a phrase".
					c, _ := utf8.DecodeRuneInString(s[j:])
					negNext = isQuote(c)
				}
			}
			p.addChunk(chunk, exclude)
			i = j
		}
	}
	return p.q
}

type parser struct {
	q Query
}

// addChunk splits a space-free chunk at separators other than hyphens and
// apostrophes; each piece with several words is a phrase (Saint-Jean).
func (p *parser) addChunk(chunk string, exclude bool) {
	start := -1
	flush := func(end int) {
		if start >= 0 {
			p.addPhrase(chunk[start:end], exclude)
			start = -1
		}
	}
	for k, r := range chunk {
		if isWordRune(r) || isDash(r) || isApostrophe(r) {
			if start < 0 {
				start = k
			}
			continue
		}
		flush(k)
	}
	flush(len(chunk))
}

// addPhrase adds the words of text: one kept word is a lone term, several
// are a phrase. A phrase that does not fit in MaxQueryTerms is dropped.
func (p *parser) addPhrase(text string, exclude bool) {
	var words []string
	scanWords(text, func(_, _ int, w string) bool {
		if keep(w) {
			words = append(words, w)
		}
		return len(words) <= MaxQueryTerms
	})
	switch {
	case len(words) == 0:
		return
	case len(words) == 1:
		p.addTerm(Term{Stem: Stem(words[0]), Word: words[0], Exclude: exclude})
		return
	}
	if len(p.q.Terms)+len(words) > MaxQueryTerms {
		p.q.Truncated = true
		return
	}
	n := len(p.q.phrases) + 1
	for _, w := range words {
		p.q.Terms = append(p.q.Terms, Term{Stem: Stem(w), Word: w, Phrase: n, Exclude: exclude})
	}
	p.q.phrases = append(p.q.phrases, tsWords(text))
}

func (p *parser) addTerm(t Term) {
	for _, o := range p.q.Terms {
		if o.Phrase == 0 && o.Stem == t.Stem && o.Exclude == t.Exclude {
			return
		}
	}
	if len(p.q.Terms) >= MaxQueryTerms {
		p.q.Truncated = true
		return
	}
	p.q.Terms = append(p.q.Terms, t)
}

// tsWords returns the folded [a-z0-9]+ runs of text, capped: the operands
// of a PostgreSQL phrase.
func tsWords(text string) []string {
	f := Fold(text)
	var out []string
	start := -1
	for k := 0; k <= len(f); k++ {
		if k < len(f) && isTSByte(f[k]) {
			if start < 0 {
				start = k
			}
			continue
		}
		if start >= 0 {
			out = append(out, f[start:k])
			start = -1
			if len(out) == maxPhraseWords {
				break
			}
		}
	}
	return out
}

func isTSByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isTSWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isTSByte(w[i]) {
			return false
		}
	}
	return true
}

// groups returns the terms grouped as searched: a lone term, or all the
// terms of one phrase.
func (q Query) groups() [][]Term {
	var out [][]Term
	for i := 0; i < len(q.Terms); {
		j := i + 1
		if q.Terms[i].Phrase != 0 {
			for j < len(q.Terms) && q.Terms[j].Phrase == q.Terms[i].Phrase {
				j++
			}
		}
		out = append(out, q.Terms[i:j])
		i = j
	}
	return out
}

// FTS5 returns a MATCH expression for the SQLite FTS5 table whose text was
// built by IndexText. It is made only of double-quoted stems, "*", spaces
// and NOT, so no input can produce an FTS5 syntax error:
//
//	Parse(`consultations électricité -"hydro québec"`).FTS5()
//	  == `"consult"* "electricit"* NOT "hydro quebec"`
//
// It returns "" when the query is Empty: do not run MATCH then.
func (q Query) FTS5() string {
	if q.Empty() {
		return ""
	}
	var pos, neg []string
	for _, g := range q.groups() {
		stems := make([]string, len(g))
		for i, t := range g {
			stems[i] = t.Stem
		}
		e := `"` + strings.ReplaceAll(strings.Join(stems, " "), `"`, `""`) + `"`
		if len(g) == 1 && g[0].Prefix() {
			e += "*"
		}
		if g[0].Exclude {
			neg = append(neg, "NOT "+e)
		} else {
			pos = append(pos, e)
		}
	}
	return strings.Join(append(pos, neg...), " ")
}

// PlainWords returns the folded words of the positive terms joined by
// spaces, for PostgreSQL plainto_tsquery('participe_fr', $1). It never
// causes a syntax error but loses prefixes, phrases and exclusions.
func (q Query) PlainWords() string {
	var ws []string
	for _, t := range q.Terms {
		if !t.Exclude {
			ws = append(ws, t.Word)
		}
	}
	return strings.Join(ws, " ")
}

// TSQuery returns a to_tsquery string for PostgreSQL, to be used as
// to_tsquery('participe_fr', $1) where participe_fr is the french
// configuration with unaccent before french_stem. It is the recommended
// form: it keeps prefixes (word:*), phrases (a <-> b) and exclusions (!a),
// like FTS5, so both engines return the same hits; PostgreSQL stems the
// folded words itself, the same way Terms does. Operands are only
// [a-z0-9]+, so it can never be a syntax error:
//
//	Parse(`consultations -"hydro québec"`).TSQuery()
//	  == `consultations:* & !(hydro <-> quebec)`
//
// (folded words, not stems: PostgreSQL stems "consultations:*" into
// 'consult':*). Phrases keep their stop words and elided articles so that
// PostgreSQL, which counts their positions, computes the right distances
// ("avenir de la santé" becomes 'aven' <3> 'sant').
//
// Words that are not plain Latin after folding (Greek, CJK…) are left out;
// it returns "" when nothing positive remains: then fall back to
// PlainWords with plainto_tsquery, or show no results.
func (q Query) TSQuery() string {
	var pos, neg []string
	for _, g := range q.groups() {
		var e string
		if g[0].Phrase != 0 {
			ws := q.phrases[g[0].Phrase-1]
			if len(ws) == 0 {
				continue
			}
			e = strings.Join(ws, " <-> ")
			if len(ws) > 1 {
				e = "(" + e + ")"
			}
		} else {
			if !isTSWord(g[0].Word) {
				continue
			}
			e = g[0].Word
			if g[0].Prefix() {
				e += ":*"
			}
		}
		if g[0].Exclude {
			neg = append(neg, "!"+e)
		} else {
			pos = append(pos, e)
		}
	}
	if len(pos) == 0 {
		return ""
	}
	return strings.Join(append(pos, neg...), " & ")
}

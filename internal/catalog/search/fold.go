// Package search turns French (and English) text into the terms stored in
// the catalog's full-text indexes, and turns whatever a person types in the
// search box into safe query expressions for SQLite FTS5 and PostgreSQL.
//
// The one rule that matters (see PERFORMANCE-NOTES.md, "French full-text
// search"): accents and case are removed BEFORE stemming, both when indexing
// and when querying. Stemming "électricité" gives "électr" but stemming
// "electricite" gives "electricit"; folding first makes both "electr", so a
// query typed without accents finds the accented text.
//
// The package is pure Go: no database access, no web imports.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and removes diacritics: compatibility decomposition
// (NFKD, so "ﬁ" becomes "fi" and "Ｅ" becomes "e"), nonspacing marks
// dropped, then œ→oe, æ→ae, ß→ss, a few letters without a decomposition
// (ø, đ, ł, ı) mapped to their base letter, and typographic apostrophes
// (’ ‘ ʼ ´ ′) turned into '. It mirrors what PostgreSQL's unaccent + lower
// do, so the same folded word is stemmed identically by both engines.
//
// Invalid UTF-8 bytes become U+FFFD; the result is always valid UTF-8.
func Fold(s string) string {
	if isPlainASCII(s) {
		return strings.ToLower(s)
	}
	if f, ok := foldLatin(s); ok {
		return f
	}
	return foldSlow(s)
}

// latinFold holds Fold of each rune below latinMax, computed by foldSlow at
// start-up: the fast path for French text gives the same result without
// the normalization buffers.
const latinMax = 0x250

var latinFold [latinMax]string

func init() {
	for r := rune(0); r < latinMax; r++ {
		latinFold[r] = foldSlow(string(r))
	}
}

// foldLatin folds s rune by rune when every rune is below latinMax or an
// apostrophe. Precomposed Latin letters decompose to a base letter plus
// marks that Fold drops, so no reordering across runes can happen and the
// result equals foldSlow(s); ok is false for any other rune.
func foldLatin(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < latinMax && r != utf8.RuneError:
			b.WriteString(latinFold[r])
		case isApostrophe(r):
			b.WriteByte('\'')
		default:
			return "", false
		}
	}
	return b.String(), true
}

// foldSlow is Fold through Unicode normalization.
func foldSlow(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Apostrophes first: NFKD would turn ´ into a space and an accent.
	s = strings.Map(func(r rune) rune {
		if isApostrophe(r) {
			return '\''
		}
		return r
	}, s)
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'œ':
			b.WriteString("oe")
		case 'æ':
			b.WriteString("ae")
		case 'ß':
			b.WriteString("ss")
		case 'ø':
			b.WriteByte('o')
		case 'đ', 'ð':
			b.WriteByte('d')
		case 'ł':
			b.WriteByte('l')
		case 'ı':
			b.WriteByte('i')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlainASCII reports whether s is pure ASCII, for which Fold is just
// strings.ToLower (NFKD leaves ASCII unchanged).
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isApostrophe reports the characters people (and word processors) use as
// an apostrophe in French elisions: l'école, l’école, lʼécole, l´école.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '´', '′', '＇':
		return true
	}
	return false
}

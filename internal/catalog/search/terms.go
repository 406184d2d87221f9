package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/french"
)

// MaxWordRunes is the longest word kept by Terms. French words stay well
// under it ("anticonstitutionnellement" has 25 letters); longer runs are
// URLs, identifiers or noise that would only bloat the index.
const MaxWordRunes = 40

// isWordRune reports the runes that make up a word: letters, digits and the
// combining marks that may follow a letter in decomposed input.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// elisions are the folded forms that are dropped when followed by an
// apostrophe and a word: l'électricité, qu'il, jusqu'à, aujourd'hui is not
// one (it is split in "aujourd" and "hui", the same way at index and query
// time).
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true,
	"t": true, "c": true, "qu": true, "jusqu": true, "lorsqu": true,
	"puisqu": true, "quoiqu": true,
}

// stopWords are dropped from the index and from queries: they are in most
// French texts, so they cost ranking time and select nothing (folded forms).
// A few very common English words are included for the English content.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		a au aux avec ce ces cet cette c ca d dans de des du elle elles en et
		eux il ils je j l la le les leur leurs lui m ma mais me meme mes moi
		mon n ne ni nos notre nous on ou par pas pour qu que qui s sa se ses
		son sont est sur t ta te tes toi ton tu un une vos votre vous y
		ont donc car or etait sera ete etre avoir
		the of and to in for on an is are or by with from at as be this that it`) {
		stopWords[w] = true
	}
}

// IsStopWord reports whether the folded word w is dropped by Terms.
func IsStopWord(w string) bool { return stopWords[w] }

// scanWords calls fn for each folded word of s with the byte span [start,end)
// of the original run it comes from. Elided articles (l', d', qu'…) are
// skipped; stop words are NOT (callers decide). A run such as "½" whose
// folded form contains separators yields several words with the same span.
// fn returns false to stop the scan.
func scanWords(s string, fn func(start, end int, word string) bool) {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
			i += size
			continue
		}
		start := i
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
				break
			}
			i += size
		}
		end := i
		folded := Fold(s[start:end])
		// Elision: run + apostrophe + word rune, and the run is an article.
		if i < len(s) && elisions[folded] {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isApostrophe(r) && i+size < len(s) {
				next, _ := utf8.DecodeRuneInString(s[i+size:])
				if isWordRune(next) {
					continue
				}
			}
		}
		if !splitFolded(folded, func(w string) bool { return fn(start, end, w) }) {
			return
		}
	}
}

// splitFolded calls fn for each maximal run of word runes of a folded
// string (marks are already gone, but Mc/Me marks may remain).
func splitFolded(f string, fn func(string) bool) bool {
	j := -1
	for k, r := range f {
		if isWordRune(r) && r != utf8.RuneError {
			if j < 0 {
				j = k
			}
			continue
		}
		if j >= 0 {
			if !fn(f[j:k]) {
				return false
			}
			j = -1
		}
	}
	if j >= 0 {
		return fn(f[j:])
	}
	return true
}

// keep reports whether a folded word is indexed: not a stop word, not a lone
// letter (digits are kept: "région 3"), not absurdly long.
func keep(w string) bool {
	if stopWords[w] {
		return false
	}
	n := utf8.RuneCountInString(w)
	if n > MaxWordRunes {
		return false
	}
	if n == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsNumber(r)
	}
	return true
}

// stemCacheMax bounds the stem cache: the catalog's vocabulary is a few
// tens of thousands of words; beyond the bound, words are stemmed each time.
const stemCacheMax = 50000

// stemCache memoizes Stem: the Snowball implementation allocates a lot and
// was 75% of the time of Terms and Highlight.
var stemCache struct {
	sync.RWMutex
	m map[string]string
}

// Stem returns the Snowball French stem of an already folded word.
func Stem(folded string) string {
	stemCache.RLock()
	st, ok := stemCache.m[folded]
	stemCache.RUnlock()
	if ok {
		return st
	}
	// Stop-word handling is ours (keep); ask the stemmer to stem everything
	// so that its accented stop-word list does not treat "ete" and "été"
	// differently.
	st = french.Stem(folded, true)
	stemCache.Lock()
	if stemCache.m == nil {
		stemCache.m = make(map[string]string)
	}
	if len(stemCache.m) < stemCacheMax {
		// Clone: folded may be a substring of a large text.
		stemCache.m[strings.Clone(folded)] = st
	}
	stemCache.Unlock()
	return st
}

// Terms splits s into words, folds them, drops elisions and stop words and
// returns the French stems, in text order (duplicates kept: positions
// matter for phrase queries).
//
//	Terms("Les consultations sur l'électricité") == []string{"consult", "electr"}
func Terms(s string) []string {
	var out []string
	scanWords(s, func(_, _ int, w string) bool {
		if keep(w) {
			out = append(out, Stem(w))
		}
		return true
	})
	return out
}

// IndexText returns the stems of every part joined by single spaces: the
// text stored in the SQLite FTS5 table (tokenizer unicode61), so that a
// MATCH built by Query.FTS5 compares stems with stems.
func IndexText(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		scanWords(p, func(_, _ int, w string) bool {
			if keep(w) {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(Stem(w))
			}
			return true
		})
	}
	return b.String()
}

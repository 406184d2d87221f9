package search

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		terms     []Term
		fts, ts   string
		plain     string
		empty     bool
		truncated bool
	}{
		{name: "empty", in: "", empty: true},
		{name: "spaces", in: "   \t\n", empty: true},
		{name: "stop words only", in: "le de la", empty: true},
		{
			name:  "accents and plural",
			in:    "Consultations électricité",
			terms: []Term{{Stem: "consult", Word: "consultations"}, {Stem: "electricit", Word: "electricite"}},
			fts:   `"consult"* "electricit"*`,
			ts:    `consultations:* & electricite:*`,
			plain: "consultations electricite",
		},
		{
			name:  "elision",
			in:    "l'électricité",
			terms: []Term{{Stem: "electricit", Word: "electricite"}},
			fts:   `"electricit"*`,
			ts:    `electricite:*`,
			plain: "electricite",
		},
		{
			name: "phrase and exclusion",
			in:   `"avenir de la santé" -publique`,
			terms: []Term{
				{Stem: "aven", Word: "avenir", Phrase: 1},
				{Stem: "sant", Word: "sante", Phrase: 1},
				{Stem: "publiqu", Word: "publique", Exclude: true},
			},
			fts:   `"aven sant" NOT "publiqu"`,
			ts:    `(avenir <-> de <-> la <-> sante) & !publique`,
			plain: "avenir sante",
		},
		{
			name: "excluded phrase and French quotes",
			in:   `«ministère de la Santé» -"hydro québec"`,
			terms: []Term{
				{Stem: "minister", Word: "ministere", Phrase: 1},
				{Stem: "sant", Word: "sante", Phrase: 1},
				{Stem: "hydro", Word: "hydro", Phrase: 2, Exclude: true},
				{Stem: "quebec", Word: "quebec", Phrase: 2, Exclude: true},
			},
			fts:   `"minister sant" NOT "hydro quebec"`,
			ts:    `(ministere <-> de <-> la <-> sante) & !(hydro <-> quebec)`,
			plain: "ministere sante",
		},
		{
			name:  "hyphenated words are a phrase",
			in:    "Saint-Jean",
			terms: []Term{{Stem: "saint", Word: "saint", Phrase: 1}, {Stem: "jean", Word: "jean", Phrase: 1}},
			fts:   `"saint jean"`,
			ts:    `(saint <-> jean)`,
			plain: "saint jean",
		},
		{
			name:  "unclosed quote runs to the end",
			in:    `"énergie éolienne`,
			terms: []Term{{Stem: "energ", Word: "energie", Phrase: 1}, {Stem: "eolien", Word: "eolienne", Phrase: 1}},
			fts:   `"energ eolien"`,
			ts:    `(energie <-> eolienne)`,
			plain: "energie eolienne",
		},
		{
			name:  "FTS5 syntax is ignored",
			in:    `NEAR(santé* OR col:énergie) AND ^x + "`,
			terms: []Term{{Stem: "near", Word: "near"}, {Stem: "sant", Word: "sante"}, {Stem: "col", Word: "col"}, {Stem: "energ", Word: "energie"}},
			fts:   `"near"* "sant"* "col"* "energ"*`,
			ts:    `near:* & sante:* & col:* & energie:*`,
			plain: "near sante col energie",
		},
		{
			name:  "SQL and emoji",
			in:    `'; DROP TABLE initiatives; -- 😀`,
			terms: []Term{{Stem: "drop", Word: "drop"}, {Stem: "tabl", Word: "table"}, {Stem: "initi", Word: "initiatives"}},
			fts:   `"drop"* "tabl"* "initi"*`,
			ts:    `drop:* & table:* & initiatives:*`,
			plain: "drop table initiatives",
		},
		{
			name:  "only exclusions is empty",
			in:    "-santé -énergie",
			terms: []Term{{Stem: "sant", Word: "sante", Exclude: true}, {Stem: "energ", Word: "energie", Exclude: true}},
			empty: true,
		},
		{
			name:  "a lone dash is not an exclusion",
			in:    "santé - énergie",
			terms: []Term{{Stem: "sant", Word: "sante"}, {Stem: "energ", Word: "energie"}},
			fts:   `"sant"* "energ"*`,
			ts:    `sante:* & energie:*`,
			plain: "sante energie",
		},
		{
			name:  "duplicates",
			in:    "santé sante SANTÉ",
			terms: []Term{{Stem: "sant", Word: "sante"}},
			fts:   `"sant"*`,
			ts:    `sante:*`,
			plain: "sante",
		},
		{
			name:  "non Latin words stay out of TSQuery",
			in:    "東京 énergie",
			terms: []Term{{Stem: "東京", Word: "東京"}, {Stem: "energ", Word: "energie"}},
			fts:   `"東京" "energ"*`,
			ts:    `energie:*`,
			plain: "東京 energie",
		},
		{
			name:  "invalid UTF-8",
			in:    "sant\xe9 \xff\xfeénergie",
			terms: []Term{{Stem: "sant", Word: "sant"}, {Stem: "energ", Word: "energie"}},
			fts:   `"sant"* "energ"*`,
			ts:    `sant:* & energie:*`,
			plain: "sant energie",
		},
		{
			name:  "two-letter stems are not prefixes",
			in:    "eu",
			terms: []Term{{Stem: "eu", Word: "eu"}},
			fts:   `"eu"`,
			ts:    `eu`,
			plain: "eu",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Parse(tt.in)
			if !reflect.DeepEqual(q.Terms, tt.terms) {
				t.Errorf("Terms = %+v\nwant   %+v", q.Terms, tt.terms)
			}
			if q.Empty() != tt.empty {
				t.Errorf("Empty() = %v, want %v", q.Empty(), tt.empty)
			}
			if got := q.FTS5(); got != tt.fts {
				t.Errorf("FTS5() = %s, want %s", got, tt.fts)
			}
			if got := q.TSQuery(); got != tt.ts {
				t.Errorf("TSQuery() = %s, want %s", got, tt.ts)
			}
			if got := q.PlainWords(); got != tt.plain {
				t.Errorf("PlainWords() = %q, want %q", got, tt.plain)
			}
			if q.Truncated != tt.truncated {
				t.Errorf("Truncated = %v, want %v", q.Truncated, tt.truncated)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	// 1 MB of words: only the first MaxQueryRunes runes are read.
	big := strings.Repeat("énergie ", 1<<17)
	q := Parse(big)
	if !q.Truncated {
		t.Error("1 MB input: Truncated = false")
	}
	if n := utf8.RuneCountInString(q.Raw); n != MaxQueryRunes {
		t.Errorf("Raw has %d runes, want %d", n, MaxQueryRunes)
	}

	// Distinct words: at most MaxQueryTerms terms.
	words := []string{"santé", "énergie", "forêt", "transport", "culture", "éducation", "logement", "emploi", "agriculture", "tourisme", "justice", "sécurité"}
	q = Parse(strings.Join(words, " "))
	if len(q.Terms) != MaxQueryTerms || !q.Truncated {
		t.Errorf("12 words: %d terms, Truncated=%v; want %d, true", len(q.Terms), q.Truncated, MaxQueryTerms)
	}
	if q.Terms[0].Word != "sante" || q.Terms[MaxQueryTerms-1].Word != "tourisme" {
		t.Errorf("kept terms %+v, want the first ten words", q.Terms)
	}

	// A phrase that does not fit is dropped whole.
	q = Parse(`santé énergie forêt transport culture éducation logement emploi "agriculture tourisme justice"`)
	if len(q.Terms) != 8 || !q.Truncated {
		t.Errorf("overflowing phrase: %d terms, Truncated=%v; want 8, true", len(q.Terms), q.Truncated)
	}

	// Invalid UTF-8 is made valid in Raw.
	q = Parse("a\xffb")
	if !utf8.ValidString(q.Raw) {
		t.Errorf("Raw %q is not valid UTF-8", q.Raw)
	}
}

func TestZeroQuery(t *testing.T) {
	var q Query
	if !q.Empty() || q.FTS5() != "" || q.TSQuery() != "" || q.PlainWords() != "" {
		t.Errorf("zero Query: Empty=%v FTS5=%q TSQuery=%q PlainWords=%q", q.Empty(), q.FTS5(), q.TSQuery(), q.PlainWords())
	}
}

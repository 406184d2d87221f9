package search

import (
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	_ "modernc.org/sqlite"
)

// ftsRe is the whole grammar FTS5() may produce: double-quoted stems (a
// phrase has several, separated by one space), an optional prefix star,
// NOT before exclusions, single spaces between groups.
var ftsRe = regexp.MustCompile(`^"[^"\s]+( [^"\s]+)*"\*?( "[^"\s]+( [^"\s]+)*"\*?)*( NOT "[^"\s]+( [^"\s]+)*")*$`)

// tsRe is the whole grammar TSQuery() may produce.
var tsRe = regexp.MustCompile(`^(?:[a-z0-9]+(:\*)?|\([a-z0-9]+( <-> [a-z0-9]+)+\))$`)

func tsTermsOK(s string) bool {
	if s == "" {
		return true
	}
	for i, op := range strings.Split(s, " & ") {
		if strings.HasPrefix(op, "!") {
			if i == 0 {
				return false // a query never starts with an exclusion
			}
			op = op[1:]
		}
		if m := tsRe.FindString(op); m != op {
			return false
		}
	}
	return true
}

var seedQueries = []string{
	"",
	"électricité",
	"Consultations électricité",
	`"avenir de la santé" -publique`,
	`«ministère de la Santé» -"hydro québec"`,
	`NEAR(santé* OR col:énergie) AND ^x + "`,
	`'; DROP TABLE initiatives; -- 😀`,
	"sant\xe9 \xff\xfeénergie",
	`"""" ** -- -"" ()`,
	`-"-" "-" ' ''' l' qu'"il"`,
	"Saint-Jean-sur-Richelieu aujourd'hui",
	"東京 ΑΘΗΝΑ ½ ﬁ ⅻ e\u0301",
	strings.Repeat("énergie ", 60),
	`a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9 10 11 12`,
	"NOT AND OR NEAR",
	`"NOT" "AND" -NOT`,
	"x\x00y santé\u200b\ufeff",
}

// openFTS returns an in-memory FTS5 table with the tokenizer the catalog
// uses, filled with a few documents built by IndexText.
func openFTS(tb testing.TB) *sql.DB {
	tb.Helper()
	d, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	d.SetMaxOpenConns(1) // one connection: one in-memory database
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Exec(`CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')`); err != nil {
		tb.Fatal(err)
	}
	for _, s := range []string{
		"Consultation publique sur l'avenir de l'électricité au Québec",
		"Le ministère de la Santé et des Services sociaux consulte les personnes aînées",
		"Énergies renouvelables et éoliennes à Saint-Jean-sur-Richelieu",
		"東京 ΑΘΗΝΑ ½",
	} {
		if _, err := d.Exec(`INSERT INTO docs(body) VALUES (?)`, IndexText(s)); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

// matches runs expr as a MATCH and reports whether the row whose body is
// IndexText(text) is found; an FTS5 error fails the test.
func matches(t *testing.T, d *sql.DB, expr, text string) bool {
	t.Helper()
	tx, err := d.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO docs(rowid, body) VALUES (1000000, ?)`, IndexText(text)); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(`SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank`, expr)
	if err != nil {
		t.Fatalf("MATCH %q: %v", expr, err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		found = found || id == 1000000
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("MATCH %q: %v", expr, err)
	}
	return found
}

func FuzzParse(f *testing.F) {
	for _, s := range seedQueries {
		f.Add(s)
	}
	d := openFTS(f)
	f.Fuzz(func(t *testing.T, raw string) {
		q := Parse(raw)
		if !utf8.ValidString(q.Raw) || utf8.RuneCountInString(q.Raw) > MaxQueryRunes {
			t.Fatalf("Raw %q: invalid or too long", q.Raw)
		}
		if len(q.Terms) > MaxQueryTerms {
			t.Fatalf("%d terms", len(q.Terms))
		}
		fts, ts, plain := q.FTS5(), q.TSQuery(), q.PlainWords()
		for _, s := range []string{fts, ts, plain} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 output %q", s)
			}
		}
		if !tsTermsOK(ts) {
			t.Fatalf("TSQuery %q does not match the strict grammar", ts)
		}
		if q.Empty() {
			if fts != "" || ts != "" {
				t.Fatalf("empty query gives FTS5 %q, TSQuery %q", fts, ts)
			}
			return
		}
		if !ftsRe.MatchString(fts) {
			t.Fatalf("FTS5 %q does not match the strict grammar", fts)
		}
		// The expression is valid FTS5, and a document made of exactly
		// what was typed is found (unless something was excluded or cut).
		found := matches(t, d, fts, q.Raw)
		excludes := false
		for _, t := range q.Terms {
			excludes = excludes || t.Exclude
		}
		if !excludes && !q.Truncated && !found {
			t.Fatalf("FTS5 %q does not find the typed text %q (index %q)", fts, q.Raw, IndexText(q.Raw))
		}
	})
}

func FuzzHighlight(f *testing.F) {
	texts := []string{
		"Consultation publique sur l'avenir de l'Électricité au Québec, tenue en 2026.",
		"",
		"…électricité…",
		"a\xffb santé \xe9",
		strings.Repeat("mot ", 100) + "santé " + strings.Repeat("mot ", 100),
		"Saint-Jean-sur-Richelieu, aujourd'hui: l'énergie!",
	}
	for i, tx := range texts {
		f.Add(tx, seedQueries[i%len(seedQueries)], i*17)
		f.Add(tx, "santé électricité", 40)
	}
	f.Fuzz(func(t *testing.T, text, raw string, width int) {
		if width < 0 {
			width = -width
		}
		width %= 2000
		segs := Highlight(text, Parse(raw), width)
		clean := strings.ToValidUTF8(text, "\uFFFD")
		if len(segs) > 0 && segs[0].Text == Ellipsis && !segs[0].Match {
			segs = segs[1:]
		}
		if n := len(segs); n > 0 && segs[n-1].Text == Ellipsis && !segs[n-1].Match {
			segs = segs[:n-1]
		}
		var b strings.Builder
		for _, s := range segs {
			if s.Text == "" {
				t.Fatalf("empty segment in %+v", segs)
			}
			if !utf8.ValidString(s.Text) {
				t.Fatalf("invalid UTF-8 segment %q", s.Text)
			}
			b.WriteString(s.Text)
		}
		got := b.String()
		if !strings.Contains(clean, got) {
			t.Fatalf("snippet %q is not part of the text %q", got, clean)
		}
		w := width
		if w == 0 {
			w = DefaultSnippetRunes
		}
		if n := utf8.RuneCountInString(got); n > w {
			t.Fatalf("snippet has %d runes, width %d", n, w)
		}
	})
}

// TestFTS5Seeds runs the seed queries against a real FTS5 table in the
// ordinary test run (the fuzzer explores further with -fuzz).
func TestFTS5Seeds(t *testing.T) {
	d := openFTS(t)
	tests := []struct {
		q    string
		want int // documents of openFTS found
	}{
		{"electricite", 1},
		{"ÉLECTRICITÉ consultations", 1},
		{"énergie", 1},
		{"saint-jean", 1},
		{`"jean saint"`, 0},
		{"sante -ministere", 0},
		{`"ministère de la santé"`, 1},
		{"aînés", 1},
		{"consult", 2}, // prefix: consultation, consulte
		{"東京", 1},
		{"½", 1},
	}
	for _, tt := range tests {
		expr := Parse(tt.q).FTS5()
		var n int
		if err := d.QueryRow(`SELECT count(*) FROM docs WHERE docs MATCH ?`, expr).Scan(&n); err != nil {
			t.Fatalf("%q → %q: %v", tt.q, expr, err)
		}
		if n != tt.want {
			t.Errorf("%q → %q found %d documents, want %d", tt.q, expr, n, tt.want)
		}
	}
}

// TestFTS5AllLetters sweeps every letter and digit of Unicode up to U+32000
// (a sample with -short) through Parse and FTS5: the SQLite tokenizer (Unicode 6.1 tables)
// and Go's newer tables disagree on some characters; the expression must
// stay valid and still find the text it was typed from.
func TestFTS5AllLetters(t *testing.T) {
	d := openFTS(t)
	step := 1
	if testing.Short() {
		step = 97
	}
	var words []string
	var w []rune
	for r := rune(0xa0); r < 0x32000; r += rune(step) {
		if !isWordRune(r) {
			continue
		}
		w = append(w, 'a', r)
		if len(w) == 8 {
			words = append(words, string(w))
			w = w[:0]
		}
	}
	for i := 0; i < len(words); i += MaxQueryTerms {
		raw := strings.Join(words[i:min(i+MaxQueryTerms, len(words))], " ")
		q := Parse(raw)
		if q.Empty() {
			continue
		}
		fts := q.FTS5()
		if !ftsRe.MatchString(fts) {
			t.Fatalf("FTS5 %q does not match the strict grammar", fts)
		}
		if !matches(t, d, fts, q.Raw) && !q.Truncated {
			t.Errorf("FTS5 %q does not find the typed text %q", fts, q.Raw)
		}
	}
}

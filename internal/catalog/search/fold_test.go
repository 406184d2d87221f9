package search

import (
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Électricité", "electricite"},
		{"ÉLECTRICITÉ", "electricite"},
		{"electricite", "electricite"},
		{"Québec", "quebec"},
		{"Œuvre cœur", "oeuvre coeur"},
		{"Æsop et l’été", "aesop et l'ete"},
		{"Straße STRASSE", "strasse strasse"},
		{"l‘école lʼécole l´école", "l'ecole l'ecole l'ecole"},
		{"ça garçon naïve Noël", "ca garcon naive noel"},
		{"ﬁnances", "finances"},
		{"ＡＢＣ１２３", "abc123"},
		{"E\u0301cole", "ecole"}, // already decomposed
		{"Øresund Łódź İstanbul", "oresund lodz istanbul"},
		{"Ⅻ", "xii"},
		{"日本語", "日本語"},
		{"a\xffb", "a\uFFFDb"},
		{"ASCII Only-Text 42", "ascii only-text 42"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{"Électricité d’Hydro-Québec", "Œuvre", "ﬁ", "İ", "a\xffb", "ẞ"} {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
		}
		if !utf8.ValidString(once) {
			t.Errorf("Fold(%q) is not valid UTF-8", s)
		}
	}
}

// The Latin fast path must agree with the normalization path, alone and
// followed by combining marks (which send the whole string to the slow
// path).
func TestFoldLatinFastPath(t *testing.T) {
	for r := rune(0); r < 0x400; r++ {
		for _, s := range []string{string(r), "É" + string(r) + "é", string(r) + "\u0301", "l’" + string(r)} {
			if got, want := Fold(s), foldSlow(s); got != want {
				t.Errorf("Fold(%q) = %q, foldSlow = %q", s, got, want)
			}
		}
	}
}

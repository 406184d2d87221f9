package search

import (
	"reflect"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"le la les de des", nil},
		{"Les consultations sur l'électricité", []string{"consult", "electricit"}},
		{"l’électricité d'Hydro-Québec", []string{"electricit", "hydro", "quebec"}},
		{"qu'il jusqu'à lorsqu'on", nil},
		{"aujourd'hui", []string{"aujourd", "hui"}},
		{"The future of the consultation", []string{"futur", "consult"}},
		{"région 3, 2026", []string{"region", "3", "2026"}},
		{"x y z", nil},                 // lone letters are noise
		{"l' école", []string{"ecol"}}, // apostrophe not followed by a word: no elision but "l" is a stop word
		{"Œuvres", []string{"oeuvr"}},
		{strings.Repeat("a", MaxWordRunes+1) + " santé", []string{"sant"}},
		{"participation, participer; participants!", []string{"particip", "particip", "particip"}},
	}
	for _, tt := range tests {
		if got := Terms(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The property that motivates the package: accents, case and plurals do not
// change the stems.
func TestTermsFoldBeforeStemming(t *testing.T) {
	groups := [][]string{
		{"électricité", "electricite", "ÉLECTRICITÉ", "Electricité"},
		{"consultation", "consultations", "Consultations", "CONSULTATION"},
		{"énergie", "energies", "Énergies"},
		{"santé", "sante", "Santé"},
		{"régions", "region", "RÉGION"},
		{"œuvre", "oeuvres"},
	}
	for _, g := range groups {
		want := Terms(g[0])
		if len(want) != 1 {
			t.Fatalf("Terms(%q) = %q, want one stem", g[0], want)
		}
		for _, w := range g[1:] {
			if got := Terms(w); !reflect.DeepEqual(got, want) {
				t.Errorf("Terms(%q) = %q, want %q (same as %q)", w, got, want, g[0])
			}
		}
	}
}

func TestIndexText(t *testing.T) {
	got := IndexText("Consultation sur l'électricité", "", "Les régions du Québec")
	want := "consult electricit region quebec"
	if got != want {
		t.Errorf("IndexText = %q, want %q", got, want)
	}
	if got := IndexText(); got != "" {
		t.Errorf("IndexText() = %q, want empty", got)
	}
}

func TestIsStopWord(t *testing.T) {
	for _, w := range []string{"le", "des", "a", "the", "et"} {
		if !IsStopWord(w) {
			t.Errorf("IsStopWord(%q) = false", w)
		}
	}
	for _, w := range []string{"sante", "energie", "quebec"} {
		if IsStopWord(w) {
			t.Errorf("IsStopWord(%q) = true", w)
		}
	}
}

// Stem is memoized; concurrent use must be safe (run with -race) and give
// the same stems as a single goroutine.
func TestTermsConcurrent(t *testing.T) {
	text := "Les consultations sur l'électricité et les énergies renouvelables dans toutes les régions du Québec"
	want := Terms(text)
	done := make(chan []string)
	for range 8 {
		go func() { done <- Terms(text + " " + text) }()
	}
	for range 8 {
		got := <-done
		if !reflect.DeepEqual(got[:len(want)], want) {
			t.Errorf("concurrent Terms = %q, want %q", got, want)
		}
	}
}

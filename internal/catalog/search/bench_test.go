package search

import (
	"strings"
	"testing"
)

const benchText = `La consultation publique sur l'avenir de l'électricité au Québec invite les personnes participantes à se prononcer sur les tarifs, les énergies renouvelables et l'efficacité énergétique. Les séances se tiennent dans toutes les régions, en ligne, par téléphone et sur papier.`

func BenchmarkTerms(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		Terms(benchText)
	}
}

func BenchmarkIndexText(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		IndexText(benchText, benchText)
	}
}

func BenchmarkParse(b *testing.B) {
	for _, tt := range []struct{ name, q string }{
		{"simple", "consultations électricité"},
		{"syntax", `«ministère de la Santé» -"hydro québec" NEAR(santé* OR col:énergie)`},
		{"1MB", strings.Repeat("énergie ", 1<<17)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				q := Parse(tt.q)
				_ = q.FTS5()
				_ = q.TSQuery()
			}
		})
	}
}

func BenchmarkHighlight(b *testing.B) {
	text := strings.Repeat(benchText+" ", 20)
	q := Parse("séances téléphone")
	for b.Loop() {
		Highlight(text, q, 200)
	}
}

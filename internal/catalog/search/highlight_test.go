package search

import (
	"reflect"
	"strings"
	"testing"
)

// render shows segments as text with [matches] for compact expectations.
func render(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	long := "Les tarifs d'Hydro-Québec et la consultation publique sur l'avenir de l'Électricité au Québec, tenue en 2026 dans toutes les régions, a réuni des milliers de personnes."
	tests := []struct {
		name  string
		text  string
		q     string
		width int
		want  string
	}{
		{
			name: "whole short text, accents kept",
			text: "Consultation sur l'Électricité au Québec",
			q:    "electricite consultations", width: 100,
			want: "[Consultation] sur l'[Électricité] au Québec",
		},
		{
			name: "window around the first match, cut on words",
			text: long, q: "consultations", width: 60,
			want: "…Québec et la [consultation] publique sur l'avenir de…",
		},
		{
			name: "no match: start of the text",
			text: long, q: "forêt", width: 40,
			want: "Les tarifs d'Hydro-Québec et la…",
		},
		{
			name: "empty query: start of the text",
			text: long, q: "", width: 25,
			want: "Les tarifs d'Hydro-Québec…",
		},
		{
			name: "prefix match like FTS5",
			text: "Un comité consultatif sur l'énergie", q: "consult énergie", width: 100,
			want: "Un comité [consultatif] sur l'[énergie]",
		},
		{
			name: "excluded terms are not marked",
			text: "Santé publique et santé mentale", q: "mentale -publique", width: 100,
			want: "Santé publique et santé [mentale]",
		},
		{
			name: "phrase words are marked",
			text: "Le ministère de la Santé et des Services sociaux", q: `"ministère de la santé"`, width: 100,
			want: "Le [ministère] de la [Santé] et des Services sociaux",
		},
		{
			name: "match near the end",
			text: long, q: "personnes", width: 50,
			want: "…les régions, a réuni des milliers de [personnes].",
		},
		{
			name: "invalid UTF-8 replaced",
			text: "sant\xe9 et \xffénergie", q: "energie", width: 100,
			want: "sant\uFFFD et \uFFFD[énergie]",
		},
		{
			name: "default width",
			text: "énergie", q: "energie", width: 0,
			want: "[énergie]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(Highlight(tt.text, Parse(tt.q), tt.width))
			if got != tt.want {
				t.Errorf("Highlight = %q\nwant        %q", got, tt.want)
			}
		})
	}
}

func TestHighlightSegments(t *testing.T) {
	got := Highlight("La consultation publique", Parse("consultation"), 100)
	want := []Segment{{Text: "La "}, {Text: "consultation", Match: true}, {Text: " publique"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Highlight = %+v, want %+v", got, want)
	}
	if got := Highlight("", Parse("x"), 10); len(got) != 0 {
		t.Errorf("Highlight(empty) = %+v, want none", got)
	}
}

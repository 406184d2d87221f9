package search_test

import (
	"fmt"

	"participe/internal/catalog/search"
)

// The catalog stores IndexText in the FTS5 table on SQLite and runs
// FTS5() with MATCH; on PostgreSQL it runs TSQuery() with
// to_tsquery('participe_fr', $1) against a generated tsvector column.
func ExampleParse() {
	q := search.Parse(`Consultations l'électricité -"Hydro-Québec" NEAR(`)
	fmt.Println(search.IndexText("Consultation publique sur l'avenir de l'Électricité"))
	fmt.Println(q.FTS5())
	fmt.Println(q.TSQuery())
	fmt.Println(q.PlainWords())
	// Output:
	// consult publiqu aven electricit
	// "consult"* "electricit"* "near"* NOT "hydro quebec"
	// consultations:* & electricite:* & near:* & !(hydro <-> quebec)
	// consultations electricite near
}

func ExampleHighlight() {
	q := search.Parse("electricite")
	for _, s := range search.Highlight("Les tarifs d'Hydro-Québec et l'avenir de l'Électricité au Québec", q, 40) {
		if s.Match {
			fmt.Printf("<mark>%s</mark>", s.Text)
		} else {
			fmt.Print(s.Text)
		}
	}
	fmt.Println()
	// Output: …et l'avenir de l'<mark>Électricité</mark> au Québec
}

package seedlarge

import (
	"context"
	"fmt"
	"strings"

	"participe/internal/db"
)

var firstNames = []string{"Sophie", "Mathieu", "Isabelle", "Jean", "Nathalie", "Marc", "Julie", "Louis", "Geneviève", "Patrick",
	"Émilie", "François", "Catherine", "Simon", "Audrey", "Olivier", "Mélanie", "Alexandre", "Karine", "Sébastien", "Amina", "Thi", "Kevin", "Chloé"}
var regionCodes = []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17"}
var ageGroups = []string{"15-24", "25-34", "35-44", "45-54", "55-64", "65+"}

// seedPeople creates Sizes.People participants (emails p<N>@large.test, no password,
// self-declared region and age group) with multi-row inserts. Idempotent: it only adds
// the missing ones.
func seedPeople(ctx context.Context, env *Env) error {
	var have int
	if err := env.DB.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE email LIKE '%@large.test'`).Scan(&have); err != nil {
		return err
	}
	const rowsPer, perTx = 500, 10
	created := db.T(env.Now.AddDate(-1, 0, 0))
	for start := have; start < env.Sizes.People; start += rowsPer * perTx {
		err := env.DB.Write(ctx, func(tx *db.Tx) error {
			for s := start; s < min(start+rowsPer*perTx, env.Sizes.People); s += rowsPer {
				end := min(s+rowsPer, env.Sizes.People)
				var b strings.Builder
				args := make([]any, 0, (end-s)*6)
				b.WriteString(`INSERT INTO people (email, pseudonym, email_verified_at, region_code, age_group, created_at) VALUES `)
				for n := s; n < end; n++ {
					if n > s {
						b.WriteString(", ")
					}
					b.WriteString("(?, ?, ?, ?, ?, ?)")
					args = append(args, fmt.Sprintf("p%d@large.test", n), fmt.Sprintf("%s%d", firstNames[n%len(firstNames)], n),
						created, regionCodes[(n*7)%len(regionCodes)], ageGroups[(n*5)%len(ageGroups)], created)
				}
				if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Out, "seed-large: %d people\n", env.Sizes.People)
	return nil
}

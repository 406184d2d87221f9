package seedlarge

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/tools/proposals"
)

// BigInitiative is the slug of the initiative holding 10,000 proposals; its first
// proposal (contribution id 1 on a fresh database) carries 1,000 threaded comments.
// bench/scenarios/proposals.txt uses both.
const BigInitiative = "propositions-grand-volume"

var ideaVerbs = []string{"Créer", "Simplifier", "Offrir", "Publier", "Réduire", "Améliorer", "Financer", "Ouvrir", "Mesurer", "Soutenir"}
var ideaObjects = []string{"un guichet unique", "les formulaires en ligne", "des données ouvertes", "le transport collectif en région",
	"les délais d’attente", "l’accès aux soins de proximité", "les services aux aînés", "la consultation des jeunes",
	"les pistes cyclables", "le logement abordable", "la formation continue", "les parcs de quartier"}
var ideaPlaces = []string{"dans chaque région", "pour les familles", "en langage clair", "d’ici 2030", "avec les municipalités",
	"pour les petites entreprises", "en milieu rural", "sur mobile", "au comptoir comme en ligne", "pour tout le Québec"}

// seedProposals generates Sizes.Proposals proposals (10,000 in BigInitiative, the rest
// in the open generated initiatives), Sizes.Votes votes and Sizes.Comments comments
// (1,000 threaded ones on the big initiative's first proposal), with their
// contribution rows and counters, in multi-row inserts with explicit ids. Skipped when
// BigInitiative already has proposals.
func seedProposals(ctx context.Context, env *Env) error {
	if env.Sizes.Proposals == 0 {
		return nil
	}
	d := env.DB
	var people []int64
	if err := collect(ctx, d, `SELECT id FROM people WHERE email LIKE '%@large.test' ORDER BY id`, &people); err != nil {
		return err
	}
	if len(people) < 100 {
		return fmt.Errorf("proposals need people: run the people step first")
	}
	big, err := bigInitiative(ctx, env)
	if err != nil {
		return err
	}
	var have int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM proposals WHERE initiative_id = ?`, big).Scan(&have); err != nil {
		return err
	}
	if have > 0 {
		fmt.Fprintf(env.Out, "seed-large: proposals already there\n")
		return nil
	}
	var others []int64
	now := db.T(env.Now)
	if err := collectArgs(ctx, d, `SELECT id FROM initiatives WHERE slug LIKE 'gen-%' AND state = 'published' AND starts_at <= ? AND ends_at > ? ORDER BY id`,
		&others, now, now); err != nil {
		return err
	}
	if len(others) == 0 {
		others = []int64{big}
	}
	// Switch the tool on where proposals go.
	err = d.Write(ctx, func(tx *db.Tx) error {
		for _, id := range append([]int64{big}, others...) {
			if _, err := tx.Exec(ctx, `INSERT INTO initiative_tools (initiative_id, tool, position, settings) VALUES (?, 'proposals', 0, '{}')
				ON CONFLICT (initiative_id, tool) DO NOTHING`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var next int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM contributions`).Scan(&next); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, 2026))
	n := env.Sizes.Proposals
	bigCount := min(10000, n)
	// Proposals: id, initiative, votes; weights give a long-tailed vote distribution.
	type prop struct {
		id, init   int64
		votes, neg int
		comments   int
		created    time.Time
	}
	props := make([]prop, n)
	weights := make([]float64, n)
	var sum float64
	for k := range props {
		init := big
		if k >= bigCount {
			init = others[rng.IntN(len(others))]
		}
		props[k] = prop{id: next + int64(k), init: init, created: env.Now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour)}
		w := rng.ExpFloat64()
		if k%97 == 0 {
			w *= 8 // a few very popular ones
		}
		weights[k] = w
		sum += w
	}
	left := env.Sizes.Votes
	for k := range props {
		v := int(float64(env.Sizes.Votes) * weights[k] / sum)
		v = min(v, len(people), left)
		props[k].votes = v
		props[k].neg = v / 4
		left -= v
	}
	for k := 0; left > 0; k = (k + 1) % n {
		if props[k].votes < len(people) {
			props[k].votes++
			left--
		}
	}
	// Comments: 1,000 on the first proposal, the rest spread at random.
	hot := min(1000, env.Sizes.Comments)
	props[0].comments = hot
	for c := hot; c < env.Sizes.Comments; c++ {
		props[rng.IntN(n)].comments++
	}
	title := func(k int) string {
		return fmt.Sprintf("%s %s %s (nº %d)", ideaVerbs[k%len(ideaVerbs)], ideaObjects[(k/7)%len(ideaObjects)], ideaPlaces[(k/3)%len(ideaPlaces)], k+1)
	}
	body := func(k int) string {
		return "Nous proposons de " + strings.ToLower(ideaVerbs[(k+3)%len(ideaVerbs)]) + " " + ideaObjects[(k+5)%len(ideaObjects)] + " " +
			ideaPlaces[(k+1)%len(ideaPlaces)] + ".\n\nCela rendrait les services **plus simples** et plus proches de la population."
	}
	const chunk = 2000
	for s := 0; s < n; s += chunk {
		e := min(s+chunk, n)
		err := d.Write(ctx, func(tx *db.Tx) error {
			crows, prows := make([][]any, 0, e-s), make([][]any, 0, e-s)
			for k := s; k < e; k++ {
				p := props[k]
				author := people[rng.IntN(len(people))]
				channel := "web"
				if k%23 == 0 {
					channel = "paper"
				}
				crows = append(crows, []any{p.id, p.init, "proposals", "proposal", author, channel, "published", db.T(p.created), db.T(p.created)})
				prows = append(prows, []any{p.id, p.init, title(k), body(k), p.votes - p.neg, p.neg, p.comments, p.comments, db.T(p.created)})
			}
			if err := insertRows(ctx, tx, `contributions (id, initiative_id, tool, kind, author_id, channel, status, created_at, updated_at)`, crows); err != nil {
				return err
			}
			return insertRows(ctx, tx, `proposals (id, initiative_id, title, body, votes_for, votes_against, comments_count, debate_count, created_at)`, prows)
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Out, "seed-large: %d proposals (%d in %s)\n", n, bigCount, BigInitiative)
	// Votes: distinct voters per proposal, walking the people with a prime stride.
	const stride = 7919
	var vrows [][]any
	flush := func() error {
		if len(vrows) == 0 {
			return nil
		}
		rows := vrows
		vrows = nil
		return d.Write(ctx, func(tx *db.Tx) error {
			return insertRows(ctx, tx, `proposal_votes (proposal_id, person_id, value, created_at, updated_at)`, rows)
		})
	}
	for _, p := range props {
		off := rng.IntN(len(people))
		at := db.T(p.created.Add(time.Hour))
		for j := 0; j < p.votes; j++ {
			value := 1
			if j < p.neg {
				value = -1
			}
			vrows = append(vrows, []any{p.id, people[(off+j*stride)%len(people)], value, at, at})
			if len(vrows) >= 20000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "seed-large: %d votes\n", env.Sizes.Votes)
	// Comments: contribution rows then comment rows; the hot proposal's are threaded
	// four deep.
	cid := next + int64(n)
	var crows, mrows [][]any
	flushC := func() error {
		if len(crows) == 0 {
			return nil
		}
		c, m := crows, mrows
		crows, mrows = nil, nil
		return d.Write(ctx, func(tx *db.Tx) error {
			if err := insertRows(ctx, tx, `contributions (id, initiative_id, tool, kind, author_id, channel, status, created_at, updated_at)`, c); err != nil {
				return err
			}
			return insertRows(ctx, tx, `comments (id, proposal_id, parent_id, path, depth, body)`, m)
		})
	}
	for _, p := range props {
		var parentPath string
		var parentID int64
		for j := 0; j < p.comments; j++ {
			at := db.T(p.created.Add(time.Duration(j+2) * time.Minute))
			depth := 0
			path := proposals.PathSegment(cid)
			var parent any
			if p.comments >= 100 && j%4 != 0 {
				depth = j % 4
				path = parentPath + "/" + path
				parent = parentID
			}
			crows = append(crows, []any{cid, p.init, "proposals", "comment", people[rng.IntN(len(people))], "web", "published", at, at})
			mrows = append(mrows, []any{cid, p.id, parent, path, depth, fmt.Sprintf("Commentaire %d : %s.", j+1, ideaPlaces[j%len(ideaPlaces)])})
			parentPath, parentID = path, cid
			cid++
			if len(crows) >= 5000 {
				if err := flushC(); err != nil {
					return err
				}
			}
		}
	}
	if err := flushC(); err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "seed-large: %d comments (%d on proposal %d)\n", env.Sizes.Comments, hot, props[0].id)
	// Counters by channel, and PostgreSQL's identity sequence past the explicit ids.
	return d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO contribution_stats (initiative_id, tool, kind, channel, n_total, n_published)
			SELECT initiative_id, tool, kind, channel, COUNT(*), SUM(CASE WHEN status = 'published' THEN 1 ELSE 0 END)
			FROM contributions GROUP BY initiative_id, tool, kind, channel
			ON CONFLICT (initiative_id, tool, kind, channel) DO UPDATE SET n_total = excluded.n_total, n_published = excluded.n_published`); err != nil {
			return err
		}
		if tx.Engine() == db.Postgres {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('contributions', 'id'), (SELECT MAX(id) FROM contributions))`); err != nil {
				return err
			}
		}
		return nil
	})
}

// bigInitiative creates (or finds) the open initiative that holds 10,000 proposals.
func bigInitiative(ctx context.Context, env *Env) (int64, error) {
	var id int64
	err := env.DB.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = ?`, BigInitiative).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !db.IsNoRows(err) {
		return 0, err
	}
	err = env.DB.Write(ctx, func(tx *db.Tx) error {
		var body int64
		if err := tx.QueryRow(ctx, `SELECT MIN(id) FROM bodies`).Scan(&body); err != nil {
			return err
		}
		now := env.Now
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO initiatives (slug, body_id, kind, state, title_fr, title_en, summary_fr, summary_en,
			starts_at, ends_at, published_at, created_at, updated_at)
			VALUES (?, ?, 'idees', 'published', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, BigInitiative, body,
			"Grande collecte d’idées pour des services publics plus simples", "Large idea collection for simpler public services",
			"Dix mille propositions à lire, appuyer et commenter.", "Ten thousand proposals to read, support and comment on.",
			db.T(now.AddDate(0, -2, 0)), db.T(now.AddDate(2, 0, 0)), db.T(now.AddDate(0, -2, 0)), db.T(now), db.T(now))
		return err
	})
	return id, err
}

func collectArgs(ctx context.Context, d *db.DB, q string, out *[]int64, args ...any) error {
	rows, err := d.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		*out = append(*out, id)
	}
	return rows.Err()
}

// insertRows inserts rows with multi-row INSERT statements of at most ~30,000 values.
func insertRows(ctx context.Context, tx *db.Tx, into string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	cols := len(rows[0])
	per := max(1, 30000/cols)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for s := 0; s < len(rows); s += per {
		e := min(s+per, len(rows))
		var b strings.Builder
		b.WriteString("INSERT INTO " + into + " VALUES ")
		args := make([]any, 0, (e-s)*cols)
		for k := s; k < e; k++ {
			if k > s {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, rows[k]...)
		}
		if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

package demo

import (
	"context"
	"fmt"
	"time"

	"participe/internal/contrib"
	"participe/internal/db"
)

// dialogueData is data/dialogue.json (seed 004).
type dialogueData struct {
	InitiativeSlug string `json:"initiative_slug"`
	Themes         []struct {
		Key    string
		NameFR string `json:"name_fr"`
		NameEN string `json:"name_en"`
	}
	Proposals []struct {
		Key             string
		Theme           string
		Official        bool
		TitleFR         string  `json:"title_fr"`
		TitleEN         string  `json:"title_en"`
		BodyFR          string  `json:"body_fr"`
		BodyEN          string  `json:"body_en"`
		AuthorPseudonym *string `json:"author_pseudonym"`
		VotesFor        int     `json:"votes_for"`
		VotesAgainst    int     `json:"votes_against"`
		Arguments       []struct {
			Side            string
			TextFR          string `json:"text_fr"`
			TextEN          string `json:"text_en"`
			AuthorPseudonym string `json:"author_pseudonym"`
		}
	}
	FollowUps []struct {
		TitleFR   string `json:"title_fr"`
		TitleEN   string `json:"title_en"`
		Proposals []string
	} `json:"follow_ups"`
}

// voterNames build plausible pseudonyms for the demo's voters.
var voterFirst = []string{"Sophie", "Mathieu", "Isabelle", "Jean", "Nathalie", "Marc", "Julie", "Louis", "Geneviève", "Patrick",
	"Émilie", "François", "Catherine", "Simon", "Audrey", "Olivier", "Mélanie", "Alexandre", "Karine", "Sébastien"}
var voterPlace = []string{"Qc", "Mtl", "Sag", "Rimouski", "Gatineau", "Sherb", "TR", "Levis", "Laval", "Abitibi"}

// loadProposals rebuilds the seed 004 consultation in the proposals tool: its 10
// themes, 4 official and 28 participant proposals with their authors, 117 arguments and
// 621 votes; official answers for the proposals a follow-up took up. It also opens the
// tool, with themes and a few proposals, on two open initiatives so visitors can join.
func loadProposals(ctx context.Context, env *Env) error {
	var d dialogueData
	if err := readJSON("dialogue.json", &d); err != nil {
		return err
	}
	now := env.Clock.Now()
	err := env.DB.Write(ctx, func(tx *db.Tx) error {
		var initID int64
		var starts, ends db.Time
		err := tx.QueryRow(ctx, `SELECT id, starts_at, ends_at FROM initiatives WHERE slug = ?`, d.InitiativeSlug).Scan(&initID, &starts, &ends)
		if db.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		var existing int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM proposals WHERE initiative_id = ?`, initID).Scan(&existing); err != nil {
			return err
		}
		if existing > 0 {
			return nil
		}
		if err := ensureTool(ctx, tx, initID, "for_against", now); err != nil {
			return err
		}
		themes := map[string]int64{}
		for pos, t := range d.Themes {
			id, err := tx.InsertID(ctx, `INSERT INTO proposal_themes (initiative_id, key, name_fr, name_en, position) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				initID, t.Key, t.NameFR, t.NameEN, pos)
			if err != nil {
				return err
			}
			themes[t.Key] = id
		}
		people := map[string]int64{}
		person := func(pseudo string) (int64, error) {
			if id, ok := people[pseudo]; ok {
				return id, nil
			}
			id, err := tx.InsertID(ctx, `INSERT INTO people (pseudonym, created_at) VALUES (?, ?) RETURNING id`, pseudo, starts)
			if err != nil {
				return 0, err
			}
			people[pseudo] = id
			return id, nil
		}
		maxVotes := 0
		for _, p := range d.Proposals {
			if n := p.VotesFor + p.VotesAgainst; n > maxVotes {
				maxVotes = n
			}
		}
		voters := make([]int64, maxVotes)
		for k := range voters {
			name := fmt.Sprintf("%s_%s%d", voterFirst[k%len(voterFirst)], voterPlace[(k/len(voterFirst))%len(voterPlace)], 10+k)
			if voters[k], err = person(name); err != nil {
				return err
			}
		}
		span := ends.Sub(starts.Time)
		at := func(k, n int) time.Time { return starts.Add(span * time.Duration(k+1) / time.Duration(n+2)) }
		keys := map[string]int64{}
		for k, p := range d.Proposals {
			created := at(k, len(d.Proposals)*2)
			au := contrib.Author{}
			if !p.Official && p.AuthorPseudonym != nil {
				if au.PersonID, err = person(*p.AuthorPseudonym); err != nil {
					return err
				}
			}
			id, err := contrib.Insert(ctx, tx, created, contrib.New{InitiativeID: initID, Tool: "proposals", Kind: "proposal", Author: au})
			if err != nil {
				return err
			}
			keys[p.Key] = id
			debate := len(p.Arguments)
			if _, err := tx.Exec(ctx, `INSERT INTO proposals (id, initiative_id, theme_id, key, title, body, title_en, body_en, official,
				votes_for, votes_against, arguments_count, debate_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, initID, themes[p.Theme], p.Key, p.TitleFR, p.BodyFR, p.TitleEN, p.BodyEN, p.Official,
				p.VotesFor, p.VotesAgainst, len(p.Arguments), debate, db.T(created)); err != nil {
				return err
			}
			for v := 0; v < p.VotesFor+p.VotesAgainst; v++ {
				value := 1
				if v >= p.VotesFor {
					value = -1
				}
				vt := db.T(created.Add(time.Duration(v+1) * time.Hour))
				if _, err := tx.Exec(ctx, `INSERT INTO proposal_votes (proposal_id, person_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
					id, voters[(v+k*7)%len(voters)], value, vt, vt); err != nil {
					return err
				}
			}
			for ai, a := range p.Arguments {
				author, err := person(a.AuthorPseudonym)
				if err != nil {
					return err
				}
				aid, err := contrib.Insert(ctx, tx, created.Add(time.Duration(ai+1)*3*time.Hour), contrib.New{InitiativeID: initID, Tool: "proposals",
					Kind: "argument", Author: contrib.Author{PersonID: author}})
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO proposal_arguments (id, proposal_id, side, body, body_en, useful_count) VALUES (?, ?, ?, ?, ?, ?)`,
					aid, id, a.Side, a.TextFR, a.TextEN, (len(a.TextFR)+ai)%9); err != nil {
					return err
				}
			}
		}
		// Proposals a follow-up took up get the "Retenue" answer, with the follow-up.
		answered := 0
		for _, f := range d.FollowUps {
			for _, key := range f.Proposals {
				id, ok := keys[key]
				if !ok {
					continue
				}
				res, err := tx.Exec(ctx, `INSERT INTO official_answers (contribution_id, state, text, published_at) VALUES (?, 'retenue', ?, ?)
					ON CONFLICT (contribution_id) DO NOTHING`, id, "Suite prévue : "+f.TitleFR+".", ends)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					answered++
					if _, err := tx.Exec(ctx, `UPDATE proposals SET answer_state = 'retenue' WHERE id = ?`, id); err != nil {
						return err
					}
				}
			}
		}
		env.Report.Add("proposals: %s — %d themes, %d proposals, %d people, %d answers", d.InitiativeSlug, len(d.Themes), len(d.Proposals), len(people), answered)
		return nil
	})
	if err != nil {
		return err
	}
	return loadOpenProposals(ctx, env)
}

// ensureTool switches the proposals tool on with its settings (idempotent).
func ensureTool(ctx context.Context, tx *db.Tx, initID int64, voteType string, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO initiative_tools (initiative_id, tool, position, settings) VALUES (?, 'proposals', 0, '{}')
		ON CONFLICT (initiative_id, tool) DO NOTHING`, initID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO proposal_settings (initiative_id, vote_type, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (initiative_id) DO NOTHING`, initID, voteType, db.T(now))
	return err
}

type openSeed struct {
	slug, voteType string
	themes         [][3]string
	proposals      [][3]string // theme key, title, body
}

var openSeeds = []openSeed{
	{slug: "plan-gouvernement-ouvert", voteType: "for_against",
		themes: [][3]string{{"transparence", "Transparence", "Transparency"}, {"participation", "Participation citoyenne", "Citizen participation"}, {"donnees", "Données ouvertes", "Open data"}},
		proposals: [][3]string{
			{"donnees", "Publier les contrats publics en données ouvertes chaque semaine", "Les contrats octroyés par les ministères et organismes devraient être publiés chaque semaine dans un format ouvert (CSV), avec le fournisseur, le montant et l’objet du contrat."},
			{"participation", "Répondre publiquement à chaque proposition retenue", "Quand une consultation se termine, chaque proposition devrait recevoir une réponse publique : retenue, à l’étude ou non retenue, avec une explication courte."},
			{"transparence", "Un registre des consultations à venir", "Publier, trois mois d’avance, la liste des consultations prévues par chaque organisme pour que les groupes puissent se préparer."},
		}},
	{slug: "mobilite-durable-plan-action", voteType: "support",
		themes: [][3]string{{"transport-collectif", "Transport collectif", "Public transit"}, {"actif", "Transport actif", "Active transportation"}, {"regions", "Mobilité en région", "Mobility in the regions"}},
		proposals: [][3]string{
			{"regions", "Un service d’autobus interurbain à horaire fixe entre les villes moyennes", "Relier chaque ville de plus de 10 000 habitants au centre régional par au moins quatre départs par jour, même la fin de semaine."},
			{"actif", "Des stationnements sécuritaires pour vélos près des gares et terminus", "Installer des abris verrouillés pour vélos à chaque gare et terminus, pour combiner vélo et transport collectif."},
		}},
}

// loadOpenProposals opens the tool on two open demo initiatives, with themes and a few
// proposals, so that a visitor can join at once.
func loadOpenProposals(ctx context.Context, env *Env) error {
	now := env.Clock.Now()
	return env.DB.Write(ctx, func(tx *db.Tx) error {
		for _, s := range openSeeds {
			var initID int64
			var starts db.Time
			err := tx.QueryRow(ctx, `SELECT id, starts_at FROM initiatives WHERE slug = ?`, s.slug).Scan(&initID, &starts)
			if db.IsNoRows(err) {
				continue
			}
			if err != nil {
				return err
			}
			var existing int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM proposal_themes WHERE initiative_id = ?`, initID).Scan(&existing); err != nil {
				return err
			}
			if existing > 0 {
				continue
			}
			if err := ensureTool(ctx, tx, initID, s.voteType, now); err != nil {
				return err
			}
			themes := map[string]int64{}
			for pos, t := range s.themes {
				id, err := tx.InsertID(ctx, `INSERT INTO proposal_themes (initiative_id, key, name_fr, name_en, position) VALUES (?, ?, ?, ?, ?) RETURNING id`,
					initID, t[0], t[1], t[2], pos)
				if err != nil {
					return err
				}
				themes[t[0]] = id
			}
			for k, p := range s.proposals {
				created := starts.Add(time.Duration(k+1) * 26 * time.Hour)
				if created.After(now) {
					created = now
				}
				id, err := contrib.Insert(ctx, tx, created, contrib.New{InitiativeID: initID, Tool: "proposals", Kind: "proposal",
					Author: contrib.Author{}, Channel: []string{"web", "paper", "in_person"}[k%3]})
				if err != nil {
					return err
				}
				official := k == 0
				if _, err := tx.Exec(ctx, `INSERT INTO proposals (id, initiative_id, theme_id, title, body, official, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					id, initID, themes[p[0]], p[1], p[2], official, db.T(created)); err != nil {
					return err
				}
			}
			env.Report.Add("proposals: tool open on %s (%d proposals)", s.slug, len(s.proposals))
		}
		return nil
	})
}

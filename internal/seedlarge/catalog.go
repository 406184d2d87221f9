package seedlarge

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
)

// seedCatalog generates Sizes.Initiatives public initiatives with realistic French
// titles and texts composed from word lists (so that search has material), spread
// over every body, theme, region, mode, audience and status. Missing regions, themes
// and bodies are created first. Idempotent: initiatives are "gen-NNNNN" slugs and
// the existing ones are kept.
func seedCatalog(ctx context.Context, env *Env) error {
	if err := seedReference(ctx, env.DB); err != nil {
		return err
	}
	var bodies, themes []int64
	if err := collect(ctx, env.DB, `SELECT id FROM bodies ORDER BY id`, &bodies); err != nil {
		return err
	}
	if err := collect(ctx, env.DB, `SELECT id FROM themes ORDER BY id`, &themes); err != nil {
		return err
	}
	var have int
	if err := env.DB.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE slug LIKE 'gen-%'`).Scan(&have); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(42, 2026))
	const batch = 250
	for start := have; start < env.Sizes.Initiatives; start += batch {
		end := min(start+batch, env.Sizes.Initiatives)
		err := env.DB.Write(ctx, func(tx *db.Tx) error {
			for n := start; n < end; n++ {
				i := generate(rng, n, env.Now, bodies, themes)
				if err := catalog.SaveInitiative(ctx, tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Out, "seed-large: %d/%d initiatives\n", end, env.Sizes.Initiatives)
	}
	catalog.Invalidate()
	return nil
}

func collect(ctx context.Context, d *db.DB, q string, out *[]int64) error {
	rows, err := d.Query(ctx, q)
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

var (
	genRegions = []string{"Bas-Saint-Laurent", "Saguenay–Lac-Saint-Jean", "Capitale-Nationale", "Mauricie", "Estrie", "Montréal",
		"Outaouais", "Abitibi-Témiscamingue", "Côte-Nord", "Nord-du-Québec", "Gaspésie–Îles-de-la-Madeleine",
		"Chaudière-Appalaches", "Laval", "Lanaudière", "Laurentides", "Montérégie", "Centre-du-Québec"}
	genThemes = [][2]string{{"sante", "Santé et services sociaux"}, {"education", "Éducation"}, {"environnement", "Environnement et climat"},
		{"transport", "Transport et mobilité"}, {"numerique", "Numérique"}, {"gouvernement-ouvert", "Gouvernement ouvert"},
		{"economie", "Économie et emploi"}, {"culture", "Culture et patrimoine"}, {"famille", "Famille et enfance"},
		{"habitation", "Habitation"}, {"justice", "Justice et droits"}, {"territoire", "Territoire et régions"}}
	genBodies = [][3]string{{"msss", "MSSS", "Ministère de la Santé et des Services sociaux"}, {"education", "MEQ", "Ministère de l'Éducation"},
		{"environnement", "MELCCFP", "Ministère de l'Environnement"}, {"transports", "MTMD", "Ministère des Transports et de la Mobilité durable"},
		{"mcn", "MCN", "Ministère de la Cybersécurité et du Numérique"}, {"hydro-quebec", "HQ", "Hydro-Québec"},
		{"saaq", "SAAQ", "Société de l'assurance automobile du Québec"}, {"culture", "MCC", "Ministère de la Culture et des Communications"},
		{"mamh", "MAMH", "Ministère des Affaires municipales et de l'Habitation"}, {"famille", "MFA", "Ministère de la Famille"}}
)

// seedReference creates regions, themes and bodies when the database has none (a
// large data set without the demo).
func seedReference(ctx context.Context, d *db.DB) error {
	return d.Write(ctx, func(tx *db.Tx) error {
		for n, name := range genRegions {
			if _, err := tx.Exec(ctx, `INSERT INTO regions (code, name_fr, name_en, population) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
				fmt.Sprintf("%02d", n+1), name, name, 100000+n*37000); err != nil {
				return err
			}
		}
		var count int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM themes`).Scan(&count); err != nil {
			return err
		}
		if count == 0 {
			for _, t := range genThemes {
				if _, err := tx.Exec(ctx, `INSERT INTO themes (slug, name_fr, name_en) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING`, t[0], t[1], t[1]); err != nil {
					return err
				}
			}
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM bodies`).Scan(&count); err != nil {
			return err
		}
		if count == 0 {
			for _, b := range genBodies {
				if _, err := tx.Exec(ctx, `INSERT INTO bodies (slug, acronym, name_fr, name_en) VALUES (?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING`, b[0], b[1], b[2], b[2]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Word lists: titles are "<démarche> sur <sujet> <lieu>", texts are drawn from
// sentences about the subject.
var (
	genKinds = []struct{ kind, fr, en string }{
		{"consultation", "Consultation publique", "Public consultation"}, {"sondage", "Sondage", "Survey"},
		{"rencontre", "Rencontres régionales", "Regional meetings"}, {"forum", "Forum citoyen", "Citizen forum"},
		{"memoires", "Appel de mémoires", "Call for briefs"}, {"idees", "Appel d'idées", "Call for ideas"},
		{"panel", "Panel citoyen", "Citizen panel"}, {"projet_loi", "Consultation sur un projet de règlement", "Consultation on a draft regulation"},
	}
	genSubjects = []struct{ fr, en, detail string }{
		{"l'électricité et les tarifs résidentiels", "electricity and residential rates", "la consommation d'électricité, les heures de pointe et les tarifs"},
		{"le transport collectif régional", "regional public transit", "les autobus interurbains, le covoiturage et les horaires"},
		{"la santé mentale des jeunes", "youth mental health", "l'accès aux psychologues, l'attente et le soutien dans les écoles"},
		{"les soins à domicile pour les personnes aînées", "home care for seniors", "le maintien à domicile, les proches aidants et les visites"},
		{"la protection des milieux humides", "wetland protection", "les milieux humides, les inondations et la biodiversité"},
		{"l'habitation abordable", "affordable housing", "les logements sociaux, les loyers et la construction"},
		{"la forêt publique", "public forests", "l'aménagement forestier, les coupes et la faune"},
		{"la sécurité routière", "road safety", "la vitesse, les cyclistes, les piétons et les zones scolaires"},
		{"les services numériques", "digital services", "les services en ligne, l'identité numérique et la vie privée"},
		{"la réussite scolaire", "academic success", "l'aide aux devoirs, les enseignantes et les enseignants et le décrochage"},
		{"les services de garde éducatifs", "childcare services", "les places en garderie, les tarifs et la qualité éducative"},
		{"l'accès à la justice", "access to justice", "les délais, l'aide juridique et la médiation"},
		{"la gestion des matières résiduelles", "waste management", "le recyclage, le compost et la consigne"},
		{"le patrimoine bâti", "built heritage", "les bâtiments anciens, les églises et les villages"},
		{"l'agriculture de proximité", "local agriculture", "les fermes familiales, les marchés publics et la relève agricole"},
		{"les données ouvertes", "open data", "la transparence, les jeux de données et leur réutilisation"},
		{"l'énergie renouvelable", "renewable energy", "l'éolien, le solaire et l'efficacité énergétique"},
		{"la main-d'œuvre en région", "the regional workforce", "le recrutement, la formation et l'immigration"},
	}
	genSentences = []string{
		"Le gouvernement du Québec veut connaître votre avis sur %s.",
		"Vos propositions serviront à préparer le prochain plan d'action sur %s.",
		"Les consultations précédentes ont montré que %s préoccupe beaucoup la population.",
		"Nous présenterons les résultats et les suites prévues sur cette plateforme.",
		"Les contributions reçues en ligne, par téléphone et sur papier sont analysées ensemble.",
		"Des rencontres sont prévues dans plusieurs régions pour discuter de %s.",
		"Les organismes, les municipalités et les entreprises sont invités à déposer un mémoire.",
	}
	genModes = []string{"online", "in_person", "paper", "phone"}
	genTools = []string{"survey", "proposals", "meeting", "docconsult", "forum"}
)

// generate builds the n-th initiative; the same n gives the same initiative.
func generate(rng *rand.Rand, n int, now time.Time, bodies, themes []int64) *catalog.Initiative {
	k := genKinds[rng.IntN(len(genKinds))]
	s := genSubjects[rng.IntN(len(genSubjects))]
	region := rng.IntN(len(genRegions) + 4) // some are province-wide
	place, placeEN := "", ""
	if region < len(genRegions) {
		place = " — " + genRegions[region]
		placeEN = place
	}
	start := rng.IntN(520) - 400 // days from now
	length := 21 + rng.IntN(70)
	day := func(d int) time.Time {
		t := now.AddDate(0, 0, d)
		return time.Date(t.Year(), t.Month(), t.Day(), 14, 0, 0, 0, time.UTC)
	}
	i := &catalog.Initiative{
		Slug:     fmt.Sprintf("gen-%05d", n+1),
		BodyID:   bodies[rng.IntN(len(bodies))],
		Kind:     k.kind,
		State:    catalog.StatePublished,
		Featured: n%97 == 0,
		TitleFR:  k.fr + " sur " + s.fr + place,
		TitleEN:  k.en + " on " + s.en + placeEN,
		SummaryFR: fmt.Sprintf("Donnez votre avis sur %s. %s", s.detail,
			fmt.Sprintf(genSentences[rng.IntN(2)], s.fr)),
		SummaryEN:         "Tell us what you think about " + s.en + ".",
		HowFR:             "1. Lisez la mise en contexte.\n2. Répondez en ligne, par téléphone ou sur papier.\n3. Suivez l'initiative pour connaître les résultats.",
		UseFR:             "Les contributions serviront à préparer les orientations sur " + s.fr + ".",
		AccessibilityFR:   "Documents en format accessible et interprétation en LSQ sur demande.",
		ContactName:       "Équipe de la participation publique",
		ContactEmail:      "participation@example.gouv.qc.ca",
		ContactPhone:      "1 800 555-0100",
		StartsAt:          day(start),
		EndsAt:            day(start + length).Add(-time.Minute),
		PublishedAt:       day(start - 14),
		ParticipantsCount: int64(rng.IntN(8000)),
		CreatedAt:         day(start - 30),
		UpdatedAt:         now,
	}
	var desc []string
	for range 4 {
		sent := genSentences[rng.IntN(len(genSentences))]
		if strings.Contains(sent, "%s") {
			sent = fmt.Sprintf(sent, s.fr)
		}
		desc = append(desc, sent)
	}
	i.DescriptionFR = strings.Join(desc, " ")
	if start+length < -30 && rng.IntN(3) == 0 {
		at := day(start + length + 25)
		i.ResultsPublishedAt = at
		i.Results = &catalog.Results{SummaryFR: "Merci aux personnes qui ont participé. Voici ce que nous avons retenu sur " + s.fr + ".", PublishedAt: at}
	}
	seen := map[int64]bool{}
	for range 1 + rng.IntN(2) {
		t := themes[rng.IntN(len(themes))]
		if !seen[t] {
			seen[t] = true
			i.Themes = append(i.Themes, catalog.Theme{ID: t})
		}
	}
	if region < len(genRegions) {
		i.Regions = []catalog.Region{{Code: fmt.Sprintf("%02d", region+1)}}
	}
	i.Audiences = []string{catalog.Audiences[rng.IntN(len(catalog.Audiences))]}
	if a := catalog.Audiences[rng.IntN(len(catalog.Audiences))]; a != i.Audiences[0] {
		i.Audiences = append(i.Audiences, a)
	}
	i.Modes = []catalog.Mode{{Mode: "online", DetailsFR: "Questionnaire en ligne.", URL: "https://www.quebec.ca/"}}
	for _, m := range genModes[1:] {
		if rng.IntN(3) == 0 {
			i.Modes = append(i.Modes, catalog.Mode{Mode: m, DetailsFR: "Renseignements au 1 800 555-0100.", Phone: "1 800 555-0100",
				Address: "1000, route de l'Église, Québec (Québec) G1V 0A1"})
		}
	}
	i.Tools = []string{genTools[rng.IntN(len(genTools))]}
	return i
}

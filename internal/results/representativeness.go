package results

import (
	"context"
	_ "embed"
	"encoding/json"
	"sort"
)

// population.json holds the population of Québec's 17 administrative regions and the
// age breakdown of the population aged 15 and over, with their source (Institut de la
// statistique du Québec). Shipped as data so figures can be updated without code.
//
//go:embed data/population.json
var populationJSON []byte

// Population is the reference population with its source.
type Population struct {
	SourceFR  string   `json:"source_fr"`
	SourceEN  string   `json:"source_en"`
	SourceURL string   `json:"source_url"`
	Year      int      `json:"year"`
	AgeGroups []string `json:"age_groups"`
	Regions   []struct {
		Code            string             `json:"code"`
		NameFR          string             `json:"name_fr"`
		NameEN          string             `json:"name_en"`
		Population      int64              `json:"population"`
		AgeDistribution map[string]float64 `json:"age_distribution"`
	} `json:"regions"`
}

var population = func() Population {
	var p Population
	if err := json.Unmarshal(populationJSON, &p); err != nil {
		panic("results: population.json: " + err.Error())
	}
	return p
}()

// PopulationData returns the reference population figures.
func PopulationData() Population { return population }

// Share compares participants with the population for one region or age group.
type Share struct {
	Key          string
	NameFR       string
	NameEN       string
	Participants int64
	// ParticipantShare is among participants who declared this dimension.
	ParticipantShare float64
	PopulationShare  float64
}

// Gap is the difference in percentage points (participants minus population).
func (s Share) Gap() float64 { return (s.ParticipantShare - s.PopulationShare) * 100 }

// Representation is the representativeness of participants.
type Representation struct {
	Participants     int64 // people counted (with an account)
	DeclaredRegion   int64
	DeclaredAgeGroup int64
	Regions          []Share
	AgeGroups        []Share
	SourceFR         string
	SourceEN         string
	SourceURL        string
	Year             int
}

// Representativeness compares the self-declared region and age group of participants
// (people with an account who contributed, voted or answered) with the population.
func (s *Service) Representativeness(ctx context.Context, initiativeID int64) (Representation, error) {
	rep := Representation{SourceFR: population.SourceFR, SourceEN: population.SourceEN, SourceURL: population.SourceURL, Year: population.Year}
	var q string
	var args []any
	if initiativeID == 0 {
		q = `SELECT p.region_code, p.age_group, COUNT(*) FROM people p WHERE p.deleted_at IS NULL AND (
			EXISTS (SELECT 1 FROM contributions c WHERE c.author_id = p.id)
			OR EXISTS (SELECT 1 FROM proposal_votes v WHERE v.person_id = p.id)
			OR EXISTS (SELECT 1 FROM survey_responses r WHERE r.person_id = p.id AND r.status = 'submitted'))
			GROUP BY p.region_code, p.age_group`
	} else {
		q = `SELECT p.region_code, p.age_group, COUNT(*) FROM people p WHERE p.deleted_at IS NULL AND p.id IN (
			SELECT c.author_id FROM contributions c WHERE c.initiative_id = ? AND c.author_id IS NOT NULL
			UNION SELECT v.person_id FROM proposal_votes v JOIN proposals pr ON pr.id = v.proposal_id WHERE pr.initiative_id = ?
			UNION SELECT r.person_id FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id WHERE sv.initiative_id = ? AND r.person_id IS NOT NULL)
			GROUP BY p.region_code, p.age_group`
		args = []any{initiativeID, initiativeID, initiativeID}
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return rep, err
	}
	byRegion, byAge := map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var region *string
		var age string
		var n int64
		if err := rows.Scan(&region, &age, &n); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Participants += n
		if region != nil && *region != "" {
			byRegion[*region] += n
			rep.DeclaredRegion += n
		}
		if age != "" {
			byAge[age] += n
			rep.DeclaredAgeGroup += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	var total int64
	ageTotals := map[string]float64{}
	for _, r := range population.Regions {
		total += r.Population
		for g, f := range r.AgeDistribution {
			ageTotals[g] += f * float64(r.Population)
		}
	}
	for _, r := range population.Regions {
		sh := Share{Key: r.Code, NameFR: r.NameFR, NameEN: r.NameEN, Participants: byRegion[r.Code],
			PopulationShare: float64(r.Population) / float64(total)}
		if rep.DeclaredRegion > 0 {
			sh.ParticipantShare = float64(sh.Participants) / float64(rep.DeclaredRegion)
		}
		rep.Regions = append(rep.Regions, sh)
	}
	sort.SliceStable(rep.Regions, func(i, j int) bool { return rep.Regions[i].Key < rep.Regions[j].Key })
	var ageSum float64
	for _, g := range population.AgeGroups {
		ageSum += ageTotals[g]
	}
	for _, g := range population.AgeGroups {
		sh := Share{Key: g, NameFR: g, NameEN: g, Participants: byAge[g]}
		if ageSum > 0 {
			sh.PopulationShare = ageTotals[g] / ageSum
		}
		if rep.DeclaredAgeGroup > 0 {
			sh.ParticipantShare = float64(sh.Participants) / float64(rep.DeclaredAgeGroup)
		}
		rep.AgeGroups = append(rep.AgeGroups, sh)
	}
	return rep, nil
}

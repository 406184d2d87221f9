package results

import (
	"context"
	"strconv"
	"strings"
)

// resolveRefs fills the titles and public paths of referenced contributions (proposals
// of the proposals tool: /initiatives/{slug}/propositions/{id}).
func (s *Service) resolveRefs(ctx context.Context, refs []ItemRef) {
	var ids []any
	for _, r := range refs {
		if r.Kind == "proposal" {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	type info struct{ fr, en, path string }
	found := map[int64]info{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")
		rows, err := s.db.Query(ctx, `SELECT p.id, p.title, p.title_en, i.slug FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
			WHERE p.id IN (`+ph+`)`, chunk...)
		if err != nil {
			return
		}
		for rows.Next() {
			var id int64
			var fr, en, slug string
			if rows.Scan(&id, &fr, &en, &slug) == nil {
				found[id] = info{fr, en, "/initiatives/" + slug + "/propositions/" + strconv.FormatInt(id, 10)}
			}
		}
		rows.Close()
	}
	for i := range refs {
		if f, ok := found[refs[i].ID]; ok && refs[i].Kind == "proposal" {
			refs[i].TitleFR, refs[i].TitleEN, refs[i].Path = f.fr, f.en, f.path
			if refs[i].TitleEN == "" {
				refs[i].TitleEN = f.fr
			}
		}
	}
}

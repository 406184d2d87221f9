package catalog

import (
	"cmp"
	"context"
	"slices"
	"time"

	"participe/internal/catalog/filter"
)

// The portal's lists (filters, sorts, pagination, calendar, feeds, body and theme
// pages) are computed from an in-memory copy of the list columns of every public
// initiative, with their themes, regions, modes and audiences. A list query over
// 1,000 initiatives cost SQLite 0.5–1 ms of CPU per page (a scan of every public row
// to sort on a derived key, a count, then the themes of the page); filtering and
// sorting 1,000 small structs in Go costs a few microseconds. The copy is a cache like
// the others of this package (cache.go): rebuilt after a catalog write in this
// process (generation) or after cacheTTL, never the only copy of anything. Full-text
// matching stays in the database (FTS5 / tsvector): only its ids and ranks are joined
// with the copy. Over maxSnapshotRows public initiatives the copy is not kept and the
// lists run in SQL (list.go), which gives the same results.

// maxSnapshotRows bounds the memory of the copy (~1 KB per initiative).
const maxSnapshotRows = 20000

type snapRow struct {
	Initiative // list columns, body names, themes (Status is set per request)
	themeIDs   []int64
	regions    []string
	modes      []string
	audiences  []string
	// unix seconds, as the database compares them (db.Time); 0 is NULL for the
	// nullable ones.
	starts, ends, published, results int64
}

type snapshot struct {
	rows []snapRow
	byID map[int64]int
	// orders holds the row indexes in each order that does not depend on the time
	// (sortFunc), computed at load: a list then walks one order and keeps the rows
	// that match, without sorting. endsAsc and endsDesc give the closing-date order.
	orders map[string][]int32
	// tooBig tells that the catalog has more than maxSnapshotRows public initiatives:
	// use SQL.
	tooBig bool
}

// snapshotOf returns the current copy, or nil when the lists must run in SQL.
func (s *Service) snapshotOf(ctx context.Context) (*snapshot, error) {
	if s.noSnapshot {
		return nil, nil
	}
	snap, err := s.cache.snapshot.get(ctx, s.loadSnapshot)
	if err != nil || snap.tooBig {
		return nil, err
	}
	return snap, nil
}

func (s *Service) loadSnapshot(ctx context.Context) (*snapshot, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM initiatives i WHERE `+publicStates).Scan(&n); err != nil {
		return nil, err
	}
	if n > maxSnapshotRows {
		return &snapshot{tooBig: true}, nil
	}
	rows, err := s.query(ctx, `SELECT `+initiativeColumns+` FROM initiatives i JOIN bodies b ON b.id = i.body_id
		WHERE `+publicStates+` ORDER BY i.id`)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{rows: make([]snapRow, 0, n), byID: make(map[int64]int, n)}
	for rows.Next() {
		var r snapRow
		if err := scanInitiative(rows, &r.Initiative); err != nil {
			rows.Close()
			return nil, err
		}
		r.starts, r.ends = unix(r.StartsAt), unix(r.EndsAt)
		r.published, r.results = unix(r.PublishedAt), unix(r.ResultsPublishedAt)
		snap.byID[r.ID] = len(snap.rows)
		snap.rows = append(snap.rows, r)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	// Themes in name order, as attachThemes gives them.
	rows, err = s.query(ctx, `SELECT it.initiative_id, t.id, t.slug, t.name_fr, t.name_en
		FROM initiative_themes it JOIN themes t ON t.id = it.theme_id ORDER BY t.name_fr, it.initiative_id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var t Theme
		if err := rows.Scan(&id, &t.ID, &t.Slug, &t.NameFR, &t.NameEN); err != nil {
			rows.Close()
			return nil, err
		}
		if k, ok := snap.byID[id]; ok {
			snap.rows[k].Themes = append(snap.rows[k].Themes, t)
			snap.rows[k].themeIDs = append(snap.rows[k].themeIDs, t.ID)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	for _, rel := range []struct {
		q   string
		set func(r *snapRow, v string)
	}{
		{`SELECT initiative_id, region_code FROM initiative_regions`, func(r *snapRow, v string) { r.regions = append(r.regions, v) }},
		{`SELECT initiative_id, mode FROM initiative_modes`, func(r *snapRow, v string) { r.modes = append(r.modes, v) }},
		{`SELECT initiative_id, audience FROM initiative_audiences`, func(r *snapRow, v string) { r.audiences = append(r.audiences, v) }},
	} {
		rows, err := s.query(ctx, rel.q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, err
			}
			if k, ok := snap.byID[id]; ok {
				rel.set(&snap.rows[k], v)
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, err
		}
		rows.Close()
	}
	snap.orders = map[string][]int32{}
	for _, o := range []string{filter.SortNewest, filter.SortPopular, sortStarts, orderEndsAsc, orderEndsDesc} {
		idx := make([]int32, len(snap.rows))
		for k := range idx {
			idx[k] = int32(k)
		}
		less := sortFunc(o, 0, nil)
		slices.SortFunc(idx, func(a, b int32) int { return less(&snap.rows[a], &snap.rows[b]) })
		snap.orders[o] = idx
	}
	for k := range snap.rows {
		// Callers get copies of the row: a full slice makes their appends reallocate
		// instead of writing into the shared copy.
		snap.rows[k].Themes = slices.Clip(snap.rows[k].Themes)
	}
	return snap, nil
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// hit is a full-text match: an initiative id and its rank (higher is better).
type hit struct {
	id   int64
	rank float64
}

// match tells whether a row passes the filter at now (unix seconds), as conditions
// does in SQL.
func (r *snapRow) match(f *filter.Filter, themeIDs, bodyIDs []int64, n, from, to int64) bool {
	if r.published == 0 || r.published > n {
		return false
	}
	if len(themeIDs) > 0 && !slices.ContainsFunc(r.themeIDs, func(id int64) bool { return slices.Contains(themeIDs, id) }) {
		return false
	}
	if len(bodyIDs) > 0 && !slices.Contains(bodyIDs, r.BodyID) {
		return false
	}
	if len(f.Modes) > 0 && !anyIn(r.modes, f.Modes) {
		return false
	}
	if len(f.Regions) > 0 && !anyIn(r.regions, f.Regions) {
		return false
	}
	if len(f.Audiences) > 0 && !anyIn(r.audiences, f.Audiences) {
		return false
	}
	if len(f.Statuses) > 0 && len(f.Statuses) < len(filter.Statuses()) {
		noResults := r.results == 0 || r.results > n
		ok := false
		for _, st := range f.Statuses {
			switch st {
			case StatusUpcoming:
				ok = ok || r.starts > n && noResults
			case StatusOpen:
				ok = ok || r.starts <= n && r.ends > n && noResults
			case StatusClosed:
				ok = ok || r.ends <= n && r.starts <= n && noResults
			case StatusResults:
				ok = ok || r.results != 0 && r.results <= n
			}
		}
		if !ok {
			return false
		}
	}
	if from != 0 && !(r.ends > from) {
		return false
	}
	if to != 0 && !(r.starts < to) {
		return false
	}
	return true
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// Orders of the closing-date sort: its open part is endsAsc, its closed part
// endsDesc (both with ties by id).
const (
	orderEndsAsc  = "ends-asc"
	orderEndsDesc = "ends-desc"
)

// sortFunc returns the order of orderBy for rows (rank: the search rank of a row).
func sortFunc(sort string, n int64, rank func(*snapRow) float64) func(a, b *snapRow) int {
	switch sort {
	case filter.SortNewest:
		return func(a, b *snapRow) int {
			if c := cmp.Compare(b.published, a.published); c != 0 {
				return c
			}
			return cmp.Compare(b.ID, a.ID)
		}
	case filter.SortPopular:
		return func(a, b *snapRow) int {
			if c := cmp.Compare(b.ParticipantsCount, a.ParticipantsCount); c != 0 {
				return c
			}
			if c := cmp.Compare(b.ends, a.ends); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		}
	case sortStarts:
		return func(a, b *snapRow) int {
			if c := cmp.Compare(a.starts, b.starts); c != 0 {
				return c
			}
			if c := cmp.Compare(a.ends, b.ends); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		}
	case filter.SortRelevance:
		return func(a, b *snapRow) int {
			ra, rb := rank(a), rank(b)
			switch {
			case ra > rb:
				return -1
			case ra < rb:
				return 1
			}
			if c := cmp.Compare(b.ends, a.ends); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		}
	case orderEndsAsc:
		return func(a, b *snapRow) int {
			if c := cmp.Compare(a.ends, b.ends); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		}
	case orderEndsDesc:
		return func(a, b *snapRow) int {
			if c := cmp.Compare(b.ends, a.ends); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		}
	}
	// Closing date: open or upcoming ones by soonest end, then the closed ones, most
	// recently closed first.
	key := func(r *snapRow) (int64, int64) {
		if r.ends > n {
			return 0, r.ends
		}
		return 1, -r.ends
	}
	return func(a, b *snapRow) int {
		ga, ka := key(a)
		gb, kb := key(b)
		if c := cmp.Compare(ga, gb); c != 0 {
			return c
		}
		if c := cmp.Compare(ka, kb); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
}

// listSnapshot is list over the in-memory copy; hits are the full-text matches when
// f.Q is set (nil otherwise).
func (s *Service) listSnapshot(snap *snapshot, out *List, f filter.Filter, themeIDs, bodyIDs []int64, hits []hit, perPage int, now time.Time, noThemes bool) {
	n := now.Unix()
	var from, to int64
	if !f.From.IsZero() {
		from = quebecDay(f.From).Unix()
	}
	if !f.To.IsZero() {
		to = quebecDay(f.To).AddDate(0, 0, 1).Unix()
	}
	var matched []*snapRow
	if hits == nil {
		// Walk the rows in the sort's order and keep only those of the page: the
		// count still needs every match, which is cheap.
		lo, hi := (f.Page-1)*perPage, f.Page*perPage
		total := 0
		walk := func(order []int32, keep func(*snapRow) bool) {
			for _, k := range order {
				r := &snap.rows[k]
				if !keep(r) || !r.match(&f, themeIDs, bodyIDs, n, from, to) {
					continue
				}
				if total >= lo && total < hi {
					matched = append(matched, r)
				}
				total++
			}
		}
		switch f.Sort {
		case filter.SortNewest, filter.SortPopular, sortStarts:
			walk(snap.orders[f.Sort], func(*snapRow) bool { return true })
		default:
			walk(snap.orders[orderEndsAsc], func(r *snapRow) bool { return r.ends > n })
			walk(snap.orders[orderEndsDesc], func(r *snapRow) bool { return r.ends <= n })
		}
		out.Total = total
		s.pageItems(out, matched, now, noThemes)
		return
	}
	// Search: at most MaxSearchCandidates+1 matches, sorted here.
	ranks := make(map[int64]float64, len(hits))
	for _, h := range hits {
		k, ok := snap.byID[h.id]
		if !ok {
			continue
		}
		r := &snap.rows[k]
		if r.match(&f, themeIDs, bodyIDs, n, from, to) {
			if _, dup := ranks[h.id]; !dup {
				matched = append(matched, r)
			}
			ranks[h.id] = h.rank
		}
	}
	slices.SortFunc(matched, sortFunc(f.Sort, n, func(r *snapRow) float64 { return ranks[r.ID] }))
	out.Total = len(matched)
	lo := min((f.Page-1)*perPage, len(matched))
	hi := min(lo+perPage, len(matched))
	s.pageItems(out, matched[lo:hi], now, noThemes)
}

// pageItems copies the rows of a page into out.Items with their status at now.
func (s *Service) pageItems(out *List, page []*snapRow, now time.Time, noThemes bool) {
	out.Items = make([]Initiative, 0, len(page))
	for _, r := range page {
		i := r.Initiative
		i.Status = i.PublicStatus(now)
		if noThemes {
			i.Themes = nil // as the SQL lists do for the month grid
		}
		out.Items = append(out.Items, i)
	}
}

// searchHits runs the full-text match alone (at most MaxSearchCandidates+1 ids with
// their ranks), to be joined with the in-memory copy.
func (s *Service) searchHits(ctx context.Context, cte string, args []any) ([]hit, error) {
	rows, err := s.query(ctx, `WITH `+cte+` SELECT id, rank FROM hits`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []hit{}
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.rank); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

package catalog

import (
	"context"
	"slices"
	"strings"
	"time"

	"participe/internal/catalog/filter"
	"participe/internal/catalog/search"
	"participe/internal/db"
	"participe/internal/i18n"
)

// MaxSearchCandidates caps the matches that are ranked: ranking is what costs in
// full-text search (PERFORMANCE-NOTES), and nobody reads past the first pages of a
// search. The count shown is then "at most" this many.
const MaxSearchCandidates = 1000

// PerPage is the size of a page of the initiative list.
const PerPage = 20

// List is one page of initiatives matching a filter.
type List struct {
	Items []Initiative
	// Total counts every match (capped at MaxSearchCandidates with keywords).
	Total int
	// Capped tells that a search had more matches than were ranked.
	Capped bool
	// Query is the parsed keywords (empty without Q), for highlighting.
	Query search.Query
	// Problems are filter values the catalog did not know (theme or body slugs).
	Problems []filter.Problem
	// Filter is the filter actually applied (unknown slugs removed).
	Filter filter.Filter
}

// sortStarts orders by start date (calendar); not offered in the list's sort menu.
const sortStarts = "starts"

// where is a WHERE clause being built with its arguments. Every fragment is constant
// text with ? placeholders; only the number of placeholders of IN lists varies, so a
// given filter shape always gives the same SQL (prepared-statement friendly).
type where struct {
	parts []string
	args  []any
}

func (w *where) add(sql string, args ...any) {
	w.parts = append(w.parts, sql)
	w.args = append(w.args, args...)
}

func (w *where) sql() string { return strings.Join(w.parts, " AND ") }

func anys[T any](v []T) []any {
	out := make([]any, len(v))
	for i := range v {
		out[i] = v[i]
	}
	return out
}

// quebecDay turns a civil day of the filter (midnight UTC of that date) into the
// instant that day starts in Québec.
func quebecDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, i18n.Quebec)
}

// resolve checks theme and body slugs against the catalog; unknown ones are dropped
// and reported, so a stale link still shows results.
func (s *Service) resolve(ctx context.Context, f *filter.Filter) (themeIDs, bodyIDs []int64, probs []filter.Problem, err error) {
	if len(f.Themes) > 0 {
		themes, err := s.Themes(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		var kept []string
		for _, slug := range f.Themes {
			i := slices.IndexFunc(themes, func(t Theme) bool { return t.Slug == slug })
			if i < 0 {
				probs = append(probs, filter.Problem{Field: filter.KeyTheme, Code: filter.CodeUnknownValue, Value: slug})
				continue
			}
			kept = append(kept, slug)
			themeIDs = append(themeIDs, themes[i].ID)
		}
		f.Themes = kept
	}
	if len(f.Bodies) > 0 {
		bodies, err := s.Bodies(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		var kept []string
		for _, slug := range f.Bodies {
			i := slices.IndexFunc(bodies, func(b Body) bool { return b.Slug == slug })
			if i < 0 {
				probs = append(probs, filter.Problem{Field: filter.KeyBody, Code: filter.CodeUnknownValue, Value: slug})
				continue
			}
			kept = append(kept, slug)
			bodyIDs = append(bodyIDs, bodies[i].ID)
		}
		f.Bodies = kept
	}
	return themeIDs, bodyIDs, probs, nil
}

// conditions builds the WHERE clause of a filter (without keywords).
func (s *Service) conditions(f filter.Filter, themeIDs, bodyIDs []int64, now time.Time) *where {
	n := db.T(now)
	w := &where{}
	w.add(publicWhere, n)
	if len(themeIDs) > 0 {
		w.add(`i.id IN (SELECT it.initiative_id FROM initiative_themes it WHERE it.theme_id IN (`+placeholders(len(themeIDs))+`))`, anys(themeIDs)...)
	}
	if len(bodyIDs) > 0 {
		w.add(`i.body_id IN (`+placeholders(len(bodyIDs))+`)`, anys(bodyIDs)...)
	}
	if len(f.Modes) > 0 {
		w.add(`i.id IN (SELECT m.initiative_id FROM initiative_modes m WHERE m.mode IN (`+placeholders(len(f.Modes))+`))`, anys(f.Modes)...)
	}
	if len(f.Regions) > 0 {
		w.add(`i.id IN (SELECT r.initiative_id FROM initiative_regions r WHERE r.region_code IN (`+placeholders(len(f.Regions))+`))`, anys(f.Regions)...)
	}
	if len(f.Audiences) > 0 {
		w.add(`i.id IN (SELECT a.initiative_id FROM initiative_audiences a WHERE a.audience IN (`+placeholders(len(f.Audiences))+`))`, anys(f.Audiences)...)
	}
	if len(f.Statuses) > 0 && len(f.Statuses) < len(filter.Statuses()) {
		// The public status is derived from dates, as Initiative.PublicStatus does.
		var or []string
		var args []any
		noResults := `(i.results_published_at IS NULL OR i.results_published_at > ?)`
		for _, st := range f.Statuses {
			switch st {
			case StatusUpcoming:
				or = append(or, `(i.starts_at > ? AND `+noResults+`)`)
				args = append(args, n, n)
			case StatusOpen:
				or = append(or, `(i.starts_at <= ? AND i.ends_at > ? AND `+noResults+`)`)
				args = append(args, n, n, n)
			case StatusClosed:
				or = append(or, `(i.ends_at <= ? AND i.starts_at <= ? AND `+noResults+`)`)
				args = append(args, n, n, n)
			case StatusResults:
				or = append(or, `(i.results_published_at IS NOT NULL AND i.results_published_at <= ?)`)
				args = append(args, n)
			}
		}
		w.add(`(`+strings.Join(or, " OR ")+`)`, args...)
	}
	// Dates: initiatives running at some time between From (inclusive) and To
	// (inclusive), read as Québec days.
	if !f.From.IsZero() {
		w.add(`i.ends_at > ?`, db.T(quebecDay(f.From)))
	}
	if !f.To.IsZero() {
		w.add(`i.starts_at < ?`, db.T(quebecDay(f.To).AddDate(0, 0, 1)))
	}
	return w
}

// orderBy returns the ORDER BY of a sort, on table alias t (for initiatives) and r
// (for the search rank): the same order is applied to the inner query that picks a
// page of ids and to the outer one that reads their columns.
func orderBy(sort string, now time.Time, t, r string) (string, []any) {
	n := db.T(now)
	switch sort {
	case filter.SortNewest:
		return t + `.published_at DESC, ` + t + `.id DESC`, nil
	case filter.SortPopular:
		return t + `.participants_count DESC, ` + t + `.ends_at DESC, ` + t + `.id`, nil
	case sortStarts:
		return t + `.starts_at, ` + t + `.ends_at, ` + t + `.id`, nil
	case filter.SortRelevance:
		return r + `.rank DESC, ` + t + `.ends_at DESC, ` + t + `.id`, nil
	}
	// Closing date: still-open or upcoming ones by soonest end, then the closed ones,
	// most recently closed first.
	return `CASE WHEN ` + t + `.ends_at > ? THEN 0 ELSE 1 END, CASE WHEN ` + t + `.ends_at > ? THEN ` + t + `.ends_at ELSE -` + t + `.ends_at END, ` + t + `.id`, []any{n, n}
}

// hitsCTE returns the common table expression of ranked search matches (id, rank:
// higher is better), capped at MaxSearchCandidates, for the engine.
func (s *Service) hitsCTE(q search.Query) (string, []any) {
	if s.db.Engine == db.Postgres {
		if ts := q.TSQuery(); ts != "" {
			return `hits AS (SELECT c.id, ts_rank(c.search, to_tsquery('participe_fr', ?)) AS rank
				FROM (SELECT id, search FROM initiatives WHERE search @@ to_tsquery('participe_fr', ?) LIMIT ?) c)`,
				[]any{ts, ts, MaxSearchCandidates + 1}
		}
		w := q.PlainWords()
		return `hits AS (SELECT c.id, ts_rank(c.search, plainto_tsquery('participe_fr', ?)) AS rank
			FROM (SELECT id, search FROM initiatives WHERE search @@ plainto_tsquery('participe_fr', ?) LIMIT ?) c)`,
			[]any{w, w, MaxSearchCandidates + 1}
	}
	// FTS5's rank is bm25, lower is better: negate it.
	return `hits AS (SELECT rowid AS id, -rank AS rank FROM initiative_fts WHERE initiative_fts MATCH ? LIMIT ?)`,
		[]any{q.FTS5(), MaxSearchCandidates + 1}
}

// List returns a page of public initiatives matching f, perPage at a time (PerPage
// when <= 0). Bad keywords never fail: they match nothing.
func (s *Service) List(ctx context.Context, f filter.Filter, perPage int) (*List, error) {
	return s.list(ctx, f, perPage, listOpts{})
}

// listOpts says what to attach to the rows of a list.
type listOpts struct {
	descriptions bool // for snippets of any list and for exports
	noThemes     bool // the month grid shows titles only
}

func (s *Service) list(ctx context.Context, f filter.Filter, perPage int, o listOpts) (*List, error) {
	if perPage <= 0 {
		perPage = PerPage
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Sort == "" {
		f.Sort = filter.SortClosing
	}
	now := s.clock.Now()
	themeIDs, bodyIDs, probs, err := s.resolve(ctx, &f)
	if err != nil {
		return nil, err
	}
	out := &List{Problems: probs, Filter: f}
	w := s.conditions(f, themeIDs, bodyIDs, now)
	var with string
	var withArgs []any
	from := `initiatives i`
	snap, err := s.snapshotOf(ctx)
	if err != nil {
		return nil, err
	}
	if snap != nil {
		var hits []hit
		if f.Q != "" {
			out.Query = search.Parse(f.Q)
			if out.Query.Empty() {
				return out, nil
			}
			cte, args := s.hitsCTE(out.Query)
			if hits, err = s.searchHits(ctx, cte, args); err != nil {
				return nil, err
			}
		} else if f.Sort == filter.SortRelevance {
			f.Sort = filter.SortClosing
		}
		s.listSnapshot(snap, out, f, themeIDs, bodyIDs, hits, perPage, now, o.noThemes)
		return s.finish(ctx, out, f, listOpts{descriptions: o.descriptions, noThemes: true})
	}
	if f.Q != "" {
		out.Query = search.Parse(f.Q)
		if out.Query.Empty() {
			// Only stop words or punctuation: nothing to look for.
			return out, nil
		}
		cte, args := s.hitsCTE(out.Query)
		with, withArgs = `WITH `+cte+` `, args
		from = `hits h JOIN initiatives i ON i.id = h.id`
	} else if f.Sort == filter.SortRelevance {
		f.Sort = filter.SortClosing
	}
	if f.Q != "" {
		// Search: one pass over the ranked matches (at most MaxSearchCandidates+1
		// ids) gives both the count and the page, instead of running the full-text
		// match twice.
		order, orderArgs := orderBy(f.Sort, now, "i", "h")
		ids, err := s.ids(ctx, with+`SELECT i.id FROM `+from+` WHERE `+w.sql()+` ORDER BY `+order,
			append(append(withArgs, w.args...), orderArgs...)...)
		if err != nil {
			return nil, err
		}
		out.Total = len(ids)
		lo := min((f.Page-1)*perPage, len(ids))
		hi := min(lo+perPage, len(ids))
		if out.Items, err = s.byIDs(ctx, ids[lo:hi]); err != nil {
			return nil, err
		}
		return s.finish(ctx, out, f, o)
	}
	// The page of ids is chosen first (sorting ids and sort keys only), then their
	// columns are read: sorting whole rows joined with their body made SQLite spend
	// 5–15 ms per list on 1,000 initiatives; sorting ids takes a fraction of a ms.
	// Counting is a separate query (COUNT(*) OVER () would materialize every row).
	rank := `0`
	if f.Q != "" {
		rank = `h.rank`
	}
	inner, innerArgs := orderBy(f.Sort, now, "i", "h")
	outer, outerArgs := orderBy(f.Sort, now, "p", "p")
	q := with + `SELECT ` + initiativeColumns + ` FROM (SELECT i.id, i.ends_at, i.starts_at, i.published_at, i.participants_count, ` + rank + ` AS rank
		FROM ` + from + ` WHERE ` + w.sql() + ` ORDER BY ` + inner + ` LIMIT ? OFFSET ?) p
		JOIN initiatives i ON i.id = p.id JOIN bodies b ON b.id = i.body_id ORDER BY ` + outer
	args := append(append(append(append(withArgs, w.args...), innerArgs...), perPage, (f.Page-1)*perPage), outerArgs...)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i Initiative
		if err := scanInitiative(rows, &i); err != nil {
			return nil, err
		}
		i.Status = i.PublicStatus(now)
		out.Items = append(out.Items, i)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if f.Page == 1 && len(out.Items) < perPage {
		out.Total = len(out.Items)
	} else if err := s.queryRow(ctx, with+`SELECT COUNT(*) FROM `+from+` WHERE `+w.sql(), append(withArgs, w.args...)...).Scan(&out.Total); err != nil {
		return nil, err
	}
	return s.finish(ctx, out, f, o)
}

// finish caps the count of a search and attaches themes (and descriptions).
func (s *Service) finish(ctx context.Context, out *List, f filter.Filter, o listOpts) (*List, error) {
	if f.Q != "" && out.Total > MaxSearchCandidates {
		out.Total, out.Capped = MaxSearchCandidates, true
	}
	if !o.noThemes {
		if err := s.attachThemes(ctx, out.Items); err != nil {
			return nil, err
		}
	}
	if f.Q != "" || o.descriptions {
		if err := s.attachDescriptions(ctx, out.Items); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// attachDescriptions loads the descriptions of a page of results in one query, for
// search snippets and feeds.
func (s *Service) attachDescriptions(ctx context.Context, list []Initiative) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(list))
	for n, i := range list {
		idx[i.ID] = n
		args[n] = i.ID
	}
	rows, err := s.query(ctx, `SELECT id, description_fr, description_en FROM initiatives WHERE id IN (`+placeholders(len(list))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var fr, en string
		if err := rows.Scan(&id, &fr, &en); err != nil {
			return err
		}
		list[idx[id]].DescriptionFR, list[idx[id]].DescriptionEN = fr, en
	}
	return rows.Err()
}

// ids runs a query returning ids.
func (s *Service) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// byIDs loads the list columns of initiatives, in the order of ids.
func (s *Service) byIDs(ctx context.Context, ids []int64) ([]Initiative, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT `+initiativeColumns+` FROM initiatives i JOIN bodies b ON b.id = i.body_id
		WHERE i.id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]Initiative, len(ids))
	now := s.clock.Now()
	for rows.Next() {
		var i Initiative
		if err := scanInitiative(rows, &i); err != nil {
			return nil, err
		}
		i.Status = i.PublicStatus(now)
		byID[i.ID] = i
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Initiative, 0, len(ids))
	for _, id := range ids {
		if i, ok := byID[id]; ok {
			out = append(out, i)
		}
	}
	return out, nil
}

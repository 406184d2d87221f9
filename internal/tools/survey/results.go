package survey

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"participe/internal/db"
)

// Filter narrows results: by channel, by the respondents' declared region and age group,
// and by the answer to another question (cross-tab).
type Filter struct {
	Channel  string
	Region   string
	AgeGroup string
	// Question and Option: only responses whose answer to Question includes Option.
	Question string
	Option   string
}

// Results are a survey's aggregated results.
type Results struct {
	Total     int64
	Questions []QuestionResult
	// Scanned tells that the results were computed from the responses themselves (cross-
	// tab filter) rather than from the maintained aggregates.
	Scanned bool
	// Pending: the cross-tab of a large survey is being computed in the background; the
	// page asks to come back in a moment.
	Pending bool
}

// QuestionResult is one question's aggregate.
type QuestionResult struct {
	Q        *Question
	Section  int
	Answered int64
	Options  []OptionCount
	// HasStats: Mean and Median are set (scales, numbers).
	HasStats bool
	Mean     float64
	Median   float64
	Matrix   []MatrixRow
	Ranking  []RankRow
}

// OptionCount is one option's count and share of the people who answered.
type OptionCount struct {
	Key     string
	LabelFR string
	LabelEN string
	N       int64
	Pct     float64
}

// MatrixRow is one row of a matrix question.
type MatrixRow struct {
	Row      Option
	Answered int64
	Cells    []OptionCount
}

// RankRow is one option of a ranking question with its average position.
type RankRow struct {
	Option   Option
	N        int64
	MeanRank float64
	First    int64
}

type countMap map[string]map[string]int64

func (m countMap) add(q, o string, n int64) {
	if m[q] == nil {
		m[q] = map[string]int64{}
	}
	m[q][o] += n
}

// Results computes the results. Without a cross-tab filter they come from survey_counts
// (a few thousand rows whatever the number of responses); a cross-tab filter scans the
// responses.
func (s *Service) Results(ctx context.Context, sv *Survey, f Filter, public bool) (*Results, error) {
	var m countMap
	var err error
	res := &Results{}
	if f.Question != "" && f.Option != "" && sv.Def().Question(f.Question) != nil {
		res.Scanned = true
		m, err = s.crossTab(ctx, sv, f)
		if m == nil && err == nil {
			res.Pending = true
			m = countMap{}
		}
	} else {
		m, err = s.aggregateCounts(ctx, sv, f)
	}
	if err != nil {
		return nil, err
	}
	res.Total = m["_total"][""]
	for si, sec := range sv.Sections {
		for qi := range sec.Questions {
			q := &sv.Sections[si].Questions[qi]
			if !q.Answerable() || (public && q.IsPersonal()) {
				continue
			}
			res.Questions = append(res.Questions, buildResult(q, si, m))
		}
	}
	return res, nil
}

// Results of large surveys are also kept in memory for a few seconds. Since migration
// 0009 the unfiltered and channel-only results read survey_totals (1–3 ms for the
// 500,000-response survey, even on the first view after a start); a region or age-group
// filter still sums its slice of survey_counts (20–200 ms there), which is what this
// cache mostly saves. Surveys under aggCacheFrom responses are always read fresh (exact at
// once); larger ones are served from memory while the copy is under aggFresh old, and a
// copy up to aggStale old is served while a background read refreshes it, so visitors
// see responses at most a few seconds late.
const (
	aggCacheFrom = 20000
	aggFresh     = 5 * time.Second
	aggStale     = 10 * time.Minute
)

type aggKey struct {
	db                      string
	survey                  int64
	channel, region, ageGrp string
}

type aggEntry struct {
	m          countMap
	at         time.Time
	refreshing bool
}

var aggCache = struct {
	sync.Mutex
	m map[aggKey]*aggEntry
}{m: map[aggKey]*aggEntry{}}

func (s *Service) aggregateCounts(ctx context.Context, sv *Survey, f Filter) (countMap, error) {
	k := aggKey{s.db.DSN, sv.ID, f.Channel, f.Region, f.AgeGroup}
	aggCache.Lock()
	e := aggCache.m[k]
	if e != nil {
		age := time.Since(e.at)
		if age < aggFresh {
			m := e.m
			aggCache.Unlock()
			return m.clone(), nil
		}
		if age < aggStale {
			if !e.refreshing {
				e.refreshing = true
				go func() {
					bg, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					m, err := s.readAggregates(bg, sv, f)
					aggCache.Lock()
					defer aggCache.Unlock()
					e.refreshing = false
					if err == nil {
						e.m, e.at = m, time.Now()
					}
				}()
			}
			m := e.m
			aggCache.Unlock()
			return m.clone(), nil
		}
	}
	aggCache.Unlock()
	m, err := s.readAggregates(ctx, sv, f)
	if err != nil {
		return nil, err
	}
	if m["_total"][""] >= aggCacheFrom {
		aggCache.Lock()
		if len(aggCache.m) > 1000 {
			aggCache.m = map[aggKey]*aggEntry{}
		}
		aggCache.m[k] = &aggEntry{m: m, at: time.Now()}
		aggCache.Unlock()
		return m.clone(), nil
	}
	return m, nil
}

// readAggregates sums the maintained counts. Without a region or age-group filter it
// reads survey_totals (per channel × question × option, kept by triggers from
// survey_counts, migration 0009): a few hundred rows per channel whatever the number of
// responses, so even the first view after a start stays fast. Region and age filters
// read their slice of survey_counts through its region / age indexes.
func (s *Service) readAggregates(ctx context.Context, sv *Survey, f Filter) (countMap, error) {
	var q string
	switch {
	case f.Region == "" && f.AgeGroup == "":
		q = `SELECT question_key, option_key, SUM(n) FROM survey_totals WHERE survey_id = ?`
	case s.db.Engine == db.SQLite && f.Region == "":
		// SQLite would rather walk the primary key (it gives the GROUP BY order) through
		// every row of the survey; the age slice is a seventh of them.
		q = `SELECT question_key, option_key, SUM(n) FROM survey_counts INDEXED BY survey_counts_age WHERE survey_id = ?`
	case s.db.Engine == db.SQLite:
		q = `SELECT question_key, option_key, SUM(n) FROM survey_counts INDEXED BY survey_counts_region WHERE survey_id = ?`
	default:
		q = `SELECT question_key, option_key, SUM(n) FROM survey_counts WHERE survey_id = ?`
	}
	args := []any{sv.ID}
	if f.Channel != "" {
		q += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	if f.Region != "" {
		q += ` AND region_code = ?`
		args = append(args, f.Region)
	}
	if f.AgeGroup != "" {
		q += ` AND age_group = ?`
		args = append(args, f.AgeGroup)
	}
	rows, err := s.db.Query(ctx, q+` GROUP BY question_key, option_key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := countMap{}
	for rows.Next() {
		var qk, ok string
		var n int64
		if err := rows.Scan(&qk, &ok, &n); err != nil {
			return nil, err
		}
		m.add(qk, ok, n)
	}
	return m, rows.Err()
}

// scanCounts counts the responses with id > after that pass the cross-tab filter; it
// returns the counts and the largest response id it read.
func (s *Service) scanCounts(ctx context.Context, sv *Survey, f Filter, after int64) (countMap, int64, error) {
	q := `SELECT id, answers FROM survey_responses WHERE survey_id = ? AND status = 'submitted' AND id > ?`
	args := []any{sv.ID, after}
	if f.Channel != "" {
		q += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	if f.Region != "" {
		q += ` AND region_code = ?`
		args = append(args, f.Region)
	}
	if f.AgeGroup != "" {
		q += ` AND age_group = ?`
		args = append(args, f.AgeGroup)
	}
	d := sv.Def()
	fq := d.Question(f.Question)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, after, err
	}
	defer rows.Close()
	m := countMap{}
	last := after
	for rows.Next() {
		var raw string
		var id int64
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, after, err
		}
		last = max(last, id)
		var a Answers
		if json.Unmarshal([]byte(raw), &a) != nil {
			continue
		}
		if !clauseHolds(fq, a[f.Question], f.Option) {
			continue
		}
		for _, k := range CountKeys(d, a) {
			m.add(k.Question, k.Option, 1)
		}
	}
	return m, last, rows.Err()
}

func pct(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func buildResult(q *Question, section int, m countMap) QuestionResult {
	c := m[q.Key]
	r := QuestionResult{Q: q, Section: section, Answered: c[""]}
	switch q.Type {
	case TSingle, TMultiple:
		for _, o := range q.Options {
			r.Options = append(r.Options, OptionCount{Key: o.Key, LabelFR: o.LabelFR, LabelEN: o.LabelEN, N: c[o.Key], Pct: pct(c[o.Key], r.Answered)})
		}
		if q.Other {
			r.Options = append(r.Options, OptionCount{Key: OtherKey, LabelFR: "Autre", LabelEN: "Other", N: c[OtherKey], Pct: pct(c[OtherKey], r.Answered)})
		}
	case TScale:
		for v := q.Scale.Min; v <= q.Scale.Max; v++ {
			k := strconv.Itoa(v)
			lf, le := k, k
			if v == q.Scale.Min && q.Scale.MinLabelFR != "" {
				lf, le = k+" ("+q.Scale.MinLabelFR+")", k+" ("+Label("en", q.Scale.MinLabelFR, q.Scale.MinLabelEN)+")"
			}
			if v == q.Scale.Max && q.Scale.MaxLabelFR != "" {
				lf, le = k+" ("+q.Scale.MaxLabelFR+")", k+" ("+Label("en", q.Scale.MaxLabelFR, q.Scale.MaxLabelEN)+")"
			}
			r.Options = append(r.Options, OptionCount{Key: k, LabelFR: lf, LabelEN: le, N: c[k], Pct: pct(c[k], r.Answered)})
		}
		r.HasStats = true
		r.Mean, r.Median = stats(c)
	case TNumber:
		r.HasStats = true
		r.Mean, r.Median = stats(c)
	case TMatrix:
		for _, row := range q.Rows {
			rc := m[q.Key+"."+row.Key]
			mr := MatrixRow{Row: row, Answered: rc[""]}
			for _, o := range q.Options {
				mr.Cells = append(mr.Cells, OptionCount{Key: o.Key, LabelFR: o.LabelFR, LabelEN: o.LabelEN, N: rc[o.Key], Pct: pct(rc[o.Key], mr.Answered)})
			}
			r.Matrix = append(r.Matrix, mr)
		}
	case TRanking:
		for _, o := range q.Options {
			rr := RankRow{Option: o, N: c[o.Key], First: c[o.Key+"@1"]}
			var sum int64
			for p := 1; p <= len(q.Options); p++ {
				sum += int64(p) * c[o.Key+"@"+strconv.Itoa(p)]
			}
			if rr.N > 0 {
				rr.MeanRank = float64(sum) / float64(rr.N)
			}
			r.Ranking = append(r.Ranking, rr)
		}
		sort.SliceStable(r.Ranking, func(i, j int) bool {
			a, b := r.Ranking[i], r.Ranking[j]
			if (a.N == 0) != (b.N == 0) {
				return b.N == 0
			}
			return a.MeanRank < b.MeanRank
		})
	}
	return r
}

// stats computes the mean and median of a value → count distribution.
func stats(c map[string]int64) (float64, float64) {
	type vn struct {
		v float64
		n int64
	}
	var list []vn
	var total int64
	var sum float64
	for k, n := range c {
		if k == "" || n <= 0 {
			continue
		}
		v, err := strconv.ParseFloat(k, 64)
		if err != nil {
			continue
		}
		list = append(list, vn{v, n})
		total += n
		sum += v * float64(n)
	}
	if total == 0 {
		return 0, 0
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v < list[j].v })
	at := func(idx int64) float64 {
		var acc int64
		for _, x := range list {
			acc += x.n
			if idx < acc {
				return x.v
			}
		}
		return list[len(list)-1].v
	}
	med := at(total / 2)
	if total%2 == 0 {
		med = (at(total/2-1) + at(total/2)) / 2
	}
	return sum / float64(total), med
}

// TextRow is one open answer.
type TextRow struct {
	ResponseID int64
	Body       string
	Channel    string
	CreatedAt  db.Time
}

// Texts lists the open answers to a question (and "Other" texts with key+"/other"),
// newest first, filtered by an accent-insensitive search.
func (s *Service) Texts(ctx context.Context, sv *Survey, questionKey, search, channel string, offset, limit int) ([]TextRow, int, error) {
	where := `survey_id = ? AND question_key = ?`
	args := []any{sv.ID, questionKey}
	if search = strings.TrimSpace(search); search != "" {
		where += ` AND folded LIKE ? ESCAPE '\'`
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(Fold(limitRunes(search, 100)))
		args = append(args, "%"+esc+"%")
	}
	if channel != "" {
		where += ` AND channel = ?`
		args = append(args, channel)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_texts WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT response_id, body, channel, created_at FROM survey_texts WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []TextRow
	for rows.Next() {
		var t TextRow
		if err := rows.Scan(&t.ResponseID, &t.Body, &t.Channel, &t.CreatedAt); err != nil {
			return nil, 0, err
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// CountsByChannel returns the number of submitted survey responses of an initiative per
// channel (all its surveys), for the initiative's statistics (SPEC §4). It reads the
// maintained aggregates, so it is cheap at any size.
func CountsByChannel(ctx context.Context, d *db.DB, initiativeID int64) (map[string]int64, error) {
	rows, err := d.Query(ctx, `SELECT c.channel, SUM(c.n) FROM survey_totals c JOIN surveys s ON s.id = c.survey_id
		WHERE s.initiative_id = ? AND c.question_key = '_total' GROUP BY c.channel`, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ch string
		var n int64
		if err := rows.Scan(&ch, &n); err != nil {
			return nil, err
		}
		out[ch] = n
	}
	return out, rows.Err()
}

// ResultsFor is the results area's entry point: the aggregated results of an
// initiative's survey of a purpose (public: personal questions left out).
func (s *Service) ResultsFor(ctx context.Context, initiativeID int64, purpose string, f Filter, public bool) (*Survey, *Results, error) {
	sv, err := s.ByInitiative(ctx, initiativeID, purpose)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Results(ctx, sv, f, public)
	return sv, r, err
}

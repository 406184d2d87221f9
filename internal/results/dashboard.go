package results

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"participe/internal/db"
	"participe/internal/i18n"
)

// Dashboard is the evaluation dashboard of one initiative (InitiativeID != 0) or of the
// whole platform.
type Dashboard struct {
	InitiativeID int64
	ComputedAt   time.Time
	Figures      Figures
	// Timeline counts contributions per period (week for an initiative, month for the
	// platform) and channel.
	Timeline       []Period
	AnsweredShare  float64 // share of proposals with a published official answer
	MedianAnswer   time.Duration
	HasMedian      bool
	Satisfaction   Satisfaction
	Representation Representation
	Suggestions    SuggestionStats
	Moderation     Moderation
	Initiatives    int64 // platform: initiatives with published results
}

// Period is one bar of the timeline.
type Period struct {
	Start     time.Time
	Label     string
	ByChannel map[string]int64
	Total     int64
}

// Satisfaction sums the satisfaction questionnaires' overall question (1 to 5).
type Satisfaction struct {
	Responses int64
	Average   float64
	ByScore   [5]int64
}

// Moderation figures are shown to staff only.
type Moderation struct {
	Hidden         int64
	PendingReview  int64
	OpenReports    int64
	ResolvedReport int64
	Suggestions    int64 // suggestions waiting for moderation
}

// SuggestionStats count approved suggestions and ratings of the platform.
type SuggestionStats struct {
	Topics        int64
	Ratings       int64
	RatingAverage float64
}

type inflight struct {
	mu sync.Mutex
	m  map[string]bool
}

var refreshing inflight

// Dashboard returns the dashboard, cached for DashboardTTL. When the cached copy is
// stale it is served while one background refresh runs, so a page never waits for the
// aggregate queries once the cache is warm; WarmDashboards fills the platform's at start
// (docs/performance.md).
func (s *Service) Dashboard(ctx context.Context, initiativeID int64) (*Dashboard, error) {
	key := fmt.Sprintf("dashboard:%d", initiativeID)
	now := s.clock.Now()
	if v, ok := s.cache.get(key, now, s.DashboardTTL); ok {
		return v.(*Dashboard), nil
	}
	if v, ok := s.cache.get(key, now, 1<<62); ok {
		refreshing.mu.Lock()
		if refreshing.m == nil {
			refreshing.m = map[string]bool{}
		}
		busy := refreshing.m[key]
		refreshing.m[key] = true
		refreshing.mu.Unlock()
		if !busy {
			go func() {
				defer func() {
					refreshing.mu.Lock()
					delete(refreshing.m, key)
					refreshing.mu.Unlock()
				}()
				bg, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				if d, err := s.computeDashboard(bg, initiativeID); err == nil {
					s.cache.put(key, s.clock.Now(), d)
				}
			}()
		}
		return v.(*Dashboard), nil
	}
	v, err, _ := s.cold.Do(key, func() (any, error) {
		if v, ok := s.cache.get(key, s.clock.Now(), s.DashboardTTL); ok {
			return v, nil // computed by the call that just finished
		}
		// Shared by every waiting request: one caller leaving must not fail the others.
		d, err := s.computeDashboard(context.WithoutCancel(ctx), initiativeID)
		if err != nil {
			return nil, err
		}
		s.cache.put(key, now, d)
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Dashboard), nil
}

// scope returns a WHERE fragment on contributions alias c for the dashboard's scope,
// limited to public initiatives for the platform.
func scopeArgs(initiativeID int64) (string, []any) {
	if initiativeID != 0 {
		return "c.initiative_id = ?", []any{initiativeID}
	}
	return "1 = 1", nil
}

func (s *Service) computeDashboard(ctx context.Context, initiativeID int64) (*Dashboard, error) {
	d := &Dashboard{InitiativeID: initiativeID, ComputedAt: s.clock.Now()}
	var err error
	if d.Figures, err = s.KeyFigures(ctx, initiativeID); err != nil {
		return nil, err
	}
	if d.Timeline, err = s.timeline(ctx, initiativeID); err != nil {
		return nil, err
	}
	if d.Figures.Answerable > 0 {
		d.AnsweredShare = float64(d.Figures.Answered) / float64(d.Figures.Answerable)
	}
	if d.MedianAnswer, d.HasMedian, err = s.medianAnswer(ctx, initiativeID); err != nil {
		return nil, err
	}
	if d.Satisfaction, err = s.satisfaction(ctx, initiativeID); err != nil {
		return nil, err
	}
	if d.Representation, err = s.Representativeness(ctx, initiativeID); err != nil {
		return nil, err
	}
	if d.Moderation, err = s.moderation(ctx, initiativeID); err != nil {
		return nil, err
	}
	if initiativeID == 0 {
		if d.Suggestions, err = s.SuggestionStats(ctx); err != nil {
			return nil, err
		}
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE results_published_at IS NOT NULL AND results_published_at <= ?`,
			db.T(s.clock.Now())).Scan(&d.Initiatives); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// KeyFigures computes the key figures from the data: contributions from the counters
// kept by the contribution model (contribution_stats), votes from the proposal
// counters, participants as distinct people plus contributions entered for people
// without an account.
func (s *Service) KeyFigures(ctx context.Context, initiativeID int64) (Figures, error) {
	var f Figures
	where, args := "1 = 1", []any(nil)
	if initiativeID != 0 {
		where, args = "initiative_id = ?", []any{initiativeID}
	}
	rows, err := s.db.Query(ctx, `SELECT tool, kind, channel, n_total FROM contribution_stats WHERE `+where, args...)
	if err != nil {
		return f, err
	}
	byTool, byChannel := map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var tool, kind, channel string
		var n int64
		if err := rows.Scan(&tool, &kind, &channel, &n); err != nil {
			rows.Close()
			return f, err
		}
		f.Contributions += n
		byTool[tool] += n
		byChannel[channel] += n
		switch kind {
		case "proposal":
			f.Proposals += n
		case "argument":
			f.Arguments += n
		case "comment":
			f.Comments += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	// Survey responses are contributions of the survey tool, by channel.
	// From the survey tool's aggregate rows ('_total' counts submitted responses by
	// channel), not by scanning hundreds of thousands of responses.
	sw := "sc.question_key = '_total'"
	if initiativeID != 0 {
		sw += " AND sv.initiative_id = ?"
	}
	rows, err = s.db.Query(ctx, `SELECT sc.channel, SUM(sc.n) FROM survey_totals sc JOIN surveys sv ON sv.id = sc.survey_id
		WHERE `+sw+` AND sv.purpose = 'main' GROUP BY sc.channel`, args...)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var ch string
		var n int64
		if err := rows.Scan(&ch, &n); err != nil {
			rows.Close()
			return f, err
		}
		f.SurveyResponses += n
		f.Contributions += n
		byTool["survey"] += n
		byChannel[ch] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	f.ByTool, f.ByChannel = sortedCounts(byTool), sortedCounts(byChannel)

	pw := "1 = 1"
	if initiativeID != 0 {
		pw = "p.initiative_id = ?"
	}
	// Answered proposals from the (initiative_id, answer_state) index; votes from the
	// proposals' counters for an initiative, from the votes' primary key platform-wide
	// (both read indexes only, never the proposals' text).
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.answer_state <> '' THEN 1 ELSE 0 END), 0)
		FROM proposals p WHERE `+pw, args...).Scan(&f.Answerable, &f.Answered); err != nil {
		return f, err
	}
	if initiativeID != 0 {
		err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(p.votes_for + p.votes_against), 0) FROM proposals p WHERE p.initiative_id = ?`, initiativeID).Scan(&f.Votes)
	} else {
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM proposal_votes`).Scan(&f.Votes)
	}
	if err != nil {
		return f, err
	}
	if f.Participants, err = s.participants(ctx, initiativeID); err != nil {
		return f, err
	}
	if f.Participants == 0 && initiativeID != 0 {
		// Nothing recorded on the platform (e.g. an in-person consultation): show the
		// participant count declared by the organisers, marked as declared.
		if err := s.db.QueryRow(ctx, `SELECT participants_count FROM initiatives WHERE id = ?`, initiativeID).Scan(&f.Participants); err != nil {
			return f, err
		}
		f.DeclaredOnly = f.Participants > 0
	}
	fw, fargs := "1 = 1", []any{db.T(s.clock.Now())}
	if initiativeID != 0 {
		fw, fargs = "f.initiative_id = ?", []any{db.T(s.clock.Now()), initiativeID}
	} else {
		fw = "i.results_published_at IS NOT NULL"
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN f.status = 'done' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN f.status IN ('planned', 'in_progress') AND f.due_at IS NOT NULL AND f.due_at < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN f.status = 'dropped' THEN 1 ELSE 0 END), 0)
		FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE `+fw, fargs...).Scan(&f.FollowUps, &f.FollowUpsDone, &f.FollowUpsLate, &f.FollowUpsDropped)
	return f, err
}

// participants counts distinct people who contributed, voted or answered a survey, plus
// contributions and responses of people without an account (each one person).
func (s *Service) participants(ctx context.Context, initiativeID int64) (int64, error) {
	var n, anon int64
	if initiativeID == 0 {
		err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM people p WHERE p.deleted_at IS NULL AND (
			EXISTS (SELECT 1 FROM contributions c WHERE c.author_id = p.id)
			OR EXISTS (SELECT 1 FROM proposal_votes v WHERE v.person_id = p.id)
			OR EXISTS (SELECT 1 FROM survey_responses r WHERE r.person_id = p.id AND r.status = 'submitted'))`).Scan(&n)
		if err != nil {
			return 0, err
		}
		// Responses without an account: all submitted responses (the survey tool's
		// '_total' aggregate) minus those with a person (a covering index count).
		var total, withPerson int64
		if err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM survey_totals WHERE question_key = '_total'`).Scan(&total); err != nil {
			return 0, err
		}
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE person_id IS NOT NULL AND status = 'submitted'`).Scan(&withPerson); err != nil {
			return 0, err
		}
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM contributions c WHERE c.author_id IS NULL AND c.kind = 'proposal'`).Scan(&anon)
		return n + anon + max(total-withPerson, 0), err
	}
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (
		SELECT c.author_id AS pid FROM contributions c WHERE c.initiative_id = ? AND c.author_id IS NOT NULL
		UNION SELECT v.person_id FROM proposal_votes v JOIN proposals p ON p.id = v.proposal_id WHERE p.initiative_id = ?
		UNION SELECT r.person_id FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id
			WHERE sv.initiative_id = ? AND r.person_id IS NOT NULL AND r.status = 'submitted') x`, initiativeID, initiativeID, initiativeID).Scan(&n)
	if err != nil {
		return 0, err
	}
	err = s.db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM contributions c WHERE c.initiative_id = ? AND c.author_id IS NULL AND c.kind = 'proposal')
		+ (SELECT COUNT(*) FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id WHERE sv.initiative_id = ? AND r.person_id IS NULL AND r.status = 'submitted')`,
		initiativeID, initiativeID).Scan(&anon)
	return n + anon, err
}

func sortedCounts(m map[string]int64) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// timeline groups contributions by day in SQL, then by week or month in Go (the
// calendar arithmetic is the same on both engines that way).
func (s *Service) timeline(ctx context.Context, initiativeID int64) ([]Period, error) {
	where, args := scopeArgs(initiativeID)
	rows, err := s.db.Query(ctx, `SELECT c.created_at / 86400, c.channel, COUNT(*) FROM contributions c WHERE `+where+`
		GROUP BY c.created_at / 86400, c.channel`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	buckets := map[int64]*Period{}
	for rows.Next() {
		var day, n int64
		var ch string
		if err := rows.Scan(&day, &ch, &n); err != nil {
			return nil, err
		}
		t := time.Unix(day*86400, 0).In(i18n.Quebec)
		var start time.Time
		if initiativeID != 0 {
			wd := (int(t.Weekday()) + 6) % 7 // Monday first
			start = time.Date(t.Year(), t.Month(), t.Day()-wd, 0, 0, 0, 0, i18n.Quebec)
		} else {
			start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, i18n.Quebec)
		}
		p := buckets[start.Unix()]
		if p == nil {
			p = &Period{Start: start, ByChannel: map[string]int64{}}
			buckets[start.Unix()] = p
		}
		p.ByChannel[ch] += n
		p.Total += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Period, 0, len(buckets))
	for _, p := range buckets {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	if len(out) > 24 {
		out = out[len(out)-24:]
	}
	return out, nil
}

// medianAnswer is the median time between a proposal and its published official answer.
func (s *Service) medianAnswer(ctx context.Context, initiativeID int64) (time.Duration, bool, error) {
	where, args := scopeArgs(initiativeID)
	base := ` FROM official_answers a JOIN contributions c ON c.id = a.contribution_id WHERE a.published_at IS NOT NULL AND ` + where
	var n int64
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*)`+base, args...).Scan(&n); err != nil {
		return 0, false, err
	}
	if n == 0 {
		return 0, false, nil
	}
	var secs int64
	err := s.db.QueryRow(ctx, `SELECT a.published_at - c.created_at`+base+` ORDER BY a.published_at - c.created_at LIMIT 1 OFFSET ?`,
		append(args, n/2)...).Scan(&secs)
	if err != nil {
		return 0, false, err
	}
	return time.Duration(max(secs, 0)) * time.Second, true, nil
}

// SatisfactionQuestion is the key of the 1-to-5 overall question of the satisfaction
// questionnaire.
const SatisfactionQuestion = "overall"

func (s *Service) satisfaction(ctx context.Context, initiativeID int64) (Satisfaction, error) {
	var out Satisfaction
	where := "sv.purpose = 'satisfaction'"
	var args []any
	if initiativeID != 0 {
		where += " AND sv.initiative_id = ?"
		args = append(args, initiativeID)
	}
	rows, err := s.db.Query(ctx, `SELECT sc.option_key, SUM(sc.n) FROM survey_totals sc JOIN surveys sv ON sv.id = sc.survey_id
		WHERE `+where+` AND sc.question_key = ? AND sc.option_key <> '' GROUP BY sc.option_key`, append(args, SatisfactionQuestion)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	var sum int64
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return out, err
		}
		var v int
		if _, err := fmt.Sscanf(k, "%d", &v); err != nil || v < 1 || v > 5 {
			continue
		}
		out.ByScore[v-1] += n
		out.Responses += n
		sum += int64(v) * n
	}
	if out.Responses > 0 {
		out.Average = float64(sum) / float64(out.Responses)
	}
	return out, rows.Err()
}

func (s *Service) moderation(ctx context.Context, initiativeID int64) (Moderation, error) {
	var m Moderation
	where, args := scopeArgs(initiativeID)
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN c.status = 'hidden' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'pending_review' THEN 1 ELSE 0 END), 0)
		FROM contributions c WHERE c.status <> 'published' AND `+where, args...).Scan(&m.Hidden, &m.PendingReview)
	if err != nil {
		return m, err
	}
	err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN r.state = 'open' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.state <> 'open' THEN 1 ELSE 0 END), 0)
		FROM reports r JOIN contributions c ON c.id = r.contribution_id WHERE `+where, args...).Scan(&m.OpenReports, &m.ResolvedReport)
	if err != nil {
		return m, err
	}
	if initiativeID == 0 {
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions WHERE status = 'pending'`).Scan(&m.Suggestions)
	}
	return m, err
}

// WarmDashboards computes the platform dashboard once, at start, so that no visitor
// waits for the cold computation. Later refreshes happen only when someone looks at a
// stale copy (Dashboard serves it and refreshes it in the background): a periodic
// refresh cost every app server and worker 0.6–0.9 s of CPU every DashboardTTL even
// when nobody read the dashboard.
func (s *Service) WarmDashboards(ctx context.Context) {
	_, _ = s.Dashboard(ctx, 0) // through the single flight: a first visitor joins it
}

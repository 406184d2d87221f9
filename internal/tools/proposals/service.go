package proposals

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/events"
	"participe/internal/notify"
	"participe/internal/participe"
)

// Service is the proposals tool.
type Service struct {
	db        *db.DB
	clock     participe.Clock
	notify    *notify.Service
	events    *events.Bus
	uploadDir string
	// queries, when set, counts read queries (tests bound the queries per page).
	queries *atomic.Int64
	stmts   sync.Map // query text -> *sql.Stmt
	cache   initiativeCache
	// limits overrides rate limits by kind (SetRateLimit).
	limits map[string]int
}

// New returns the service. events may be nil (no live updates).
func New(d *db.DB, clock participe.Clock, n *notify.Service, ev *events.Bus, uploadDir string) *Service {
	return &Service{db: d, clock: clock, notify: n, events: ev, uploadDir: uploadDir}
}

// CountQueries makes the service count its read queries into n (tests).
func (s *Service) CountQueries(n *atomic.Int64) { s.queries = n }

// stmt returns the read statement for q, prepared once on the read pool: parsing the
// SQL on every request cost about an eighth of a page's CPU with modernc SQLite. The
// set of query texts is bounded (arguments are always bound, IN lists have ≤ 50 items).
func (s *Service) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.SQL().PrepareContext(ctx, s.db.Rebind(q))
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

func (s *Service) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s.queries != nil {
		s.queries.Add(1)
	}
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// rowResult is a *sql.Row or the error of preparing its statement.
type rowResult struct {
	row *sql.Row
	err error
}

func (r rowResult) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

func (s *Service) queryRow(ctx context.Context, q string, args ...any) rowResult {
	if s.queries != nil {
		s.queries.Add(1)
	}
	st, err := s.stmt(ctx, q)
	if err != nil {
		return rowResult{err: err}
	}
	return rowResult{row: st.QueryRowContext(ctx, args...)}
}

type rowScanner interface{ Scan(dest ...any) error }

const initiativeSelect = `SELECT i.id, i.slug, i.body_id, COALESCE(NULLIF(b.name_fr, ''), b.acronym), b.name_en, i.state, i.title_fr, i.title_en,
	i.starts_at, i.ends_at, i.published_at,
	(SELECT COUNT(*) FROM initiative_tools t WHERE t.initiative_id = i.id AND t.tool = 'proposals'),
	COALESCE(ps.who_may_propose, 'participants'), ps.voting_open, COALESCE(ps.vote_type, 'for_against'),
	COALESCE(ps.max_length, 5000), COALESCE(ps.report_threshold, 3), ps.opens_at, ps.closes_at,
	COALESCE(ps.answer_states, '[]')
	FROM initiatives i JOIN bodies b ON b.id = i.body_id
	LEFT JOIN proposal_settings ps ON ps.initiative_id = i.id `

func scanInitiative(row rowScanner) (*Initiative, error) {
	var i Initiative
	var starts, ends, published, opens, closes db.Time
	var tools int
	var votingOpen *bool
	var states string
	if err := row.Scan(&i.ID, &i.Slug, &i.BodyID, &i.BodyFR, &i.BodyEN, &i.State, &i.TitleFR, &i.TitleEN,
		&starts, &ends, &published, &tools, &i.Settings.WhoMayPropose, &votingOpen, &i.Settings.VoteType,
		&i.Settings.MaxLength, &i.Settings.ReportThreshold, &opens, &closes, &states); err != nil {
		return nil, db.NotFound(err, "initiative not found")
	}
	i.StartsAt, i.EndsAt, i.PublishedAt = starts.Time, ends.Time, published.Time
	i.Settings.OpensAt, i.Settings.ClosesAt = opens.Time, closes.Time
	i.Settings.VotingOpen = votingOpen == nil || *votingOpen
	i.Settings.AnswerStates = parseStates(states)
	i.ToolOn = tools > 0
	return &i, nil
}

// themes loads the initiative's proposal themes.
func (s *Service) themes(ctx context.Context, i *Initiative) error {
	rows, err := s.query(ctx, `SELECT id, key, name_fr, name_en FROM proposal_themes WHERE initiative_id = ? ORDER BY position, id`, i.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	i.Themes = i.Themes[:0]
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Key, &t.FR, &t.EN); err != nil {
			return err
		}
		i.Themes = append(i.Themes, t)
	}
	return rows.Err()
}

// PublicInitiative returns a public initiative that uses the tool, by slug, from the
// service's short-lived copy (cache.go). The result is shared: read only.
func (s *Service) PublicInitiative(ctx context.Context, slug string) (*Initiative, error) {
	if slug == "" || len(slug) > 200 {
		return nil, participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	i, err := s.cachedInitiative(ctx, slug, 0)
	if err != nil {
		return nil, err
	}
	if !i.Public(s.clock.Now()) || !i.ToolOn {
		return nil, participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	return i, nil
}

// initiativeByID loads any initiative by id (callers check scope).
func (s *Service) initiativeByID(ctx context.Context, id int64) (*Initiative, error) {
	i, err := scanInitiative(s.queryRow(ctx, initiativeSelect+`WHERE i.id = ?`, id))
	if err != nil {
		return nil, err
	}
	return i, s.themes(ctx, i)
}

// initiativeTx loads the initiative inside a write transaction (current state).
func initiativeTx(ctx context.Context, tx *db.Tx, id int64) (*Initiative, error) {
	return scanInitiative(tx.QueryRow(ctx, initiativeSelect+`WHERE i.id = ?`, id))
}

const proposalColumns = `p.id, p.initiative_id, COALESCE(p.theme_id, 0), p.title, p.title_en, p.official,
	p.votes_for, p.votes_against, p.arguments_count, p.comments_count, p.answer_state,
	COALESCE(c.author_id, 0), CASE WHEN pe.deleted_at IS NULL THEN COALESCE(pe.pseudonym, '') ELSE '' END,
	c.channel, c.entered_by IS NOT NULL, c.on_behalf_name, c.status, c.hidden_reason, c.created_at, COALESCE(o.name, '')`

const proposalFrom = ` FROM proposals p JOIN contributions c ON c.id = p.id LEFT JOIN people pe ON pe.id = c.author_id
	LEFT JOIN organisations o ON o.id = c.organisation_id `

func scanProposal(row rowScanner, p *Proposal, extra ...any) error {
	var created db.Time
	dest := []any{&p.ID, &p.InitiativeID, &p.ThemeID, &p.Title, &p.TitleEN, &p.Official,
		&p.VotesFor, &p.VotesAgainst, &p.Arguments, &p.Comments, &p.AnswerState,
		&p.Author.PersonID, &p.Author.Pseudonym, &p.Author.Channel, &p.Author.EnteredByStaff, &p.Author.OnBehalfName,
		&p.Status, &p.HiddenReason, &created, &p.Author.Organisation}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	p.CreatedAt = created.Time
	return nil
}

// ListPage is what the list page shows.
type ListPage struct {
	Initiative *Initiative
	Query      ListQuery
	Proposals  []Proposal
	Total      int
}

// List returns a page of the initiative's published proposals. Queries: the count
// (skipped when unfiltered: the maintained counter), the rows, and the viewer's votes;
// the initiative comes from the service's copy.
//
// The rows are read in two steps in one statement: the inner SELECT finds the page's
// ids from the index (initiative_id, status, <sort>, id) alone — for page 50 it skips
// 980 index entries, not 980 proposals with their contribution, author and
// organisation rows — and the outer one reads the 20 rows it found.
func (s *Service) List(ctx context.Context, slug string, lq ListQuery, viewer int64) (*ListPage, error) {
	i, err := s.PublicInitiative(ctx, slug)
	if err != nil {
		return nil, err
	}
	lp := &ListPage{Initiative: i, Query: lq}
	where := ` WHERE p.initiative_id = ? AND p.status = ?`
	args := []any{i.ID, contrib.StatusPublished}
	if lq.ThemeID > 0 {
		where += ` AND p.theme_id = ?`
		args = append(args, lq.ThemeID)
	}
	if lq.Answer == AnswerNone {
		where += ` AND p.answer_state = ''`
	} else if lq.Answer != "" {
		where += ` AND p.answer_state = ?`
		args = append(args, lq.Answer)
	}
	if lq.ThemeID == 0 && lq.Answer == "" {
		err = s.queryRow(ctx, `SELECT COALESCE(SUM(n_published), 0) FROM contribution_stats
			WHERE initiative_id = ? AND tool = ? AND kind = ?`, i.ID, Tool, KindProposal).Scan(&lp.Total)
	} else {
		err = s.queryRow(ctx, `SELECT COUNT(*) FROM proposals p`+where, args...).Scan(&lp.Total)
	}
	if err != nil {
		return nil, err
	}
	offset := (lq.Page - 1) * PerPage
	if offset > 0 && offset >= lp.Total {
		return lp, nil // past the end: no rows to look for
	}
	var order string
	var orderArgs []any
	switch lq.Sort {
	case SortNewest:
		order = `p.id DESC`
	case SortDebated:
		order = `p.debate_count DESC, p.id DESC`
	case SortRandom:
		seed := lq.Seed%999983 + 1
		if seed < 0 {
			seed = -seed
		}
		order = `(p.id * ?) % 1000003, p.id`
		orderArgs = append(orderArgs, seed)
	case SortRising:
		// The most popular rise: support per (age in hours + 2)², as idea boards do.
		now := s.clock.Now().Unix()
		order = `(p.votes_for - p.votes_against) * 1.0 / (((? - p.created_at) / 3600.0 + 2) * ((? - p.created_at) / 3600.0 + 2)) DESC, p.id DESC`
		orderArgs = append(orderArgs, now, now)
	default:
		order = `p.votes_for DESC, p.id DESC`
	}
	q := `SELECT ` + proposalColumns + `, substr(p.body, 1, 280)
		FROM (SELECT p.id FROM proposals p` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?) k
		JOIN proposals p ON p.id = k.id JOIN contributions c ON c.id = p.id LEFT JOIN people pe ON pe.id = c.author_id
		LEFT JOIN organisations o ON o.id = c.organisation_id
		ORDER BY ` + order
	qargs := make([]any, 0, len(args)+2*len(orderArgs)+2)
	qargs = append(append(append(append(qargs, args...), orderArgs...), PerPage, offset), orderArgs...)
	rows, err := s.query(ctx, q, qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	lp.Proposals = make([]Proposal, 0, PerPage)
	for rows.Next() {
		var p Proposal
		if err := scanProposal(rows, &p, &p.Excerpt); err != nil {
			return nil, err
		}
		p.Excerpt = excerpt(p.Excerpt, 240)
		lp.Proposals = append(lp.Proposals, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if viewer != 0 && len(lp.Proposals) > 0 {
		ids := make([]any, 0, len(lp.Proposals)+1)
		ids = append(ids, viewer)
		for _, p := range lp.Proposals {
			ids = append(ids, p.ID)
		}
		vr, err := s.query(ctx, `SELECT proposal_id, value FROM proposal_votes WHERE person_id = ? AND proposal_id IN (`+marks(len(ids)-1)+`)`, ids...)
		if err != nil {
			return nil, err
		}
		defer vr.Close()
		mine := map[int64]int{}
		for vr.Next() {
			var id int64
			var v int
			if err := vr.Scan(&id, &v); err != nil {
				return nil, err
			}
			mine[id] = v
		}
		for k := range lp.Proposals {
			lp.Proposals[k].MyVote = mine[lp.Proposals[k].ID]
		}
	}
	return lp, nil
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// excerptMarks strips Markdown marks from excerpts (built once: a Replacer builds its
// lookup tables on first use, which cost more than the replacing itself).
var excerptMarks = strings.NewReplacer("**", "", "__", "", "#", "", "`", "", "> ", "", "\n- ", " ", "\n", " ")

// excerpt turns the start of a Markdown text into a plain one-paragraph excerpt.
func excerpt(md string, n int) string {
	s := strings.Join(strings.Fields(excerptMarks.Replace(md)), " ")
	runes := []rune(s)
	if len(runes) > n {
		cut := string(runes[:n])
		if i := strings.LastIndex(cut, " "); i > n/2 {
			cut = cut[:i]
		}
		return cut + "…"
	}
	return s
}

// Page is what the proposal page shows.
type Page struct {
	Initiative *Initiative
	Proposal   Proposal
	Theme      Theme
	For        []Argument
	Against    []Argument
	Comments   []Comment
	// NextCursor, when set, is the "show more" cursor of the comments.
	NextCursor string
	Answer     *Answer
	Following  bool
}

// Page returns the proposal page. Queries: initiative, themes, proposal (+ body and
// answer), arguments, first comments, and for a signed-in viewer one query for their
// votes, useful marks and follow — whatever the number of arguments or comments.
func (s *Service) Page(ctx context.Context, slug string, id, viewer int64) (*Page, error) {
	i, err := s.PublicInitiative(ctx, slug)
	if err != nil {
		return nil, err
	}
	pg := &Page{Initiative: i}
	p := &pg.Proposal
	var ans Answer
	var ansState *string
	var ansPublished, ansDrafted db.Time
	var ansText *string
	err = scanProposal(s.queryRow(ctx, `SELECT `+proposalColumns+`, p.body, p.body_en, p.attachment_name, p.attachment_mime,
		p.attachment_size, oa.state, oa.text, oa.published_at, oa.drafted_at`+proposalFrom+`
		LEFT JOIN official_answers oa ON oa.contribution_id = p.id AND oa.published_at IS NOT NULL
		WHERE p.id = ? AND p.initiative_id = ?`, id, i.ID), p, &p.Body, &p.BodyEN, &p.AttachmentName, &p.AttachmentMime,
		&p.AttachmentSize, &ansState, &ansText, &ansPublished, &ansDrafted)
	if err != nil {
		return nil, db.NotFound(err, "proposal not found")
	}
	if ansState != nil {
		ans.State, ans.PublishedAt, ans.DraftedAt = *ansState, ansPublished.Time, ansDrafted.Time
		if ansText != nil {
			ans.Text = *ansText
		}
		pg.Answer = &ans
	}
	pg.Theme, _ = i.Theme(p.ThemeID)
	rows, err := s.query(ctx, `SELECT a.id, a.side, a.body, a.body_en, a.useful_count,
		COALESCE(c.author_id, 0), CASE WHEN pe.deleted_at IS NULL THEN COALESCE(pe.pseudonym, '') ELSE '' END,
		c.channel, c.entered_by IS NOT NULL, c.on_behalf_name, c.status, c.hidden_reason, c.created_at
		FROM proposal_arguments a JOIN contributions c ON c.id = a.id LEFT JOIN people pe ON pe.id = c.author_id
		WHERE a.proposal_id = ? ORDER BY a.side, a.useful_count DESC, a.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a Argument
		var created db.Time
		if err := rows.Scan(&a.ID, &a.Side, &a.Body, &a.BodyEN, &a.Useful, &a.Author.PersonID, &a.Author.Pseudonym,
			&a.Author.Channel, &a.Author.EnteredByStaff, &a.Author.OnBehalfName, &a.Status, &a.HiddenReason, &created); err != nil {
			rows.Close()
			return nil, err
		}
		a.CreatedAt = created.Time
		if a.Side == "for" {
			pg.For = append(pg.For, a)
		} else {
			pg.Against = append(pg.Against, a)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pg.Comments, pg.NextCursor, err = s.comments(ctx, id, "")
	if err != nil {
		return nil, err
	}
	if viewer != 0 {
		if err := s.viewerState(ctx, pg, viewer); err != nil {
			return nil, err
		}
	}
	return pg, nil
}

// viewerState fills the viewer's vote, useful marks, comment votes and follow in one
// query (a UNION of small indexed lookups).
func (s *Service) viewerState(ctx context.Context, pg *Page, viewer int64) error {
	pid := pg.Proposal.ID
	var cids []any
	for _, c := range pg.Comments {
		cids = append(cids, c.ID)
	}
	q := `SELECT 'vote', proposal_id, value FROM proposal_votes WHERE proposal_id = ? AND person_id = ?
		UNION ALL SELECT 'useful', u.argument_id, 1 FROM argument_useful u JOIN proposal_arguments a ON a.id = u.argument_id
			WHERE a.proposal_id = ? AND u.person_id = ?
		UNION ALL SELECT 'follow', target_id, 1 FROM follows WHERE person_id = ? AND target_type = 'proposal' AND target_id = ?`
	args := []any{pid, viewer, pid, viewer, viewer, pid}
	if len(cids) > 0 {
		q += ` UNION ALL SELECT 'cvote', comment_id, value FROM comment_votes WHERE person_id = ? AND comment_id IN (` + marks(len(cids)) + `)`
		args = append(append(args, viewer), cids...)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	useful := map[int64]bool{}
	cvotes := map[int64]int{}
	for rows.Next() {
		var kind string
		var id int64
		var v int
		if err := rows.Scan(&kind, &id, &v); err != nil {
			return err
		}
		switch kind {
		case "vote":
			pg.Proposal.MyVote = v
		case "useful":
			useful[id] = true
		case "follow":
			pg.Following = true
		case "cvote":
			cvotes[id] = v
		}
	}
	for k := range pg.For {
		pg.For[k].MarkedUseful = useful[pg.For[k].ID]
	}
	for k := range pg.Against {
		pg.Against[k].MarkedUseful = useful[pg.Against[k].ID]
	}
	for k := range pg.Comments {
		pg.Comments[k].MyVote = cvotes[pg.Comments[k].ID]
	}
	return rows.Err()
}

// comments reads one "show more" batch of the thread in path order, from after (a path
// cursor; "" = the start): an index range scan on (proposal_id, path), as fast for the
// thousandth comment as for the first.
func (s *Service) comments(ctx context.Context, proposalID int64, after string) ([]Comment, string, error) {
	rows, err := s.query(ctx, `SELECT cm.id, COALESCE(cm.parent_id, 0), cm.path, cm.depth, cm.body, cm.votes_up, cm.votes_down,
		COALESCE(c.author_id, 0), CASE WHEN pe.deleted_at IS NULL THEN COALESCE(pe.pseudonym, '') ELSE '' END,
		c.channel, c.entered_by IS NOT NULL, c.on_behalf_name, c.status, c.hidden_reason, c.created_at
		FROM comments cm JOIN contributions c ON c.id = cm.id LEFT JOIN people pe ON pe.id = c.author_id
		WHERE cm.proposal_id = ? AND cm.path > ? ORDER BY cm.path LIMIT ?`, proposalID, after, CommentsPerBit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var created db.Time
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Path, &c.Depth, &c.Body, &c.Up, &c.Down, &c.Author.PersonID, &c.Author.Pseudonym,
			&c.Author.Channel, &c.Author.EnteredByStaff, &c.Author.OnBehalfName, &c.Status, &c.HiddenReason, &created); err != nil {
			return nil, "", err
		}
		c.CreatedAt = created.Time
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > CommentsPerBit {
		out = out[:CommentsPerBit]
		next = out[len(out)-1].Path
	}
	return out, next, nil
}

// MoreComments is the "show more" page of a proposal's comments.
type MoreComments struct {
	Initiative *Initiative
	Proposal   Proposal
	Comments   []Comment
	NextCursor string
}

// More returns the next batch of comments after cursor.
func (s *Service) More(ctx context.Context, slug string, id int64, cursor string) (*MoreComments, error) {
	i, err := s.PublicInitiative(ctx, slug)
	if err != nil {
		return nil, err
	}
	if cursor != "" && !ValidCursor(cursor) {
		return nil, participe.KeyError(participe.EINVALID, "proposals.error.cursor")
	}
	m := &MoreComments{Initiative: i}
	err = scanProposal(s.queryRow(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE p.id = ? AND p.initiative_id = ?`, id, i.ID), &m.Proposal)
	if err != nil {
		return nil, db.NotFound(err, "proposal not found")
	}
	m.Comments, m.NextCursor, err = s.comments(ctx, id, cursor)
	return m, err
}

// pathSegment encodes an id as a fixed-width base-36 segment so that paths sort by
// creation order within a thread level ('/' sorts before every digit and letter, so a
// parent sorts before its replies).
func pathSegment(id int64) string { return PathSegment(id) }

// PathSegment is exported for bulk loaders (seed-large).
func PathSegment(id int64) string {
	s := strconv.FormatInt(id, 36)
	if len(s) < 8 {
		s = strings.Repeat("0", 8-len(s)) + s
	}
	return s
}

// Attachment is a stored attachment, for download.
type Attachment struct {
	Name, Mime, File string
	Size             int64
}

// AttachmentOf returns the attachment of a visible proposal.
func (s *Service) AttachmentOf(ctx context.Context, id int64) (*Attachment, string, error) {
	var a Attachment
	var status string
	err := s.queryRow(ctx, `SELECT p.attachment_name, p.attachment_mime, p.attachment_file, p.attachment_size, c.status
		FROM proposals p JOIN contributions c ON c.id = p.id WHERE p.id = ?`, id).Scan(&a.Name, &a.Mime, &a.File, &a.Size, &status)
	if err != nil {
		return nil, "", db.NotFound(err, "proposal not found")
	}
	if a.File == "" || status != contrib.StatusPublished {
		return nil, "", participe.Errorf(participe.ENOTFOUND, "no attachment")
	}
	return &a, s.uploadDir, nil
}

func (s *Service) now() time.Time { return s.clock.Now() }

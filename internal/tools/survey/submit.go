package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"

	"participe/internal/db"
	"participe/internal/mail"
	"participe/internal/participe"
)

// Writing a response is the hot path of the survey tool (issue 6: ≥ 2,000 durable
// responses/s). Everything that can be done before the write transaction is: parsing,
// validation, JSON encoding and building the SQL and its arguments. Under the writer's
// lock a submitted response costs at most three statements: the response row, one
// multi-row upsert of all its aggregate cells, and one multi-row insert of its open
// answers. Nothing inside the write reads what the write just wrote.

// countShards spreads hot aggregate rows over several rows on PostgreSQL, where
// concurrent transactions would otherwise queue on the row lock of `_total`; SQLite has a
// single writer, so one row is best there.
const countShards = 8

// countsJSONSQL adds n to every (question, option) cell of a JSON array [[q, o], …]
// (SQLite; "WHERE true" lets the parser tell the upsert from a join).
const countsJSONSQL = `INSERT INTO survey_counts (survey_id, question_key, option_key, channel, region_code, age_group, shard, n)
	SELECT ?1, value ->> 0, value ->> 1, ?2, ?3, ?4, ?5, ?6 FROM json_each(?7) WHERE true
	ON CONFLICT (survey_id, question_key, option_key, channel, region_code, age_group, shard) DO UPDATE SET n = survey_counts.n + excluded.n`

// textsJSONSQL inserts a response's open answers, given as one JSON array
// [[question, body, folded], …] (SQLite): one constant statement whatever their number.
const textsJSONSQL = `INSERT INTO survey_texts (response_id, survey_id, question_key, body, folded, channel, created_at)
	SELECT ?1, ?2, value ->> 0, value ->> 1, value ->> 2, ?3, ?4 FROM json_each(?5)`

// writePlan is the prepared SQL of one response's aggregate and open-answer changes.
type writePlan struct {
	countSQL  []string
	countArgs [][]any
	textSQL   string
	textArgs  []any
	// textIDs are the indexes in textArgs of the response id, filled in once known.
	textIDs []int
}

// planRecord prepares adding (sign 1) or removing (sign -1) a submitted response from the
// aggregates and the open-answer index.
func planRecord(engine db.Engine, sv *Survey, r *Response, sign int) *writePlan {
	p := &writePlan{}
	keys := CountKeys(sv.Def(), r.Answers)
	shard := 0
	if engine == db.Postgres {
		shard = rand.IntN(countShards)
	}
	if engine == db.SQLite {
		// One constant statement whatever the number of cells: the cells travel as one
		// JSON array, so SQLite parses a short statement instead of a VALUES list of
		// 8 parameters per cell (parsing was a third of the writer's time).
		cells := make([][2]string, len(keys))
		for i, k := range keys {
			cells[i] = [2]string{k.Question, k.Option}
		}
		js, _ := json.Marshal(cells)
		p.countSQL = []string{countsJSONSQL}
		p.countArgs = [][]any{{sv.ID, r.Channel, r.RegionCode, r.AgeGroup, shard, sign, string(js)}}
	} else {
		const chunk = 150
		for start := 0; start < len(keys); start += chunk {
			end := min(start+chunk, len(keys))
			var b strings.Builder
			b.Grow(200 + 18*(end-start))
			b.WriteString(`INSERT INTO survey_counts (survey_id, question_key, option_key, channel, region_code, age_group, shard, n) VALUES `)
			args := make([]any, 0, (end-start)*8)
			for i, k := range keys[start:end] {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("(?,?,?,?,?,?,?,?)")
				args = append(args, sv.ID, k.Question, k.Option, r.Channel, r.RegionCode, r.AgeGroup, shard, sign)
			}
			b.WriteString(` ON CONFLICT (survey_id, question_key, option_key, channel, region_code, age_group, shard) DO UPDATE SET n = survey_counts.n + excluded.n`)
			p.countSQL = append(p.countSQL, b.String())
			p.countArgs = append(p.countArgs, args)
		}
	}
	if sign < 0 {
		p.textSQL = `DELETE FROM survey_texts WHERE response_id = ?`
		p.textArgs = []any{int64(0)}
		p.textIDs = []int{0}
		return p
	}
	var b strings.Builder
	var texts [][3]string
	add := func(key, body string) {
		if body == "" {
			return
		}
		if engine == db.SQLite {
			texts = append(texts, [3]string{key, body, Fold(body)})
			return
		}
		if len(p.textArgs) > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?)")
		p.textIDs = append(p.textIDs, len(p.textArgs))
		p.textArgs = append(p.textArgs, int64(0), sv.ID, key, body, Fold(body), r.Channel, db.T(r.SubmittedAt))
	}
	forOpenAnswers(sv.Def().Questions(), r.Answers, add)
	if len(texts) > 0 {
		js, _ := json.Marshal(texts)
		p.textSQL = textsJSONSQL
		p.textArgs = []any{int64(0), sv.ID, r.Channel, db.T(r.SubmittedAt), string(js)}
		p.textIDs = []int{0}
	}
	if len(p.textArgs) > 0 && p.textSQL == "" {
		p.textSQL = `INSERT INTO survey_texts (response_id, survey_id, question_key, body, folded, channel, created_at) VALUES ` + b.String()
	}
	return p
}

// forOpenAnswers calls add(key, body) for every open answer of a, in survey order: text
// questions' answers and "other" texts (key "question/other"); add skips empty bodies.
func forOpenAnswers(qs []*Question, a Answers, add func(key, body string)) {
	for _, q := range qs {
		ans, ok := a[q.Key]
		if !ok {
			continue
		}
		if q.IsText() {
			add(q.Key, ans.Text)
		}
		if ans.Other != "" {
			add(q.Key+"/other", ans.Other)
		}
	}
}

// exec runs the plan in the caller's transaction for response id.
func (p *writePlan) exec(ctx context.Context, tx *db.Tx, responseID int64) error {
	for i, q := range p.countSQL {
		if _, err := tx.Exec(ctx, q, p.countArgs[i]...); err != nil {
			return fmt.Errorf("survey counts: %w", err)
		}
	}
	return p.execTexts(ctx, tx, responseID)
}

// execTexts runs the open-answer part of the plan for response id.
func (p *writePlan) execTexts(ctx context.Context, tx *db.Tx, responseID int64) error {
	if p.textSQL == "" {
		return nil
	}
	for _, i := range p.textIDs {
		p.textArgs[i] = responseID
	}
	_, err := tx.Exec(ctx, p.textSQL, p.textArgs...)
	return err
}

// record adds (sign 1) or removes (sign -1) a submitted response from the aggregates and
// the open-answer index, in the caller's transaction.
func (s *Service) record(ctx context.Context, tx *db.Tx, sv *Survey, r *Response, sign int) error {
	return planRecord(tx.Engine(), sv, r, sign).exec(ctx, tx, r.ID)
}

// Complete is a whole response posted at once: a one-page questionnaire, or any client
// that sends every answer in one form.
type Complete struct {
	Form url.Values
	// IdemKey is the hidden key of the form: posting it twice (double click, back
	// button, two tabs) stores one response.
	IdemKey string
	Receipt Receipt
}

// insertSubmittedSQL stores a web response as submitted. A signed-in person's draft (one
// response per person) is turned into the submitted response by the same statement; a
// response already submitted is left alone and no row comes back.
const insertSubmittedSQL = `INSERT INTO survey_responses (survey_id, person_id, reference, link_token, idem_key, status, channel,
	region_code, age_group, answers, survey_version, created_at, updated_at, submitted_at)
	VALUES (?, ?, ?, ?, ?, 'submitted', 'web', ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (survey_id, person_id) DO UPDATE SET status = 'submitted', idem_key = excluded.idem_key,
	region_code = excluded.region_code, age_group = excluded.age_group, answers = excluded.answers,
	survey_version = excluded.survey_version, updated_at = excluded.updated_at, submitted_at = excluded.submitted_at,
	resume_token = NULL
	WHERE survey_responses.status = 'draft'
	RETURNING id, reference`

// insertAnonymousSQL is insertSubmittedSQL for a response without a person (SQLite).
const insertAnonymousSQL = `INSERT INTO survey_responses (survey_id, person_id, reference, link_token, idem_key, status, channel,
	region_code, age_group, answers, survey_version, created_at, updated_at, submitted_at)
	VALUES (?, ?, ?, ?, ?, 'submitted', 'web', ?, ?, ?, ?, ?, ?, ?)`

// SubmitComplete validates a whole response and stores it as submitted in one durable
// write (no draft). On validation errors nothing is stored and the parsed answers (with
// what the person typed) come back for the page. A second post of the same form returns
// the response stored the first time.
func (s *Service) SubmitComplete(ctx context.Context, sv *Survey, who Respondent, in Complete) (*Response, Answers, []FieldErr, error) {
	if err := s.mustBeOpen(sv); err != nil {
		return nil, nil, nil, err
	}
	var person, link any
	switch sv.Access {
	case AccessAccount:
		if who.PersonID == 0 {
			return nil, nil, nil, participe.Errorf(participe.EUNAUTHORIZED, "sign in to answer")
		}
		person = who.PersonID
	case AccessLink:
		if who.LinkToken == "" {
			return nil, nil, nil, participe.KeyError(participe.EFORBIDDEN, "survey.error.link")
		}
		link = hashToken(who.LinkToken)
	}
	if len(in.IdemKey) < 8 || len(in.IdemKey) > 64 {
		return nil, nil, nil, participe.Errorf(participe.EINVALID, "missing form key")
	}
	d := sv.Def()
	qs := d.Questions()
	parsed, errs := ParseQuestions(qs, in.Form)
	if len(errs) > 0 {
		return nil, parsed, errs, nil
	}
	// Evaluate sees only answers to visible questions, so the visibility of the pruned
	// answers is that of the parsed ones: evaluated once.
	vis := d.Evaluate(parsed)
	answers := d.pruneWith(parsed, vis)
	if errs := Check(qs, answers, vis, true); len(errs) > 0 {
		return nil, parsed, errs, nil
	}
	rc := in.Receipt
	if rc.Email != "" {
		if _, fe := parseOne(&Question{Key: "receipt", Type: TEmail}, url.Values{"q.receipt": {rc.Email}}); fe != nil {
			return nil, parsed, []FieldErr{{Question: "receipt", Field: "receipt-email", Key: "survey.answer.email"}}, nil
		}
	}
	now := s.clock.Now()
	r := &Response{SurveyID: sv.ID, PersonID: who.PersonID, Reference: newReference(), Status: "submitted", Channel: ChannelWeb,
		Answers: answers, SurveyVersion: sv.Version, CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
	if who.PersonID != 0 {
		// Declared profile, read before the write (it is not written here).
		_ = s.db.QueryRow(ctx, `SELECT COALESCE(region_code, ''), age_group FROM people WHERE id = ?`, who.PersonID).Scan(&r.RegionCode, &r.AgeGroup)
	}
	raw, err := json.Marshal(answers)
	if err != nil {
		return nil, parsed, nil, err
	}
	sendReceipt := rc.Email != "" && sv.Receipt && s.jobs != nil
	args := []any{sv.ID, person, r.Reference, link, in.IdemKey, r.RegionCode, r.AgeGroup, string(raw), sv.Version, db.T(now), db.T(now), db.T(now)}
	if person == nil && link == nil && s.db.Engine == db.SQLite {
		it := &submitItem{sv: sv, r: r, keys: CountKeys(d, answers), args: args, rc: rc, receipt: sendReceipt}
		forOpenAnswers(qs, answers, func(key, body string) {
			if body != "" {
				it.texts = append(it.texts, [3]string{key, body, Fold(body)})
			}
		})
		if err := s.submitBatched(ctx, it); err != nil {
			return nil, parsed, nil, err
		}
		switch {
		case it.dup:
			// The same form posted twice: the response stored the first time.
			prev, err := scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE idem_key = ? AND survey_id = ?`, in.IdemKey, sv.ID))
			return prev, answers, nil, err
		case !it.alone:
			return r, answers, nil, nil
		}
		// The batch failed: written again on its own below.
	}
	plan := planRecord(s.db.Engine, sv, r, 1)
	var already bool
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if link != nil {
			res, err := tx.Exec(ctx, `UPDATE survey_links SET used_at = ? WHERE token_hash = ? AND survey_id = ? AND used_at IS NULL`, db.T(now), link, sv.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return participe.KeyError(participe.EFORBIDDEN, "survey.error.link")
			}
		}
		var err error
		if person == nil && tx.Engine() == db.SQLite {
			// Nobody's draft to take over (no person: the (survey, person) key cannot
			// conflict), so a plain insert; RETURNING would make SQLite build a
			// temporary table for one row.
			var res sql.Result
			if res, err = tx.Exec(ctx, insertAnonymousSQL, args...); err == nil {
				r.ID, err = res.LastInsertId()
			}
		} else {
			err = tx.QueryRow(ctx, insertSubmittedSQL, args...).Scan(&r.ID, &r.Reference)
		}
		if db.IsNoRows(err) {
			already = true
			return nil
		}
		if err != nil {
			return err
		}
		if err := plan.exec(ctx, tx, r.ID); err != nil {
			return err
		}
		if sendReceipt {
			return mail.EnqueueTx(ctx, s.jobs, tx, ReceiptMessage(sv, r, rc))
		}
		return nil
	})
	switch {
	case db.IsUniqueViolation(err):
		// The same form posted twice: the response stored the first time.
		prev, err := scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE idem_key = ? AND survey_id = ?`, in.IdemKey, sv.ID))
		return prev, answers, nil, err
	case err != nil:
		return nil, parsed, nil, err
	case already:
		prev, err := s.Find(ctx, sv, who)
		return prev, answers, nil, err
	}
	return r, answers, nil, nil
}

package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/mail"
	"participe/internal/participe"
)

// Respondent says who is answering on the web.
type Respondent struct {
	// PersonID is the signed-in person (0 for a visitor).
	PersonID int64
	// ResponseID is the anonymous draft remembered in the visitor's session.
	ResponseID int64
	// LinkToken is the one-time link the visitor came with (access "link").
	LinkToken string
}

// SatisfactionWindow is how long a satisfaction questionnaire stays open after its
// initiative closes.
const SatisfactionWindow = 60 * 24 * time.Hour

// AcceptsUntil is the moment the survey stops accepting responses (zero when it has no
// end): the initiative's end, or for a satisfaction questionnaire the end of its window
// after the initiative closes.
func (sv *Survey) AcceptsUntil() time.Time {
	if sv.EndsAt.IsZero() || sv.Purpose != PurposeSatisfaction {
		return sv.EndsAt
	}
	return sv.EndsAt.Add(SatisfactionWindow)
}

// IsOpen reports whether the survey accepts responses now: published, initiative
// published and within its dates.
//
// A satisfaction questionnaire rates a finished process: it opens when the initiative
// closes and stays open SatisfactionWindow (issue 7).
func (s *Service) IsOpen(sv *Survey) bool {
	now := s.clock.Now()
	if sv.Purpose == PurposeSatisfaction {
		return sv.Status == StatusPublished && sv.InitiativeState != "draft" && sv.InitiativeState != "archived" &&
			!now.Before(sv.EndsAt) && now.Before(sv.EndsAt.Add(SatisfactionWindow))
	}
	return sv.Status == StatusPublished && (sv.InitiativeState == "published" || sv.InitiativeState == "scheduled") &&
		!now.Before(sv.StartsAt) && now.Before(sv.EndsAt)
}

func (s *Service) mustBeOpen(sv *Survey) error {
	if !s.IsOpen(sv) {
		return participe.KeyError(participe.ECONFLICT, "survey.error.closed")
	}
	return nil
}

const responseCols = `id, survey_id, COALESCE(person_id, 0), reference, COALESCE(resume_token, ''), status, channel, paper_form_id,
	region_code, age_group, answers, survey_version, COALESCE(entered_by, 0), COALESCE(verified_by, 0), verified_at, verify_diff,
	created_at, updated_at, submitted_at`

func scanResponse(row scanner) (*Response, error) {
	var r Response
	var ans string
	var ver, created, updated, sub db.Time
	err := row.Scan(&r.ID, &r.SurveyID, &r.PersonID, &r.Reference, &r.ResumeToken, &r.Status, &r.Channel, &r.PaperFormID,
		&r.RegionCode, &r.AgeGroup, &ans, &r.SurveyVersion, &r.EnteredBy, &r.VerifiedBy, &ver, &r.VerifyDiff, &created, &updated, &sub)
	if err != nil {
		return nil, db.NotFound(err, "response not found")
	}
	r.VerifiedAt, r.CreatedAt, r.UpdatedAt, r.SubmittedAt = ver.Time, created.Time, updated.Time, sub.Time
	if err := json.Unmarshal([]byte(ans), &r.Answers); err != nil {
		r.Answers = Answers{}
	}
	if r.Answers == nil {
		r.Answers = Answers{}
	}
	return &r, nil
}

// Response loads one response of a survey.
func (s *Service) Response(ctx context.Context, sv *Survey, id int64) (*Response, error) {
	return scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE id = ? AND survey_id = ?`, id, sv.ID))
}

// Find returns the respondent's response (draft or submitted), or ENOTFOUND.
func (s *Service) Find(ctx context.Context, sv *Survey, who Respondent) (*Response, error) {
	if sv.Access == AccessAccount && who.PersonID != 0 {
		return scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE survey_id = ? AND person_id = ?`, sv.ID, who.PersonID))
	}
	if who.ResponseID != 0 {
		return scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE survey_id = ? AND id = ? AND person_id IS NULL`, sv.ID, who.ResponseID))
	}
	return nil, participe.Errorf(participe.ENOTFOUND, "no response")
}

// ByResumeToken finds an anonymous draft by the resume link's token.
func (s *Service) ByResumeToken(ctx context.Context, sv *Survey, tok string) (*Response, error) {
	if tok == "" || len(tok) > 64 {
		return nil, participe.Errorf(participe.ENOTFOUND, "no response")
	}
	return scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE survey_id = ? AND resume_token = ? AND status = 'draft'`, sv.ID, tok))
}

// ByReference finds a response by reference (confirmation page).
func (s *Service) ByReference(ctx context.Context, sv *Survey, ref string) (*Response, error) {
	return scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE survey_id = ? AND reference = ?`, sv.ID, ref))
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// Start returns the respondent's response, creating a draft if there is none. A person
// already answered gets their submitted response back (one response per person).
func (s *Service) Start(ctx context.Context, sv *Survey, who Respondent) (*Response, error) {
	if r, err := s.Find(ctx, sv, who); err == nil {
		return r, nil
	} else if !participe.IsCode(err, participe.ENOTFOUND) {
		return nil, err
	}
	if err := s.mustBeOpen(sv); err != nil {
		return nil, err
	}
	var person any
	var link any
	switch sv.Access {
	case AccessAccount:
		if who.PersonID == 0 {
			return nil, participe.Errorf(participe.EUNAUTHORIZED, "sign in to answer")
		}
		person = who.PersonID
	case AccessLink:
		if who.LinkToken == "" {
			return nil, participe.KeyError(participe.EFORBIDDEN, "survey.error.link")
		}
		link = hashToken(who.LinkToken)
	}
	now := db.T(s.clock.Now())
	var id int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if link != nil {
			res, err := tx.Exec(ctx, `UPDATE survey_links SET used_at = ? WHERE token_hash = ? AND survey_id = ? AND used_at IS NULL`, now, link, sv.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return participe.KeyError(participe.EFORBIDDEN, "survey.error.link")
			}
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO survey_responses (survey_id, person_id, reference, resume_token, link_token, status, channel,
			answers, survey_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', 'web', '{}', ?, ?, ?) RETURNING id`,
			sv.ID, person, newReference(), token(16), link, sv.Version, now, now)
		return err
	})
	if db.IsUniqueViolation(err) && person != nil {
		// Two tabs started at once: the other one won; use its draft.
		return s.Find(ctx, sv, who)
	}
	if err != nil {
		return nil, err
	}
	return s.Response(ctx, sv, id)
}

// SectionQuestions lists the questions of a section.
func (sv *Survey) SectionQuestions(i int) []*Question {
	var out []*Question
	if i < 0 || i >= len(sv.Sections) {
		return nil
	}
	for qi := range sv.Sections[i].Questions {
		out = append(out, &sv.Sections[i].Questions[qi])
	}
	return out
}

// SaveSection parses one section's form into the draft. On errors nothing is stored and
// the merged answers (with what the person typed) come back for the page.
func (s *Service) SaveSection(ctx context.Context, sv *Survey, r *Response, section int, form url.Values, checkRequired bool) (Answers, []FieldErr, error) {
	if r.Status != "draft" {
		return r.Answers, nil, participe.KeyError(participe.ECONFLICT, "survey.error.already_submitted")
	}
	qs := sv.SectionQuestions(section)
	parsed, errs := ParseQuestions(qs, form)
	merged := Answers{}
	for k, v := range r.Answers {
		merged[k] = v
	}
	for _, q := range qs {
		delete(merged, q.Key)
		if a, ok := parsed[q.Key]; ok {
			merged[q.Key] = a
		}
	}
	if len(errs) == 0 && checkRequired {
		errs = Check(qs, merged, sv.Def().Evaluate(merged), true)
	}
	if len(errs) > 0 {
		return merged, errs, nil
	}
	if err := s.mustBeOpen(sv); err != nil {
		return merged, nil, err
	}
	raw, _ := json.Marshal(merged)
	now := db.T(s.clock.Now())
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE survey_responses SET answers = ?, survey_version = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			string(raw), sv.Version, now, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return participe.KeyError(participe.ECONFLICT, "survey.error.already_submitted")
		}
		return nil
	})
	if err != nil {
		return merged, nil, err
	}
	r.Answers = merged
	return merged, nil, nil
}

// Revalidate checks stored answers against the current survey (it may have been edited
// while the person answered): every visible question's answer is re-read as if typed,
// and required ones are checked. It returns the pruned answers and the errors.
func (sv *Survey) Revalidate(a Answers, strict bool) (Answers, []FieldErr) {
	d := sv.Def()
	pruned := d.Prune(a)
	qs := d.Questions()
	reparsed, errs := ParseQuestions(qs, FormValues(qs, pruned))
	reparsed = d.Prune(reparsed)
	errs = append(errs, Check(qs, reparsed, d.Evaluate(reparsed), strict)...)
	return reparsed, errs
}

// SectionOf returns the index of the section holding question key.
func (sv *Survey) SectionOf(key string) int {
	for i, sec := range sv.Sections {
		for _, q := range sec.Questions {
			if q.Key == key {
				return i
			}
		}
	}
	return 0
}

// Receipt asks for a copy of the answers by email.
type Receipt struct {
	Email string
	Lang  string
}

// Submit turns the draft into a submitted response: hidden answers dropped, everything
// revalidated, counts and open answers updated in the same transaction, and the receipt
// queued. Submitting twice (double click, back button, second tab) returns the same
// response without counting it twice.
func (s *Service) Submit(ctx context.Context, sv *Survey, r *Response, rc Receipt) (*Response, []FieldErr, error) {
	if r.Status == "submitted" {
		return r, nil, nil
	}
	if err := s.mustBeOpen(sv); err != nil {
		return nil, nil, err
	}
	answers, errs := sv.Revalidate(r.Answers, true)
	if len(errs) > 0 {
		return r, errs, nil
	}
	if rc.Email != "" {
		if _, fe := parseOne(&Question{Key: "receipt", Type: TEmail}, url.Values{"q.receipt": {rc.Email}}); fe != nil {
			return r, []FieldErr{{Question: "receipt", Field: "receipt-email", Key: "survey.answer.email"}}, nil
		}
	}
	r.Answers = answers
	r.Channel = ChannelWeb
	if r.PersonID != 0 {
		// Declared profile, read before the write (it is not written here).
		_ = s.db.QueryRow(ctx, `SELECT COALESCE(region_code, ''), age_group FROM people WHERE id = ?`, r.PersonID).Scan(&r.RegionCode, &r.AgeGroup)
	}
	raw, _ := json.Marshal(answers)
	now := s.clock.Now()
	r.SubmittedAt = now
	plan := planRecord(s.db.Engine, sv, r, 1)
	var already bool
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE survey_responses SET status = 'submitted', answers = ?, survey_version = ?, region_code = ?, age_group = ?,
			submitted_at = ?, updated_at = ?, resume_token = NULL WHERE id = ? AND status = 'draft'`,
			string(raw), sv.Version, r.RegionCode, r.AgeGroup, db.T(now), db.T(now), r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			already = true
			return nil
		}
		if err := plan.exec(ctx, tx, r.ID); err != nil {
			return err
		}
		if rc.Email != "" && sv.Receipt && s.jobs != nil {
			return mail.EnqueueTx(ctx, s.jobs, tx, ReceiptMessage(sv, r, rc))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if already {
		fresh, err := s.Response(ctx, sv, r.ID)
		return fresh, nil, err
	}
	r.Status = "submitted"
	return r, nil, nil
}

// CountKey is one aggregate cell a response adds to.
type CountKey struct{ Question, Option string }

// CountKeys lists the cells of a response, sorted (so that concurrent transactions lock
// rows in the same order on PostgreSQL).
func CountKeys(d *Definition, a Answers) []CountKey {
	keys := []CountKey{{"_total", ""}}
	for _, q := range d.Questions() {
		ans, ok := a[q.Key]
		if !ok || !q.Answerable() {
			continue
		}
		keys = append(keys, CountKey{q.Key, ""})
		switch q.Type {
		case TSingle, TMultiple:
			for _, c := range ans.Choices {
				keys = append(keys, CountKey{q.Key, c})
			}
		case TRanking:
			for i, c := range ans.Choices {
				keys = append(keys, CountKey{q.Key, c}, CountKey{q.Key, c + "@" + strconv.Itoa(i+1)})
			}
		case TScale, TNumber:
			if ans.Number != nil {
				keys = append(keys, CountKey{q.Key, strconv.FormatFloat(*ans.Number, 'f', -1, 64)})
			}
		case TMatrix:
			for row, o := range ans.Rows {
				keys = append(keys, CountKey{q.Key + "." + row, ""}, CountKey{q.Key + "." + row, o})
			}
		}
	}
	slices.SortFunc(keys, func(x, y CountKey) int {
		if c := strings.Compare(x.Question, y.Question); c != 0 {
			return c
		}
		return strings.Compare(x.Option, y.Option)
	})
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// Fold lower-cases and strips accents, for accent-insensitive search of open answers.
func Fold(s string) string {
	return strings.ToLower(Slugless(s))
}

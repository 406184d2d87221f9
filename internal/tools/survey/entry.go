package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"participe/internal/db"
	"participe/internal/mail"
	"participe/internal/participe"
)

// OptionLabel returns the label of an option key in lang.
func (q *Question) OptionLabel(lang, key string) string {
	if key == OtherKey {
		return Label(lang, "Autre", "Other")
	}
	for _, o := range q.Options {
		if o.Key == key {
			return Label(lang, o.LabelFR, o.LabelEN)
		}
	}
	return key
}

// AnswerText renders an answer as plain text in lang (review page, receipts, exports).
func AnswerText(q *Question, a Answer, lang string) string {
	switch q.Type {
	case TSingle, TMultiple:
		var parts []string
		for _, c := range a.Choices {
			l := q.OptionLabel(lang, c)
			if c == OtherKey && a.Other != "" {
				l += "\u00a0: " + a.Other
				if lang == "en" {
					l = "Other: " + a.Other
				}
			}
			parts = append(parts, l)
		}
		return strings.Join(parts, "; ")
	case TRanking:
		var parts []string
		for i, c := range a.Choices {
			parts = append(parts, strconv.Itoa(i+1)+". "+q.OptionLabel(lang, c))
		}
		return strings.Join(parts, "; ")
	case TScale, TNumber:
		if a.Number == nil {
			return a.Text
		}
		s := strconv.FormatFloat(*a.Number, 'f', -1, 64)
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case TMatrix:
		var parts []string
		for _, row := range q.Rows {
			if o, ok := a.Rows[row.Key]; ok {
				sep := "\u00a0: "
				if lang == "en" {
					sep = ": "
				}
				parts = append(parts, Label(lang, row.LabelFR, row.LabelEN)+sep+q.OptionLabel(lang, o))
			}
		}
		return strings.Join(parts, "; ")
	}
	return a.Text
}

// ReceiptMessage is the copy of the answers sent by email (seed 000: "une copie de vos
// notes").
func ReceiptMessage(sv *Survey, r *Response, rc Receipt) mail.Message {
	lang := rc.Lang
	var b strings.Builder
	title := Label(lang, sv.TitleFR, sv.TitleEN)
	if lang == "en" {
		fmt.Fprintf(&b, "Thank you for answering “%s”.\nYour reference number: %s\n\nA copy of your answers:\n", title, r.Reference)
	} else {
		fmt.Fprintf(&b, "Merci d'avoir répondu au questionnaire « %s ».\nVotre numéro de référence\u00a0: %s\n\nUne copie de vos réponses\u00a0:\n", title, r.Reference)
	}
	for _, sec := range sv.Sections {
		wrote := false
		for qi := range sec.Questions {
			q := &sec.Questions[qi]
			a, ok := r.Answers[q.Key]
			if !ok {
				continue
			}
			if !wrote {
				fmt.Fprintf(&b, "\n== %s ==\n", Label(lang, sec.TitleFR, sec.TitleEN))
				wrote = true
			}
			fmt.Fprintf(&b, "\n%s\n%s\n", Label(lang, q.LabelFR, q.LabelEN), AnswerText(q, a, lang))
		}
	}
	subject := "Copie de vos réponses — " + title
	if lang == "en" {
		subject = "Copy of your answers — " + title
	}
	return mail.Message{To: rc.Email, Subject: subject, Text: b.String()}
}

// PaperEntry is one paper, phone or in-person response typed by staff.
type PaperEntry struct {
	Channel     string
	PaperFormID string
	// IdemKey is the hidden key of the entry form: posting the same form twice stores
	// one response.
	IdemKey string
	Form    url.Values
}

// EnterPaper stores a response typed by staff from a paper form or a phone call. Every
// answer is validated as on the web; requiredness is not (a paper form may be partly
// filled). Answers to questions hidden by conditions are dropped.
func (s *Service) EnterPaper(ctx context.Context, actor *participe.Actor, initiativeID int64, in PaperEntry) (*Response, Answers, []FieldErr, error) {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager, participe.RoleModerator)
	if err != nil {
		return nil, nil, nil, err
	}
	qs := sv.Def().Questions()
	parsed, errs := ParseQuestions(qs, in.Form)
	if !validStaffChannel(in.Channel) {
		errs = append(errs, FieldErr{Field: "channel", Key: "survey.entry.error.channel"})
	}
	in.PaperFormID = limitRunes(cleanText(in.PaperFormID), 60)
	if len(in.IdemKey) < 8 || len(in.IdemKey) > 64 {
		return nil, parsed, nil, participe.Errorf(participe.EINVALID, "missing form key")
	}
	if len(errs) > 0 {
		return nil, parsed, errs, nil
	}
	if sv.Status != StatusPublished {
		return nil, parsed, nil, participe.KeyError(participe.ECONFLICT, "survey.error.not_published")
	}
	answers := sv.Def().Prune(parsed)
	now := s.clock.Now()
	r := &Response{SurveyID: sv.ID, Status: "submitted", Channel: in.Channel, PaperFormID: in.PaperFormID, Answers: answers,
		Reference: newReference(), EnteredBy: actor.PersonID, SubmittedAt: now}
	raw, _ := json.Marshal(answers)
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		r.ID, err = tx.InsertID(ctx, `INSERT INTO survey_responses (survey_id, reference, idem_key, status, channel, paper_form_id, answers,
			survey_version, entered_by, created_at, updated_at, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sv.ID, r.Reference, in.IdemKey, in.Channel, in.PaperFormID, string(raw), sv.Version, actor.PersonID, db.T(now), db.T(now), db.T(now))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, sv, r, 1)
	})
	if db.IsUniqueViolation(err) {
		// The same entry form posted twice: return the response stored the first time.
		prev, err := scanResponse(s.db.QueryRow(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE idem_key = ? AND survey_id = ?`, in.IdemKey, sv.ID))
		return prev, answers, nil, err
	}
	if err != nil {
		return nil, answers, nil, err
	}
	return r, answers, nil, nil
}

func validStaffChannel(c string) bool {
	for _, x := range StaffChannels {
		if x == c {
			return true
		}
	}
	return false
}

// Difference is one question where the verification entry differs from the first entry.
type Difference struct {
	Question *Question
	First    string
	Second   string
}

// Verify compares a second staff member's re-entry of a paper response with the first
// entry. Identical: the response is marked verified. Different: the differences are
// returned and recorded; Resolve then keeps one version. The person who entered the form
// cannot verify it.
func (s *Service) Verify(ctx context.Context, actor *participe.Actor, initiativeID, responseID int64, form url.Values, lang string) (*Response, []Difference, []FieldErr, error) {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager, participe.RoleModerator)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := s.Response(ctx, sv, responseID)
	if err != nil {
		return nil, nil, nil, err
	}
	if r.Channel == ChannelWeb {
		return nil, nil, nil, participe.Errorf(participe.ENOTFOUND, "not a paper response")
	}
	if r.EnteredBy == actor.PersonID {
		return r, nil, nil, participe.KeyError(participe.ECONFLICT, "survey.verify.error.same_person")
	}
	qs := sv.Def().Questions()
	parsed, errs := ParseQuestions(qs, form)
	if len(errs) > 0 {
		return r, nil, errs, nil
	}
	second := sv.Def().Prune(parsed)
	diffs := Diff(sv, r.Answers, second, lang)
	raw, _ := json.Marshal(second)
	now := db.T(s.clock.Now())
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if len(diffs) == 0 {
			_, err := tx.Exec(ctx, `UPDATE survey_responses SET verified_by = ?, verified_at = ?, verify_diff = '', updated_at = ? WHERE id = ?`, actor.PersonID, now, now, r.ID)
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE survey_responses SET verify_diff = ?, updated_at = ? WHERE id = ?`, string(raw), now, r.ID)
		return err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return r, diffs, nil, nil
}

// Diff lists the questions whose answers differ between two entries.
func Diff(sv *Survey, a, b Answers, lang string) []Difference {
	var out []Difference
	for _, q := range sv.Def().Questions() {
		x, y := AnswerText(q, a[q.Key], lang), AnswerText(q, b[q.Key], lang)
		if x != y {
			out = append(out, Difference{Question: q, First: x, Second: y})
		}
	}
	return out
}

// Resolve ends a double-entry check with differences: "first" keeps the first entry,
// "second" replaces it by the verification entry (aggregates corrected in the same
// transaction). Either way the response is marked verified by the actor.
func (s *Service) Resolve(ctx context.Context, actor *participe.Actor, initiativeID, responseID int64, keep string) error {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager, participe.RoleModerator)
	if err != nil {
		return err
	}
	r, err := s.Response(ctx, sv, responseID)
	if err != nil {
		return err
	}
	if r.VerifyDiff == "" || r.EnteredBy == actor.PersonID {
		return participe.KeyError(participe.ECONFLICT, "survey.verify.error.nothing")
	}
	now := db.T(s.clock.Now())
	if keep == "second" {
		defer s.forgetCrossTabs(sv.ID)
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if keep == "second" {
			var second Answers
			if err := json.Unmarshal([]byte(r.VerifyDiff), &second); err != nil {
				return err
			}
			if err := s.record(ctx, tx, sv, r, -1); err != nil {
				return err
			}
			r.Answers = second
			if err := s.record(ctx, tx, sv, r, 1); err != nil {
				return err
			}
			raw, _ := json.Marshal(second)
			if _, err := tx.Exec(ctx, `UPDATE survey_responses SET answers = ? WHERE id = ?`, string(raw), r.ID); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE survey_responses SET verified_by = ?, verified_at = ?, verify_diff = '', updated_at = ? WHERE id = ?`, actor.PersonID, now, now, r.ID)
		return err
	})
}

// EntryRow is one staff-entered response in the entry list.
type EntryRow struct {
	ID          int64
	Reference   string
	Channel     string
	PaperFormID string
	EnteredBy   string
	EnteredByID int64
	Verified    bool
	Pending     bool
	SubmittedAt db.Time
}

// Entries lists the latest staff-entered responses.
func (s *Service) Entries(ctx context.Context, actor *participe.Actor, initiativeID int64, limit int) ([]EntryRow, error) {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager, participe.RoleModerator)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT r.id, r.reference, r.channel, r.paper_form_id, COALESCE(p.pseudonym, ''), COALESCE(r.entered_by, 0),
		r.verified_at, r.verify_diff, r.submitted_at
		FROM survey_responses r LEFT JOIN people p ON p.id = r.entered_by
		WHERE r.survey_id = ? AND r.status = 'submitted' AND r.channel <> 'web' ORDER BY r.id DESC LIMIT ?`, sv.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EntryRow
	for rows.Next() {
		var e EntryRow
		var ver db.Time
		var diff string
		if err := rows.Scan(&e.ID, &e.Reference, &e.Channel, &e.PaperFormID, &e.EnteredBy, &e.EnteredByID, &ver, &diff, &e.SubmittedAt); err != nil {
			return nil, err
		}
		e.Verified = !ver.IsZero()
		e.Pending = diff != ""
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateLinks makes n one-time links for a survey with access "link"; the tokens are
// returned once and only their hashes are stored.
func (s *Service) CreateLinks(ctx context.Context, actor *participe.Actor, initiativeID int64, n int) ([]string, error) {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > 500 {
		return nil, participe.FieldError("count", "survey.links.error.count")
	}
	toks := make([]string, n)
	now := db.T(s.clock.Now())
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		for i := range toks {
			toks[i] = token(16)
			if _, err := tx.Exec(ctx, `INSERT INTO survey_links (token_hash, survey_id, created_at) VALUES (?, ?, ?)`, hashToken(toks[i]), sv.ID, now); err != nil {
				return err
			}
		}
		return nil
	})
	return toks, err
}

// InsertSubmitted stores an already submitted response (demo data, imports): answers to
// hidden questions are dropped and the aggregates are updated in the same transaction.
func (s *Service) InsertSubmitted(ctx context.Context, tx *db.Tx, sv *Survey, r *Response) error {
	r.Answers = sv.Def().Prune(r.Answers)
	if r.Reference == "" {
		r.Reference = newReference()
	}
	if r.Channel == "" {
		r.Channel = ChannelWeb
	}
	if r.SubmittedAt.IsZero() {
		r.SubmittedAt = s.clock.Now()
	}
	r.Status = "submitted"
	raw, _ := json.Marshal(r.Answers)
	var person, entered any
	if r.PersonID != 0 {
		person = r.PersonID
	}
	if r.EnteredBy != 0 {
		entered = r.EnteredBy
	}
	var err error
	r.ID, err = tx.InsertID(ctx, `INSERT INTO survey_responses (survey_id, person_id, reference, status, channel, paper_form_id, region_code, age_group,
		answers, survey_version, entered_by, created_at, updated_at, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sv.ID, person, r.Reference, r.Channel, r.PaperFormID, r.RegionCode, r.AgeGroup, string(raw), sv.Version, entered,
		db.T(r.SubmittedAt), db.T(r.SubmittedAt), db.T(r.SubmittedAt))
	if err != nil {
		return err
	}
	return s.record(ctx, tx, sv, r, 1)
}

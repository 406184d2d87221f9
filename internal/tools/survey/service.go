package survey

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/participe"
)

// Service is the survey tool's service.
type Service struct {
	db    *db.DB
	clock participe.Clock
	jobs  *jobs.Queue
	// batch queues anonymous web responses on SQLite (batch.go).
	batch submitBatcher
}

// New builds the service.
func New(d *db.DB, clock participe.Clock, q *jobs.Queue) *Service {
	return &Service{db: d, clock: clock, jobs: q}
}

// PurposeMain is an initiative's survey tool; other purposes (e.g. "satisfaction", used
// by the results area) are further questionnaires of the same initiative.
const PurposeMain = "main"

// PurposeSatisfaction is the process-satisfaction questionnaire offered when an
// initiative closes (issue 7).
const PurposeSatisfaction = "satisfaction"

// PublicPurpose reports whether surveys of a purpose are served on public pages (other
// purposes, e.g. seed-large's "bench", stay private).
func PublicPurpose(p string) bool { return p == PurposeMain || p == PurposeSatisfaction }

// surveyCols: the response count is not read here (public pages do not need it): staff
// pages get it from CountResponses, summed from the aggregates' `_total` rows rather
// than kept in surveys.responses_count, so that submitting never updates the survey row
// (a hot row every writer would queue on with PostgreSQL).
const surveyCols = `s.id, s.initiative_id, s.purpose, s.title_fr, s.title_en, s.intro_fr, s.intro_en,
	s.definition, s.version, s.status, s.access, s.receipt, s.results_public, 0,
	s.published_at, s.created_at, s.updated_at,
	i.body_id, i.slug, i.title_fr, i.title_en, i.state, i.starts_at, i.ends_at`

type scanner interface{ Scan(...any) error }

func scanSurvey(row scanner) (*Survey, error) {
	s, def, err := scanSurveyRow(row)
	if err != nil {
		return nil, err
	}
	sections, err := parseDefinition(s.ID, s.Version, def)
	if err != nil {
		return nil, err
	}
	s.Sections = sections
	return s, nil
}

// scanSurveyRow reads a row of surveyCols (or publicCols, whose definition is ”).
func scanSurveyRow(row scanner) (*Survey, string, error) {
	var s Survey
	var def string
	var pub, created, updated, starts, ends db.Time
	err := row.Scan(&s.ID, &s.InitiativeID, &s.Purpose, &s.TitleFR, &s.TitleEN, &s.IntroFR, &s.IntroEN,
		&def, &s.Version, &s.Status, &s.Access, &s.Receipt, &s.ResultsPublic, &s.ResponsesCount,
		&pub, &created, &updated, &s.BodyID, &s.Slug, &s.InitiativeTitle, &s.InitiativeTitleE, &s.InitiativeState, &starts, &ends)
	if err != nil {
		return nil, "", db.NotFound(err, "survey not found")
	}
	s.PublishedAt, s.CreatedAt, s.UpdatedAt, s.StartsAt, s.EndsAt = pub.Time, created.Time, updated.Time, starts.Time, ends.Time
	return &s, def, nil
}

// publicCols is surveyCols without the definition: public pages (every submitted
// response) read the survey row without copying its definition (tens of kilobytes for
// the seed 000 workbook: reading and comparing it was half of a response's handler CPU)
// and take the parsed sections from versionDefs.
var publicCols = strings.Replace(surveyCols, "s.definition", "''", 1)

// versionDefs keeps parsed definitions by (database, survey id, version). Every change of
// a definition goes through editSurvey, which bumps the version in the same UPDATE
// (guarded by the version read), so a (database, id, version) names one definition.
var versionDefs sync.Map // defKey -> []Section

type defKey struct {
	dsn     string
	id      int64
	version int
}

// defCache keeps parsed definitions by survey id and version: decoding the JSON was a
// quarter of the CPU of a submitted response. An entry is used only if the stored text
// is identical (so two databases in one process, as in tests, never mix), and the
// sections are shared read-only: every change goes through a copy (editSurvey).
var defCache sync.Map // [2]int64{id, version} -> *cachedDef

type cachedDef struct {
	raw      string
	sections []Section
}

func parseDefinition(id int64, version int, raw string) ([]Section, error) {
	key := [2]int64{id, int64(version)}
	if c, ok := defCache.Load(key); ok && c.(*cachedDef).raw == raw {
		return c.(*cachedDef).sections, nil
	}
	var d Definition
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, fmt.Errorf("survey %d: definition: %w", id, err)
	}
	defCache.Store(key, &cachedDef{raw: raw, sections: d.Sections})
	return d.Sections, nil
}

// ByInitiative loads an initiative's survey of a purpose (any status). Callers check
// the actor's scope (staff pages) or the status (public pages).
func (s *Service) ByInitiative(ctx context.Context, initiativeID int64, purpose string) (*Survey, error) {
	return scanSurvey(s.db.QueryRow(ctx, `SELECT `+surveyCols+` FROM surveys s JOIN initiatives i ON i.id = s.initiative_id
		WHERE s.initiative_id = ? AND s.purpose = ?`, initiativeID, purpose))
}

// ByID loads a survey by id (any status).
func (s *Service) ByID(ctx context.Context, id int64) (*Survey, error) {
	sv, err := scanSurvey(s.db.QueryRow(ctx, `SELECT `+surveyCols+` FROM surveys s JOIN initiatives i ON i.id = s.initiative_id WHERE s.id = ?`, id))
	if err != nil {
		return nil, err
	}
	return sv, s.CountResponses(ctx, sv)
}

// CountResponses sets sv.ResponsesCount (submitted responses, every channel).
func (s *Service) CountResponses(ctx context.Context, sv *Survey) error {
	return s.db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM survey_totals WHERE survey_id = ? AND question_key = '_total'`, sv.ID).Scan(&sv.ResponsesCount)
}

// Public loads the published survey of a public initiative by slug.
func (s *Service) Public(ctx context.Context, slug, purpose string) (*Survey, error) {
	sv, _, err := scanSurveyRow(s.db.QueryRow(ctx, `SELECT `+publicCols+` FROM surveys s JOIN initiatives i ON i.id = s.initiative_id
		WHERE i.slug = ? AND s.purpose = ? AND s.status = ? AND i.state IN ('published','scheduled','closed','archived')`, slug, purpose, StatusPublished))
	if err != nil {
		return nil, err
	}
	k := defKey{s.db.DSN, sv.ID, sv.Version}
	if secs, ok := versionDefs.Load(k); ok {
		sv.Sections = secs.([]Section)
		return sv, nil
	}
	var def string
	if err := s.db.QueryRow(ctx, `SELECT definition FROM surveys WHERE id = ? AND version = ?`, sv.ID, sv.Version).Scan(&def); err != nil {
		// Edited between the two reads: read it all again.
		return s.publicFull(ctx, slug, purpose, err)
	}
	if sv.Sections, err = parseDefinition(sv.ID, sv.Version, def); err != nil {
		return nil, err
	}
	versionDefs.Store(k, sv.Sections)
	return sv, nil
}

func (s *Service) publicFull(ctx context.Context, slug, purpose string, cause error) (*Survey, error) {
	if !db.IsNoRows(cause) {
		return nil, cause
	}
	return scanSurvey(s.db.QueryRow(ctx, `SELECT `+surveyCols+` FROM surveys s JOIN initiatives i ON i.id = s.initiative_id
		WHERE i.slug = ? AND s.purpose = ? AND s.status = ? AND i.state IN ('published','scheduled','closed','archived')`, slug, purpose, StatusPublished))
}

// InitiativeRef is the little the builder needs of an initiative.
type InitiativeRef struct {
	ID      int64
	BodyID  int64
	Slug    string
	TitleFR string
	TitleEN string
}

// Initiative loads an initiative's reference, checking that the actor holds one of roles
// on its body (staff of body A never reach body B: ENOTFOUND, not a hint).
func (s *Service) Initiative(ctx context.Context, actor *participe.Actor, id int64, roles ...string) (*InitiativeRef, error) {
	var r InitiativeRef
	err := s.db.QueryRow(ctx, `SELECT id, body_id, slug, title_fr, title_en FROM initiatives WHERE id = ?`, id).
		Scan(&r.ID, &r.BodyID, &r.Slug, &r.TitleFR, &r.TitleEN)
	if err != nil {
		return nil, db.NotFound(err, "initiative not found")
	}
	if actor == nil {
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	if !actor.HasAny(r.BodyID, roles...) {
		return nil, participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	return &r, nil
}

// ManagedInitiatives lists initiatives the actor manages (targets of a copy).
func (s *Service) ManagedInitiatives(ctx context.Context, actor *participe.Actor) ([]InitiativeRef, error) {
	rows, err := s.db.Query(ctx, `SELECT id, body_id, slug, title_fr, title_en FROM initiatives ORDER BY title_fr LIMIT 2000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InitiativeRef
	for rows.Next() {
		var r InitiativeRef
		if err := rows.Scan(&r.ID, &r.BodyID, &r.Slug, &r.TitleFR, &r.TitleEN); err != nil {
			return nil, err
		}
		if actor.Has(participe.RoleManager, r.BodyID) {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// NewSurvey is what CreateForInitiative needs.
type NewSurvey struct {
	Purpose string // PurposeMain when empty
	TitleFR string
	TitleEN string
	IntroFR string
	IntroEN string
	Access  string // AccessAccount when empty
	Receipt bool
	Publish bool
	// ResultsPublic publishes results from the start (e.g. satisfaction questionnaires).
	ResultsPublic bool
	Definition    Definition
}

// CreateForInitiative creates a survey programmatically (demo data, the results area's
// satisfaction questionnaire). It validates the definition; there is no actor: callers
// are trusted code. It fails with ECONFLICT when the initiative already has a survey of
// that purpose.
func (s *Service) CreateForInitiative(ctx context.Context, initiativeID int64, in NewSurvey) (int64, error) {
	var id int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.CreateTx(ctx, tx, initiativeID, in)
		return err
	})
	return id, err
}

// CreateTx is CreateForInitiative inside the caller's transaction.
func (s *Service) CreateTx(ctx context.Context, tx *db.Tx, initiativeID int64, in NewSurvey) (int64, error) {
	if in.Purpose == "" {
		in.Purpose = PurposeMain
	}
	if in.Access == "" {
		in.Access = AccessAccount
	}
	if in.Access != AccessAccount && in.Access != AccessAnonymous && in.Access != AccessLink {
		return 0, invalid("survey.error.access", "unknown access mode")
	}
	if in.Definition.Sections == nil {
		in.Definition.Sections = []Section{}
	}
	if err := in.Definition.Validate(); err != nil {
		return 0, err
	}
	def, err := json.Marshal(in.Definition)
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	status := StatusDraft
	var pub db.Time
	if in.Publish {
		status, pub = StatusPublished, db.T(now)
	}
	id, err := tx.InsertID(ctx, `INSERT INTO surveys (initiative_id, purpose, title_fr, title_en, intro_fr, intro_en, definition,
		version, status, access, receipt, results_public, published_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		initiativeID, in.Purpose, in.TitleFR, in.TitleEN, in.IntroFR, in.IntroEN, string(def), status, in.Access, in.Receipt, in.ResultsPublic, pub, db.T(now), db.T(now))
	if db.IsUniqueViolation(err) {
		return 0, participe.KeyError(participe.ECONFLICT, "survey.error.exists")
	}
	if db.IsForeignKeyViolation(err) {
		return 0, participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	return id, err
}

// Create makes an empty survey (one first section) for an initiative the actor manages.
func (s *Service) Create(ctx context.Context, actor *participe.Actor, initiativeID int64) (int64, error) {
	ini, err := s.Initiative(ctx, actor, initiativeID, participe.RoleManager)
	if err != nil {
		return 0, err
	}
	return s.CreateForInitiative(ctx, ini.ID, NewSurvey{
		TitleFR: "Questionnaire", TitleEN: "Questionnaire", Receipt: true,
		Definition: Definition{Sections: []Section{{Key: "s1", TitleFR: "Section 1", TitleEN: "Section 1", Questions: []Question{}}}},
	})
}

// Manage loads a survey for a staff page, checking that the actor holds one of roles on
// the initiative's body.
func (s *Service) Manage(ctx context.Context, actor *participe.Actor, initiativeID int64, roles ...string) (*Survey, error) {
	if _, err := s.Initiative(ctx, actor, initiativeID, roles...); err != nil {
		return nil, err
	}
	sv, err := s.ByInitiative(ctx, initiativeID, PurposeMain)
	if err != nil {
		return nil, err
	}
	return sv, s.CountResponses(ctx, sv)
}

// Settings are the survey-wide settings a manager edits.
type Settings struct {
	TitleFR, TitleEN, IntroFR, IntroEN string
	Access                             string
	Receipt                            bool
	Publish                            bool
	ResultsPublic                      bool
}

// SaveSettings updates the survey-wide settings.
func (s *Service) SaveSettings(ctx context.Context, actor *participe.Actor, initiativeID int64, in Settings) error {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.TitleFR) == "" {
		return participe.FieldError("title_fr", "survey.error.title")
	}
	if in.Access != AccessAccount && in.Access != AccessAnonymous && in.Access != AccessLink {
		return participe.FieldError("access", "survey.error.access")
	}
	if in.Publish && len(sv.Def().Questions()) == 0 {
		return participe.FieldError("publish", "survey.error.publish_empty")
	}
	status := StatusDraft
	pub := db.Time{}
	if in.Publish {
		status = StatusPublished
		pub = db.T(sv.PublishedAt)
		if sv.PublishedAt.IsZero() {
			pub = db.T(s.clock.Now())
		}
	}
	_, err = s.db.Exec(ctx, `UPDATE surveys SET title_fr = ?, title_en = ?, intro_fr = ?, intro_en = ?, access = ?, receipt = ?,
		status = ?, published_at = ?, results_public = ?, updated_at = ? WHERE id = ?`,
		cleanText(in.TitleFR), cleanText(in.TitleEN), cleanText(in.IntroFR), cleanText(in.IntroEN), in.Access, in.Receipt,
		status, pub, in.ResultsPublic, db.T(s.clock.Now()), sv.ID)
	return err
}

// Edit applies a change to the definition of the actor's survey: the change runs on a
// copy, the result is validated, checked against collected responses, and stored with a
// new version only if the version the manager edited is still current (two managers
// editing at once: the second is told to reload).
func (s *Service) Edit(ctx context.Context, actor *participe.Actor, initiativeID int64, version int, change func(*Definition) error) error {
	sv, err := s.Manage(ctx, actor, initiativeID, participe.RoleManager)
	if err != nil {
		return err
	}
	return s.editSurvey(ctx, sv, version, change)
}

func (s *Service) editSurvey(ctx context.Context, sv *Survey, version int, change func(*Definition) error) error {
	if version != 0 && version != sv.Version {
		return participe.KeyError(participe.ECONFLICT, "survey.error.stale")
	}
	old := sv.Def()
	raw, _ := json.Marshal(old)
	var next Definition
	_ = json.Unmarshal(raw, &next)
	if err := change(&next); err != nil {
		return err
	}
	if err := next.Validate(); err != nil {
		return err
	}
	if sv.ResponsesCount > 0 || sv.hasResponses(ctx, s.db) {
		if err := Compatible(old, &next); err != nil {
			return err
		}
	}
	def, err := json.Marshal(next)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE surveys SET definition = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(def), db.T(s.clock.Now()), sv.ID, sv.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return participe.KeyError(participe.ECONFLICT, "survey.error.stale")
		}
		return nil
	})
}

func (sv *Survey) hasResponses(ctx context.Context, d *db.DB) bool {
	var n int
	_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND status = 'submitted'`, sv.ID).Scan(&n)
	return n > 0
}

// Compatible refuses changes that would corrupt collected answers: removing a question,
// changing its type, removing an option or matrix row (adding is allowed; wording may
// change).
func Compatible(old, next *Definition) error {
	for _, oq := range old.Questions() {
		nq := next.Question(oq.Key)
		if nq == nil {
			return &participe.Error{Code: participe.ECONFLICT, Key: "survey.error.locked_remove", Message: "question " + oq.Key + " has answers"}
		}
		if nq.Type != oq.Type {
			return &participe.Error{Code: participe.ECONFLICT, Key: "survey.error.locked_type", Message: "question " + oq.Key + " has answers"}
		}
		for _, o := range oq.Options {
			if !nq.HasOption(o.Key) {
				return &participe.Error{Code: participe.ECONFLICT, Key: "survey.error.locked_option", Message: "option " + o.Key + " has answers"}
			}
		}
		for _, r := range oq.Rows {
			found := false
			for _, nr := range nq.Rows {
				found = found || nr.Key == r.Key
			}
			if !found {
				return &participe.Error{Code: participe.ECONFLICT, Key: "survey.error.locked_option", Message: "row " + r.Key + " has answers"}
			}
		}
	}
	return nil
}

// CopyTo copies the actor's survey (structure and settings, no responses) to another
// initiative the actor manages, as a draft.
func (s *Service) CopyTo(ctx context.Context, actor *participe.Actor, fromInitiative, toInitiative int64) (int64, error) {
	sv, err := s.Manage(ctx, actor, fromInitiative, participe.RoleManager)
	if err != nil {
		return 0, err
	}
	if _, err := s.Initiative(ctx, actor, toInitiative, participe.RoleManager); err != nil {
		return 0, err
	}
	return s.CreateForInitiative(ctx, toInitiative, NewSurvey{
		TitleFR: sv.TitleFR, TitleEN: sv.TitleEN, IntroFR: sv.IntroFR, IntroEN: sv.IntroEN,
		Access: sv.Access, Receipt: sv.Receipt, Definition: *sv.Def(),
	})
}

// token returns a random URL-safe token of n bytes of entropy.
func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString(b), "="))
}

// newReference makes the reference number shown on confirmation ("Q-7K3M-9XQ2").
func newReference() string {
	t := strings.ToUpper(token(5))
	return "Q-" + t[:4] + "-" + t[4:8]
}

package results

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/participe"
)

// Open data: anonymised datasets of closed initiatives, streamed row by row from the
// database to the client (CSV or JSON) so that no export is ever held in memory. No
// dataset carries an email, a name or a person id: authors appear only as a kind
// (participant, organisation, staff entry).

// Column documents one column of a dataset.
type Column struct {
	Name   string
	Type   string // string, integer, date, datetime, number
	DescFR string
	DescEN string
}

// Dataset describes one kind of export.
type Dataset struct {
	Key     string
	TitleFR string
	TitleEN string
	DescFR  string
	DescEN  string
	Columns []Column
	// NeedsResults: only once the initiative's results are published.
	NeedsResults bool
	query        func(s *Service, initiativeID int64) (string, []any)
	// row converts scanned values (strings/ints) into output values.
	scan func(rows scanRows) ([]any, error)
}

type scanRows interface{ Scan(...any) error }

// Licence of every dataset.
const (
	LicenceName = "CC BY 4.0"
	LicenceURL  = "https://creativecommons.org/licenses/by/4.0/"
)

// Datasets lists every dataset of an initiative, in catalogue order.
var Datasets = []*Dataset{dsContributions, dsVotes, dsAnswers, dsResults, dsFollowUps}

// DatasetByKey finds a dataset.
func DatasetByKey(key string) *Dataset {
	for _, d := range Datasets {
		if d.Key == key {
			return d
		}
	}
	return nil
}

func col(name, typ, fr, en string) Column { return Column{name, typ, fr, en} }

func isoDate(v db.Time) string {
	if v.IsZero() {
		return ""
	}
	return v.Time.UTC().Format(time.RFC3339)
}

var dsContributions = &Dataset{
	Key: "contributions", TitleFR: "Contributions", TitleEN: "Contributions",
	DescFR: "Chaque contribution (proposition, argument, commentaire), anonymisée : aucune adresse courriel, aucun nom, aucun identifiant de personne. Le texte des contributions retirées par la modération est remplacé par le motif public.",
	DescEN: "Each contribution (proposal, argument, comment), anonymised: no email, no name, no person identifier. The text of contributions removed by moderation is replaced by the public reason.",
	Columns: []Column{
		col("id", "integer", "Identifiant de la contribution", "Contribution identifier"),
		col("tool", "string", "Outil de participation (proposals, survey…)", "Participation tool (proposals, survey…)"),
		col("kind", "string", "Nature : proposal, argument ou comment", "Kind: proposal, argument or comment"),
		col("parent_id", "integer", "Proposition visée (arguments et commentaires), sinon vide", "Proposal concerned (arguments and comments), else empty"),
		col("channel", "string", "Canal : web, paper, phone, in_person, email", "Channel: web, paper, phone, in_person, email"),
		col("author_kind", "string", "Type d'auteur : participant, organisation, staff_entry (saisie par le personnel) ou official", "Author kind: participant, organisation, staff_entry (entered by staff) or official"),
		col("status", "string", "État : published, hidden, pending_review", "Status: published, hidden, pending_review"),
		col("created_at", "datetime", "Date de la contribution (ISO 8601, UTC)", "Date of the contribution (ISO 8601, UTC)"),
		col("title", "string", "Titre (propositions)", "Title (proposals)"),
		col("text", "string", "Texte de la contribution, ou motif du retrait", "Text of the contribution, or reason for removal"),
		col("side", "string", "Arguments : for ou against", "Arguments: for or against"),
		col("votes_for", "integer", "Votes pour (propositions)", "Votes for (proposals)"),
		col("votes_against", "integer", "Votes contre (propositions)", "Votes against (proposals)"),
		col("answer_state", "string", "État de la réponse officielle publiée", "State of the published official answer"),
	},
	query: func(s *Service, id int64) (string, []any) {
		return `SELECT c.id, c.tool, c.kind,
			COALESCE(a.proposal_id, cm.proposal_id, 0), c.channel,
			CASE WHEN p.official = ? THEN 'official' WHEN c.entered_by IS NOT NULL THEN 'staff_entry' WHEN c.organisation_id IS NOT NULL THEN 'organisation' ELSE 'participant' END,
			c.status, c.created_at, c.hidden_reason,
			COALESCE(p.title, ''), COALESCE(p.body, a.body, cm.body, ''), COALESCE(a.side, ''),
			COALESCE(p.votes_for, 0), COALESCE(p.votes_against, 0), COALESCE(p.answer_state, '')
			FROM contributions c
			LEFT JOIN proposals p ON p.id = c.id
			LEFT JOIN proposal_arguments a ON a.id = c.id
			LEFT JOIN comments cm ON cm.id = c.id
			WHERE c.initiative_id = ? ORDER BY c.id`, []any{true, id}
	},
	scan: func(r scanRows) ([]any, error) {
		var id, parent, vf, va int64
		var tool, kind, channel, authorKind, status, reason, title, text, side, answer string
		var created db.Time
		if err := r.Scan(&id, &tool, &kind, &parent, &channel, &authorKind, &status, &created, &reason, &title, &text, &side, &vf, &va, &answer); err != nil {
			return nil, err
		}
		if status != "published" {
			// Hidden content is not republished as open data: its public reason is.
			text = reason
			if kind == "proposal" {
				title = ""
			}
		}
		var parentV any = parent
		if parent == 0 {
			parentV = nil
		}
		return []any{id, tool, kind, parentV, channel, authorKind, status, isoDate(created), title, text, side, vf, va, answer}, nil
	},
}

var dsVotes = &Dataset{
	Key: "votes", TitleFR: "Votes agrégés par proposition", TitleEN: "Votes aggregated by proposal",
	DescFR: "Nombre de votes pour et contre chaque proposition, par canal. Aucun vote individuel n'est publié.",
	DescEN: "Number of votes for and against each proposal, by channel. No individual vote is published.",
	Columns: []Column{
		col("proposal_id", "integer", "Identifiant de la proposition", "Proposal identifier"),
		col("channel", "string", "Canal du vote", "Channel of the vote"),
		col("votes_for", "integer", "Votes pour (ou appuis)", "Votes for (or supports)"),
		col("votes_against", "integer", "Votes contre", "Votes against"),
		col("votes_total", "integer", "Total des votes", "Total votes"),
	},
	query: func(s *Service, id int64) (string, []any) {
		// Grouped in the database: the million votes of a large initiative stream
		// through the engine's aggregation, never through this process.
		return `SELECT v.proposal_id, v.channel, SUM(CASE WHEN v.value > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN v.value < 0 THEN 1 ELSE 0 END), COUNT(*)
			FROM proposal_votes v JOIN proposals p ON p.id = v.proposal_id WHERE p.initiative_id = ?
			GROUP BY v.proposal_id, v.channel ORDER BY v.proposal_id, v.channel`, []any{id}
	},
	scan: func(r scanRows) ([]any, error) {
		var pid, vf, va, n int64
		var ch string
		if err := r.Scan(&pid, &ch, &vf, &va, &n); err != nil {
			return nil, err
		}
		return []any{pid, ch, vf, va, n}, nil
	},
}

var dsAnswers = &Dataset{
	Key: "answers", TitleFR: "Réponses officielles", TitleEN: "Official answers",
	DescFR: "Les réponses officielles publiées aux contributions, avec leur état et leur date.",
	DescEN: "Published official answers to contributions, with their state and date.",
	Columns: []Column{
		col("contribution_id", "integer", "Contribution visée", "Contribution answered"),
		col("state", "string", "État de la réponse (retenue, à l'étude, non retenue…)", "State of the answer (accepted, under study, not retained…)"),
		col("text", "string", "Texte de la réponse", "Text of the answer"),
		col("published_at", "datetime", "Date de publication (ISO 8601, UTC)", "Publication date (ISO 8601, UTC)"),
	},
	query: func(s *Service, id int64) (string, []any) {
		return `SELECT a.contribution_id, a.state, a.text, a.published_at FROM official_answers a JOIN contributions c ON c.id = a.contribution_id
			WHERE c.initiative_id = ? AND a.published_at IS NOT NULL ORDER BY a.contribution_id`, []any{id}
	},
	scan: func(r scanRows) ([]any, error) {
		var id int64
		var state, text string
		var at db.Time
		if err := r.Scan(&id, &state, &text, &at); err != nil {
			return nil, err
		}
		return []any{id, state, text, isoDate(at)}, nil
	},
}

var dsResults = &Dataset{
	Key: "results", TitleFR: "Résultats et thèmes", TitleEN: "Results and themes", NeedsResults: true,
	DescFR: "Le résumé des résultats puis chaque thème qui s'est dégagé, avec sa synthèse.",
	DescEN: "The summary of the results, then each theme that emerged, with its synthesis.",
	Columns: []Column{
		col("section", "string", "summary (résumé) ou theme (thème)", "summary or theme"),
		col("position", "integer", "Ordre d'affichage", "Display order"),
		col("title_fr", "string", "Titre en français", "Title in French"),
		col("title_en", "string", "Titre en anglais", "Title in English"),
		col("text_fr", "string", "Texte en français", "Text in French"),
		col("text_en", "string", "Texte en anglais", "Text in English"),
		col("contributions", "integer", "Nombre de contributions liées au thème", "Number of contributions linked to the theme"),
	},
	query: func(s *Service, id int64) (string, []any) {
		return `SELECT 'summary', 0, '', '', r.summary_fr, r.summary_en, 0 FROM initiative_results r WHERE r.initiative_id = ?
			UNION ALL SELECT 'theme', t.position, t.title_fr, t.title_en, t.synthesis_fr, t.synthesis_en,
			(SELECT COUNT(*) FROM result_theme_items x WHERE x.theme_id = t.id) FROM result_themes t WHERE t.initiative_id = ?
			ORDER BY 2`, []any{id, id}
	},
	scan: func(r scanRows) ([]any, error) {
		var section, tf, te, xf, xe string
		var pos, n int64
		if err := r.Scan(&section, &pos, &tf, &te, &xf, &xe, &n); err != nil {
			return nil, err
		}
		return []any{section, pos, tf, te, xf, xe, n}, nil
	},
}

var dsFollowUps = &Dataset{
	Key: "follow-ups", TitleFR: "Suites prévues", TitleEN: "Planned follow-ups", NeedsResults: true,
	DescFR: "Chaque engagement pris à la suite de la participation : organisme responsable, échéance, état, avancement et propositions auxquelles il répond.",
	DescEN: "Each commitment made after the participation: responsible body, due date, status, progress and the proposals it answers.",
	Columns: []Column{
		col("id", "integer", "Identifiant de la suite", "Follow-up identifier"),
		col("title_fr", "string", "Engagement (français)", "Commitment (French)"),
		col("title_en", "string", "Engagement (anglais)", "Commitment (English)"),
		col("responsible_body", "string", "Organisme responsable (identifiant)", "Responsible body (slug)"),
		col("status", "string", "État : planned, in_progress, done, dropped", "Status: planned, in_progress, done, dropped"),
		col("progress", "integer", "Avancement en pourcentage", "Progress in percent"),
		col("due_date", "date", "Échéance (AAAA-MM-JJ)", "Due date (YYYY-MM-DD)"),
		col("done_date", "date", "Date de réalisation", "Completion date"),
		col("dropped_reason_fr", "string", "Motif de l'abandon", "Reason it was dropped (French)"),
		col("updates", "integer", "Nombre de mises à jour datées", "Number of dated updates"),
		col("proposal_ids", "string", "Propositions auxquelles la suite répond (séparées par ;)", "Proposals the follow-up answers (separated by ;)"),
	},
	query: func(s *Service, id int64) (string, []any) {
		return `SELECT f.id, f.title_fr, f.title_en, b.slug, f.status, f.progress, f.due_at, f.done_at, f.dropped_reason_fr,
			(SELECT COUNT(*) FROM follow_up_updates u WHERE u.follow_up_id = f.id), f.id
			FROM follow_ups f JOIN bodies b ON b.id = f.responsible_body_id WHERE f.initiative_id = ? ORDER BY f.position, f.id`, []any{id}
	},
	scan: func(r scanRows) ([]any, error) {
		var id, progress, updates, id2 int64
		var tf, te, body, status, reason string
		var due, done db.Time
		if err := r.Scan(&id, &tf, &te, &body, &status, &progress, &due, &done, &reason, &updates, &id2); err != nil {
			return nil, err
		}
		return []any{id, tf, te, body, status, progress, dateOnly(due), dateOnly(done), reason, updates, nil}, nil
	},
}

func dateOnly(t db.Time) string {
	if t.IsZero() {
		return ""
	}
	return i18n.ISODate(t.Time)
}

// ExportTarget is a checked export request.
type ExportTarget struct {
	InitiativeID int64
	Slug         string
	Dataset      *Dataset
}

// CheckExport verifies that the dataset exists and may be published: the initiative is
// public and closed (and, for results and follow-ups, its results are published).
func (s *Service) CheckExport(ctx context.Context, slug, key string) (*ExportTarget, error) {
	ds := DatasetByKey(key)
	if ds == nil {
		return nil, participe.Errorf(participe.ENOTFOUND, "unknown dataset")
	}
	var id int64
	var state string
	var ends, pub, res db.Time
	err := s.db.QueryRow(ctx, `SELECT id, state, ends_at, published_at, results_published_at FROM initiatives WHERE slug = ?`, slug).
		Scan(&id, &state, &ends, &pub, &res)
	if err != nil {
		return nil, db.NotFound(err, "initiative not found")
	}
	now := s.clock.Now()
	if state == "draft" || pub.IsZero() || pub.After(now) {
		return nil, participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	if now.Before(ends.Time) {
		return nil, participe.KeyError(participe.ECONFLICT, "results.opendata.error.open")
	}
	if ds.NeedsResults && (res.IsZero() || res.After(now)) {
		return nil, participe.KeyError(participe.ECONFLICT, "results.opendata.error.noresults")
	}
	return &ExportTarget{InitiativeID: id, Slug: slug, Dataset: ds}, nil
}

// WriteExport streams the dataset as "csv" or "json" to w. Rows go out as they are read;
// the buffered writer is flushed every few hundred rows so memory stays flat.
func (s *Service) WriteExport(ctx context.Context, t *ExportTarget, format string, w io.Writer) error {
	q, args := t.Dataset.query(s, t.InitiativeID)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	var out rowWriter
	if format == "json" {
		out = &jsonRows{w: bw, cols: t.Dataset.Columns}
	} else {
		_, _ = bw.WriteString("\uFEFF") // BOM: spreadsheet software then reads UTF-8 accents right
		out = &csvRows{w: csv.NewWriter(bw)}
	}
	if err := out.header(t.Dataset.Columns); err != nil {
		return err
	}
	n := 0
	isFollowUps := t.Dataset == dsFollowUps
	for rows.Next() {
		vals, err := t.Dataset.scan(rows)
		if err != nil {
			return err
		}
		if isFollowUps {
			vals[len(vals)-1] = s.linkedIDs(ctx, vals[0].(int64))
		}
		if err := out.row(vals); err != nil {
			return err
		}
		n++
		if n%500 == 0 {
			if err := out.flush(); err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := out.end(); err != nil {
		return err
	}
	return bw.Flush()
}

func (s *Service) linkedIDs(ctx context.Context, followUpID int64) string {
	rows, err := s.db.Query(ctx, `SELECT item_id FROM follow_up_links WHERE follow_up_id = ? ORDER BY item_id`, followUpID)
	if err != nil {
		return ""
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id int64
		if rows.Scan(&id) == nil {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
	}
	return strings.Join(ids, ";")
}

type rowWriter interface {
	header(cols []Column) error
	row(vals []any) error
	flush() error
	end() error
}

type csvRows struct {
	w   *csv.Writer
	buf []string
}

func (c *csvRows) header(cols []Column) error {
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.Name
	}
	return c.w.Write(names)
}

func (c *csvRows) row(vals []any) error {
	c.buf = c.buf[:0]
	for _, v := range vals {
		c.buf = append(c.buf, cell(v))
	}
	return c.w.Write(c.buf)
}

func (c *csvRows) flush() error { c.w.Flush(); return c.w.Error() }
func (c *csvRows) end() error   { return c.flush() }

// cell renders a value for CSV; a text starting with = + - @ is prefixed with a quote
// so spreadsheet software never runs it as a formula (CSV injection).
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	}
	return ""
}

type jsonRows struct {
	w     *bufio.Writer
	cols  []Column
	first bool
	keys  [][]byte
}

func (j *jsonRows) header(cols []Column) error {
	j.first = true
	for _, c := range cols {
		k, _ := json.Marshal(c.Name)
		j.keys = append(j.keys, k)
	}
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonRows) row(vals []any) error {
	if !j.first {
		_ = j.w.WriteByte(',')
	}
	j.first = false
	_ = j.w.WriteByte('\n')
	_ = j.w.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			_ = j.w.WriteByte(',')
		}
		_, _ = j.w.Write(j.keys[i])
		_ = j.w.WriteByte(':')
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := j.w.Write(b); err != nil {
			return err
		}
	}
	return j.w.WriteByte('}')
}

func (j *jsonRows) flush() error { return nil }
func (j *jsonRows) end() error   { _, err := j.w.WriteString("\n]\n"); return err }

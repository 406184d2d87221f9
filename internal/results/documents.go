package results

import (
	"bytes"
	"context"
	"path"
	"strings"

	"participe/internal/db"
	"participe/internal/participe"
)

// MaxDocumentSize bounds an uploaded document (final report).
const MaxDocumentSize = 20 << 20

// Documents lists an initiative's documents (without their content).
func (s *Service) Documents(ctx context.Context, initiativeID int64) ([]Document, error) {
	rows, err := s.db.Query(ctx, `SELECT id, initiative_id, title_fr, title_en, filename, content_type, size, created_at
		FROM result_documents WHERE initiative_id = ? ORDER BY id`, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var at db.Time
		if err := rows.Scan(&d.ID, &d.InitiativeID, &d.TitleFR, &d.TitleEN, &d.Filename, &d.ContentType, &d.Size, &at); err != nil {
			return nil, err
		}
		d.CreatedAt = at.Time
		out = append(out, d)
	}
	return out, rows.Err()
}

// DocumentInput is an uploaded document.
type DocumentInput struct {
	TitleFR, TitleEN string
	Filename         string
	Data             []byte
}

// AddDocument stores a PDF document of the results. The type is checked from the
// content (a PDF starts with "%PDF-"), never from the name or the browser's claim.
func (s *Service) AddDocument(ctx context.Context, who Who, initiativeID int64, in DocumentInput) (int64, error) {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return 0, err
	}
	if !who.can(ini.BodyID) {
		return 0, participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	in.TitleFR = strings.TrimSpace(in.TitleFR)
	if in.TitleFR == "" || len(in.TitleFR) > 300 {
		return 0, participe.FieldError("doc_title_fr", "results.error.title_required")
	}
	if len(in.Data) == 0 {
		return 0, participe.FieldError("document", "results.error.document_missing")
	}
	if len(in.Data) > MaxDocumentSize {
		return 0, participe.FieldError("document", "results.error.document_size")
	}
	if !bytes.HasPrefix(in.Data, []byte("%PDF-")) {
		return 0, participe.FieldError("document", "results.error.document_type")
	}
	name := path.Base(strings.ReplaceAll(in.Filename, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == '"' || r == '/' || r == ';' {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "document.pdf"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO result_documents (initiative_id, title_fr, title_en, filename, content_type, size, data, created_at)
			VALUES (?, ?, ?, ?, 'application/pdf', ?, ?, ?) RETURNING id`, initiativeID, in.TitleFR, strings.TrimSpace(in.TitleEN), name,
			len(in.Data), in.Data, db.T(s.clock.Now()))
		if err != nil {
			return err
		}
		return who.audit(ctx, tx, s, ini.BodyID, "results.document.add", "result_document", id, name)
	})
	return id, err
}

// DeleteDocument removes a document.
func (s *Service) DeleteDocument(ctx context.Context, who Who, initiativeID, docID int64) error {
	return s.deleteOwned(ctx, who, initiativeID, docID, "result_documents", "result_document", "results.document.delete")
}

// deleteOwned deletes one row of table that belongs to the initiative, after checking
// the actor manages its body, and audits it in the same transaction.
func (s *Service) deleteOwned(ctx context.Context, who Who, initiativeID, id int64, table, targetType, action string) error {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return err
	}
	if !who.can(ini.BodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = ? AND initiative_id = ?`, id, initiativeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return participe.Errorf(participe.ENOTFOUND, "%s not found", targetType)
		}
		return who.audit(ctx, tx, s, ini.BodyID, action, targetType, id, "")
	})
}

// DocumentContent returns a document for download: public once results are published,
// staff of the body before.
func (s *Service) DocumentContent(ctx context.Context, a *participe.Actor, initiativeID, docID int64) (*Document, []byte, error) {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return nil, nil, err
	}
	published := !ini.ResultsPublish.IsZero() && !ini.ResultsPublish.After(s.clock.Now())
	if !published && !canAnalyse(a, ini.BodyID) {
		return nil, nil, participe.Errorf(participe.ENOTFOUND, "document not found")
	}
	var d Document
	var data []byte
	var at db.Time
	err = s.db.QueryRow(ctx, `SELECT id, initiative_id, title_fr, title_en, filename, content_type, size, created_at, data
		FROM result_documents WHERE id = ? AND initiative_id = ?`, docID, initiativeID).
		Scan(&d.ID, &d.InitiativeID, &d.TitleFR, &d.TitleEN, &d.Filename, &d.ContentType, &d.Size, &at, &data)
	if err != nil {
		return nil, nil, db.NotFound(err, "document not found")
	}
	d.CreatedAt = at.Time
	return &d, data, nil
}

package ops

import (
	"context"
	"fmt"

	"participe/internal/db"
	"participe/internal/participe"
)

// Plan is everything the retention page of a body shows.
type Plan struct {
	BodyID     int64
	BodyNameFR string
	BodyNameEN string
	Due        []Due
	Runs       []RunRecord
	CanEdit    bool
}

// Plan returns the body's retention plan: periods, what goes at the next run and in the
// 30 days after, and the latest runs. Body admins and managers of the body only.
func (r *Retention) Plan(ctx context.Context, a *participe.Actor, bodyID int64) (*Plan, error) {
	if err := canView(a, bodyID); err != nil {
		return nil, err
	}
	p := &Plan{BodyID: bodyID, CanEdit: canEdit(a, bodyID) == nil}
	err := r.db.QueryRow(ctx, `SELECT name_fr, name_en FROM bodies WHERE id = ?`, bodyID).Scan(&p.BodyNameFR, &p.BodyNameEN)
	if err != nil {
		return nil, db.NotFound(err, fmt.Sprintf("body %d", bodyID))
	}
	if p.Due, err = r.Preview(ctx, a, bodyID); err != nil {
		return nil, err
	}
	if p.Runs, err = r.Runs(ctx, a, bodyID, 20); err != nil {
		return nil, err
	}
	return p, nil
}

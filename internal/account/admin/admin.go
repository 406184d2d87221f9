// Package admin is the back office's service layer: public bodies, themes, staff roles
// and invitations, and initiatives. Every method takes the acting person and checks
// their role in the body concerned before reading or writing anything: staff of body A
// can never see or touch body B (they get EFORBIDDEN, or ENOTFOUND for ids they could
// not know). Every write is recorded in the audit log in the same transaction.
package admin

import (
	"context"
	"strings"

	"participe/internal/audit"
	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/participe"
)

// Service is the back office.
type Service struct {
	DB      *db.DB
	Clock   participe.Clock
	Jobs    *jobs.Queue
	Cat     *i18n.Catalog
	BaseURL string
}

// New returns the service.
func New(d *db.DB, clock participe.Clock, q *jobs.Queue, cat *i18n.Catalog, baseURL string) *Service {
	return &Service{DB: d, Clock: clock, Jobs: q, Cat: cat, BaseURL: strings.TrimRight(baseURL, "/")}
}

// Req is who acts and from where (for the audit log).
type Req struct {
	Actor *participe.Actor
	IP    string
}

var (
	errForbidden = participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	errNotFound  = participe.Errorf(participe.ENOTFOUND, "not found")
)

// staff checks that the actor is staff with a second factor (the back office is closed
// to sessions that did not pass one).
func staff(a *participe.Actor) error {
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	if !a.IsStaff() {
		return errForbidden
	}
	return nil
}

// need checks that the actor holds role in bodyID.
func need(a *participe.Actor, role string, bodyID int64) error {
	if err := staff(a); err != nil {
		return err
	}
	if !a.Has(role, bodyID) {
		return errForbidden
	}
	return nil
}

// needAny checks that the actor holds any role in bodyID.
func needAny(a *participe.Actor, bodyID int64) error {
	if err := staff(a); err != nil {
		return err
	}
	if !a.HasAny(bodyID, participe.AllRoles...) {
		return errForbidden
	}
	return nil
}

func needPlatform(a *participe.Actor) error {
	if err := staff(a); err != nil {
		return err
	}
	if !a.PlatformAdmin {
		return errForbidden
	}
	return nil
}

// record appends an audit entry in tx.
func (s *Service) record(ctx context.Context, tx *db.Tx, r Req, bodyID int64, action, targetType string, targetID int64, details string) error {
	var actor int64
	if r.Actor != nil {
		actor = r.Actor.PersonID
	}
	return audit.Record(ctx, tx, audit.Entry{At: s.Clock.Now(), ActorID: actor, BodyID: bodyID, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, IP: r.IP})
}

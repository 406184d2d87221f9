package proposals

import (
	"context"
	"strconv"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
	"participe/internal/ratelimit"
)

// Rate limits per person, counted in the database (shared by every app server) inside
// the transaction of the write they guard, so they cost one statement and no commit of
// their own. Generous for a person, low enough to stop a script.
type rateLimit struct {
	kind   string
	limit  int
	window time.Duration
	// key is the i18n message shown when refused.
	key string
}

var (
	limitVote     = rateLimit{"vote", 120, time.Minute, "proposals.error.rate_vote"}
	limitComment  = rateLimit{"comment", 10, time.Minute, "proposals.error.rate_comment"}
	limitArgument = rateLimit{"argument", 10, time.Minute, "proposals.error.rate_argument"}
	limitUseful   = rateLimit{"useful", 120, time.Minute, "proposals.error.rate_vote"}
	limitProposal = rateLimit{"proposal", 10, time.Hour, "proposals.error.rate_proposal"}
)

// RateLimited is the error of a refused attempt: code ETOOMANY (HTTP 429), the message
// key, and the form field when a form should be shown again with the typed text.
func rateLimited(l rateLimit, field string) error {
	return &participe.Error{Code: participe.ETOOMANY, Key: l.key, Message: l.key, Field: field}
}

// limit counts one attempt of kind by the actor in tx and refuses it over the limit.
func (s *Service) limit(ctx context.Context, tx *db.Tx, now time.Time, a *participe.Actor, l rateLimit) error {
	return s.limitField(ctx, tx, now, a, l, "")
}

// SetRateLimit changes the limit of one kind of attempt ("vote", "comment", "argument",
// "useful", "proposal") per window; call it before the service is used (tests).
func (s *Service) SetRateLimit(kind string, limit int) {
	if s.limits == nil {
		s.limits = map[string]int{}
	}
	s.limits[kind] = limit
}

func (s *Service) limitField(ctx context.Context, tx *db.Tx, now time.Time, a *participe.Actor, l rateLimit, field string) error {
	if n, ok := s.limits[l.kind]; ok {
		l.limit = n
	}
	ok, err := ratelimit.AllowTx(ctx, tx, now, l.kind+":"+strconv.FormatInt(a.PersonID, 10), l.limit, l.window)
	if err != nil {
		return err
	}
	if !ok {
		return rateLimited(l, field)
	}
	return nil
}

package catalog

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// Every read of the catalog goes through query and queryRow, which count the
// queries of a request when its context asks for it (tests that check a page makes a
// bounded number of queries whatever the number of results: no N+1).

type queryCounterKey struct{}

// WithQueryCounter returns a context whose catalog queries are counted in n.
func WithQueryCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, queryCounterKey{}, n)
}

func countQuery(ctx context.Context) {
	if n, ok := ctx.Value(queryCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

func (s *Service) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	countQuery(ctx)
	return s.db.Query(ctx, q, args...)
}

func (s *Service) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	countQuery(ctx)
	return s.db.QueryRow(ctx, q, args...)
}

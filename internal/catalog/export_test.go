package catalog

import (
	"participe/internal/db"
	"participe/internal/participe"
)

// NewSQLOnly returns a service whose lists always run in SQL (no in-memory copy), to
// compare both ways.
func NewSQLOnly(d *db.DB, clock participe.Clock) *Service {
	s := New(d, clock)
	s.noSnapshot = true
	return s
}

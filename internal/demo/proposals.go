package demo

import "context"

// loadProposals loads this area's demo data (owned by the proposals area).
func loadProposals(ctx context.Context, env *Env) error { return nil }

package seedlarge

import "context"

// seedProposals generates this area's part of the large data set (owned by its area).
func seedProposals(ctx context.Context, env *Env) error { return nil }

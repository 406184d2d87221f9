package seedlarge

import "context"

// seedCatalog generates this area's part of the large data set (owned by its area).
func seedCatalog(ctx context.Context, env *Env) error { return nil }

package seedlarge

import "context"

// seedPeople generates this area's part of the large data set (owned by its area).
func seedPeople(ctx context.Context, env *Env) error { return nil }

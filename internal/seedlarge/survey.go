package seedlarge

import "context"

// seedSurvey generates this area's part of the large data set (owned by its area).
func seedSurvey(ctx context.Context, env *Env) error { return nil }

package demo

import "context"

// loadSurvey loads this area's demo data (owned by the survey area).
func loadSurvey(ctx context.Context, env *Env) error { return nil }

package demo

import "context"

// loadAccounts loads this area's demo data (owned by the accounts area).
func loadAccounts(ctx context.Context, env *Env) error { return nil }

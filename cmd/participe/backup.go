package main

import (
	"context"
	"errors"
	"io"
)

// cmdBackup makes a consistent online backup (owned by the operations area).
func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("backup: not available yet")
}

// cmdRestore restores a backup (owned by the operations area).
func cmdRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("restore: not available yet")
}

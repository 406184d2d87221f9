package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"participe/internal/config"
	"participe/internal/ops"
)

// takeFlag removes --name VALUE or --name=VALUE from args (the command's own flag,
// beside the common settings) and returns its value.
func takeFlag(args []string, name string) (string, []string) {
	var value string
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--"+name || a == "-"+name:
			if i+1 < len(args) {
				value = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--"+name+"="), strings.HasPrefix(a, "-"+name+"="):
			_, value, _ = strings.Cut(a, "=")
		default:
			rest = append(rest, a)
		}
	}
	return value, rest
}

const backupHelp = `Usage: participe backup --to FILE [--database …]

Makes a consistent online backup while the server runs: SQLite with VACUUM INTO (a
compact, checked copy), PostgreSQL with pg_dump in custom format (needs the PostgreSQL
client tools). Writes FILE and FILE.manifest.json (row counts and checksums per table,
checked by restore). FILE must not exist.

`

const restoreHelp = `Usage: participe restore --from FILE [--database …]

Restores a backup made by "participe backup" into an EMPTY database (a new SQLite file,
or a database made with createdb), checks it against the backup's manifest, then applies
newer migrations. Stop the servers before pointing them at the restored database.

`

// cmdBackup makes a consistent online backup.
func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	to, rest := takeFlag(args, "to")
	cfg, err := parseOpsConfig("backup", backupHelp, rest, getenv, stderr)
	if err != nil {
		return err
	}
	if to == "" {
		fmt.Fprint(stderr, backupHelp)
		return errors.New("backup: --to FILE is required")
	}
	m, err := ops.Backup(ctx, cfg.Database, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s (%s, schema version %d)\n", to, m.Engine, m.SchemaVersion)
	printManifest(stdout, m)
	return nil
}

// cmdRestore restores a backup into an empty database.
func cmdRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	from, rest := takeFlag(args, "from")
	cfg, err := parseOpsConfig("restore", restoreHelp, rest, getenv, stderr)
	if err != nil {
		return err
	}
	if from == "" {
		fmt.Fprint(stderr, restoreHelp)
		return errors.New("restore: --from FILE is required")
	}
	m, err := ops.Restore(ctx, from, cfg.Database, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: every table matches the backup's manifest\n", from, redactDSN(cfg.Database))
	printManifest(stdout, m)
	return nil
}

func parseOpsConfig(name, help string, args []string, getenv func(string) string, stderr io.Writer) (config.Config, error) {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprint(stderr, help)
			break
		}
	}
	return config.Parse(name, args, getenv, stderr)
}

func printManifest(w io.Writer, m ops.Manifest) {
	names := make([]string, 0, len(m.Tables))
	var total int64
	for n, st := range m.Tables {
		names = append(names, n)
		total += st.Rows
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%d tables, %d rows\n", len(names), total)
	for _, n := range names {
		if st := m.Tables[n]; st.Rows > 0 {
			fmt.Fprintf(w, "  %-28s %10d\n", n, st.Rows)
		}
	}
}

// redactDSN hides a PostgreSQL password in messages.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	cred := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(cred, ":"); ok {
		return dsn[:scheme+3] + user + ":***" + dsn[at:]
	}
	return dsn
}

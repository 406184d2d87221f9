package ops

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Manifest describes a backup: what engine it came from, when, the schema version, and
// per table a row count and a checksum of every row, so a restore can prove it brought
// back exactly what was saved. It is written beside the backup as FILE.manifest.json.
type Manifest struct {
	Engine        string                `json:"engine"`
	CreatedAt     time.Time             `json:"created_at"`
	SchemaVersion int                   `json:"schema_version"`
	Tables        map[string]TableStats `json:"tables"`
}

// TableStats is one table's row count and checksum.
type TableStats struct {
	Rows     int64  `json:"rows"`
	Checksum string `json:"sha256"`
}

// ManifestPath is where the manifest of a backup file lives.
func ManifestPath(backup string) string { return backup + ".manifest.json" }

func writeManifest(path string, m Manifest) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(path, raw)
}

// ReadManifest reads a backup's manifest.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	raw, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(raw, &m)
}

func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// querier is a *sql.DB, *sql.Conn or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// tableNames lists the user tables: SQLite without its internal tables and without the
// shadow tables of virtual (FTS) tables, which are rebuilt from their content.
func tableNames(ctx context.Context, q querier, engine string) ([]string, error) {
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if engine == "postgres" {
		query = `SELECT tablename, '' FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names, virtual []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			return nil, err
		}
		if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
			continue
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		shadow := false
		for _, v := range virtual {
			if strings.HasPrefix(n, v+"_") {
				shadow = true
			}
		}
		if !shadow {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// computeManifest counts and checksums every table as q sees it (one snapshot when q
// is a transaction). Rows are hashed in the order of all their columns, so the same
// content gives the same checksum whatever the physical order.
func computeManifest(ctx context.Context, q querier, engine string) (Manifest, error) {
	m := Manifest{Engine: engine, Tables: map[string]TableStats{}}
	names, err := tableNames(ctx, q, engine)
	if err != nil {
		return m, fmt.Errorf("list tables: %w", err)
	}
	for _, name := range names {
		st, err := tableStats(ctx, q, name)
		if err != nil {
			return m, fmt.Errorf("checksum %s: %w", name, err)
		}
		m.Tables[name] = st
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	if err == nil {
		if rows.Next() {
			_ = rows.Scan(&m.SchemaVersion)
		}
		rows.Close()
	}
	return m, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func tableStats(ctx context.Context, q querier, table string) (TableStats, error) {
	// Column count first, to ORDER BY every column by position.
	probe, err := q.QueryContext(ctx, `SELECT * FROM `+quoteIdent(table)+` WHERE 1 = 0`)
	if err != nil {
		return TableStats{}, err
	}
	cols, err := probe.Columns()
	probe.Close()
	if err != nil {
		return TableStats{}, err
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+quoteIdent(table)+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return TableStats{}, err
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableStats{}, err
		}
		for _, v := range vals {
			switch x := v.(type) {
			case nil:
				h.Write([]byte("N\x00"))
			case []byte:
				fmt.Fprintf(h, "B%d:%s\x00", len(x), x)
			case time.Time:
				fmt.Fprintf(h, "T%d\x00", x.UnixNano())
			default:
				fmt.Fprintf(h, "V%v\x00", x)
			}
		}
		h.Write([]byte{'\n'})
		n++
	}
	if err := rows.Err(); err != nil {
		return TableStats{}, err
	}
	return TableStats{Rows: n, Checksum: hex.EncodeToString(h.Sum(nil))}, nil
}

// Compare lists the differences between two manifests' tables ("" when equal).
func Compare(want, got Manifest) string {
	var diffs []string
	for name, w := range want.Tables {
		g, ok := got.Tables[name]
		switch {
		case !ok:
			diffs = append(diffs, name+": missing")
		case g.Rows != w.Rows:
			diffs = append(diffs, fmt.Sprintf("%s: %d rows, want %d", name, g.Rows, w.Rows))
		case g.Checksum != w.Checksum:
			diffs = append(diffs, name+": content differs")
		}
	}
	for name := range got.Tables {
		if _, ok := want.Tables[name]; !ok {
			diffs = append(diffs, name+": not in the backup")
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

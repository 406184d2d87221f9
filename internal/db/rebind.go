package db

import (
	"strconv"
	"strings"
)

// Rebind turns `?` placeholders into PostgreSQL's `$1, $2…`, leaving question marks in
// quoted strings alone. Results are cached: queries are constants.
func (d *DB) Rebind(q string) string {
	if d.Engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	if v, ok := d.binds.Load(q); ok {
		return v.(string)
	}
	out := rebindPostgres(q)
	d.binds.Store(q, out)
	return out
}

func rebindPostgres(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

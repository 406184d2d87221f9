package db

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"
)

// Time is a time.Time stored as unix seconds (BIGINT) on both engines, so comparisons
// and arithmetic are the same SQL everywhere. The zero time is stored as NULL.
type Time struct{ time.Time }

// T wraps t for storage.
func T(t time.Time) Time { return Time{t} }

// Value stores the time as unix seconds, or NULL for the zero time.
func (t Time) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.Unix(), nil
}

// Scan reads unix seconds (or NULL) into the time, in UTC.
func (t *Time) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		t.Time = time.Time{}
	case int64:
		t.Time = time.Unix(x, 0).UTC()
	case float64:
		t.Time = time.Unix(int64(x), 0).UTC()
	case []byte:
		return t.Scan(string(x))
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return fmt.Errorf("db.Time: cannot parse %q", x)
		}
		t.Time = time.Unix(n, 0).UTC()
	default:
		return fmt.Errorf("db.Time: cannot scan %T", v)
	}
	return nil
}

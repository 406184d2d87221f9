package db

// PreparedWrites counts the writer's prepared statements (tests).
func (d *DB) PreparedWrites() int {
	if d.writer == nil {
		return 0
	}
	d.writer.stmts.mu.Lock()
	defer d.writer.stmts.mu.Unlock()
	n := 0
	for _, st := range d.writer.stmts.m {
		if st != nil {
			n++
		}
	}
	return n
}

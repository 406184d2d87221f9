package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// BenchmarkWriterStatements measures what one web response costs under the writer's
// lock, without the commit: the statements SubmitComplete runs for a response (response
// row, aggregate cells and their survey_totals triggers, open answers), b.N of them in
// one transaction, with the statements prepared as the writer does after first seeing
// them. Its cpu-µs/op is the serial part that bounds durable responses/s on
// SQLite. Sub-benchmark "no-totals" drops the migration 0009 triggers to show their cost.
//
//	go test ./internal/tools/survey -run X -bench WriterStatements -benchtime 3000x
func BenchmarkWriterStatements(b *testing.B) {
	for _, variant := range []string{"with-totals", "no-totals"} {
		b.Run(variant, func(b *testing.B) {
			d := dbtest.SQLite(b)
			ctx := context.Background()
			svc, sv := setup(b, d)
			if variant == "no-totals" {
				for _, tr := range []string{"insert", "update", "rekey", "delete"} {
					if _, err := d.Exec(ctx, `DROP TRIGGER survey_counts_totals_`+tr); err != nil {
						b.Fatal(err)
					}
				}
			}
			d2 := sv.Def()
			parsed, errs := ParseQuestions(d2.Questions(), benchForm())
			if len(errs) > 0 {
				b.Fatal(errs)
			}
			answers := d2.Prune(parsed)
			raw, _ := json.Marshal(answers)
			// One response first, in its own group commit: the writer prepares the
			// statements it saw after that commit (internal/db writeStmts), as in a
			// running server; the measured ones then run prepared.
			write := func(from, n int) error {
				return d.Write(ctx, func(tx *db.Tx) error {
					for i := from; i < from+n; i++ {
						r := &Response{SurveyID: sv.ID, Reference: newReference(), Channel: ChannelWeb, Answers: answers, SubmittedAt: now}
						plan := planRecord(db.SQLite, sv, r, 1)
						args := []any{sv.ID, nil, r.Reference, nil, fmt.Sprintf("wb-%d", i), "", "", string(raw), sv.Version, db.T(now), db.T(now), db.T(now)}
						res, err := tx.Exec(ctx, insertAnonymousSQL, args...)
						if err != nil {
							return err
						}
						if r.ID, err = res.LastInsertId(); err != nil {
							return err
						}
						if err := plan.exec(ctx, tx, r.ID); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if err := write(-1, 1); err != nil {
				b.Fatal(err)
			}
			if err := write(-2, 1); err != nil { // the statements are prepared by now
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu0 := cpuTime()
			if err := write(0, b.N); err != nil {
				b.Fatal(err)
			}
			// Wall time on a shared machine says little; the process CPU per response does.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			_ = svc
		})
	}
}

package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"sync"

	"participe/internal/db"
	"participe/internal/mail"
)

// Anonymous web responses on SQLite are written in batches: responses that arrive while
// a batch is being written wait for the next one, and each batch is one db.Write that
// inserts every response (and its open answers) and then adds the batch's aggregate
// cells in one upsert, each cell once with the number of responses that carry it.
// Most cells are shared by every response (`_total`, each answered question), so the
// upsert and its totals triggers (the largest part of the writer's time per response)
// run once per batch instead of once per response. Durability does not change: a
// response is acknowledged only after the COMMIT of its batch.
//
// Idempotency: a response whose idem key (or reference) is already stored fails on its
// own INSERT (SQLite undoes that one statement only) and is answered like the
// one-response path does. Any other error rolls the whole batch back and every response
// of it is written again on its own, by the one-response path.

// countsNJSONSQL adds to every cell of a JSON array [[question, option, n], …] (SQLite).
const countsNJSONSQL = `INSERT INTO survey_counts (survey_id, question_key, option_key, channel, region_code, age_group, shard, n)
	SELECT ?1, value ->> 0, value ->> 1, ?2, ?3, ?4, 0, value ->> 2 FROM json_each(?5) WHERE true
	ON CONFLICT (survey_id, question_key, option_key, channel, region_code, age_group, shard) DO UPDATE SET n = survey_counts.n + excluded.n`

// textChunk is the largest number of open answers one INSERT carries (a power of two).
const textChunk = 64

// textsSQL[k] inserts 2^k open answers (7 parameters each).
var textsSQL = func() (out []string) {
	for n := 1; n <= textChunk; n *= 2 {
		var b strings.Builder
		b.WriteString(`INSERT INTO survey_texts (response_id, survey_id, question_key, body, folded, channel, created_at) VALUES `)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?,?,?,?,?)")
		}
		out = append(out, b.String())
	}
	return out
}()

// textsValuesSQL is the INSERT of n open answers, n a power of two up to textChunk.
func textsValuesSQL(n int) string { return textsSQL[bits.TrailingZeros(uint(n))] }

// maxSubmitBatch bounds one batch (one transaction's size and the wait of its first
// response).
const maxSubmitBatch = 256

// batchFault, set by tests only, makes a batch fail after its statements (to check that
// its responses are then written on their own).
var batchFault func() error

// submitItem is one anonymous response waiting for its batch.
type submitItem struct {
	sv      *Survey
	r       *Response
	keys    []CountKey  // its aggregate cells
	texts   [][3]string // its open answers: question, body, folded
	args    []any
	rc      Receipt
	receipt bool

	// Set by the batch before done is closed.
	dup   bool // its INSERT hit a unique key: already stored
	alone bool // the batch failed: write it on its own
	done  chan struct{}
}

// submitBatcher queues anonymous responses; one batch is written at a time.
type submitBatcher struct {
	mu      sync.Mutex
	pending []*submitItem
	busy    bool
}

// submitBatched writes it in a batch and waits for the batch's COMMIT.
func (s *Service) submitBatched(ctx context.Context, it *submitItem) error {
	it.done = make(chan struct{})
	b := &s.batch
	b.mu.Lock()
	b.pending = append(b.pending, it)
	lead := !b.busy
	b.busy = true
	b.mu.Unlock()
	if lead {
		// The batch outlives a caller that goes away: others wait for it.
		s.drainBatch(context.WithoutCancel(ctx))
	}
	select {
	case <-it.done:
		return nil
	case <-ctx.Done():
		// The write may still commit; it was never acknowledged, which is allowed.
		return ctx.Err()
	}
}

// drainBatch writes one batch of what is pending, then hands the next one (if any) to a
// new goroutine so that the caller's own response is answered at once.
func (s *Service) drainBatch(ctx context.Context) {
	b := &s.batch
	b.mu.Lock()
	n := min(len(b.pending), maxSubmitBatch)
	items := append([]*submitItem(nil), b.pending[:n]...)
	b.pending = append(b.pending[:0], b.pending[n:]...)
	b.mu.Unlock()

	s.writeBatch(ctx, items)

	b.mu.Lock()
	more := len(b.pending) > 0
	b.busy = more
	b.mu.Unlock()
	if more {
		go s.drainBatch(ctx)
	}
}

// batchCells groups the batch's cells by what their row key holds besides the cell.
type batchCells struct {
	surveyID         int64
	channel          string
	region, ageGroup string
}

func (s *Service) writeBatch(ctx context.Context, items []*submitItem) {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		sums := map[batchCells]map[CountKey]int{}
		var texts [][]any
		for _, it := range items {
			it.dup = false
			res, err := tx.Exec(ctx, insertAnonymousSQL, it.args...)
			if db.IsUniqueViolation(err) {
				it.dup = true
				continue
			}
			if err != nil {
				return err
			}
			if it.r.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			created := it.r.SubmittedAt.Unix()
			for _, t := range it.texts {
				texts = append(texts, []any{it.r.ID, it.sv.ID, t[0], t[1], t[2], it.r.Channel, created})
			}
			if it.receipt {
				if err := mail.EnqueueTx(ctx, s.jobs, tx, ReceiptMessage(it.sv, it.r, it.rc)); err != nil {
					return err
				}
			}
			g := batchCells{it.sv.ID, it.r.Channel, it.r.RegionCode, it.r.AgeGroup}
			m := sums[g]
			if m == nil {
				m = make(map[CountKey]int, len(it.keys))
				sums[g] = m
			}
			for _, k := range it.keys {
				m[k]++
			}
		}
		for g, m := range sums {
			cells := make([][3]any, 0, len(m))
			for k, n := range m {
				cells = append(cells, [3]any{k.Question, k.Option, n})
			}
			sort.Slice(cells, func(i, j int) bool {
				if cells[i][0] != cells[j][0] {
					return cells[i][0].(string) < cells[j][0].(string)
				}
				return cells[i][1].(string) < cells[j][1].(string)
			})
			js, err := json.Marshal(cells)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, countsNJSONSQL, g.surveyID, g.channel, g.region, g.ageGroup, string(js)); err != nil {
				return err
			}
		}
		// The open answers in statements of 64, 32, …, 1 rows: a few constant
		// statements (prepared once by the writer) whatever the batch's size; bound
		// parameters cost less than a JSON array here (seven fields per row).
		for len(texts) > 0 {
			n := textChunk
			for n > len(texts) {
				n /= 2
			}
			args := make([]any, 0, 7*n)
			for _, t := range texts[:n] {
				args = append(args, t...)
			}
			if _, err := tx.Exec(ctx, textsValuesSQL(n), args...); err != nil {
				return fmt.Errorf("survey texts: %w", err)
			}
			texts = texts[n:]
		}
		if batchFault != nil {
			return batchFault()
		}
		return nil
	})
	for _, it := range items {
		it.alone = err != nil
		close(it.done)
	}
}

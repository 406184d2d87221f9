package survey

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"participe/internal/db"
)

// ExportColumns lists the per-question columns of an export: one per question, one per
// matrix row, plus an "…/other" column for questions with an "Other" option. Personal
// questions are left out of public exports.
func ExportColumns(sv *Survey, public bool) []string {
	var cols []string
	for _, q := range sv.Def().Questions() {
		if !q.Answerable() || (public && q.IsPersonal()) {
			continue
		}
		if q.Type == TMatrix {
			for _, r := range q.Rows {
				cols = append(cols, q.Key+"."+r.Key)
			}
			continue
		}
		cols = append(cols, q.Key)
		if q.Other {
			cols = append(cols, q.Key+"/other")
		}
	}
	return cols
}

func exportValues(sv *Survey, a Answers, public bool) map[string]string {
	out := map[string]string{}
	for _, q := range sv.Def().Questions() {
		ans, ok := a[q.Key]
		if !ok || !q.Answerable() || (public && q.IsPersonal()) {
			continue
		}
		switch q.Type {
		case TMatrix:
			for r, o := range ans.Rows {
				out[q.Key+"."+r] = o
			}
		case TSingle, TMultiple, TRanking:
			v := ""
			for i, c := range ans.Choices {
				if i > 0 {
					v += ";"
				}
				v += c
			}
			out[q.Key] = v
			if ans.Other != "" {
				out[q.Key+"/other"] = ans.Other
			}
		case TScale, TNumber:
			if ans.Number != nil {
				out[q.Key] = strconv.FormatFloat(*ans.Number, 'f', -1, 64)
			}
		default:
			out[q.Key] = ans.Text
		}
	}
	return out
}

// Export streams every submitted response, one row (CSV) or one object (JSON lines in an
// array) per response, without holding them in memory. Public exports carry no person
// id, email or name, and leave personal questions out; staff exports add the person.
// Option keys are exported (stable codes), multiple choices joined by ";".
func (s *Service) Export(ctx context.Context, sv *Survey, w io.Writer, format string, public bool) error {
	cols := ExportColumns(sv, public)
	head := []string{"reference", "channel", "submitted_at", "region_code", "age_group"}
	if !public {
		head = append(head, "paper_form_id", "person_id", "email", "pseudonym")
	}
	rows, err := s.db.Query(ctx, `SELECT r.reference, r.channel, r.submitted_at, r.region_code, r.age_group, r.paper_form_id,
		COALESCE(r.person_id, 0), COALESCE(p.email, ''), COALESCE(p.pseudonym, ''), r.answers
		FROM survey_responses r LEFT JOIN people p ON p.id = r.person_id
		WHERE r.survey_id = ? AND r.status = 'submitted' ORDER BY r.id`, sv.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	var cw *csv.Writer
	if format == "csv" {
		cw = csv.NewWriter(bw)
		if err := cw.Write(append(head, cols...)); err != nil {
			return err
		}
	} else {
		bw.WriteString("[")
	}
	first := true
	for rows.Next() {
		var ref, ch, region, age, paper, email, pseudo, raw string
		var sub db.Time
		var pid int64
		if err := rows.Scan(&ref, &ch, &sub, &region, &age, &paper, &pid, &email, &pseudo, &raw); err != nil {
			return err
		}
		var a Answers
		_ = json.Unmarshal([]byte(raw), &a)
		vals := exportValues(sv, a, public)
		fixed := []string{ref, ch, sub.UTC().Format("2006-01-02T15:04:05Z"), region, age}
		if !public {
			fixed = append(fixed, paper, strconv.FormatInt(pid, 10), email, pseudo)
		}
		if cw != nil {
			rec := append([]string{}, fixed...)
			for _, c := range cols {
				rec = append(rec, vals[c])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
			continue
		}
		obj := map[string]any{}
		for i, h := range head {
			obj[h] = fixed[i]
		}
		if !public {
			obj["person_id"] = pid
		}
		ans := map[string]string{}
		for _, c := range cols {
			if v, ok := vals[c]; ok {
				ans[c] = v
			}
		}
		obj["answers"] = ans
		b, _ := json.Marshal(obj)
		if !first {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		bw.Write(b)
		first = false
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

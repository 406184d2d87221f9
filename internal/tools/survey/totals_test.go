package survey

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// countsTotals reads survey_counts summed per (channel, question, option) and
// survey_totals the same way, as "channel/question/option" → n (zero cells left out).
func countsTotals(t *testing.T, d *db.DB, surveyID int64) (counts, totals map[string]int64) {
	t.Helper()
	read := func(table string) map[string]int64 {
		rows, err := d.Query(context.Background(), `SELECT channel, question_key, option_key, SUM(n) FROM `+table+
			` WHERE survey_id = ? GROUP BY channel, question_key, option_key`, surveyID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]int64{}
		for rows.Next() {
			var ch, q, o string
			var n int64
			if err := rows.Scan(&ch, &q, &o, &n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				m[ch+"/"+q+"/"+o] = n
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return m
	}
	return read("survey_counts"), read("survey_totals")
}

func sameCounts(t *testing.T, step string, counts, totals map[string]int64) {
	t.Helper()
	if len(counts) == 0 {
		t.Fatalf("%s: no counts at all", step)
	}
	if fmt.Sprint(counts) != fmt.Sprint(totals) {
		t.Fatalf("%s: survey_totals drifted from survey_counts:\ncounts %v\ntotals %v", step, counts, totals)
	}
}

// TestTotalsFollowCounts checks that survey_totals (migration 0009 triggers) stays equal
// to survey_counts summed over regions and age groups through every kind of write: web
// responses, paper entry, a double-entry correction (remove + add), a new cell, a change
// of key and a delete; and that the results read from it agree.
func TestTotalsFollowCounts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		for i := range 5 {
			if _, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: benchForm(), IdemKey: fmt.Sprintf("totals-%04d", i)}); err != nil || len(errs) > 0 {
				t.Fatalf("submit: %v %v", err, errs)
			}
		}
		counts, totals := countsTotals(t, d, sv.ID)
		sameCounts(t, "web responses", counts, totals)
		if totals["web/_total/"] != 5 {
			t.Fatalf("web total = %d, want 5", totals["web/_total/"])
		}

		clerk := &participe.Actor{Roles: []participe.Role{{BodyID: sv.BodyID, Role: participe.RoleModerator}}}
		checker := &participe.Actor{Roles: []participe.Role{{BodyID: sv.BodyID, Role: participe.RoleManager}}}
		for i, a := range []*participe.Actor{clerk, checker} {
			err := d.Write(ctx, func(tx *db.Tx) error {
				pid, err := tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, created_at) VALUES (?, ?, ?) RETURNING id`, fmt.Sprintf("t%d@x.ca", i), "staff", db.T(now))
				a.PersonID = pid
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		form := url.Values{"q.org": {"pub"}, "q.pourquoi": {"Parce que"}, "q.grille.r1": {"oui"}, "q.rang.x": {"2"}, "q.rang.y": {"1"}}
		r, _, errs, err := svc.EnterPaper(ctx, clerk, sv.InitiativeID, PaperEntry{Channel: ChannelPaper, PaperFormID: "T-1", IdemKey: "totals-paper-1", Form: form})
		if err != nil || len(errs) > 0 {
			t.Fatalf("entry: %v %v", err, errs)
		}
		form2 := url.Values{"q.org": {"pub"}, "q.pourquoi": {"Parce que"}, "q.grille.r1": {"non"}, "q.rang.x": {"2"}, "q.rang.y": {"1"}}
		if _, _, _, err := svc.Verify(ctx, checker, sv.InitiativeID, r.ID, form2, "fr"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Resolve(ctx, checker, sv.InitiativeID, r.ID, "second"); err != nil {
			t.Fatal(err)
		}
		counts, totals = countsTotals(t, d, sv.ID)
		sameCounts(t, "paper entry and correction", counts, totals)
		if totals["paper/grille.r1/non"] != 1 || totals["paper/grille.r1/oui"] != 0 {
			t.Fatalf("correction not in totals: %v", totals)
		}

		// A cell of a region and age group (as a signed-in person's response writes it),
		// then moved to another key, then removed.
		if _, err := d.Exec(ctx, `INSERT INTO survey_counts (survey_id, question_key, option_key, channel, region_code, age_group, shard, n)
			VALUES (?, 'org', 'pub', 'web', '06', '25-34', 0, 3)`, sv.ID); err != nil {
			t.Fatal(err)
		}
		counts, totals = countsTotals(t, d, sv.ID)
		sameCounts(t, "new cell", counts, totals)
		res, err := svc.Results(ctx, sv, Filter{Region: "06"}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range res.Questions {
			if q.Q.Key == "org" && q.Options[1].N != 3 {
				t.Fatalf("region filter: org/pub = %d, want 3", q.Options[1].N)
			}
		}
		if _, err := d.Exec(ctx, `UPDATE survey_counts SET channel = 'phone' WHERE survey_id = ? AND region_code = '06'`, sv.ID); err != nil {
			t.Fatal(err)
		}
		counts, totals = countsTotals(t, d, sv.ID)
		sameCounts(t, "change of key", counts, totals)
		if _, err := d.Exec(ctx, `DELETE FROM survey_counts WHERE survey_id = ? AND region_code = '06'`, sv.ID); err != nil {
			t.Fatal(err)
		}
		counts, totals = countsTotals(t, d, sv.ID)
		sameCounts(t, "delete", counts, totals)

		all, err := svc.Results(ctx, sv, Filter{}, false)
		if err != nil {
			t.Fatal(err)
		}
		web, err := svc.Results(ctx, sv, Filter{Channel: ChannelWeb}, false)
		if err != nil {
			t.Fatal(err)
		}
		if all.Total != 6 || web.Total != 5 {
			t.Fatalf("results total = %d (web %d), want 6 (web 5)", all.Total, web.Total)
		}
		if err := svc.CountResponses(ctx, sv); err != nil || sv.ResponsesCount != 6 {
			t.Fatalf("responses count = %d, %v", sv.ResponsesCount, err)
		}
	})
}

// TestOpenAnswersIndexed checks the open-answer index written with each response (one
// JSON statement on SQLite, a VALUES list on PostgreSQL): the text, its "Other" text,
// the response id, the channel, and the accent-insensitive search.
func TestOpenAnswersIndexed(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		form := benchForm()
		form.Set("q.pourquoi", "Parce que l'Électricité coûte cher")
		r, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: form, IdemKey: "texts-0001"})
		if err != nil || len(errs) > 0 {
			t.Fatalf("submit: %v %v", err, errs)
		}
		// "Other" hides section b (shown for org = pub): only the other text is kept.
		form.Set("q.org", OtherKey)
		form.Set("q.org.other", "Coopérative")
		if _, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: form, IdemKey: "texts-0002"}); err != nil || len(errs) > 0 {
			t.Fatalf("submit: %v %v", err, errs)
		}
		rows, total, err := svc.Texts(ctx, sv, "pourquoi", "electricite", "", 0, 10)
		if err != nil || total != 1 || len(rows) != 1 {
			t.Fatalf("texts: %v, %d rows", err, total)
		}
		if rows[0].ResponseID != r.ID || rows[0].Body != "Parce que l'Électricité coûte cher" || rows[0].Channel != ChannelWeb {
			t.Fatalf("text row = %+v (response %d)", rows[0], r.ID)
		}
		other, total, err := svc.Texts(ctx, sv, "org/other", "", "", 0, 10)
		if err != nil || total != 1 || other[0].Body != "Coopérative" {
			t.Fatalf("other text: %v %d %+v", err, total, other)
		}
	})
}

// TestPublicSeesEdits checks that the public survey (read without its definition, the
// parsed sections kept by version) follows an edit of the definition at once.
func TestPublicSeesEdits(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		before, err := svc.Public(ctx, "consult", PurposeMain)
		if err != nil {
			t.Fatal(err)
		}
		if before.Def().Question("nouvelle") != nil || before.Def().Question("org") == nil {
			t.Fatal("unexpected definition")
		}
		if err := svc.editSurvey(ctx, sv, 0, AddQuestion("c", Question{Key: "nouvelle", Type: TShortText, LabelFR: "Nouvelle"})); err != nil {
			t.Fatal(err)
		}
		after, err := svc.Public(ctx, "consult", PurposeMain)
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != before.Version+1 || after.Def().Question("nouvelle") == nil {
			t.Fatalf("public survey after an edit: version %d (was %d), new question %v", after.Version, before.Version, after.Def().Question("nouvelle"))
		}
		if before.Def().Question("nouvelle") != nil {
			t.Fatal("the edit changed the sections of an earlier read")
		}
	})
}

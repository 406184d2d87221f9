package survey

import (
	"context"
	"net/url"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// TestCountsByChannel: responses of every channel (web one-write and draft paths, paper
// and phone typed by staff, a draft never sent, a double post, a corrected double entry)
// are counted per channel exactly as the responses table says, on both engines, and a
// second survey of the same initiative (satisfaction) adds to the initiative's figures.
func TestCountsByChannel(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		staff := []*participe.Actor{}
		for _, email := range []string{"c1@x.ca", "c2@x.ca"} {
			a := &participe.Actor{Roles: []participe.Role{{BodyID: sv.BodyID, Role: participe.RoleManager}}}
			err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				a.PersonID, err = tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, created_at) VALUES (?, 'staff', ?) RETURNING id`, email, db.T(now))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			staff = append(staff, a)
		}
		// Web: three complete posts (one posted twice) and one draft path.
		for i, key := range []string{"idem-web-0001", "idem-web-0002", "idem-web-0003", "idem-web-0003"} {
			if _, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: benchForm(), IdemKey: key}); err != nil || len(errs) > 0 {
				t.Fatalf("web %d: %v %v", i, err, errs)
			}
		}
		r, err := svc.Start(ctx, sv, Respondent{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.SaveSection(ctx, sv, r, 0, url.Values{"q.org": {"com"}}, true); err != nil {
			t.Fatal(err)
		}
		if _, errs, err := svc.Submit(ctx, sv, r, Receipt{}); err != nil || len(errs) > 0 {
			t.Fatalf("draft submit: %v %v", err, errs)
		}
		if _, err := svc.Start(ctx, sv, Respondent{}); err != nil { // a draft never sent
			t.Fatal(err)
		}
		// Paper ×2 (one corrected by double entry), phone ×1.
		form := url.Values{"q.org": {"pub"}, "q.pourquoi": {"Papier"}}
		p1, _, _, err := svc.EnterPaper(ctx, staff[0], sv.InitiativeID, PaperEntry{Channel: ChannelPaper, PaperFormID: "P-1", IdemKey: "idem-pap-0001", Form: form})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := svc.EnterPaper(ctx, staff[0], sv.InitiativeID, PaperEntry{Channel: ChannelPaper, PaperFormID: "P-2", IdemKey: "idem-pap-0002", Form: form}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := svc.EnterPaper(ctx, staff[0], sv.InitiativeID, PaperEntry{Channel: ChannelPhone, IdemKey: "idem-tel-0001", Form: form}); err != nil {
			t.Fatal(err)
		}
		if _, diffs, _, err := svc.Verify(ctx, staff[1], sv.InitiativeID, p1.ID, url.Values{"q.org": {"com"}}, "fr"); err != nil || len(diffs) == 0 {
			t.Fatalf("verify: %v %v", err, diffs)
		}
		if err := svc.Resolve(ctx, staff[1], sv.InitiativeID, p1.ID, "second"); err != nil {
			t.Fatal(err)
		}
		// A satisfaction questionnaire of the same initiative, one web response.
		sid, err := svc.CreateForInitiative(ctx, sv.InitiativeID, NewSurvey{Purpose: PurposeSatisfaction, TitleFR: "Satisfaction", Publish: true, Access: AccessAnonymous,
			Definition: Definition{Sections: []Section{{Key: "s", TitleFR: "S", Questions: []Question{{Key: "note", Type: TScale, LabelFR: "Note", Scale: &Scale{Min: 1, Max: 5}}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		sat, err := svc.ByID(ctx, sid)
		if err != nil {
			t.Fatal(err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			return svc.InsertSubmitted(ctx, tx, sat, &Response{Answers: Answers{"note": {Number: f64(5)}}})
		})
		if err != nil {
			t.Fatal(err)
		}

		got, err := CountsByChannel(ctx, d, sv.InitiativeID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{ChannelWeb: 5, ChannelPaper: 2, ChannelPhone: 1}
		if len(got) != len(want) {
			t.Fatalf("counts by channel = %v, want %v", got, want)
		}
		for ch, n := range want {
			if got[ch] != n {
				t.Fatalf("counts by channel = %v, want %v", got, want)
			}
		}
		// The ground truth: the responses themselves.
		rows, err := d.Query(ctx, `SELECT r.channel, COUNT(*) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
			WHERE s.initiative_id = ? AND r.status = 'submitted' GROUP BY r.channel`, sv.InitiativeID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var ch string
			var n int64
			if err := rows.Scan(&ch, &n); err != nil {
				t.Fatal(err)
			}
			if got[ch] != n {
				t.Fatalf("channel %s: aggregates %d, responses %d", ch, got[ch], n)
			}
		}
		if sv2, _ := svc.ByID(ctx, sv.ID); sv2.ResponsesCount != 7 {
			t.Fatalf("survey response count %d, want 7", sv2.ResponsesCount)
		}
		if other, err := CountsByChannel(ctx, d, sv.InitiativeID+999); err != nil || len(other) != 0 {
			t.Fatalf("unknown initiative: %v %v", other, err)
		}
	})
}

package survey

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/jobs"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var now = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func f64(v float64) *float64 { return &v }

// testDef is a small survey with every kind of rule the service must enforce.
func testDef() Definition {
	return Definition{Sections: []Section{
		{Key: "a", TitleFR: "A", Questions: []Question{
			{Key: "org", Type: TSingle, LabelFR: "Type", Required: true, Other: true, Options: []Option{{Key: "com", LabelFR: "Communautaire"}, {Key: "pub", LabelFR: "Public"}}},
			{Key: "nom", Type: TShortText, LabelFR: "Nom", ShowIf: &Condition{Op: "or", Conditions: []Clause{{Question: "org", Equals: "com"}}}},
			{Key: "modes", Type: TMultiple, LabelFR: "Modes", MaxChoices: 2, Options: []Option{{Key: "web", LabelFR: "Web"}, {Key: "tel", LabelFR: "Tél."}, {Key: "pap", LabelFR: "Papier"}}},
			{Key: "note", Type: TScale, LabelFR: "Note", Scale: &Scale{Min: 1, Max: 5}},
			{Key: "age", Type: TNumber, LabelFR: "Âge", Min: f64(0), Max: f64(120)},
		}},
		{Key: "b", TitleFR: "B", ShowIf: &Condition{Op: "and", Conditions: []Clause{{Question: "org", Equals: "pub"}}}, Questions: []Question{
			{Key: "pourquoi", Type: TLongText, LabelFR: "Pourquoi", Required: true},
			{Key: "grille", Type: TMatrix, LabelFR: "Grille", Rows: []Option{{Key: "r1", LabelFR: "R1"}, {Key: "r2", LabelFR: "R2"}}, Options: []Option{{Key: "oui", LabelFR: "Oui"}, {Key: "non", LabelFR: "Non"}}},
			{Key: "rang", Type: TRanking, LabelFR: "Rang", Options: []Option{{Key: "x", LabelFR: "X"}, {Key: "y", LabelFR: "Y"}}},
		}},
		{Key: "c", TitleFR: "C", Questions: []Question{
			{Key: "courriel", Type: TEmail, LabelFR: "Courriel"},
			{Key: "cp", Type: TPostalCode, LabelFR: "Code postal"},
			{Key: "quand", Type: TDate, LabelFR: "Date"},
		}},
	}}
}

func TestValidateRejectsLaterAndUnknownConditions(t *testing.T) {
	d := testDef()
	if err := d.Validate(); err != nil {
		t.Fatalf("valid definition refused: %v", err)
	}
	// A condition on a later question (which is also how a cycle would start).
	d.Sections[0].Questions[0].ShowIf = &Condition{Op: "and", Conditions: []Clause{{Question: "nom", Equals: "x"}}}
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "not an earlier question") {
		t.Fatalf("later condition accepted: %v", err)
	}
	d = testDef()
	d.Sections[0].Questions[1].ShowIf.Conditions[0].Equals = "nope"
	if err := d.Validate(); err == nil {
		t.Fatal("condition on unknown option accepted")
	}
	d = testDef()
	d.Sections[2].Questions[0].Key = "org"
	if err := d.Validate(); err == nil {
		t.Fatal("duplicate key accepted")
	}
	// Moving a question above the one its condition uses is refused.
	d = testDef()
	if err := MoveQuestion("nom", -1)(&d); err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err == nil {
		t.Fatal("move before the condition's question accepted")
	}
}

func TestEvaluateAndPrune(t *testing.T) {
	d := testDef()
	a := Answers{"org": {Choices: []string{"com"}}, "nom": {Text: "Centre"}, "pourquoi": {Text: "caché"}}
	v := d.Evaluate(a)
	if !v.Questions["nom"] || v.Sections["b"] || v.Questions["pourquoi"] {
		t.Fatalf("visibility wrong: %+v", v)
	}
	p := d.Prune(a)
	if _, ok := p["pourquoi"]; ok {
		t.Fatal("answer to a hidden question kept")
	}
	if p["nom"].Text != "Centre" {
		t.Fatal("visible answer dropped")
	}
	a["org"] = Answer{Choices: []string{"pub"}}
	if _, ok := d.Prune(a)["nom"]; ok {
		t.Fatal("nom should be hidden once org=pub")
	}
}

func TestParseBadInput(t *testing.T) {
	d := testDef()
	qs := d.Questions()
	form := url.Values{
		"q.org":       {"hacked"},
		"q.modes":     {"web", "tel", "pap"},
		"q.note":      {"9"},
		"q.age":       {"150"},
		"q.courriel":  {"pas un courriel"},
		"q.cp":        {"12345"},
		"q.quand":     {"2026-13-45"},
		"q.pourquoi":  {strings.Repeat("é", MaxLongText+1)},
		"q.rang.x":    {"1"},
		"q.rang.y":    {"1"},
		"q.grille.r1": {"peut-être"},
	}
	a, errs := ParseQuestions(qs, form)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Question] = e.Key
	}
	want := map[string]string{"org": "survey.answer.unknown_option", "modes": "survey.answer.too_many", "note": "survey.answer.unknown_option",
		"age": "survey.answer.number_range", "courriel": "survey.answer.email", "cp": "survey.answer.postal_code", "quand": "survey.answer.date",
		"pourquoi": "survey.answer.too_long", "rang": "survey.answer.rank_duplicate", "grille": "survey.answer.unknown_option"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q want %q", k, got[k], v)
		}
	}
	// What was typed is kept for the page shown again.
	if a["courriel"].Text != "pas un courriel" || a["age"].Text != "150" {
		t.Errorf("typed values lost: %+v", a)
	}
	ok, errs := ParseQuestions(qs, url.Values{"q.age": {"12,5"}, "q.cp": {"h2x1y4"}, "q.org": {OtherKey}, "q.org.other": {"Coop"}})
	if len(errs) != 0 || *ok["age"].Number != 12.5 || ok["cp"].Text != "H2X 1Y4" || ok["org"].Other != "Coop" {
		t.Fatalf("valid input refused: %v %+v", errs, ok)
	}
}

// setup creates a body, an open initiative and a published survey.
func setup(t testing.TB, d *db.DB) (*Service, *Survey) {
	t.Helper()
	ctx := context.Background()
	var ini int64
	err := d.Write(ctx, func(tx *db.Tx) error {
		b, err := tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('mcn', 'Ministère') RETURNING id`)
		if err != nil {
			return err
		}
		ini, err = tx.InsertID(ctx, `INSERT INTO initiatives (slug, body_id, state, title_fr, starts_at, ends_at, created_at, updated_at)
			VALUES ('consult', ?, 'published', 'Consultation', ?, ?, ?, ?) RETURNING id`, b, db.T(now.Add(-24*time.Hour)), db.T(now.Add(240*time.Hour)), db.T(now), db.T(now))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := participe.NewFixedClock(now)
	svc := New(d, clock, jobs.New(d, clock, nil))
	id, err := svc.CreateForInitiative(ctx, ini, NewSurvey{TitleFR: "Q", Publish: true, Access: AccessAnonymous, Receipt: true, Definition: testDef()})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := svc.ByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return svc, sv
}

func TestSubmitCountsOnceAndDropsHidden(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		r, err := svc.Start(ctx, sv, Respondent{})
		if err != nil {
			t.Fatal(err)
		}
		// Section 1 with org=com (section b hidden), then a tampered answer to the hidden
		// section's question posted anyway.
		if _, errs, err := svc.SaveSection(ctx, sv, r, 0, url.Values{"q.org": {"com"}, "q.nom": {"Centre"}, "q.modes": {"web"}, "q.note": {"4"}}, true); err != nil || len(errs) > 0 {
			t.Fatalf("save: %v %v", err, errs)
		}
		if _, _, err := svc.SaveSection(ctx, sv, r, 1, url.Values{"q.pourquoi": {"caché"}}, false); err != nil {
			t.Fatal(err)
		}
		rc := Receipt{Email: "moi@example.ca", Lang: "fr"}
		done, errs, err := svc.Submit(ctx, sv, r, rc)
		if err != nil || len(errs) > 0 {
			t.Fatalf("submit: %v %v", err, errs)
		}
		if _, ok := done.Answers["pourquoi"]; ok {
			t.Fatal("hidden answer stored")
		}
		// Double click: the same response, counted once.
		again, _, err := svc.Submit(ctx, sv, r, rc)
		if err != nil || again.Reference != done.Reference {
			t.Fatalf("second submit: %v", err)
		}
		res, err := svc.Results(ctx, sv, Filter{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 {
			t.Fatalf("total = %d, want 1", res.Total)
		}
		for _, q := range res.Questions {
			if q.Q.Key == "note" && (q.Mean != 4 || q.Answered != 1) {
				t.Fatalf("scale stats wrong: %+v", q)
			}
			if q.Q.Key == "courriel" {
				t.Fatal("personal question in public results")
			}
		}
		var mails int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'`).Scan(&mails)
		if mails != 1 {
			t.Fatalf("receipts queued = %d, want 1", mails)
		}
		// After the closing date: refused with a clear error, draft kept.
		r2, _ := svc.Start(ctx, sv, Respondent{})
		sv.EndsAt = now.Add(-time.Hour)
		if _, _, err := svc.SaveSection(ctx, sv, r2, 0, url.Values{"q.org": {"pub"}}, true); !participe.IsCode(err, participe.ECONFLICT) {
			t.Fatalf("closed survey accepted an answer: %v", err)
		}
	})
}

func TestPaperEntryVerifyAndExport(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		clerk := &participe.Actor{PersonID: 0, Roles: []participe.Role{{BodyID: sv.BodyID, Role: participe.RoleModerator}}}
		checker := &participe.Actor{PersonID: 0, Roles: []participe.Role{{BodyID: sv.BodyID, Role: participe.RoleManager}}}
		stranger := &participe.Actor{PersonID: 0, Roles: []participe.Role{{BodyID: sv.BodyID + 1, Role: participe.RoleManager}}}
		for i, a := range []*participe.Actor{clerk, checker} {
			err := d.Write(ctx, func(tx *db.Tx) error {
				pid, err := tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, created_at) VALUES (?, ?, ?) RETURNING id`, []string{"a@x.ca", "b@x.ca"}[i], "staff", db.T(now))
				a.PersonID = pid
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		form := url.Values{"q.org": {"pub"}, "q.pourquoi": {"Parce que"}, "q.grille.r1": {"oui"}, "q.rang.x": {"2"}, "q.rang.y": {"1"}}
		in := PaperEntry{Channel: ChannelPaper, PaperFormID: "P-001", IdemKey: "key-00000001", Form: form}
		if _, _, _, err := svc.EnterPaper(ctx, stranger, sv.InitiativeID, in); !participe.IsCode(err, participe.ENOTFOUND) {
			t.Fatalf("staff of another body entered a response: %v", err)
		}
		r, _, errs, err := svc.EnterPaper(ctx, clerk, sv.InitiativeID, in)
		if err != nil || len(errs) > 0 {
			t.Fatalf("entry: %v %v", err, errs)
		}
		r2, _, _, err := svc.EnterPaper(ctx, clerk, sv.InitiativeID, in) // posted twice
		if err != nil || r2.ID != r.ID {
			t.Fatalf("duplicate entry: %v (%d vs %d)", err, r2.ID, r.ID)
		}
		// The clerk cannot verify their own entry; the checker types a different answer.
		if _, _, _, err := svc.Verify(ctx, clerk, sv.InitiativeID, r.ID, form, "fr"); !participe.IsCode(err, participe.ECONFLICT) {
			t.Fatalf("self verification allowed: %v", err)
		}
		form2 := url.Values{"q.org": {"pub"}, "q.pourquoi": {"Parce que"}, "q.grille.r1": {"non"}, "q.rang.x": {"2"}, "q.rang.y": {"1"}}
		_, diffs, _, err := svc.Verify(ctx, checker, sv.InitiativeID, r.ID, form2, "fr")
		if err != nil || len(diffs) != 1 || diffs[0].Question.Key != "grille" {
			t.Fatalf("diffs = %+v, %v", diffs, err)
		}
		if err := svc.Resolve(ctx, checker, sv.InitiativeID, r.ID, "second"); err != nil {
			t.Fatal(err)
		}
		res, _ := svc.Results(ctx, sv, Filter{Channel: ChannelPaper}, false)
		for _, q := range res.Questions {
			if q.Q.Key == "grille" && (q.Matrix[0].Cells[0].N != 0 || q.Matrix[0].Cells[1].N != 1) {
				t.Fatalf("aggregates not corrected after resolve: %+v", q.Matrix)
			}
			if q.Q.Key == "rang" && q.Ranking[0].Option.Key != "y" {
				t.Fatalf("ranking: %+v", q.Ranking)
			}
		}
		var buf bytes.Buffer
		if err := svc.Export(ctx, sv, &buf, "csv", true); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("csv: %v %d", err, len(recs))
		}
		head := strings.Join(recs[0], ",")
		if strings.Contains(head, "email") || strings.Contains(head, "person_id") || strings.Contains(head, "courriel") {
			t.Fatalf("public export not anonymised: %s", head)
		}
		if !strings.Contains(strings.Join(recs[1], ","), "y;x") {
			t.Fatalf("ranking not exported in order: %v", recs[1])
		}
		// Edits that would corrupt answers are refused; adding is allowed.
		if err := svc.editSurvey(ctx, sv, 0, DeleteQuestion("grille")); !participe.IsCode(err, participe.ECONFLICT) {
			t.Fatalf("removing an answered question allowed: %v", err)
		}
		if err := svc.editSurvey(ctx, sv, 0, AddQuestion("c", Question{Type: TShortText, LabelFR: "Nouvelle"})); err != nil {
			t.Fatalf("adding refused: %v", err)
		}
		by, err := CountsByChannel(ctx, d, sv.InitiativeID)
		if err != nil || by[ChannelPaper] != 1 {
			t.Fatalf("counts by channel: %v %v", by, err)
		}
	})
}

func FuzzParseQuestions(f *testing.F) {
	f.Add("org", "com", "q.modes", "web")
	f.Add("q.age", "12,5", "q.rang.x", "1")
	f.Add("q.cp", "h2x 1y4", "q.org.other", "\x00\xff")
	d := testDef()
	qs := d.Questions()
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		form := url.Values{k1: {v1}, k2: {v2, v1}}
		a, _ := ParseQuestions(qs, form)
		for k, ans := range a {
			q := d.Question(k)
			if q == nil {
				t.Fatalf("answer to unknown question %q", k)
			}
			for _, c := range ans.Choices {
				if (q.Type == TSingle || q.Type == TMultiple) && !q.HasOption(c) && c != OtherKey {
					t.Fatalf("unknown option %q kept", c)
				}
			}
		}
		_ = Check(qs, a, d.Evaluate(a), true)
		_, _ = (&Survey{Sections: d.Sections}).Revalidate(a, true)
	})
}

func FuzzEvaluate(f *testing.F) {
	f.Add("com", "pub", "or", "org")
	f.Fuzz(func(t *testing.T, v1, v2, op, q string) {
		d := testDef()
		d.Sections[2].ShowIf = &Condition{Op: op, Conditions: []Clause{{Question: q, Equals: v1}, {Question: "org", Equals: v2}}}
		if d.Validate() != nil {
			return
		}
		a := Answers{"org": {Choices: []string{v1}}, "nom": {Text: v2}}
		v := d.Evaluate(a)
		p := d.Prune(a)
		for k := range p {
			if !v.Questions[k] {
				t.Fatalf("pruned answers keep hidden %q", k)
			}
		}
	})
}

package proposals

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/mail"
	"participe/internal/notify"
	"participe/internal/participe"
)

// mails returns the mail.send jobs queued so far.
func (f *fixture) mails() []mail.Message {
	f.t.Helper()
	rows, err := f.d.Query(context.Background(), `SELECT payload FROM jobs WHERE kind = ? ORDER BY id`, mail.JobKind)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []mail.Message
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			f.t.Fatal(err)
		}
		var m mail.Message
		_ = json.Unmarshal([]byte(raw), &m)
		out = append(out, m)
	}
	return out
}

func (f *fixture) runJobs() {
	f.t.Helper()
	// mail.send has no handler here (the accounts area sends): those jobs fail and wait
	// for a retry, which is what we want to observe.
	if _, err := f.q.RunOnce(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.q.RunOnce(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

func TestReportsAutoHideModerationAndAudit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		mod := contrib.NewModeration(d, f.clock, f.n)
		author := f.person("auteure")
		pid := f.propose(author, "Idée contestée")
		cid, err := f.svc.AddComment(ctx, author, pid, 0, "Un commentaire limite")
		if err != nil {
			t.Fatal(err)
		}
		if err := mod.Report(ctx, author, cid, "spam", ""); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("own report: %v", err)
		}
		if err := mod.Report(ctx, nil, cid, "spam", ""); !participe.IsCode(err, participe.EUNAUTHORIZED) {
			t.Errorf("anonymous report: %v", err)
		}
		r1, r2, r3 := f.person("r1"), f.person("r2"), f.person("r3")
		if err := mod.Report(ctx, r1, cid, "nonsense", ""); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("bad reason: %v", err)
		}
		for _, r := range []*participe.Actor{r1, r2} {
			if err := mod.Report(ctx, r, cid, "insult", "Propos blessants"); err != nil {
				t.Fatal(err)
			}
		}
		if err := mod.Report(ctx, r1, cid, "insult", ""); !participe.IsCode(err, participe.ECONFLICT) {
			t.Errorf("second report by the same person: %v", err)
		}
		status := func() string {
			var s string
			_ = d.QueryRow(ctx, `SELECT status FROM contributions WHERE id = ?`, cid).Scan(&s)
			return s
		}
		if status() != contrib.StatusPublished {
			t.Fatal("hidden before the threshold")
		}
		if err := mod.Report(ctx, r3, cid, "hate", ""); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != contrib.StatusPendingReview {
			t.Fatalf("after 3 reports status = %s", s)
		}
		mine, err := mod.MyReports(ctx, r1.PersonID)
		if err != nil || len(mine) != 1 || mine[0].State != contrib.ReportOpen || !strings.Contains(mine[0].URL, "#c") {
			t.Fatalf("my reports %+v %v", mine, err)
		}
		// Staff of another body cannot see or act; the body's moderator can.
		var otherBody int64
		_ = d.Write(ctx, func(tx *db.Tx) error {
			otherBody, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('autre', 'Autre') RETURNING id`)
			return err
		})
		outsider := f.person("externe", participe.Role{BodyID: otherBody, Role: participe.RoleModerator})
		moderator := f.person("moderatrice", participe.Role{BodyID: f.bodyID, Role: participe.RoleModerator})
		if err := mod.Hide(ctx, outsider, cid, "Propos injurieux", "192.0.2.1"); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Errorf("outsider hide: %v", err)
		}
		if _, err := mod.Queue(ctx, outsider, f.initID); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Errorf("outsider queue: %v", err)
		}
		if items, err := mod.Queue(ctx, outsider, 0); err != nil || len(items) != 0 {
			t.Errorf("outsider global queue leaks: %d %v", len(items), err)
		}
		items, err := mod.Queue(ctx, moderator, 0)
		if err != nil || len(items) != 1 || items[0].ID != cid || items[0].Reports != 3 {
			t.Fatalf("queue %+v %v", items, err)
		}
		if err := mod.Hide(ctx, moderator, cid, "", "192.0.2.1"); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("hide without reason: %v", err)
		}
		if err := mod.Hide(ctx, moderator, cid, "Propos injurieux", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		pg, _ := f.svc.Page(ctx, f.slug, pid, 0)
		if len(pg.Comments) != 1 || !pg.Comments[0].Hidden() || pg.Comments[0].HiddenReason != "Propos injurieux" {
			t.Errorf("hidden comment shown as %+v", pg.Comments)
		}
		mine, _ = mod.MyReports(ctx, r1.PersonID)
		if mine[0].State != contrib.ReportUpheld {
			t.Errorf("report state %s", mine[0].State)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.hide' AND actor_id = ? AND target_id = ? AND ip = '192.0.2.1'`, moderator.PersonID, cid); n != 1 {
			t.Errorf("audit rows %d", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.auto_hide'`); n != 1 {
			t.Errorf("auto-hide audit rows %d", n)
		}
		// The author is told, in the app and by email.
		f.runJobs()
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE person_id = ? AND kind = 'hidden'`, author.PersonID); n != 1 {
			t.Errorf("hidden notification rows %d", n)
		}
		ms := f.mails()
		if len(ms) != 1 || ms[0].To != "auteure@example.test" || !strings.Contains(ms[0].Text, "Propos injurieux") {
			t.Errorf("mails %+v", ms)
		}
		// Block the author: no more contributions in this initiative.
		if err := mod.Block(ctx, moderator, cid, true, "Récidive", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddComment(ctx, author, pid, 0, "Encore moi"); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Errorf("blocked person comments: %v", err)
		}
		// Restore publishes again and counts right.
		if err := mod.Restore(ctx, moderator, cid, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if status() != contrib.StatusPublished {
			t.Error("restore did not publish")
		}
		var pub int
		_ = d.QueryRow(ctx, `SELECT n_published FROM contribution_stats WHERE initiative_id = ? AND kind = 'comment'`, f.initID).Scan(&pub)
		if pub != 1 {
			t.Errorf("published comments counter = %d", pub)
		}
	})
}

func TestAnswersDraftPublishFilterAndNotify(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		author, follower, digester := f.person("auteur"), f.person("abonnee"), f.person("resume")
		analyst := f.person("analyste", participe.Role{BodyID: f.bodyID, Role: participe.RoleAnalyst})
		moderator := f.person("moderateur", participe.Role{BodyID: f.bodyID, Role: participe.RoleModerator})
		p1 := f.propose(author, "Première idée")
		p2 := f.propose(author, "Deuxième idée")
		if err := f.n.Follow(ctx, follower.PersonID, notify.TargetProposal, p1, true); err != nil {
			t.Fatal(err)
		}
		if err := f.n.Follow(ctx, digester.PersonID, notify.TargetProposal, p1, true); err != nil {
			t.Fatal(err)
		}
		if err := f.n.SetMode(ctx, digester.PersonID, notify.ModeDigest); err != nil {
			t.Fatal(err)
		}
		f.runJobs() // new-proposal events: nobody follows the initiative
		if err := f.svc.SaveAnswer(ctx, moderator, p1, "retenue", "Oui", false, ""); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Errorf("moderator answering: %v", err)
		}
		if err := f.svc.SaveAnswer(ctx, analyst, p1, "inconnu", "Oui", false, ""); !participe.IsCode(err, participe.EINVALID) {
			t.Errorf("unknown state: %v", err)
		}
		if err := f.svc.SaveAnswer(ctx, analyst, p1, "retenue", "Nous la mettrons en œuvre en 2027.", false, "198.51.100.4"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SaveAnswer(ctx, analyst, p2, "a_l_etude", "", false, ""); err != nil {
			t.Fatal(err)
		}
		pg, _ := f.svc.Page(ctx, f.slug, p1, 0)
		if pg.Answer != nil {
			t.Error("a draft is public")
		}
		n, err := f.svc.PublishAnswers(ctx, analyst, f.initID, []int64{p1}, "")
		if err != nil || n != 1 {
			t.Fatalf("publish: %d %v", n, err)
		}
		pg, _ = f.svc.Page(ctx, f.slug, p1, 0)
		if pg.Answer == nil || pg.Answer.State != "retenue" || pg.Answer.Text != "Nous la mettrons en œuvre en 2027." {
			t.Fatalf("answer %+v", pg.Answer)
		}
		lp, _ := f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: 1, Answer: "retenue"}, 0)
		if lp.Total != 1 || lp.Proposals[0].ID != p1 {
			t.Errorf("filter retenue: %d", lp.Total)
		}
		lp, _ = f.svc.List(ctx, f.slug, ListQuery{Sort: SortSupport, Page: 1, Answer: AnswerNone}, 0)
		if lp.Total != 1 || lp.Proposals[0].ID != p2 {
			t.Errorf("filter sans réponse: %d", lp.Total)
		}
		f.runJobs()
		for _, who := range []*participe.Actor{author, follower, digester} {
			if c := f.count(`SELECT COUNT(*) FROM notifications WHERE person_id = ? AND kind = 'answer'`, who.PersonID); c != 1 {
				t.Errorf("%s: %d answer notifications", who.Pseudonym, c)
			}
		}
		if f.n.UnreadCount(ctx, author.PersonID) != 1 {
			t.Error("unread count")
		}
		var to []string
		for _, m := range f.mails() {
			to = append(to, m.To)
			if !strings.Contains(m.Text, "Retenue") || !strings.Contains(m.Text, "https://participe.test/initiatives/consultation-test/propositions/") {
				t.Errorf("mail text %q", m.Text)
			}
		}
		if strings.Join(to, ",") != "auteur@example.test,abonnee@example.test" && strings.Join(to, ",") != "abonnee@example.test,auteur@example.test" {
			t.Errorf("immediate mails to %v", to)
		}
		if c := f.count(`SELECT COUNT(*) FROM jobs WHERE kind = ? AND unique_key LIKE ?`, notify.JobDigest, "notify.digest:%"); c != 1 {
			t.Errorf("digest jobs %d", c)
		}
		// The digest runs the next morning and sends one email.
		f.clock.Set(fixNow.Add(24 * 3600e9))
		f.runJobs()
		var digest *mail.Message
		for _, m := range f.mails() {
			if m.To == "resume@example.test" {
				digest = &m
			}
		}
		if digest == nil || !strings.Contains(digest.Subject, "résumé") || !strings.Contains(digest.Text, "Première idée") {
			t.Errorf("digest %+v", digest)
		}
		if err := f.n.MarkRead(ctx, author.PersonID, 0); err != nil || f.n.UnreadCount(ctx, author.PersonID) != 0 {
			t.Errorf("mark read: %v", err)
		}
	})
}

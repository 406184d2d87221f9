package ops

// target is one table a kind of data lives in, and how to purge it. where takes two
// parameters, in this order: the body's id and the cutoff (unix seconds). Tables of
// areas that do not exist in a database (an older schema, a tool not installed) are
// skipped and reported, so new kinds of contributions only need a line here.
type target struct {
	kind  string
	table string
	verb  string // anonymise or delete
	set   string // for anonymise: the SET clause
	where string
	// needs lists every table the statement reads.
	needs []string
}

// bodyInitiativesEnded selects the body's initiatives that closed before the cutoff:
// data collected for an initiative is counted from its closing date.
const bodyInitiativesEnded = `SELECT id FROM initiatives WHERE body_id = ? AND ends_at < ?`

var targets = []target{
	// Personal data: the link between a person and what they wrote, names typed in by
	// staff for paper or phone contributions, survey respondents, follows.
	{kind: KindPersonalData, table: "contributions", verb: "anonymise",
		set: `author_id = NULL, organisation_id = NULL, on_behalf_name = ''`,
		where: `initiative_id IN (` + bodyInitiativesEnded + `)
			AND (author_id IS NOT NULL OR organisation_id IS NOT NULL OR on_behalf_name <> '')`,
		needs: []string{"contributions", "initiatives"}},
	{kind: KindPersonalData, table: "survey_responses", verb: "anonymise",
		set: `person_id = NULL, resume_token = NULL, link_token = NULL, idem_key = NULL`,
		where: `survey_id IN (SELECT s.id FROM surveys s JOIN initiatives i ON i.id = s.initiative_id
				WHERE i.body_id = ? AND i.ends_at < ?)
			AND (person_id IS NOT NULL OR resume_token IS NOT NULL OR link_token IS NOT NULL OR idem_key IS NOT NULL)`,
		needs: []string{"survey_responses", "surveys", "initiatives"}},
	{kind: KindPersonalData, table: "follows", verb: "delete",
		where: `target_type = 'initiative' AND target_id IN (` + bodyInitiativesEnded + `)`,
		needs: []string{"follows", "initiatives"}},

	// Raw contributions (proposals, arguments, comments and their votes cascade with
	// them; survey responses with their open answers). Counts per channel
	// (contribution_stats, survey_counts) and published results stay.
	{kind: KindContributions, table: "contributions", verb: "delete",
		where: `initiative_id IN (` + bodyInitiativesEnded + `)`,
		needs: []string{"contributions", "initiatives"}},
	{kind: KindContributions, table: "survey_responses", verb: "delete",
		where: `survey_id IN (SELECT s.id FROM surveys s JOIN initiatives i ON i.id = s.initiative_id
				WHERE i.body_id = ? AND i.ends_at < ?)`,
		needs: []string{"survey_responses", "surveys", "initiatives"}},

	// Moderation log: handled reports, counted from when they were handled.
	{kind: KindModeration, table: "reports", verb: "delete",
		where: `contribution_id IN (SELECT c.id FROM contributions c JOIN initiatives i ON i.id = c.initiative_id
				WHERE i.body_id = ?) AND state <> 'open' AND resolved_at < ?`,
		needs: []string{"reports", "contributions", "initiatives"}},

	// Audit log of the body's back-office actions.
	{kind: KindAudit, table: "audit_log", verb: "delete",
		where: `body_id = ? AND at < ?`,
		needs: []string{"audit_log"}},
}

func (t target) countSQL() string { return `SELECT COUNT(*) FROM ` + t.table + ` WHERE ` + t.where }

func (t target) applySQL() string {
	if t.verb == "anonymise" {
		return `UPDATE ` + t.table + ` SET ` + t.set + ` WHERE ` + t.where
	}
	return `DELETE FROM ` + t.table + ` WHERE ` + t.where
}

// chores purge platform data that is nobody's record: expired sessions and rate-limit
// windows, finished jobs, very old run logs. One parameter: the cutoff.
var chores = []struct {
	table, where string
	keep         int // days kept after the reference time (0: as soon as expired)
}{
	{"sessions", `expiry < ?`, 0},
	{"rate_limits", `window_start < ?`, 2},
	{"jobs", `state IN ('done', 'failed') AND finished_at < ?`, 30},
	{"retention_runs", `ran_at < ?`, 3650},
}

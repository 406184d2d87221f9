-- 0003 — contributions, proposals, arguments, votes, threaded comments, moderation,
-- official answers, follows and notifications (owned by the proposals area).
--
-- READ ME (for results, exports and "what became of my contributions"):
--
-- contributions      one row per contribution of any tool (proposal, argument, comment…).
--                    author_id: the person (NULL for a staff entry on behalf of someone
--                    without an account, or after account deletion);
--                    organisation_id: set when the person contributed in the name of an
--                    organisation; entered_by: the staff member who typed it in (paper,
--                    phone, in person), with on_behalf_name ('' = anonymous person);
--                    channel ∈ web, paper, phone, in_person, email;
--                    status ∈ published, hidden, pending_review (auto-hidden by reports);
--                    hidden_reason is the public reason ("Retiré par la modération : …").
-- contribution_stats counts per (initiative, tool, kind, channel): n_total (any status) and
--                    n_published; maintained in the same transaction as each change.
-- proposal_settings  per-initiative settings of the proposals tool (defaults when no row).
-- proposal_themes    the initiative's own themes of proposals.
-- proposals          id = contributions.id; title, body (restricted Markdown), theme,
--                    official flag, vote counters, answer_state = the PUBLISHED official
--                    answer's state ('' = no answer yet).
-- proposal_arguments id = contributions.id; side 'for' / 'against'; useful_count.
-- proposal_votes     one row per (proposal, person); value +1 (for/support) or -1 (against).
-- argument_useful    one row per (argument, person).
-- comments           id = contributions.id; threaded by a materialised path (fixed-width
--                    base-36 ids joined by '/'), depth 0 = top level.
-- comment_votes      one row per (comment, person), value +1 / -1.
-- official_answers   one per contribution: the PUBLISHED answer (state = key of the
--                    initiative's answer states, text, published_at; NULL/'' before the
--                    first publication) and the pending draft (draft_state, draft_text,
--                    drafted_at; draft_state '' = no pending draft).
-- reports            a signed-in person's report of a contribution; state open, upheld
--                    (the contribution was hidden), dismissed.
-- initiative_blocks  people blocked from contributing to an initiative.
-- follows            person follows a target: initiative, proposal, theme (catalog theme)
--                    or body.
-- notifications      in-app notification centre; kind + params (JSON) rendered in the
--                    reader's language; emailed_at set once sent by mail (immediately or
--                    in the daily digest).
-- notification_prefs email mode per person: immediate, digest or none (default immediate).

CREATE TABLE contributions (
    id              INTEGER PRIMARY KEY,
    initiative_id   INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    tool            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    author_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    organisation_id INTEGER,
    entered_by      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    on_behalf_name  TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL DEFAULT 'web',
    status          TEXT NOT NULL DEFAULT 'published',
    hidden_reason   TEXT NOT NULL DEFAULT '',
    hidden_at       INTEGER,
    hidden_by       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    reports_count   INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX contributions_initiative ON contributions (initiative_id, kind, status);
CREATE INDEX contributions_author ON contributions (author_id, created_at);
CREATE INDEX contributions_review ON contributions (status, reports_count);

CREATE TABLE contribution_stats (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    tool          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    channel       TEXT NOT NULL,
    n_total       INTEGER NOT NULL DEFAULT 0,
    n_published   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (initiative_id, tool, kind, channel)
);

CREATE TABLE proposal_settings (
    initiative_id    INTEGER PRIMARY KEY REFERENCES initiatives(id) ON DELETE CASCADE,
    who_may_propose  TEXT NOT NULL DEFAULT 'participants',
    voting_open      INTEGER NOT NULL DEFAULT 1,
    vote_type        TEXT NOT NULL DEFAULT 'for_against',
    max_length       INTEGER NOT NULL DEFAULT 5000,
    report_threshold INTEGER NOT NULL DEFAULT 3,
    opens_at         INTEGER,
    closes_at        INTEGER,
    answer_states    TEXT NOT NULL DEFAULT '[]',
    updated_at       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE proposal_themes (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    name_fr       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (initiative_id, key)
);

CREATE TABLE proposals (
    id               INTEGER PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    initiative_id    INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    theme_id         INTEGER REFERENCES proposal_themes(id) ON DELETE SET NULL,
    key              TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    title_en         TEXT NOT NULL DEFAULT '',
    body_en          TEXT NOT NULL DEFAULT '',
    official         INTEGER NOT NULL DEFAULT 0,
    votes_for        INTEGER NOT NULL DEFAULT 0,
    votes_against    INTEGER NOT NULL DEFAULT 0,
    arguments_count  INTEGER NOT NULL DEFAULT 0,
    comments_count   INTEGER NOT NULL DEFAULT 0,
    debate_count     INTEGER NOT NULL DEFAULT 0,
    answer_state     TEXT NOT NULL DEFAULT '',
    attachment_name  TEXT NOT NULL DEFAULT '',
    attachment_mime  TEXT NOT NULL DEFAULT '',
    attachment_size  INTEGER NOT NULL DEFAULT 0,
    attachment_file  TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
CREATE INDEX proposals_support ON proposals (initiative_id, votes_for, id);
CREATE INDEX proposals_newest ON proposals (initiative_id, id);
CREATE INDEX proposals_debated ON proposals (initiative_id, debate_count, id);
CREATE INDEX proposals_theme ON proposals (initiative_id, theme_id, votes_for);
CREATE INDEX proposals_answer ON proposals (initiative_id, answer_state);

CREATE TABLE proposal_arguments (
    id           INTEGER PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    proposal_id  INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    side         TEXT NOT NULL,
    body         TEXT NOT NULL,
    body_en      TEXT NOT NULL DEFAULT '',
    useful_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX proposal_arguments_proposal ON proposal_arguments (proposal_id, side, id);

CREATE TABLE proposal_votes (
    proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    value       INTEGER NOT NULL,
    channel     TEXT NOT NULL DEFAULT 'web',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, person_id)
);
CREATE INDEX proposal_votes_person ON proposal_votes (person_id);

CREATE TABLE argument_useful (
    argument_id INTEGER NOT NULL REFERENCES proposal_arguments(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (argument_id, person_id)
);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    proposal_id  INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    parent_id    INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    path         TEXT NOT NULL,
    depth        INTEGER NOT NULL DEFAULT 0,
    body         TEXT NOT NULL,
    votes_up     INTEGER NOT NULL DEFAULT 0,
    votes_down   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX comments_path ON comments (proposal_id, path);

CREATE TABLE comment_votes (
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    value      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, person_id)
);

CREATE TABLE official_answers (
    contribution_id INTEGER PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
    state           TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    published_at    INTEGER,
    draft_state     TEXT NOT NULL DEFAULT '',
    draft_text      TEXT NOT NULL DEFAULT '',
    drafted_at      INTEGER,
    author_id       INTEGER REFERENCES people(id) ON DELETE SET NULL
);

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    contribution_id INTEGER NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    reporter_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'open',
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolved_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    UNIQUE (contribution_id, reporter_id)
);
CREATE INDEX reports_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_open ON reports (state, contribution_id);

CREATE TABLE initiative_blocks (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reason        TEXT NOT NULL DEFAULT '',
    blocked_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);

CREATE TABLE follows (
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    target_type TEXT NOT NULL,
    target_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (person_id, target_type, target_id)
);
CREATE INDEX follows_target ON follows (target_type, target_id);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}',
    url        TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    emailed_at INTEGER
);
CREATE INDEX notifications_person ON notifications (person_id, id);
CREATE INDEX notifications_unread ON notifications (person_id, read_at);

CREATE TABLE notification_prefs (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    email_mode TEXT NOT NULL DEFAULT 'immediate',
    updated_at INTEGER NOT NULL
);

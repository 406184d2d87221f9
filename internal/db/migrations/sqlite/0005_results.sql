-- Results area: themes that emerged, documents, follow-ups ("suites prévues") with dated
-- updates and links to the contributions they answer, follows of a follow-up, API tokens
-- for staff systems, public suggestions and platform ratings, the satisfaction
-- questionnaire of each initiative, and the secret that signs API cursors.

CREATE TABLE result_themes (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    title_fr      TEXT NOT NULL,
    title_en      TEXT NOT NULL DEFAULT '',
    synthesis_fr  TEXT NOT NULL DEFAULT '',
    synthesis_en  TEXT NOT NULL DEFAULT '',
    -- the contributions in this theme: a local link (e.g. a filtered proposal list)
    link_path     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX result_themes_initiative ON result_themes (initiative_id, position);

-- Contributions grouped in a theme (kind = 'proposal' or another tool's contribution).
CREATE TABLE result_theme_items (
    theme_id INTEGER NOT NULL REFERENCES result_themes(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    item_id  INTEGER NOT NULL,
    PRIMARY KEY (theme_id, kind, item_id)
);

CREATE TABLE result_documents (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    title_fr      TEXT NOT NULL,
    title_en      TEXT NOT NULL DEFAULT '',
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX result_documents_initiative ON result_documents (initiative_id);

CREATE TABLE follow_ups (
    id                  INTEGER PRIMARY KEY,
    initiative_id       INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    responsible_body_id INTEGER NOT NULL REFERENCES bodies(id),
    theme_key           TEXT NOT NULL DEFAULT '',
    position            INTEGER NOT NULL DEFAULT 0,
    title_fr            TEXT NOT NULL,
    title_en            TEXT NOT NULL DEFAULT '',
    description_fr      TEXT NOT NULL DEFAULT '',
    description_en      TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'planned',
    dropped_reason_fr   TEXT NOT NULL DEFAULT '',
    dropped_reason_en   TEXT NOT NULL DEFAULT '',
    progress            INTEGER NOT NULL DEFAULT 0,
    due_at              INTEGER,
    done_at             INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX follow_ups_initiative ON follow_ups (initiative_id, position);
CREATE INDEX follow_ups_status ON follow_ups (status, updated_at);
CREATE INDEX follow_ups_body ON follow_ups (responsible_body_id);

CREATE TABLE follow_up_updates (
    id           INTEGER PRIMARY KEY,
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    status       TEXT NOT NULL,
    progress     INTEGER NOT NULL,
    text_fr      TEXT NOT NULL,
    text_en      TEXT NOT NULL DEFAULT '',
    author_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    token_id     INTEGER
);
CREATE INDEX follow_up_updates_follow_up ON follow_up_updates (follow_up_id, at);

-- Contributions a follow-up answers (kind = 'proposal', …).
CREATE TABLE follow_up_links (
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    item_id      INTEGER NOT NULL,
    PRIMARY KEY (follow_up_id, kind, item_id)
);
CREATE INDEX follow_up_links_item ON follow_up_links (kind, item_id);

CREATE TABLE follow_up_follows (
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (follow_up_id, person_id)
);
CREATE INDEX follow_up_follows_person ON follow_up_follows (person_id);

-- API tokens of staff systems, scoped to one body; only the SHA-256 of the secret is kept.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    body_id      INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_body ON api_tokens (body_id);

-- "À quels sujets voulez-vous participer ?" and platform ratings, moderated.
CREATE TABLE suggestions (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    kind         TEXT NOT NULL DEFAULT 'topic',
    topic        TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '',
    rating       INTEGER NOT NULL DEFAULT 0,
    theme_id     INTEGER REFERENCES themes(id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    created_at   INTEGER NOT NULL,
    moderated_at INTEGER,
    moderated_by INTEGER REFERENCES people(id) ON DELETE SET NULL
);
CREATE INDEX suggestions_status ON suggestions (kind, status, created_at);

-- The satisfaction questionnaire offered when an initiative closes (a survey of the
-- survey tool, referenced by id so this table does not depend on its migration).
CREATE TABLE satisfaction_surveys (
    initiative_id INTEGER PRIMARY KEY REFERENCES initiatives(id) ON DELETE CASCADE,
    survey_id     INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Secrets shared by every app server (e.g. the key that signs API cursors).
CREATE TABLE app_secrets (
    name   TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);

-- Dashboards: contributions over time by channel read this covering index instead of
-- the contribution rows (see docs/performance.md, "Results/API").
CREATE INDEX results_contributions_time ON contributions (initiative_id, created_at, channel);
-- API: keyset pages of an initiative's contributions, with or without a kind filter.
CREATE INDEX results_contributions_keyset ON contributions (initiative_id, id);
CREATE INDEX results_contributions_kind_keyset ON contributions (initiative_id, kind, id);

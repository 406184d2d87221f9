-- Foundation: public bodies, themes, regions, initiatives (the fiche), news, people,
-- staff roles and sessions. Times are unix seconds (UTC); booleans 0/1.

CREATE TABLE bodies (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    acronym        TEXT NOT NULL DEFAULT '',
    name_fr        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL DEFAULT 'organisme',
    description_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    mission_fr     TEXT NOT NULL DEFAULT '',
    mission_en     TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE body_social_accounts (
    id      INTEGER PRIMARY KEY,
    body_id INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    handle  TEXT NOT NULL DEFAULT '',
    url     TEXT NOT NULL,
    UNIQUE (body_id, network, url)
);

CREATE TABLE themes (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name_fr        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    description_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT ''
);

CREATE TABLE regions (
    code       TEXT PRIMARY KEY,
    name_fr    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    population INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE initiatives (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    body_id              INTEGER NOT NULL REFERENCES bodies(id),
    kind                 TEXT NOT NULL DEFAULT 'consultation',
    state                TEXT NOT NULL DEFAULT 'draft',
    featured             INTEGER NOT NULL DEFAULT 0,
    title_fr             TEXT NOT NULL,
    title_en             TEXT NOT NULL DEFAULT '',
    summary_fr           TEXT NOT NULL DEFAULT '',
    summary_en           TEXT NOT NULL DEFAULT '',
    description_fr       TEXT NOT NULL DEFAULT '',
    description_en       TEXT NOT NULL DEFAULT '',
    how_fr               TEXT NOT NULL DEFAULT '',
    how_en               TEXT NOT NULL DEFAULT '',
    use_fr               TEXT NOT NULL DEFAULT '',
    use_en               TEXT NOT NULL DEFAULT '',
    accessibility_fr     TEXT NOT NULL DEFAULT '',
    accessibility_en     TEXT NOT NULL DEFAULT '',
    partners_fr          TEXT NOT NULL DEFAULT '',
    partners_en          TEXT NOT NULL DEFAULT '',
    contact_name         TEXT NOT NULL DEFAULT '',
    contact_email        TEXT NOT NULL DEFAULT '',
    contact_phone        TEXT NOT NULL DEFAULT '',
    starts_at            INTEGER NOT NULL,
    ends_at              INTEGER NOT NULL,
    published_at         INTEGER,
    results_published_at INTEGER,
    participants_count   INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX initiatives_public_ends ON initiatives (state, ends_at);
CREATE INDEX initiatives_public_published ON initiatives (state, published_at);
CREATE INDEX initiatives_body ON initiatives (body_id, state);
CREATE INDEX initiatives_popular ON initiatives (state, participants_count);

CREATE TABLE initiative_themes (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    theme_id      INTEGER NOT NULL REFERENCES themes(id),
    PRIMARY KEY (initiative_id, theme_id)
);
CREATE INDEX initiative_themes_theme ON initiative_themes (theme_id, initiative_id);

CREATE TABLE initiative_regions (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    region_code   TEXT NOT NULL REFERENCES regions(code),
    PRIMARY KEY (initiative_id, region_code)
);
CREATE INDEX initiative_regions_region ON initiative_regions (region_code, initiative_id);

CREATE TABLE initiative_audiences (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    audience      TEXT NOT NULL,
    PRIMARY KEY (initiative_id, audience)
);
CREATE INDEX initiative_audiences_audience ON initiative_audiences (audience, initiative_id);

CREATE TABLE initiative_modes (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    mode          TEXT NOT NULL,
    details_fr    TEXT NOT NULL DEFAULT '',
    details_en    TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    url           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (initiative_id, mode)
);
CREATE INDEX initiative_modes_mode ON initiative_modes (mode, initiative_id);

CREATE TABLE initiative_tools (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    tool          TEXT NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    settings      TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (initiative_id, tool)
);

CREATE TABLE initiative_results (
    initiative_id INTEGER PRIMARY KEY REFERENCES initiatives(id) ON DELETE CASCADE,
    summary_fr    TEXT NOT NULL DEFAULT '',
    summary_en    TEXT NOT NULL DEFAULT '',
    published_at  INTEGER
);

-- Full-text search: the document is built in Go (accents folded, then Snowball-stemmed)
-- so that "electricite" and "Électricité", "consultations" and "consultation" meet.
CREATE VIRTUAL TABLE initiative_fts USING fts5(doc, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE news (
    id           INTEGER PRIMARY KEY,
    body_id      INTEGER REFERENCES bodies(id),
    title_fr     TEXT NOT NULL,
    title_en     TEXT NOT NULL DEFAULT '',
    summary_fr   TEXT NOT NULL DEFAULT '',
    summary_en   TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    published_at INTEGER NOT NULL
);
CREATE INDEX news_published ON news (published_at);

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    email             TEXT UNIQUE,
    pseudonym         TEXT NOT NULL,
    password_hash     TEXT NOT NULL DEFAULT '',
    email_verified_at INTEGER,
    locale            TEXT NOT NULL DEFAULT 'fr',
    region_code       TEXT REFERENCES regions(code),
    age_group         TEXT NOT NULL DEFAULT '',
    platform_admin    INTEGER NOT NULL DEFAULT 0,
    deleted_at        INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE staff_roles (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body_id    INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    granted_at INTEGER NOT NULL DEFAULT 0,
    granted_by INTEGER REFERENCES people(id),
    PRIMARY KEY (person_id, body_id, role)
);
CREATE INDEX staff_roles_body ON staff_roles (body_id, role);

-- Server-side sessions (an alexedwards/scs store over our DB; expiry in unix seconds).
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Background jobs (mail, notifications, reminders, retention). Enqueued in the same
-- transaction as the write that causes them, so none is lost or orphaned; claimed with
-- a lease so each runs once even with several workers.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL DEFAULT 'available',
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 12,
    run_at       INTEGER NOT NULL,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until INTEGER,
    last_error   TEXT NOT NULL DEFAULT '',
    unique_key   TEXT UNIQUE,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX jobs_ready ON jobs (state, run_at);

-- Audit log of every back-office action: who, what, when, from where. Never updated.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES people(id),
    body_id     INTEGER REFERENCES bodies(id),
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   INTEGER,
    details     TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_body ON audit_log (body_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

-- Fixed-window rate-limit counters, shared by every app server through the database.
CREATE TABLE rate_limits (
    key          TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);

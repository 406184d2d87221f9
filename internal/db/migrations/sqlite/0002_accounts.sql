-- Accounts: verification and reset tokens, second factor, sign-in lockout, tracked
-- sessions, consents, OIDC identities, organisations and staff invitations.
-- Times are unix seconds (UTC); tokens and codes are stored as SHA-256 hashes only.

CREATE TABLE account_tokens (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,            -- verify, reset, email_change
    token_hash  TEXT NOT NULL UNIQUE,
    email       TEXT NOT NULL DEFAULT '', -- the address the link was sent to
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX account_tokens_person ON account_tokens (person_id, purpose);

CREATE TABLE person_totp (
    person_id    INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    confirmed_at INTEGER,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (person_id, code_hash)
);

CREATE TABLE login_failures (
    person_id    INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE person_sessions (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX person_sessions_person ON person_sessions (person_id);

CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,  -- terms, privacy
    version     TEXT NOT NULL,
    accepted_at INTEGER NOT NULL
);
CREATE INDEX consents_person ON consents (person_id);

CREATE TABLE oidc_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_person ON oidc_identities (person_id);

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));

CREATE TABLE organisation_members (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role            TEXT NOT NULL DEFAULT 'member', -- admin, member
    status          TEXT NOT NULL DEFAULT 'pending', -- pending, active
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, person_id)
);
CREATE INDEX organisation_members_person ON organisation_members (person_id);

CREATE TABLE staff_invitations (
    id          INTEGER PRIMARY KEY,
    body_id     INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    accepted_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX staff_invitations_body ON staff_invitations (body_id);
CREATE INDEX audit_log_action ON audit_log (action, at);

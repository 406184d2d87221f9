-- 0006 — records retention ("plan de conservation", Law 25) and operations (owned by the
-- operations area).
--
-- retention_policies  per public body and kind of data, how many days data is kept
--                     (0 = kept without limit). No row: the platform default of
--                     internal/ops/retention.go applies. kind ∈ personal_data,
--                     contributions, moderation_log, audit_log.
-- retention_runs      what each run of the daily retention job did: per body, kind and
--                     table, the cutoff, how many rows were anonymised or deleted, or the
--                     error. body_id NULL for platform housekeeping and run summaries.

CREATE TABLE retention_policies (
    body_id    INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    days       INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    PRIMARY KEY (body_id, kind)
);

CREATE TABLE retention_runs (
    id       INTEGER PRIMARY KEY,
    run_key  TEXT NOT NULL,
    body_id  INTEGER REFERENCES bodies(id) ON DELETE SET NULL,
    kind     TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL DEFAULT '',
    cutoff   INTEGER NOT NULL,
    affected INTEGER NOT NULL DEFAULT 0,
    status   TEXT NOT NULL DEFAULT 'ok',
    error    TEXT NOT NULL DEFAULT '',
    ran_at   INTEGER NOT NULL
);
CREATE INDEX retention_runs_body ON retention_runs (body_id, ran_at);
CREATE INDEX retention_runs_key ON retention_runs (run_key);

-- Surveys (issue 6). A survey's structure (sections, questions, conditions) is one JSON
-- document with a version number: it is always read and validated as a whole, and a
-- response records the version it was answered against. Responses keep their answers as
-- JSON; aggregates live in survey_counts, updated in the same transaction as each
-- response (docs/decisions.md "Surveys: aggregates").

CREATE TABLE surveys (
    id              INTEGER PRIMARY KEY,
    initiative_id   INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL DEFAULT 'main',
    title_fr        TEXT NOT NULL DEFAULT '',
    title_en        TEXT NOT NULL DEFAULT '',
    intro_fr        TEXT NOT NULL DEFAULT '',
    intro_en        TEXT NOT NULL DEFAULT '',
    definition      TEXT NOT NULL DEFAULT '{}',
    version         INTEGER NOT NULL DEFAULT 1,
    status          TEXT NOT NULL DEFAULT 'draft',
    access          TEXT NOT NULL DEFAULT 'account',
    receipt         INTEGER NOT NULL DEFAULT 1,
    results_public  INTEGER NOT NULL DEFAULT 0,
    responses_count INTEGER NOT NULL DEFAULT 0,
    published_at    INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (initiative_id, purpose)
);

CREATE TABLE survey_responses (
    id             INTEGER PRIMARY KEY,
    survey_id      INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    person_id      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    reference      TEXT NOT NULL UNIQUE,
    resume_token   TEXT UNIQUE,
    link_token     TEXT UNIQUE,
    idem_key       TEXT UNIQUE,
    status         TEXT NOT NULL DEFAULT 'draft',
    channel        TEXT NOT NULL DEFAULT 'web',
    paper_form_id  TEXT NOT NULL DEFAULT '',
    region_code    TEXT NOT NULL DEFAULT '',
    age_group      TEXT NOT NULL DEFAULT '',
    answers        TEXT NOT NULL DEFAULT '{}',
    survey_version INTEGER NOT NULL DEFAULT 1,
    entered_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    verified_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    verified_at    INTEGER,
    verify_diff    TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    submitted_at   INTEGER
);
CREATE UNIQUE INDEX survey_responses_person ON survey_responses (survey_id, person_id);
CREATE INDEX survey_responses_list ON survey_responses (survey_id, status, id);
CREATE INDEX survey_responses_paper ON survey_responses (survey_id, paper_form_id);

-- One-time links for anonymous surveys by invitation: only the hash is stored.
CREATE TABLE survey_links (
    token_hash  TEXT PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    used_at     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX survey_links_survey ON survey_links (survey_id);

-- Aggregates: for each question and answer value, how many submitted responses gave it,
-- split by the dimensions the results page filters on. option_key '' counts the
-- responses that answered the question; question_key '_total' counts responses.
-- shard spreads hot rows over several rows on PostgreSQL (row locks); results sum them.
CREATE TABLE survey_counts (
    survey_id    INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    option_key   TEXT NOT NULL,
    channel      TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    age_group    TEXT NOT NULL,
    shard        INTEGER NOT NULL DEFAULT 0,
    n            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, question_key, option_key, channel, region_code, age_group, shard)
);

-- Open answers, for paging and accent-insensitive search (folded = lower case, no accents).
CREATE TABLE survey_texts (
    id           INTEGER PRIMARY KEY,
    response_id  INTEGER NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
    survey_id    INTEGER NOT NULL,
    question_key TEXT NOT NULL,
    body         TEXT NOT NULL,
    folded       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX survey_texts_question ON survey_texts (survey_id, question_key, id);
CREATE INDEX survey_texts_response ON survey_texts (response_id);

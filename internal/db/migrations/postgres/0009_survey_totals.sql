-- Survey results speed (issue 6). The results page of a survey without a region or age
-- filter used to sum every (channel × region × age group) cell of survey_counts: 135,000
-- rows for the 500,000-response survey. survey_totals keeps the same counts per
-- (channel, question, option) only, a few hundred rows per channel.
--
-- A trigger keeps it in step with survey_counts, so every writer of survey_counts (web
-- responses, paper entry, double-entry corrections, seed-large) maintains it and it
-- cannot drift. shard mirrors survey_counts.shard: concurrent responses update one of 8
-- rows per cell instead of queueing on one row lock.
CREATE TABLE survey_totals (
    survey_id    BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL,
    question_key TEXT NOT NULL,
    option_key   TEXT NOT NULL,
    shard        INTEGER NOT NULL DEFAULT 0,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, channel, question_key, option_key, shard)
);

INSERT INTO survey_totals (survey_id, channel, question_key, option_key, shard, n)
    SELECT survey_id, channel, question_key, option_key, shard, SUM(n) FROM survey_counts
    GROUP BY survey_id, channel, question_key, option_key, shard;

CREATE FUNCTION survey_counts_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.survey_id = OLD.survey_id AND NEW.channel = OLD.channel
        AND NEW.question_key = OLD.question_key AND NEW.option_key = OLD.option_key AND NEW.shard = OLD.shard THEN
        -- The usual update only changes n (the upsert of a response's cells).
        UPDATE survey_totals SET n = n + NEW.n - OLD.n
            WHERE survey_id = NEW.survey_id AND channel = NEW.channel AND question_key = NEW.question_key
            AND option_key = NEW.option_key AND shard = NEW.shard;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE survey_totals SET n = n - OLD.n
            WHERE survey_id = OLD.survey_id AND channel = OLD.channel AND question_key = OLD.question_key
            AND option_key = OLD.option_key AND shard = OLD.shard;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO survey_totals (survey_id, channel, question_key, option_key, shard, n)
            VALUES (NEW.survey_id, NEW.channel, NEW.question_key, NEW.option_key, NEW.shard, NEW.n)
            ON CONFLICT (survey_id, channel, question_key, option_key, shard) DO UPDATE SET n = survey_totals.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER survey_counts_totals AFTER INSERT OR UPDATE OR DELETE ON survey_counts
    FOR EACH ROW EXECUTE FUNCTION survey_counts_totals();

-- Region and age-group filters read only their slice of survey_counts instead of every
-- row of the survey. n is not in these indexes, so the per-response upsert (which only
-- changes n) stays a HOT update; they grow only when a new cell appears.
CREATE INDEX survey_counts_region ON survey_counts (survey_id, region_code, age_group);
CREATE INDEX survey_counts_age ON survey_counts (survey_id, age_group);

-- 0008 — proposals at speed (issue 5; owned by the proposals area).
--
-- proposals.status is a copy of contributions.status for proposals, kept equal by the
-- triggers below (whoever changes a contribution's status: moderation, retention…).
-- It lets the list's indexes (initiative_id, status, <sort>, id) answer "published
-- proposals of this initiative in this order" from the index alone, so a deep page
-- (OFFSET 980 and beyond) skips index entries instead of joining a contribution, a
-- person and an organisation row for each skipped proposal.

ALTER TABLE proposals ADD COLUMN status TEXT NOT NULL DEFAULT 'published';

UPDATE proposals p SET status = c.status FROM contributions c WHERE c.id = p.id AND c.status <> p.status;

-- The sorts by support and by debate replace the indexes of 0003 (each vote updates
-- every index that holds votes_for: one fewer to maintain).
DROP INDEX proposals_support;
DROP INDEX proposals_debated;
CREATE INDEX proposals_status_support ON proposals (initiative_id, status, votes_for, id);
CREATE INDEX proposals_status_newest ON proposals (initiative_id, status, id);
CREATE INDEX proposals_status_debated ON proposals (initiative_id, status, debate_count, id);
-- The filtered counts ("sans réponse", a theme) from the index alone. No votes_for in
-- them: a vote does not touch them.
CREATE INDEX proposals_status_answer ON proposals (initiative_id, status, answer_state);
CREATE INDEX proposals_status_theme ON proposals (initiative_id, status, theme_id);

CREATE FUNCTION proposals_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE proposals SET status = NEW.status WHERE id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER proposals_status_sync AFTER UPDATE OF status ON contributions
    FOR EACH ROW WHEN (NEW.kind = 'proposal' AND NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION proposals_status_sync();

-- A proposal row is inserted after its contribution row: take its status.
CREATE FUNCTION proposals_status_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.status := COALESCE((SELECT c.status FROM contributions c WHERE c.id = NEW.id), NEW.status);
    RETURN NEW;
END
$$;
CREATE TRIGGER proposals_status_insert BEFORE INSERT ON proposals
    FOR EACH ROW EXECUTE FUNCTION proposals_status_insert();

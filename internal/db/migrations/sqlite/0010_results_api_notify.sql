-- 0010 — API speed and idempotent notifications (issue 7; owned by the results area).

-- GET /api/v1/answers pages an initiative's published official answers by id. Answers
-- are given to proposals, and publishing one sets proposals.answer_state: this partial
-- index holds only the answered proposals, in (initiative_id, id) order, so a page is
-- read from the cursor on instead of scanning every contribution of the initiative.
CREATE INDEX api_proposals_answered ON proposals (initiative_id, id) WHERE answer_state <> '';

-- The notification fan-out writes one notification per (person, event). event_key names
-- the event (e.g. "results_published:12:1795000000", "followup_update:345", or a random
-- key given when the event was recorded); the unique index makes a retried fan-out
-- (after a crash between its batches, or a failed mail enqueue) skip the people already
-- notified, so nobody gets a notification or an email twice. Older rows have no key
-- (NULL: never in conflict).
ALTER TABLE notifications ADD COLUMN event_key TEXT;
CREATE UNIQUE INDEX notifications_event ON notifications (person_id, event_key);

-- Portal extras (issue 3). A covering index for the initiative list (same as SQLite):
-- the list picks a page of ids by filter and sort keys before reading the rows.
CREATE INDEX initiatives_list ON initiatives (state, published_at, ends_at, starts_at, participants_count, body_id, results_published_at);

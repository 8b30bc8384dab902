-- A document belongs to the source that brought it: a corpus folder an ingest reads ('corpus'), or an
-- administrator's upload ('upload'). An ingest from a folder replaces and deletes only 'corpus' documents.
ALTER TABLE documents ADD COLUMN origin text NOT NULL DEFAULT 'corpus' CHECK (origin IN ('corpus', 'upload'));
-- Uploads so far were stored as "region/name" in the national collection; a folder's top files never are.
UPDATE documents SET origin = 'upload' WHERE region = 'felles' AND name LIKE 'felles/%';

-- Failed logins, by user name and by address, to slow down guessing.
CREATE TABLE login_failures (
    key  text NOT NULL,               -- "user:<name>" or "address:<ip>"
    at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

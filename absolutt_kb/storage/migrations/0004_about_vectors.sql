-- The vectors of what non-passage records are about (a person's topics, a work's title), by key
-- (themes.about_key): the next ingest embeds only new ones. Replaced with every published version.
CREATE TABLE about_vectors (
    key        text PRIMARY KEY,
    embedding  bytea NOT NULL         -- float32, little-endian
);

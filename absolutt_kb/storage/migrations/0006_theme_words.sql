-- The theme keywords each about-text holds, by key (themes.words_key): the next ingest analyses only
-- new texts. Replaced with every published version. Taxonomy keywords only, never a text's own words.
CREATE TABLE theme_words (
    key    text PRIMARY KEY,
    terms  text NOT NULL              -- space-separated keyword terms, often empty
);

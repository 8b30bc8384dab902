-- The knowledge base in PostgreSQL: one published version of every record, its vector and keyword terms.
-- Applied once, in order, by absolutt_kb.storage.migrate; recorded in schema_migrations.

CREATE EXTENSION IF NOT EXISTS vector;

-- The one row that says which version readers see, with its manifest and the corpus statistics BM25 needs.
CREATE TABLE corpus_state (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version     bigint NOT NULL,
    manifest    jsonb NOT NULL,
    n_records   bigint NOT NULL,
    avg_length  double precision NOT NULL,  -- mean keyword terms per record (BM25's average document length)
    centroid    real[] NOT NULL              -- mean of all vectors: a query's mean similarity is one dot product
);

CREATE TABLE records (
    id           bigint PRIMARY KEY,          -- the row; rows keep their id while their content is unchanged
    record_id    text NOT NULL UNIQUE,
    content      text NOT NULL UNIQUE,        -- hash of everything stored: an unchanged record is not rewritten
    kind         text NOT NULL,
    theme        text NOT NULL,
    document     text NOT NULL,
    title        text NOT NULL,
    record_share real NOT NULL,
    regions      text NOT NULL,               -- "innlandet|felles"
    text_key     text NOT NULL,
    terms        text NOT NULL,               -- absolutt_kb.text.Terms.encode()
    length       integer NOT NULL,            -- keyword terms (BM25 document length)
    data         jsonb NOT NULL,              -- the record, themes apart
    themes       jsonb NOT NULL
);
CREATE SEQUENCE records_row START 1;
CREATE INDEX records_document ON records (document);

-- The vectors in a narrow table of their own: the nearest-neighbour search reads only them.
CREATE TABLE embeddings (
    record     bigint PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    embedding  vector(384) NOT NULL
);
CREATE INDEX embeddings_hnsw ON embeddings USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64);

-- BM25 over the product's own Norwegian analysis: one row per term with its whole posting list, packed.
-- A question reads a handful of rows (one per word) instead of a row per record and word: at 100k
-- passages a common word is in 70,000 of them.
CREATE TABLE postings (
    term     text PRIMARY KEY,
    df       integer NOT NULL,  -- records holding the term
    words    integer NOT NULL,  -- records using it as a word of its own (the lexicon); 0: only inside compounds
    records  bytea NOT NULL,    -- int64 record ids, ascending (little-endian)
    tf       bytea NOT NULL,    -- uint16 times the term occurs, one per record
    lengths  bytea NOT NULL     -- uint32 record lengths in terms (BM25's document length), one per record
);

-- The documents themselves: the corpus of every region, so several servers share it.
CREATE TABLE documents (
    name      text PRIMARY KEY,      -- its path in the corpus: "innlandet/program.docx"
    region    text NOT NULL,
    sha256    text NOT NULL,
    content   bytea NOT NULL,
    added_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_region ON documents (region);

-- What each document gave when it was last read (records after the privacy rules).
CREATE TABLE document_cache (
    key      text PRIMARY KEY,
    report   jsonb NOT NULL,
    records  jsonb NOT NULL,
    sha256   text NOT NULL
);

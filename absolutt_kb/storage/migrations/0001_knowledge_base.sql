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
    themes       jsonb NOT NULL,
    embedding    vector(384) NOT NULL
);
CREATE SEQUENCE records_row START 1;
CREATE INDEX records_embedding ON records USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64);
CREATE INDEX records_document ON records (document);

-- BM25 over the product's own Norwegian analysis: one row per term and record.
CREATE TABLE postings (
    term    text NOT NULL,
    record  bigint NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    tf      integer NOT NULL,
    length  integer NOT NULL,  -- the record's length again, so scoring needs no join
    PRIMARY KEY (term, record)
);
CREATE INDEX postings_record ON postings (record);

CREATE TABLE term_stats (term text PRIMARY KEY, df integer NOT NULL);  -- records holding the term
CREATE TABLE lexicon (term text PRIMARY KEY, records integer NOT NULL);  -- records using the term as a word of its own

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

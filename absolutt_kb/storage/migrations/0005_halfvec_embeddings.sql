-- Vectors as halfvec (16-bit floats, as the folder backend keeps them): the HNSW graph takes half the
-- memory, so at a million passages it fits in shared buffers (issue 23). Cosine rankings are unchanged
-- to the third decimal; the bundled model's vectors are normalised, so no value is near halfvec's limits.
DROP INDEX IF EXISTS embeddings_hnsw;
ALTER TABLE embeddings ALTER COLUMN embedding TYPE halfvec(384) USING embedding::halfvec(384);
CREATE INDEX embeddings_hnsw ON embeddings USING hnsw (embedding halfvec_ip_ops) WITH (m = 16, ef_construction = 64);

-- An upload adds its records' postings as rows of their own (a block) instead of rewriting the whole
-- posting list of every term it uses: about 1 MB for a common term at 100k passages, and each upload
-- uses hundreds of terms. A term's list is the union of its rows; a question reads them all. A term's
-- rows are merged into one when there are many (postgres.POSTING_BLOCKS_MAX). Existing lists are block 0.
ALTER TABLE postings ADD COLUMN block bigint NOT NULL DEFAULT 0;
ALTER TABLE postings DROP CONSTRAINT postings_pkey;
ALTER TABLE postings ADD PRIMARY KEY (term, block);

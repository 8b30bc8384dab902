"""Search across the two written standards: Nynorsk questions on Bokmål documents, and the reverse.

Usage::

    .venv/bin/python bench/cross_standard.py [--work DIR] [--json]

Builds two indexes the way a user does (``python -m absolutt_kb ingest``):
one of ``corpus/`` (Bokmål) and one of the open Nynorsk real-train documents
listed in ``NYNORSK_DOCUMENTS``, then runs
``bench/questions/nynorsk_over_bokmal.jsonl`` on the first and
``bench/questions/bokmal_over_nynorsk.jsonl`` on the second through the app's
``Searcher``. Like ``absolutt_kb eval`` («bare svar over terskelen»), only the
hits shown as answers (over the calibrated threshold) count. Per set it prints
Recall@10 of the grade-2 items, nDCG@10, how many questions that have an
answer got «Fant ingen» (no hit shown as an answer), the same two measures
over the ten ranked hits before the threshold, and the questions that failed
(a grade-2 item not shown, or nothing shown). With ``--work DIR`` the indexes
are kept there and rebuilt only when stale (``ingest --if-stale``); without
it they are built in a temporary folder and removed.

The real-train documents are read only through ``bench/realtrain.py``; the
script refuses a locked one and says when a listed document is not read as
Nynorsk by ``absolutt_kb.language.written_standard``.

Baseline, 2026-12-04, commit 9d5cf15 (before the language layer changed), with
``.venv/bin/python bench/cross_standard.py --work /tmp/xs/headwork``:

    set                    Recall@10  nDCG@10 Fant ingen   (ranked: Recall@10 nDCG@10)
    nynorsk_over_bokmal        0.375    0.341     10/20                 0.900    0.668
    bokmal_over_nynorsk        0.575    0.526      5/20                 0.975    0.829

The failing questions are listed in ``bench/questions/README.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from absolutt_kb import config, evaluation
from absolutt_kb.language import written_standard
from absolutt_kb.search import Searcher
from absolutt_kb.storage import open_searchable
from bench import realtrain
from ingest.readers import read_document

K = 10
QUESTIONS = REPO / "bench" / "questions"
# Open (not locked) real-train documents in Nynorsk; the Bokmål questions' answers are in these.
NYNORSK_DOCUMENTS = (
    ("a-programmes", "sogn-regional-leiarsamling-flam.txt"),
    ("b-nynorsk", "hellevik-barnehage-vurderingsrapport.pdf"),
    ("b-nynorsk", "hvl-pedagogikkfaget-i-barnehagelararutdanninga.txt"),
    ("b-nynorsk", "prosjekt-sunnfjord-inkluderande-barnehage-og-skulemiljo.docx"),
    ("b-nynorsk", "uio-norint2115-pensumliste-nynorsk.pdf"),
    ("b-nynorsk", "ullensvang-oppvekstplan-2020-2025.txt"),
    ("c-people-and-meetings", "sogn-fagdag-inkluderande-barnehagemiljo.txt"),
    ("d-practice-literature-news", "fagnettverk-sogn-barnehage-medverknad-2023.docx"),
    ("d-practice-literature-news", "laerdal-trygg-oppvekst-tett-pa-barn-og-unge.txt"),
    ("d-practice-literature-news", "sjumilssteget-sogn-og-fjordane-prosjektrapport.pdf"),
    ("d-practice-literature-news", "sor-fron-barn-og-unge-i-fokus.txt"),
    ("d-practice-literature-news", "statsforvaltaren-vestland-oppstart-kompetanseloftet-2021.txt"),
)
SETS = (  # (name, questions file, corpus: "bundled" or "nynorsk")
    ("nynorsk_over_bokmal", QUESTIONS / "nynorsk_over_bokmal.jsonl", "bundled"),
    ("bokmal_over_nynorsk", QUESTIONS / "bokmal_over_nynorsk.jsonl", "nynorsk"),
)


def nynorsk_corpus(folder: Path) -> Path:
    """Copy the chosen open real-train documents into ``folder`` (refusing locked ones); returns it."""
    open_docs, _ = realtrain.split(realtrain.load_documents())
    by_key = {(d.part, d.name): d for d in open_docs}
    folder.mkdir(parents=True, exist_ok=True)
    for key in NYNORSK_DOCUMENTS:
        doc = by_key.get(key)
        if doc is None:
            raise SystemExit(f"{key[0]}/{key[1]} is not an open real-train document")
        if written_standard(read_document(doc.path).text) != "nynorsk":
            print(f"note: {doc.name} is not read as Nynorsk", file=sys.stderr)
        target = folder / doc.name
        if not target.exists() or target.read_bytes() != doc.path.read_bytes():
            shutil.copyfile(doc.path, target)
    return folder


def ingest(corpus: Path, index: Path) -> None:
    """Build (or keep, when up to date) an index with the product's own command line."""
    subprocess.run([sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", str(index),
                    "--if-stale"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def run_set(searcher: Searcher, questions: list[dict]) -> dict:
    """Scores of the answers shown (and of the ten ranked hits) per question, and their means."""
    rows = []
    for q in questions:
        hits = searcher.search(q["query"], k=K)
        shown = [h.record for h in hits if h.answer]
        ndcg, recall, _ = evaluation.score_ranking(shown, q["relevant"], K)
        ranked_ndcg, ranked_recall, _ = evaluation.score_ranking([h.record for h in hits], q["relevant"], K)
        missed = [f"{i['kind']}: {' / '.join(i['match'])}" for i in q["relevant"]
                  if i["grade"] == 2 and not any(evaluation._answers(r, i) for r in shown)]
        rows.append({"id": q["id"], "query": q["query"], "has_answer": bool(q["relevant"]), "recall": recall, "ndcg": ndcg,
                     "ranked_recall": ranked_recall, "ranked_ndcg": ranked_ndcg, "shown": len(shown),
                     "nothing_found": not shown, "missed": missed})
    answered = [r for r in rows if r["has_answer"]]
    return {
        "questions": len(answered),
        "recall": evaluation.mean([r["recall"] for r in answered]),
        "ndcg": evaluation.mean([r["ndcg"] for r in answered]),
        "nothing_found": sum(r["nothing_found"] for r in answered),
        "ranked_recall": evaluation.mean([r["ranked_recall"] for r in answered]),
        "ranked_ndcg": evaluation.mean([r["ranked_ndcg"] for r in answered]),
        "failed": [r["id"] for r in answered if r["recall"] < 1 or r["nothing_found"]],
        "per_question": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the corpora and indexes here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cross-standard-"))
    try:
        indexes = {"bundled": work / "bundled-index", "nynorsk": work / "nynorsk-index"}
        ingest(REPO / "corpus", indexes["bundled"])
        ingest(nynorsk_corpus(work / "nynorsk-corpus"), indexes["nynorsk"])
        results = {}
        for name, path, corpus in SETS:
            searcher = Searcher(*open_searchable(config.current().with_changes(index=str(indexes[corpus]))))
            results[name] = run_set(searcher, evaluation.read_jsonl(path))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    print(f"{'set':<22} {'Recall@10':>9} {'nDCG@10':>8} {'Fant ingen':>10}   {'(ranked: Recall@10':>18} {'nDCG@10)':>8}")
    for name, r in results.items():
        print(f"{name:<22} {r['recall']:>9.3f} {r['ndcg']:>8.3f} {r['nothing_found']:>6}/{r['questions']:<3}   "
              f"{r['ranked_recall']:>18.3f} {r['ranked_ndcg']:>8.3f}")
    for name, r in results.items():
        print(f"\n{name}: {len(r['failed'])} of {r['questions']} failed")
        for f in (row for row in r["per_question"] if row["id"] in r["failed"]):
            why = "«Fant ingen»" if f["nothing_found"] else f"not shown: {'; '.join(f['missed'])}"
            print(f"  {f['id']} «{f['query']}» recall {f['recall']:.2f} (ranked {f['ranked_recall']:.2f}): {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

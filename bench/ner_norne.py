"""Measure the name recogniser on NorNE: entity-level F1 with exact spans (seqeval).

    .venv/bin/python bench/ner_norne.py --split test [--norne ../shared/data/norne]

The last line reads ``PER F1 nob X nno Y; ORG F1 nob X nno Y``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, float]:
    """F1 per entity type and micro F1 over all types (seqeval, exact spans, IOB2)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    report = classification_report(gold, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    scores = {label: round(values["f1-score"], 4) for label, values in report.items() if not label.endswith("avg")}
    scores["micro"] = round(report["micro avg"]["f1-score"], 4)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--norne", default=str(ROOT.parent / "shared" / "data" / "norne"))
    args = parser.parse_args()

    from absolutt_kb.name_model import NameRecogniser
    from scripts.train_names import read_norne

    recogniser = NameRecogniser()
    results = {}
    for lang in ("nob", "nno"):
        sentences = read_norne(Path(args.norne) / f"{lang}-{args.split}.tsv")
        started = time.perf_counter()
        predicted = []
        for i in range(0, len(sentences), 32):
            batch = sentences[i : i + 32]
            predicted.extend([tag for tag, _ in tags] for tags in recogniser.tag_words([w for w, _ in batch]))
        seconds = time.perf_counter() - started
        scores = entity_scores([t for _, t in sentences], predicted)
        results[lang] = scores
        words = sum(len(w) for w, _ in sentences)
        print(f"{lang}-{args.split}: {len(sentences)} setninger, {words / seconds:.0f} ord/s; "
              + ", ".join(f"{k} {v:.3f}" for k, v in sorted(scores.items())))
    print(
        f"PER F1 nob {results['nob']['PER']:.3f} nno {results['nno']['PER']:.3f}; "
        f"ORG F1 nob {results['nob']['ORG']:.3f} nno {results['nno']['ORG']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

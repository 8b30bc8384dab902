"""What each part of the search adds: the eval, once with everything and once without each part.

Usage::

    .venv/bin/python bench/ablation.py [--corpus corpus] [--queries ../shared/eval/queries.jsonl]

Each row rebuilds the index into a scratch folder with one part switched off
(vectors are reused from the current index where the text is the same, so only
the OCR row embeds anew) and prints hybrid nDCG@10 / Recall@10 / MRR and the
difference from the full system. A benchmark script, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from absolutt_kb import evaluation, search, text  # noqa: E402
from absolutt_kb.build import ingest_corpus  # noqa: E402
from absolutt_kb import config  # noqa: E402
from absolutt_kb.embedder import make_embedder  # noqa: E402

class _NoStemmer:
    def stemWord(self, word: str) -> str:  # noqa: N802 - PyStemmer's name
        return word


ABLATIONS = {
    "alt med": [],
    "uten stemming": [("absolutt_kb.text._STEMMER", _NoStemmer())],
    "uten avledning (-ing, -skap)": [("absolutt_kb.text._derivation_base", lambda s: s)],
    "uten folding (æ/ae→a …)": [("absolutt_kb.text.fold_term", lambda t: t)],
    "uten sammensatte ord": [("absolutt_kb.text.compound_parts", lambda w: ())],
    "uten engelsk-norsk ordliste": [
        ("absolutt_kb.glossary.norwegian_equivalents", lambda t: ""),
        ("absolutt_kb.search.norwegian_equivalents", lambda t: ""),
    ],
    "uten OCR-reparasjon": [("ingest.pipeline._ocr_repair_for", lambda t: None)],
    "uten type-løft (hvem → personer …)": [("absolutt_kb.search.KIND_BOOST", 0.0)],
    "uten spredning per seksjon": [("absolutt_kb.search.SAME_SECTION_DECAY", 1.0)],
    "uten navnesøk": [("absolutt_kb.search.NAME_WEIGHT", 0.0)],
}


_CACHED = (text._analyse_word, text.compound_parts)


def _clear_caches() -> None:
    for function in _CACHED:
        function.cache_clear()


def main() -> int:
    settings = config.current()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(settings.corpus_dir))
    parser.add_argument("--queries", default="../shared/eval/queries.jsonl")
    args = parser.parse_args()
    queries = evaluation.read_jsonl(Path(args.queries))
    embedder = make_embedder(settings.model)
    scratch = Path(tempfile.mkdtemp(prefix="ablation-"))
    base = None
    print(f"{'variant':<36} {'nDCG@10':>8} {'Recall@10':>10} {'MRR':>6}   endring nDCG / Recall / MRR")
    try:
        for name, patches in ABLATIONS.items():
            folder = scratch / "index"
            shutil.rmtree(folder, ignore_errors=True)
            if settings.index_dir.exists():
                shutil.copytree(settings.index_dir, folder)  # lets unchanged vectors be reused
            with ExitStack() as stack:
                for target, value in patches:
                    stack.enter_context(mock.patch(target, value))
                _clear_caches()
                report = ingest_corpus(Path(args.corpus), folder, embedder)
                scores = evaluation.evaluate_search(search.Searcher(report.index, embedder), queries)
            _clear_caches()
            row = (
                evaluation.mean([s.ndcg for s in scores]),
                evaluation.mean([s.recall for s in scores]),
                evaluation.mean([s.reciprocal_rank for s in scores]),
            )
            base = base or row
            delta = " / ".join(f"{a - b:+.3f}" for a, b in zip(row, base))
            print(f"{name:<36} {row[0]:>8.3f} {row[1]:>10.3f} {row[2]:>6.3f}   {delta}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

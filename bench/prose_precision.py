"""Precision of person records on news prose: a document made of NorNE dev sentences.

Every person record the pipeline makes from such prose should name a PER entity
of the annotation, and a name only mentioned in passing should give no card.
A measurement script, not a test:

    .venv/bin/python bench/prose_precision.py [--sentences 600] [--norne ../shared/data/norne]

Prints the number of person records, how many are annotated PER entities, and
the precision, for Bokmål and Nynorsk.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _entities(words: list[str], tags: list[str], label: str) -> list[str]:
    out, current = [], []
    for word, tag in zip(words, tags):
        if tag == f"B-{label}" or (tag == f"I-{label}" and not current):
            if current:
                out.append(" ".join(current))
            current = [word]
        elif tag == f"I-{label}":
            current.append(word)
        else:
            if current:
                out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--norne", default=str(ROOT.parent / "shared" / "data" / "norne"))
    parser.add_argument("--sentences", type=int, default=100000, help="setninger per språk (standard: alle)")
    parser.add_argument("--verbose", action="store_true", help="vis hvert personkort")
    args = parser.parse_args()

    from absolutt_kb.name_model import NameRecogniser
    from ingest.layout import Line, build_blocks
    from ingest.pipeline import extract_document
    from ingest.doc import Doc
    from scripts.train_names import read_norne

    finder = NameRecogniser().find
    total_cards = total_right = 0
    for lang in ("nob", "nno"):
        path = Path(args.norne) / f"{lang}-dev.tsv"
        texts = [
            line.split("= ", 1)[1]
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# text")
        ][: args.sentences]
        sentences = read_norne(path)[: args.sentences]
        per = {" ".join(name.split()) for words, tags in sentences for name in _entities(words, tags, "PER")}
        lines: list[Line] = []
        for n in range(0, len(texts), 5):  # paragraphs of five sentences, as in a news article
            lines.append(Line(" ".join(texts[n : n + 5]), f"avsnitt {n // 5 + 1}"))
            lines.append(Line("", ""))
        doc = Doc(name=f"norne-{lang}-dev.txt", format="txt", blocks=tuple(build_blocks(lines)))
        people = [r for r in extract_document(doc, names=finder) if r.kind == "person"]
        right = [p for p in people if p.name in per]
        wrong = [p.name for p in people if p not in right]
        if args.verbose:
            for p in people:
                print(f"  {'ok ' if p in right else 'FEIL'} {p.name} ({p.role}): {p.text[:160]}")
        total_cards += len(people)
        total_right += len(right)
        precision = len(right) / len(people) if people else 1.0
        print(f"{lang}: {len(texts)} setninger, {len(per)} PER-navn i fasiten, {len(people)} personkort, "
              f"{len(right)} er PER-navn; presisjon {precision:.3f}" + (f"; feil: {wrong}" if wrong else ""))
    precision = total_right / total_cards if total_cards else 1.0
    print(f"personkort fra prosa: {total_cards}, presisjon {precision:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build ``absolutt_kb/background_words.tsv.gz``: how common each everyday Norwegian word is in general text.

The relevance model weighs a question's words by how rare they are in the
corpus. A small corpus makes everyday words look rare: "får", "samtidig", the
Nynorsk "seier" and "treng" occur in a handful of its passages, so a question
that uses them seems to ask about them, and every hit that lacks them looks
like a poor answer. A word that is common in Norwegian in general says little
about a question's topic, whatever the corpus holds.

The general counts come from NorNE's running text (news, blogs, government
documents; Bokmål and Nynorsk, about 490,000 words). Consecutive sentences are
grouped into pieces of about ``PIECE_WORDS`` words, the size of an indexed
passage, and each word's document frequency over those pieces is counted. Only
words in at least ``MIN_SHARE`` of the pieces are kept, with their counts: a
word list of a few thousand lines, not the text, which stays outside the
repository (NorNE's README).

Usage::

    .venv/bin/python scripts/build_background_words.py [--norne ../shared/data/norne] [--out …]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "absolutt_kb" / "background_words.tsv.gz"
FILES = ("nob-train.tsv", "nob-dev.tsv", "nno-train.tsv", "nno-dev.tsv")  # test splits stay unread
PIECE_WORDS = 150
MIN_SHARE = 0.004
_WORD = re.compile(r"^[a-zæøåéèóòâôêü]+(?:-[a-zæøåéèóòâôêü]+)*$")


def pieces(path: Path) -> list[set[str]]:
    """The lower-cased words of each run of consecutive sentences of about ``PIECE_WORDS`` words."""
    out: list[set[str]] = []
    words: set[str] = set()
    size = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        token = line.split("\t", 1)[0].lower()
        size += 1
        if _WORD.match(token):
            words.add(token)
        if size >= PIECE_WORDS and token in (".", "!", "?"):
            out.append(words)
            words, size = set(), 0
    if words:
        out.append(words)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--norne", type=Path, default=ROOT.parent / "shared" / "data" / "norne")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from absolutt_kb.word_tables import write_table

    all_pieces = [p for name in FILES for p in pieces(args.norne / name)]
    counts = Counter(w for p in all_pieces for w in p)
    floor = MIN_SHARE * len(all_pieces)
    kept = sorted((w for w, n in counts.items() if n >= floor), key=lambda w: (-counts[w], w))
    write_table(args.out, [("# pieces", str(len(all_pieces))), *((w, str(counts[w])) for w in kept)])
    print(f"{len(all_pieces)} biter à ca. {PIECE_WORDS} ord; {len(kept)} ord i minst {MIN_SHARE:.1%} av dem -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build ``absolutt_kb/english_norwegian.tsv.gz``: English words and their Norwegian translations.

A user who asks in English ("is there any research on equality in the
municipal services?") meets a Norwegian corpus only through the words search
can carry over. The hand-kept glossary (``glossary.json``, about 300 words of
the programme's field) covers the field's terms; this table covers the
everyday English around them. It comes from FreeDict's English–Norwegian
dictionary (``apt-get install dict-freedict-eng-nor``, built from Wiktionary by
WikDict, CC BY-SA 3.0), not from a hand list:

- each headword's first translation of each part of speech (the later senses
  drift: "keep" is also "borgtårn", a castle's keep);
- only translations that are words of the Norwegian word list
  (``/usr/share/dict/bokmaal``), at most three per headword;
- keyed by the headword's Snowball English stem, so "decisions" finds
  "decision"; a headword that is also a Norwegian word ("plan", "by") is left
  out, as in the glossary.

Each line of the output is ``stem<TAB>word word …``. Run again after an
upgrade of the package; the product reads the file and never needs FreeDict.

Usage::

    .venv/bin/python scripts/build_english_dictionary.py [--out absolutt_kb/english_norwegian.tsv.gz]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

DICTIONARY = Path("/usr/share/dictd/freedict-eng-nor")
OUT = Path(__file__).resolve().parents[1] / "absolutt_kb" / "english_norwegian.tsv.gz"
MAX_WORDS = 3
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_HEADWORD = re.compile(r"[a-z]+")
_WORD = re.compile(r"[a-zæøåé]+")


def _number(text: str) -> int:
    """dictd's base-64 offsets and lengths."""
    value = 0
    for char in text:
        value = value * 64 + _B64.index(char)
    return value


def entries(folder: Path = DICTIONARY) -> dict[str, list[list[str]]]:
    """Headword → its entries (one per part of speech), each the entry's lines after the headword line."""
    data = gzip.decompress(Path(f"{folder}.dict.dz").read_bytes())
    out: dict[str, list[list[str]]] = {}
    for line in Path(f"{folder}.index").read_text(encoding="utf-8").splitlines():
        head, offset, length = line.split("\t")[:3]
        if head.startswith("00"):
            continue
        body = data[_number(offset): _number(offset) + _number(length)].decode("utf-8").splitlines()
        out.setdefault(head.lower(), []).append(body[1:])
    return out


def first_translations(lines: list[str]) -> list[str]:
    """The Norwegian words of an entry's first sense: "1. fatte, forstå" → ["fatte", "forstå"]."""
    if not lines:
        return []
    sense = re.sub(r"\b\d+\.", " ", lines[0])  # sense numbers: "1. god, godt 2."
    return [w for part in sense.split(",") for w in _WORD.findall(part.lower())]


def build() -> dict[str, list[str]]:
    """English stem → Norwegian words."""
    import Stemmer

    from ingest.ocr import system_word_list

    norwegian = system_word_list()
    english = Stemmer.Stemmer("english")
    table: dict[str, list[str]] = {}
    for head, found in sorted(entries().items()):
        if not _HEADWORD.fullmatch(head) or head in norwegian or len(head) < 3:
            continue
        words = table.setdefault(english.stemWord(head), [])
        for lines in found:
            for word in first_translations(lines):
                if word in norwegian and word not in words and len(words) < MAX_WORDS:
                    words.append(word)
    return {stem: words for stem, words in table.items() if words}


def main() -> None:
    sys.path.insert(0, str(OUT.parents[1]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from absolutt_kb.word_tables import write_table

    note = "English stem<TAB>Norwegian words; built by scripts/build_english_dictionary.py from FreeDict eng-nor (WikDict, CC BY-SA 3.0)"
    count = write_table(args.out, ((stem, " ".join(words)) for stem, words in sorted(build().items())), note)
    print(f"{count} English stems → {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()

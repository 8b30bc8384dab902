"""Build ``absolutt_kb/written_standards.tsv.gz``: Nynorsk and Bokmål words and their counterparts.

Search lets a question in one written standard find text in the other
("medverknad" ↔ "medvirkning", "skule" ↔ "skole", "leiar" ↔ "leder"). The
pairs come from two maintained resources, not from a hand list:

- every word form of Debian's ``wnorwegian`` lists (``/usr/share/dict/nynorsk``
  and ``/usr/share/dict/bokmaal``, from Norsk ordbank), and
- Apertium's Nynorsk–Bokmål language pair (``apt-get install apertium-nno-nob``):
  its morphological analysers give each form's lemma and part of speech, its
  bilingual dictionaries the lemma in the other standard.

Each line of the output is ``word<TAB>counterpart counterpart …`` in lower
case: a form or lemma of one standard and the lemma and form the other standard
uses for it by default (content words and question words only), kept only where it
translates ("offeret", a form of both standards, does not gain its lemma
"offer"; the Nynorsk "arbeidd" gains "arbeide", since Bokmål never writes
"arbeidd") and where search would not meet the two anyway (their index terms
differ). Run again after an
upgrade of either package; the product reads the file and never needs
Apertium itself.

Usage::

    .venv/bin/python scripts/build_standards_lexicon.py [--out absolutt_kb/written_standards.tsv.gz]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

APERTIUM = Path("/usr/share/apertium/apertium-nno-nob")
WORD_LISTS = {"nno-nob": Path("/usr/share/dict/nynorsk"), "nob-nno": Path("/usr/share/dict/bokmaal")}
OUT = Path(__file__).resolve().parents[1] / "absolutt_kb" / "written_standards.tsv.gz"
# Parts of speech whose words carry a question's meaning; function words and names are left out.
CONTENT = {"n", "vblex", "adj", "adv", "prn"}
_WORD = re.compile(r"[a-zæøåé]+")
# Readings that only exist inside compounds, and a lemma with a tag the bilingual dictionary lacks.
_PARTIAL = ("<compound-R>", "<compound-only-L>", "<cmp>")


def _lt_proc(args: list[str], lines: list[str]) -> list[str]:
    """Run lttoolbox on one item a line; one output line per input line."""
    done = subprocess.run(["lt-proc", *args], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def _readings(pair: str, forms: list[str]) -> dict[str, set[str]]:
    """Each form's full readings, lemma plus tags (``skule<n><m><pl><def>``)."""
    out: dict[str, set[str]] = {}
    for form, line in zip(forms, _lt_proc([str(APERTIUM / f"{pair}.automorf.bin")], forms)):
        parts = line.strip().strip("^$").split("/")
        readings = {r for r in parts[1:] if not r.startswith("*") and not any(p in r for p in _PARTIAL)}
        readings = {r for r in readings if r.partition("<")[2].partition(">")[0] in CONTENT
                    and (not r.partition("<")[2].startswith("prn>") or "<itg>" in r)}  # "kven", not "ein"
        if readings:
            out[form] = readings
    return out


def _translations(pair: str, readings: set[str], other_words: set[str]) -> dict[str, tuple[str, str]]:
    """Each reading's default translation: its lemma and the same form in the other standard.

    The bilingual dictionary gives the lemma with the reading's tags, the
    other standard's generator the form ("seier" → "si", "sier";
    "arbeidd" → "arbeide", "arbeidet"), so a question's verbs meet the forms
    the corpus writes, not only its dictionary headwords.
    """
    ordered = sorted(readings)
    bilingual = _lt_proc(["-b", str(APERTIUM / f"{pair}.autobil.bin")], [f"^{r}$" for r in ordered])
    targets = {}
    for reading, line in zip(ordered, bilingual):
        first = next((t for t in line.strip().strip("^$").split("/")[1:2] if t and not t.startswith(("@", "#"))), "")
        if first:
            targets[reading] = first
    analyses = sorted(set(targets.values()))
    generated = dict(zip(analyses, _lt_proc(["-g", str(APERTIUM / f"{pair}.autogen.bin")], [f"^{a}$" for a in analyses])))
    out: dict[str, tuple[str, str]] = {}
    for reading, target in targets.items():
        lemma, form = target.partition("<")[0].lower(), generated.get(target, "").strip().lower()
        out[reading] = (lemma if lemma in other_words else "", form if form in other_words else "")
    return out


def build() -> dict[str, set[str]]:
    """Word (either standard) → the other standard's lemmas, where they are spelt differently."""
    from absolutt_kb.text import word_term

    words = {pair: {w.strip().lower() for w in path.read_text(encoding="latin-1").splitlines()
                    if _WORD.fullmatch(w.strip().lower())} for pair, path in WORD_LISTS.items()}
    table: dict[str, set[str]] = defaultdict(set)
    for pair, forms in words.items():
        other_pair = next(p for p in words if p != pair)
        readings = _readings(pair, sorted(forms))
        translated = _translations(pair, set().union(*readings.values()), words[other_pair])
        for form, form_readings in readings.items():
            for reading in form_readings:
                lemma = reading.partition("<")[0].lower()
                other_lemma, other_form = translated.get(reading, ("", ""))
                # "offeret" is Bokmål and Nynorsk alike: its lemma "offer" is no translation.
                if other_lemma and not (other_lemma == lemma and form in words[other_pair]):
                    # Only where search would not meet them anyway: their index terms differ
                    # ("arbeidd"/"arbeide", "skule"/"skole"; not "kommunar"/"kommune").
                    if word_term(other_lemma) != word_term(form):
                        table[form].add(other_lemma)
                    if word_term(other_lemma) != word_term(lemma):
                        table[lemma].add(other_lemma)
                # A verb's form ("seier" → "sier", "arbeidd" → "arbeidet"); nouns meet through lemma and stem,
                # and their forms would only add inflections both standards share ("eksempel" → "eksempler").
                if other_form and "<vblex>" in reading and word_term(other_form) != word_term(form):
                    table[form].add(other_form)
    return table


def main() -> None:
    sys.path.insert(0, str(OUT.parents[1]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from absolutt_kb.word_tables import write_table

    note = ("word<TAB>counterparts in the other written standard; built by scripts/build_standards_lexicon.py from "
            "wnorwegian and apertium-nno-nob (GPL)")
    count = write_table(args.out, ((word, " ".join(sorted(others))) for word, others in sorted(build().items())), note)
    print(f"{count} words → {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()

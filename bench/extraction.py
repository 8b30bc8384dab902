"""Measure extraction against hand-made answers: persons, literature, practice, gatherings, not-persons.

A measurement script, not a test. It ingests one or more corpus folders into a
fresh index (or reads an existing one with ``--index``), dumps the records and
scores them by the matching rules of the answer file's README
(``../shared/eval/README.md`` and ``../shared/eval/real/README.md``):

    .venv/bin/python bench/extraction.py --gold ../shared/eval/real/records.json \
        --corpus corpus --corpus ../shared/eval/real/corpus \
        [--queries ../shared/eval/real/queries.jsonl] [--verbose]

The product never reads these files; only this script does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from absolutt_kb.evaluation import fold


def _has(needle: str, *haystacks: object) -> bool:
    n = fold(needle)
    return any(n in fold(h if isinstance(h, str) else " ".join(map(str, h or ()))) for h in haystacks)


def person_found(gold: dict, people: list[dict]) -> tuple[bool, str]:
    """Whether a person record matches a gold person; the second value says what was wrong."""
    names = {fold(n) for n in [gold["name"], *gold.get("aliases", [])]}
    candidates = [p for p in people if {fold(n) for n in [p["name"], *p.get("aliases", [])]} & names]
    if not candidates:
        return False, "ikke funnet"
    for p in candidates:
        if gold.get("affiliation") and fold(gold["affiliation"]) not in fold(p.get("affiliation", "")):
            continue
        if gold.get("topic_contains") and not _has(gold["topic_contains"], p["title"], p["text"], p.get("topics")):
            continue
        return True, ""
    p = candidates[0]
    return False, f"feil felt: tilhørighet={p.get('affiliation')!r} tema={p.get('topics')!r}"


def literature_found(gold: dict, works: list[dict]) -> bool:
    return any(
        _has(gold["title_contains"], w["title"], w.get("citation", ""))
        and _has(gold["first_author"], w.get("authors"), w.get("citation", ""))
        and w.get("year") == gold["year"]
        for w in works
    )


def practice_found(gold: dict, examples: list[dict]) -> bool:
    return any(
        _has(gold["owner_contains"], e.get("owner", ""), e["title"]) and _has(gold["title_contains"], e["title"], e["text"])
        for e in examples
    )


def gathering_found(gold: dict, gatherings: list[dict]) -> bool:
    return any(
        g.get("date") == gold["date"]
        and _has(gold.get("region_contains", ""), g.get("region", ""), g["title"], g["text"])
        and all(_has(t, g["title"], g["text"], g.get("topics")) for t in gold.get("themes_contain", []))
        for g in gatherings
    )


def score(gold: dict, records: list[dict], verbose: bool = False) -> dict[str, tuple[int, int]]:
    """Found / total per kind, and the not-persons that became persons."""
    by_kind: dict[str, list[dict]] = {}
    for r in records:
        by_kind.setdefault(r["kind"], []).append(r)
    people = by_kind.get("person", [])
    out: dict[str, tuple[int, int]] = {}
    checks = (
        ("persons", lambda g: person_found(g, people)),
        ("literature", lambda g: (literature_found(g, by_kind.get("literature", [])), "")),
        ("practice", lambda g: (practice_found(g, by_kind.get("practice", [])), "")),
        ("gatherings", lambda g: (gathering_found(g, by_kind.get("gathering", [])), "")),
    )
    for key, check in checks:
        items = gold.get(key, [])
        hits = 0
        for item in items:
            ok, why = check(item)
            hits += ok
            if verbose and not ok:
                label = item.get("name") or item.get("title_contains") or item.get("date")
                print(f"  bom {key}: {label} ({item.get('doc', '')}) {why}")
        out[key] = (hits, len(items))
    person_names = {fold(n) for p in people for n in [p["name"], *p.get("aliases", [])]}
    wrong = [n for n in gold.get("not_persons", []) if fold(n) in person_names]
    if verbose:
        for n in wrong:
            print(f"  feil person: {n}")
    out["not_persons_as_persons"] = (len(wrong), len(gold.get("not_persons", [])))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True, help="records.json med fasit")
    parser.add_argument("--corpus", action="append", default=[], help="korpusmappe (kan gis flere ganger)")
    parser.add_argument("--index", default=None, help="bruk en bygget indeks i stedet for å bygge")
    parser.add_argument("--queries", default=None, help="mål også søket med denne spørsmålsfila")
    parser.add_argument("--keep", default=None, help="behold arbeidsmappa her")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="absolutt-extract-"))
    python = sys.executable
    index = Path(args.index) if args.index else work / "index"
    seconds = 0.0
    if not args.index:
        corpus = work / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        for folder in args.corpus:
            for path in sorted(Path(folder).iterdir()):
                if path.is_file():
                    shutil.copy(path, corpus / path.name)
        started = time.perf_counter()
        subprocess.run(
            [python, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", str(index)],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
    dump = subprocess.run(
        [python, "-m", "absolutt_kb", "records", "--index", str(index), "--json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    records = json.loads(dump)
    gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    result = score(gold, records, args.verbose)
    kinds: dict[str, int] = {}
    for r in records:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"poster: {kinds}" + (f"; innlesing {seconds:.1f} s" if seconds else ""))
    for key, (hits, total) in result.items():
        print(f"{key:<24} {hits}/{total}")
    if args.queries:
        subprocess.run(
            [python, "-m", "absolutt_kb", "eval", "--queries", args.queries, "--index", str(index), "--themes", "",
             *(["--verbose"] if args.verbose else [])],
            cwd=ROOT, check=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Measure extraction against hand-made answers: persons, literature, practice, gatherings, person precision.

A measurement script, not a test. Two modes:

Cross-validation on real-train (the default): the open documents are dealt
into ``--folds`` folds by document; each fold is read by the product's
pipeline with models trained without it (``scripts/train_extraction.py``),
merged as a corpus and scored. The locked documents (``bench/realtrain.py``)
are read with models trained on every open document and reported only as a
total; so are the development set (``../shared/eval/real``) and the seeds.

    .venv/bin/python bench/extraction.py --folds 5 [--data ../shared/data/real-train] [--verbose]

One corpus through the command line (``ingest`` then ``records --json``):

    .venv/bin/python bench/extraction.py --gold ../shared/eval/real/records.json \
        --corpus corpus --corpus ../shared/eval/real/corpus \
        [--queries ../shared/eval/real/queries.jsonl] [--verbose]

The product never reads these files; only this script does. Scores follow the
matching rules of ``../shared/eval/real/README.md``; person precision is the
share of person cards whose name is a gold person (``not_persons``,
``quoted_or_passing`` and every other name count as false); practice precision
is the share of practice cards that match a gold practice example by the same
rule as recall (owner and title).
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
    gold_names = {fold(n) for g in gold.get("persons", []) for n in [g["name"], *g.get("aliases", [])]}
    cards = [p for p in people if {fold(n) for n in [p["name"], *p.get("aliases", [])]} & gold_names]
    out["person_cards"] = (len(cards), len(people))
    examples = by_kind.get("practice", [])
    true_examples = [e for e in examples if any(practice_found(g, [e]) for g in gold.get("practice", []))]
    out["practice_cards"] = (len(true_examples), len(examples))
    if verbose:
        for e in examples:
            if e not in true_examples:
                print(f"  falsk practice: {e.get('owner', '')}: {e['title'][:60]} ({e['source']['document']})")
    if verbose:
        for p in people:
            if not {fold(n) for n in [p["name"], *p.get("aliases", [])]} & gold_names:
                print(f"  falsk person: {p['name']} ({p['source']['document']})")
    person_names = {fold(n) for p in people for n in [p["name"], *p.get("aliases", [])]}
    wrong = [n for n in gold.get("not_persons", []) if fold(n) in person_names]
    if verbose:
        for n in wrong:
            print(f"  feil person: {n}")
    out["not_persons_as_persons"] = (len(wrong), len(gold.get("not_persons", [])))
    return out


KINDS = ("persons", "practice", "gatherings", "literature")


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def _extract(documents, finder, models) -> list[dict]:
    """Records of some documents as the product makes them: pipeline per document, then merged as one corpus."""
    from absolutt_kb.merge import merge_records
    from ingest.pipeline import extract_document
    from ingest.readers import read_document

    records = []
    for path in documents:
        records.extend(extract_document(read_document(path), names=finder, models=models))
    return [r.to_dict() for r in merge_records(records)]


def _merged_gold(golds: list[dict]) -> dict:
    out: dict = {}
    for g in golds:
        for key, items in g.items():
            out.setdefault(key, []).extend(items)
    return out


def _figures(result: dict) -> dict[str, float]:
    figures = {k: _share(*result[k]) for k in KINDS}
    figures["person-precision"] = _share(*result["person_cards"])
    figures["practice-precision"] = _share(*result["practice_cards"])
    return figures


def _line(label: str, figures: dict[str, float]) -> str:
    return f"{label}: " + " ".join(f"{k} {figures[k]:.3f}" for k in (*KINDS, "person-precision", "practice-precision"))


def _counts(result: dict) -> str:
    """Hits/total per kind, for the tables: "persons 55/63 …"."""
    keys = (*KINDS, "person_cards", "practice_cards")
    return "  [" + ", ".join(f"{k.replace('_cards', ' cards')} {result[k][0]}/{result[k][1]}" for k in keys) + "]"


def cross_validate(args) -> int:
    """The --folds mode: cross-validation on the open real-train documents, then locked, dev and seeds."""
    from bench.realtrain import folds, load_documents, split
    from scripts.train_extraction import CachedFinder, fit, read_labelled

    started = time.perf_counter()
    finder = CachedFinder()
    open_documents, locked = split(load_documents(args.data))
    dealt = folds(open_documents, args.folds)
    labelled = dict(zip((d.name for d in open_documents), read_labelled(open_documents, finder)))
    per_fold: list[dict[str, float]] = []
    totals: dict[str, list[int]] = {}
    print(f"{len(open_documents)} åpne dokumenter i {args.folds} folder, {len(locked)} låste")
    for k, held_out in enumerate(dealt):
        train = [labelled[d.name] for j, fold_docs in enumerate(dealt) if j != k for d in fold_docs]
        models = fit(train)
        records = _extract([d.path for d in held_out], finder, models)
        result = score(_merged_gold([d.gold for d in held_out]), records, args.verbose)
        for key, (hits, total) in result.items():
            totals.setdefault(key, [0, 0])
            totals[key][0] += hits
            totals[key][1] += total
        per_fold.append(_figures(result))
        print(_line(f"fold {k + 1} ({len(held_out)} dok.)", per_fold[-1]))
    print("\nper type over foldene: snitt [min–maks]; sum over alle åpne dokumenter")
    for key in (*KINDS, "person-precision", "practice-precision"):
        values = [f[key] for f in per_fold]
        total_key = key.replace("-precision", "_cards") if key.endswith("-precision") else key
        hits, total = totals[total_key]
        print(f"  {key:<17} {sum(values) / len(values):.3f} [{min(values):.3f}–{max(values):.3f}]  {hits}/{total}")
    models = fit(list(labelled.values()))
    locked_result = score(_merged_gold([d.gold for d in locked]), _extract([d.path for d in locked], finder, models))
    print(_line("\nlocked", _figures(locked_result)) + f"  ({len(locked)} dok.)" + _counts(locked_result))
    whole = {k: (totals[k][0] + locked_result[k][0], totals[k][1] + locked_result[k][1]) for k in totals}
    print(f"alle {len(open_documents) + len(locked)} dokumenter, hvert lest med modeller trent uten det:" + _counts(whole))
    dev_gold = json.loads((args.dev / "records.json").read_text(encoding="utf-8"))
    dev_result = score(dev_gold, _extract(sorted((args.dev / "corpus").iterdir()), finder, models), args.verbose)
    print(_line("dev", _figures(dev_result)) + f"  (ikke-personer som personer: {dev_result['not_persons_as_persons'][0]})"
          + _counts(dev_result))
    if args.seeds.exists():
        seed_gold = json.loads((args.seeds / "records.json").read_text(encoding="utf-8"))
        seed_records = _extract(sorted((ROOT / "corpus").iterdir()), finder, models)
        seed_result = score(seed_gold, seed_records, args.verbose)
        tips = sum(r["kind"] == "tip" for r in seed_records)
        print(_line("seeds", _figures(seed_result)) + f"  (tips {tips})" + _counts(seed_result))
    mean = {k: sum(f[k] for f in per_fold) / len(per_fold) for k in (*KINDS, "person-precision", "practice-precision")}
    print(f"\n{time.perf_counter() - started:.0f} s")
    print(_line(f"folds {args.folds}", mean))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="antall folder i kryssvalideringen (real-train)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "real-train")
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "real")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--gold", default=None, help="records.json med fasit: mål ett korpus gjennom kommandolinjen")
    parser.add_argument("--corpus", action="append", default=[], help="korpusmappe (kan gis flere ganger)")
    parser.add_argument("--index", default=None, help="bruk en bygget indeks i stedet for å bygge")
    parser.add_argument("--queries", default=None, help="mål også søket med denne spørsmålsfila")
    parser.add_argument("--keep", default=None, help="behold arbeidsmappa her")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if args.gold is None:
        return cross_validate(args)
    return measure_corpus(args)


def measure_corpus(args) -> int:
    """The --gold mode: ingest corpus folders through the command line and score the dumped records."""

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

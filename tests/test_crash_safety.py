"""Crash safety and concurrency: a killed ingest never costs the index, searches never fail during ingest."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from absolutt_kb import config

from absolutt_kb.build import ingest_corpus
from absolutt_kb.cli import main
from absolutt_kb.generations import SEAL, current_generation, generations, is_complete
from absolutt_kb.manifest import IndexUnusable
from absolutt_kb.storage import IndexChanged, open_store
from absolutt_kb.storage.folder import load_index
from absolutt_kb.search import Searcher
from tests.conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow  # kill tests, servers and ingests in child processes: the full suite only

KILLS = 6  # kills of the fixture-corpus run: half anywhere, half while the new generation is written


def _append(corpus: Path, n: int) -> None:
    with (corpus / "nettverkssamling-vestland.md").open("a", encoding="utf-8") as fh:
        fh.write(f"\n\n## Erfaringer fra runde {n}\n\nKommune nummer {n} prøvde samarbeidsmøter om skolemiljø "
                 f"med elevrådet og rapporterte tiltak nummer {n} til oppvekstutvalget.\n")


def _consistent(index_dir: Path, embedder) -> int:  # noqa: ANN001
    index = load_index(index_dir)  # checksums verified
    n = len(index)
    assert n == index.dense.ntotal == index.manifest.records == len(index.keywords)
    assert len(index.embeddings) == n
    assert Searcher(index, embedder).search("tidlig innsats", k=3)
    return n


class SeedingEmbedder:
    """The real model for queries and theme anchors; stand-in vectors for bulk passages.

    It carries the real model's name, so the vectors it writes are the
    embedding cache a real ingest reuses: a corpus of thousands of passages is
    seeded in seconds, and the ingests under test embed only what changed.
    """

    def __init__(self, real) -> None:  # noqa: ANN001
        self._real, self.name, self.dim = real, real.name, real.dim

    def embed_many(self, texts, progress=lambda _d, _t: None):  # noqa: ANN001, ANN201
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little"))
                .standard_normal(self.dim) for t in texts]
        out = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_passages(self, texts):  # noqa: ANN001, ANN201
        return self._real.embed_passages(texts)

    def embed_queries(self, texts):  # noqa: ANN001, ANN201
        return self._real.embed_queries(texts)

    def embed_query(self, text):  # noqa: ANN001, ANN201
        return self._real.embed_query(text)


SLOW_PARAGRAPHS = 16_000  # about 8,000 passages: writing one generation takes over a second here


def _slow_write_corpus(corpus: Path) -> None:
    words = ("skolemiljø elevråd foreldre samarbeid kommunen tiltak læring trivsel tilhørighet utvikling "
             "oppvekst barnehage rektor lærer politikere tillitsvalgte ungdom plan mål").split()
    rng = random.Random(7)
    for part in range(8):  # eight archives of about 1 MB: each within the per-document limit
        with (corpus / f"arkiv-referater-{part + 1}.md").open("w", encoding="utf-8") as fh:
            fh.write("# Arkiv over referater fra nettverket\n\n")
            for i in range(part * SLOW_PARAGRAPHS // 8, (part + 1) * SLOW_PARAGRAPHS // 8):
                if i % 20 == 0:
                    fh.write(f"\n## Referat nummer {i // 20}\n\n")
                fh.write(" ".join(rng.choices(words, k=60)) + f" møte {i}.\n\n")


def _timed_run(command: list[str], env: dict) -> tuple[float, float]:
    """Run an ingest; return how long it took and how long writing the generation took."""
    started = time.monotonic()
    writing = None
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as child:
        for line in child.stdout:
            if "skriver ny versjon av indeksen" in line:
                writing = time.monotonic()
            elif line.startswith("Rapport per fil") and writing is not None:
                writing = time.monotonic() - writing
    assert child.returncode == 0 and isinstance(writing, float)
    return time.monotonic() - started, writing


@pytest.mark.slow
def test_sigkill_at_random_moments_never_breaks_the_index(corpus_dir, embedder, tmp_path, monkeypatch):
    sigkill_rounds("fixture corpus", corpus_dir, embedder, tmp_path, monkeypatch)


def sigkill_rounds(corpus_kind: str, corpus_dir: Path, embedder, tmp_path: Path, monkeypatch,  # noqa: ANN001
                   kills: int = KILLS, anywhere: bool = True) -> None:
    """Kill an ingest ``kills`` times at random moments; the index must stay whole every time.

    With ``anywhere`` every other kill lands anywhere in the run, the rest while the new generation is
    written; without, all of them while it is written. The "slow generation write" run lives in its own
    test file, so the two long runs go to different workers.
    """
    corpus = tmp_path / "corpus"
    index_dir = tmp_path / "index"
    # Without the name recogniser the parser starts at once: the kills land in reading, embedding and writing.
    monkeypatch.setenv("ABSOLUTT_KB_NAMES", "0")
    config.reload()
    scratch = tmp_path / "tmp"  # what a killed child leaves in its temporary folder goes with the test's
    scratch.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO), ABSOLUTT_KB_NAMES="0", TMPDIR=str(scratch))
    if corpus_kind == "fixture corpus":
        shutil.copytree(corpus_dir, corpus)
        ingest_corpus(corpus, index_dir, embedder)
    else:
        corpus.mkdir()
        shutil.copy(FIXTURES / "corpus" / "nettverkssamling-vestland.md", corpus)
        _slow_write_corpus(corpus)
        ingest_corpus(corpus, index_dir, SeedingEmbedder(embedder))
    command = [sys.executable, "-m", "absolutt_kb", "ingest", "--corpus", str(corpus), "--index", str(index_dir)]
    # How long one ingest of a changed corpus takes, and its generation write, so kills land across all of it.
    _append(corpus, 0)
    span, writing = _timed_run(command, env)
    if corpus_kind != "fixture corpus":
        assert writing >= 1.0, f"writing a generation took only {writing:.2f} s"
    rng = random.Random(20261122)
    survived, phases = 0, {"før skriving": 0, "midt i skrivingen": 0, "etter publisering": 0}
    for n in range(1, kills + 1):
        _append(corpus, n)
        before = current_generation(index_dir)
        known = {g.name for g in generations(index_dir)}
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if anywhere and n % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.05, span))
        else:  # while the new generation is being written: wait for its folder, then a moment more
            deadline = time.monotonic() + 2 * span
            while time.monotonic() < deadline and child.poll() is None:
                if {g.name for g in generations(index_dir)} - known:
                    break
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, max(0.03, writing)))
        child.send_signal(signal.SIGKILL)
        child.wait()
        now = current_generation(index_dir)
        assert before.is_dir() and is_complete(before), f"kill {n}: the last good generation {before.name} is gone"
        if now != before:
            phases["etter publisering"] += 1
        elif any(not (g / SEAL).exists() for g in generations(index_dir)):
            phases["midt i skrivingen"] += 1  # left for the next writer to clear
        else:
            phases["før skriving"] += 1
        _consistent(index_dir, embedder)
        survived += 1
    print(f"SIGKILL ({corpus_kind}, writing {writing:.2f} s): {survived} of {kills} survived; killed {phases}")
    assert survived == kills
    # Leftovers of killed builds are cleared by the next writer, and it completes.
    final = subprocess.run(command, env=env, capture_output=True)
    assert final.returncode == 0
    assert f"runde {kills}" in " ".join(r.text for r in load_index(index_dir).all_records())
    assert all(is_complete(g) for g in generations(index_dir)) and len(generations(index_dir)) <= 2
    assert not list(index_dir.glob("*.tmp"))


def _copy_of_built(built, corpus_dir: Path, tmp_path: Path) -> tuple[Path, Path]:  # noqa: ANN001
    """A copy of the session's corpus and index (its document cache makes ingests quick)."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(corpus_dir, corpus)
    shutil.copytree(built.index_dir, index_dir)
    return corpus, index_dir


def _two_generations(built, corpus_dir: Path, embedder, tmp_path: Path) -> tuple[Path, Path, Path]:  # noqa: ANN001
    """An index with two complete generations (the corpus changed in between)."""
    corpus, index_dir = _copy_of_built(built, corpus_dir, tmp_path)
    first = current_generation(index_dir)
    _append(corpus, 1)
    second = ingest_corpus(corpus, index_dir, embedder).index.folder
    assert current_generation(index_dir) == second and first.is_dir()
    return corpus, index_dir, first


def test_an_unfinished_generation_is_never_kept_as_previous(built, corpus_dir, embedder, tmp_path):
    corpus, index_dir, _first = _two_generations(built, corpus_dir, embedder, tmp_path)
    good = current_generation(index_dir)
    # What a kill during the write leaves: a newer folder with some files and no seal.
    unfinished = index_dir / f"gen-{int(good.name[4:]) + 1:06d}"
    unfinished.mkdir()
    shutil.copy(good / "records.arrow", unfinished / "records.arrow")
    _append(corpus, 2)
    newest = ingest_corpus(corpus, index_dir, embedder).index.folder
    assert newest != good and good.is_dir() and is_complete(good)  # the last good one is kept as previous
    assert sorted(generations(index_dir)) == sorted([good, newest]) and all(is_complete(g) for g in (good, newest))


def test_a_sealed_generation_that_never_became_current_is_not_kept_as_previous(built, corpus_dir, embedder, tmp_path):
    corpus, index_dir, _first = _two_generations(built, corpus_dir, embedder, tmp_path)
    good = current_generation(index_dir)
    # What a kill between the seal and the switch of CURRENT leaves: a newer, complete generation nobody read.
    orphan = index_dir / f"gen-{int(good.name[4:]) + 1:06d}"
    shutil.copytree(good, orphan)
    assert is_complete(orphan) and current_generation(index_dir) == good
    _append(corpus, 2)
    newest = ingest_corpus(corpus, index_dir, embedder).index.folder
    assert sorted(generations(index_dir)) == sorted([good, newest])  # the one readers had is kept, not the orphan


def test_a_damaged_current_generation_falls_back_to_the_previous_one_and_ingest_keeps_the_intact_one(
    built, corpus_dir, embedder, tmp_path, capsys
):
    corpus, index_dir, first = _two_generations(built, corpus_dir, embedder, tmp_path)
    damaged = current_generation(index_dir)
    with (damaged / "vectors.npy").open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\xff\xfe")
    index = load_index(index_dir)
    assert index.folder == first and "skadet" in index.warning and first.name in index.warning
    assert Searcher(index, embedder).search("tidlig innsats", k=3)
    assert main(["search", "tidlig innsats", "--index", str(index_dir)]) == 0
    captured = capsys.readouterr()
    assert "Advarsel" in captured.err and "skadet" in captured.err and "Kilde:" in captured.out

    report = ingest_corpus(corpus, index_dir, embedder)  # unchanged corpus, but a damaged generation: rebuilt
    assert not report.unchanged and report.index.folder not in (first, damaged)
    assert not damaged.exists() and first.is_dir()  # the damaged one goes, the intact one stays
    assert not load_index(index_dir).warning


@pytest.mark.parametrize("damage", ["bit in CURRENT", "bit in manifest", "manifest not an object"])
def test_a_flipped_bit_in_the_pointer_or_manifest_gives_a_message_and_the_writer_rebuilds(
    built, corpus_dir, tmp_path, capsys, damage
):
    corpus, index_dir = _copy_of_built(built, corpus_dir, tmp_path)
    for older in generations(index_dir)[:-1]:
        shutil.rmtree(older)  # one generation: nothing to fall back to
    folder = current_generation(index_dir)
    if damage == "bit in CURRENT":
        path, at = index_dir / "CURRENT", 1
    else:
        path, at = folder / "manifest.json", 10
    data = bytearray(path.read_bytes())
    if damage == "manifest not an object":
        data = bytearray(b"[1, 2, 3]")
    else:
        data[at] ^= 0x80  # one high bit: no longer UTF-8
    path.write_bytes(bytes(data))
    if damage == "bit in CURRENT":  # the generation itself is whole: used, with a warning
        assert load_index(index_dir).folder == folder and "CURRENT er skadet" in load_index(index_dir).warning
    else:
        with pytest.raises(IndexUnusable, match="skadet"):
            load_index(index_dir)
    for command in (["search", "skolemiljø"], ["records"]):
        code = main([*command, "--index", str(index_dir)])
        err = capsys.readouterr().err
        assert "skadet" in err and "Traceback" not in err
        first = next(line for line in err.splitlines() if "skadet" in line)
        assert (code, first.split(":")[0]) == ((0, "Advarsel") if damage == "bit in CURRENT" else (2, "Feil"))
    assert main(["ingest", "--corpus", str(corpus), "--index", str(index_dir)]) == 0
    assert main(["search", "skolemiljø", "--index", str(index_dir)]) == 0
    assert "Advarsel" not in capsys.readouterr().err


def test_four_searching_threads_during_three_ingests(corpus_dir, embedder, tmp_path, index_location):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    ingest_corpus(corpus, index_location, embedder)
    store = open_store(config.current().with_changes(index=index_location))
    stop = threading.Event()
    errors: list[BaseException] = []
    served, reopened = [0] * 4, [0] * 4
    questions = ["tidlig innsats", "hvem kan snakke om foreldresamarbeid?", "lærende nettverk", "skolemiljø elevrådet"]

    def search(worker: int) -> None:
        open_index, searcher = None, None
        while not stop.is_set():
            try:
                if open_index is None or open_index.version != store.current_version():
                    open_index = store.open(model=embedder.name)
                    searcher = Searcher(open_index, embedder)
                hits = searcher.search(questions[(served[worker] + worker) % 4], k=5)
                ids = set(open_index.rows_by_id)
                assert hits and all(h.record.id in ids for h in hits)  # every answer from one version
                served[worker] += 1
            except IndexChanged:  # a database version was published mid-way: open it and ask again
                open_index = None
                reopened[worker] += 1
            except BaseException as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=search, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for n in range(3):
        _append(corpus, n)
        ingest_corpus(corpus, index_location, embedder, wait_seconds=60)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert all(count > 0 for count in served), served
    print(f"searches served during 3 ingests ({'database' if index_location.startswith('postgresql') else 'folder'}): "
          f"{sum(served)}, reopened after a new version mid-search: {sum(reopened)}")


@pytest.mark.parametrize("damage", ["pointer", "manifest"])
def test_damaged_pointer_or_manifest_gives_a_clear_message(built, tmp_path, damage):
    copy = tmp_path / "copy"
    shutil.copytree(built.index_dir, copy)
    for older in generations(copy)[:-1]:
        shutil.rmtree(older)
    if damage == "pointer":  # a pointer out of the index is never followed; the whole generation is used instead
        (copy / "CURRENT").write_text("../../etc\n")
        index = load_index(copy)
        assert index.folder.parent == copy and "skadet" in index.warning
    else:
        (copy / built.index.folder.name / "manifest.json").write_text("{ ikke json")
        with pytest.raises(IndexUnusable, match="skadet"):
            load_index(copy)


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


UNDER_TMPFS = """set -e
mount -t tmpfs -o size=$SIZE tmpfs "$MNT"
cp -a "$SRC" "$MNT/index"
if [ "$READ_ONLY" = 1 ]; then mount -o remount,ro "$MNT"; fi
set +e
"$PY" -m absolutt_kb ingest --corpus "$CORPUS" --index "$MNT/index"
echo "rc=$?"
echo "current=$(cat "$MNT/index/CURRENT")"
echo "left=$(cd "$MNT/index" && ls -d gen-* *.tmp documents/*.tmp 2>/dev/null | tr '\\n' ' ')"
"$PY" -m absolutt_kb search "tidlig innsats" --k 1 --index "$MNT/index"
echo "search_rc=$?"
"""


@pytest.mark.parametrize("trouble", ["disk full", "read-only folder"])
def test_a_full_disk_or_read_only_index_folder_gives_a_message_and_keeps_the_index(
    built, corpus_dir, tmp_path, trouble
):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"]).returncode != 0:
        pytest.skip("needs `unshare -rm` to mount a small or read-only folder")
    corpus, index_dir = _copy_of_built(built, corpus_dir, tmp_path)
    for n in range(60):  # enough new text that a new generation cannot fit in the space left
        _append(corpus, n)
    size = _du(index_dir) + _du(current_generation(index_dir)) // 3
    mount = tmp_path / "mnt"
    mount.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO), SIZE=f"{size // 1024}k", MNT=str(mount), SRC=str(index_dir),
               CORPUS=str(corpus), PY=sys.executable, READ_ONLY="1" if trouble == "read-only folder" else "0")
    out = subprocess.run(["unshare", "-rm", "sh", "-c", UNDER_TMPFS], env=env, capture_output=True, text=True)
    lines = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line and " " not in line.split("=")[0])
    assert lines.get("rc") == "2", out.stdout + out.stderr
    message = next(line for line in out.stderr.splitlines() if line.startswith("Feil:"))
    expected = "ikke plass" if trouble == "disk full" else "kan ikke skrives til"
    assert expected in message and "ikke endret" in message and "Traceback" not in out.stderr
    assert lines["current"] == current_generation(index_dir).name  # the generation in use is untouched
    left = lines["left"].split()
    assert not [name for name in left if name.endswith(".tmp")]  # no CURRENT.tmp or cache leftovers
    assert sorted(left) == sorted(g.name for g in generations(index_dir))  # no half-written generation
    assert lines["search_rc"] == "0" and "Kilde:" in out.stdout


def test_an_index_sealed_before_blake3_still_opens_and_its_damage_is_still_found(corpus_dir, embedder, tmp_path):
    """A generation sealed with sha256 by an older version is checked with sha256, not refused or rebuilt."""
    import json

    from absolutt_kb.generations import file_sha256

    index_dir = tmp_path / "index"
    ingest_corpus(corpus_dir, index_dir, embedder)
    folder = current_generation(index_dir)
    files = json.loads((folder / SEAL).read_text())["files"]
    (folder / SEAL).write_text(json.dumps({"files": {name: file_sha256(folder / name) for name in files}}))
    assert len(load_index(index_dir)) > 0 and is_complete(folder)
    with (folder / "vectors.npy").open("r+b") as fh:
        fh.seek(-1, 2)
        last = fh.read(1)
        fh.seek(-1, 2)
        fh.write(bytes([last[0] ^ 0xFF]))  # one bit pattern changed in the last vector
    assert not is_complete(folder)


def test_a_large_generation_is_checked_beside_the_first_answers_and_its_damage_makes_the_next_opening_fall_back(
    built, corpus_dir, embedder, tmp_path, monkeypatch
):
    from absolutt_kb.storage import folder as folder_backend

    _corpus, index_dir, first = _two_generations(built, corpus_dir, embedder, tmp_path)
    # From here every generation counts as large (set after the ingests, whose own checks would race the damage).
    monkeypatch.setattr(folder_backend, "CHECK_BESIDE_BYTES", 0)
    damaged = current_generation(index_dir)
    with (damaged / "vectors.npy").open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\xff\xfe")
    index = load_index(index_dir)
    assert index.folder == damaged and not index.warning  # opened at once; the files are hashed beside
    searcher = Searcher(index, embedder)
    assert index.wait_checked(timeout=60)
    with pytest.raises(IndexChanged) as raised:  # the app opens the index again on IndexChanged
        searcher.search("tidlig innsats", k=3)
    assert isinstance(raised.value, IndexUnusable) and "skadet" in str(raised.value)  # the CLI prints the message
    reopened = load_index(index_dir)  # in a new process too: the mark stays with the generation
    assert reopened.folder == first and "skadet" in reopened.warning and "vectors.npy" in reopened.warning
    assert Searcher(reopened, embedder).search("tidlig innsats", k=3)


def test_an_intact_large_generation_checked_beside_answers_as_before(built, embedder, monkeypatch):
    from absolutt_kb.storage import folder as folder_backend

    monkeypatch.setattr(folder_backend, "CHECK_BESIDE_BYTES", 0)
    index = load_index(built.index_dir)
    assert index.wait_checked(timeout=60) and not index.warning
    assert Searcher(index, embedder).search("tidlig innsats", k=3)
    assert not (index.folder / folder_backend.DAMAGED).exists()


def test_a_writer_never_reuses_a_large_generation_that_its_check_finds_damaged(built, corpus_dir, embedder, tmp_path,
                                                                               monkeypatch):
    from absolutt_kb.storage import folder as folder_backend

    corpus, index_dir, first = _two_generations(built, corpus_dir, embedder, tmp_path)
    monkeypatch.setattr(folder_backend, "CHECK_BESIDE_BYTES", 0)  # after the setup's ingests (see above)
    damaged = current_generation(index_dir)
    with (damaged / "vectors.npy").open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\xff\xfe")
    report = ingest_corpus(corpus, index_dir, embedder)  # unchanged corpus, but a damaged generation: rebuilt
    assert not report.unchanged and report.index.folder not in (first, damaged)
    assert report.index.wait_checked(timeout=60) and report.index.intact()
    assert not damaged.exists() and first.is_dir()  # the damaged one goes, the intact one stays

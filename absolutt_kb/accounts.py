"""Regional administrators: accounts kept in the database, passwords hashed with argon2id (argon2-cffi).

An administrator belongs to one KS region: they upload documents into that
region's collection and may remove only people found in it alone; a national
administrator (region "felles") chooses the region of each upload and may
remove anyone. Every privileged action is
checked against the database, and wrong passwords are throttled per user name
and per address. The folder
backend has no accounts; there one password in ``.streamlit/secrets.toml``
opens the upload page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from absolutt_kb.config import DEFAULT_REGION
from absolutt_kb.unicode_forms import has_control

if TYPE_CHECKING:
    from absolutt_kb.records import Person
    from absolutt_kb.storage.postgres import PostgresStore

MIN_PASSWORD = 12
MAX_FAILURES = 5  # wrong passwords per user name, and per address, within the window …
FAILURE_WINDOW_MINUTES = 15  # … after which logins from them are refused until the window has passed
_REGION = re.compile(r"[^\W_][\w -]{0,62}")  # "vestland", "troms-og-finnmark", "Trøndelag"; never "../felles"
_HASHER = PasswordHasher()  # argon2id with the library's recommended cost
# A hash to verify against when the user does not exist, so both cases take as long.
_UNKNOWN = _HASHER.hash("no such administrator")


class AccountError(ValueError):
    """An account cannot be made or changed, or an action is not allowed; the message says why."""


class TooManyAttempts(AccountError):
    """Too many wrong passwords for this user name or address lately; the message says how long to wait."""


@dataclass(frozen=True)
class Administrator:
    """An administrator and the region they administer ("felles": a national administrator)."""

    username: str
    region: str

    @property
    def national(self) -> bool:
        return self.region == DEFAULT_REGION


def check_region(region: str) -> str:
    """A region name as given, or an error: letters, digits, spaces and dashes, no path.

    Raises:
        AccountError: The name could be a path or holds other characters.
    """
    region = region.strip()
    if not _REGION.fullmatch(region) or has_control(region):
        raise AccountError(f"Ugyldig regionnavn «{region}»: bruk bokstaver, tall, mellomrom og bindestrek, "
                           "for eksempel «vestland» eller «troms-og-finnmark».")
    return region


def upload_region(admin: Administrator, chosen: str | None = None) -> str:
    """The collection an administrator's upload goes to: a national administrator's choice, else their own region.

    Raises:
        AccountError: A regional administrator chose another region, or the name could be a path.
    """
    if not admin.national:
        if chosen is not None and chosen != admin.region:
            raise AccountError(f"Du kan bare legge til dokumenter i regionen «{admin.region}»; en nasjonal "
                               "administrator kan legge dem i andre regioner.")
        return admin.region
    return check_region(chosen or DEFAULT_REGION)


def check_username(username: str) -> str:
    """A user name as given (stripped), or an error when it is blank, too long or holds control characters.

    Raises:
        AccountError: Why the name will not do.
    """
    username = username.strip()
    if not username or len(username) > 64 or has_control(username):
        raise AccountError("Brukernavnet må ha 1–64 tegn og ingen kontrolltegn.")
    return username


def add_administrator(store: PostgresStore, username: str, region: str, password: str) -> Administrator:
    """Create an administrator for a region, or give an existing one a new password and region.

    Raises:
        AccountError: The name, region or password will not do.
    """
    if not username.strip() or not region.strip():
        raise AccountError("Oppgi både brukernavn og region.")
    username, region = check_username(username), check_region(region)
    if len(password.strip()) < MIN_PASSWORD:
        raise AccountError(f"Passordet må ha minst {MIN_PASSWORD} tegn som ikke er mellomrom.")
    store.connections.run(
        "INSERT INTO administrators (username, region, password_hash) VALUES (%s, %s, %s) "
        "ON CONFLICT (username) DO UPDATE SET region = excluded.region, password_hash = excluded.password_hash",
        (username, region, _HASHER.hash(password)),
    )
    return Administrator(username, region)


def administrators(store: PostgresStore) -> list[Administrator]:
    """Every administrator, by name."""
    rows = store.connections.query("SELECT username, region FROM administrators ORDER BY username")
    return [Administrator(u, r) for u, r in rows]


def remove_administrator(store: PostgresStore, username: str) -> bool:
    """Remove an account; False when there was none."""
    return store.connections.run("DELETE FROM administrators WHERE username = %s", (username.strip(),)) > 0


def current(store: PostgresStore, admin: Administrator) -> Administrator | None:
    """The administrator as the database has them now: None when the account was removed since they logged in.

    Every privileged action asks this, not the session, so a removed account can do nothing more.
    """
    rows = store.connections.query("SELECT region FROM administrators WHERE username = %s", (admin.username,))
    return Administrator(admin.username, rows[0][0]) if rows else None


def _failures(store: PostgresStore, keys: list[str]) -> int:
    rows = store.connections.query(
        "SELECT key, count(*) FROM login_failures WHERE key = ANY(%s) "
        f"AND at > now() - interval '{FAILURE_WINDOW_MINUTES} minutes' GROUP BY key", (keys,))
    return max((n for _, n in rows), default=0)


def log_in(store: PostgresStore, username: str, password: str, address: str | None = None) -> Administrator | None:
    """The administrator when the password is theirs, else None (the same work either way).

    Raises:
        TooManyAttempts: The user name or the address had too many wrong passwords lately.
    """
    username = username.strip()
    if has_control(username) or len(username) > 64:
        return None
    keys = [f"user:{username.lower()}"] + ([f"address:{address}"] if address else [])
    if _failures(store, keys) >= MAX_FAILURES:
        raise TooManyAttempts(f"For mange feil passord på kort tid. Vent {FAILURE_WINDOW_MINUTES} minutter og prøv igjen.")
    rows = store.connections.query("SELECT region, password_hash FROM administrators WHERE username = %s", (username,))
    row = rows[0] if rows else None
    try:
        _HASHER.verify(row[1] if row else _UNKNOWN, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        row = None
    if row is None:
        with store.connections.connection() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < now() - interval '1 day'")
            for key in keys:
                conn.execute("INSERT INTO login_failures (key) VALUES (%s)", (key,))
        return None
    if _HASHER.check_needs_rehash(row[1]):
        store.connections.run("UPDATE administrators SET password_hash = %s WHERE username = %s",
                              (_HASHER.hash(password), username))
    store.connections.run("DELETE FROM login_failures WHERE key = %s", (keys[0],))
    return Administrator(username, row[0])


def remove_person(store: PostgresStore, admin: Administrator, person: Person) -> None:
    """Record an administrator's removal of a person; the next ingest applies it everywhere.

    A regional administrator may remove a person found only in their own region's documents; a person
    also named in other regions' (or the national) documents needs a national administrator.

    Raises:
        AccountError: The account is gone, or the person is not the administrator's to remove.
    """
    now = current(store, admin)
    if now is None:
        raise AccountError("Kontoen din finnes ikke lenger; en driftsansvarlig må gi deg tilgang på nytt.")
    if not now.national:
        if now.region not in person.regions:
            raise AccountError(f"{person.name} er ikke nevnt i regionen «{now.region}»; bare en administrator "
                               f"for {', '.join(person.regions) or 'regionen personen er nevnt i'} kan fjerne personen.")
        others = [r for r in person.regions if r != now.region]
        if others:
            raise AccountError(f"{person.name} er også nevnt i {', '.join(others)}; en nasjonal administrator "
                               "(region «felles») må fjerne personen.")
    store.add_privacy_rule(person.id, "suppress", now.region, now.username)

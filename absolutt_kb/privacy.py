"""Personal data: contact details hidden, people removed or corrected on request.

The corpus names real people. Three rules apply to every ingest, read from a
small JSON file (``privacy.json`` beside the corpus folder's parent, or the file
``ABSOLUTT_KB_PRIVACY`` names)::

    {
      "public_contacts": ["post@ks.no"],
      "suppressed_people": ["person:ola-nordmann"],
      "corrections": {"person:kari-nordvik": {"affiliation": "Universitetet i Bergen"}}
    }

- E-mail addresses and phone numbers found in documents are replaced by
  "[e-post skjult]" / "[telefon skjult]" before anything is embedded, indexed or
  shown, unless listed in ``public_contacts``.
- A person id in ``suppressed_people`` is removed: their person record goes,
  and every form of their name becomes "[navn fjernet]" in every record's
  text, title, author list, id and the document names shown: the name as
  written, in any case, with a genitive -s, as "Surname, Given" and as
  initials + surname; a surname standing alone goes too. The name forms come
  from the id itself (``person:sunniva-kvernhusvik``) and from the person's
  records, so a document added later is cleaned as well. Links to the person
  are dropped.
- ``corrections`` replace a person's name, affiliation, topics or role.

Because the rules are applied at ingest from this file, they survive every
re-ingest; the source documents are not changed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from absolutt_kb import config
from absolutt_kb.language import fold, system_word_list
from absolutt_kb.records import Person, Record, with_changes
from absolutt_kb.unicode_forms import INVISIBLE, canonical, canonical_with_offsets

# Read on canonical text (unicode_forms.canonical: NFKC, so "＠" is "@" and no-break spaces are spaces; zero-width
# characters dropped). The "@" may be written "(at)", "[at]" or "{at}", with a space either side.
EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+ ?(?:@|\(at\)|\[at\]|\{at\}) ?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE
)
# Norwegian numbers (first digit 2-9), optionally +47, 0047 or a bare 47: 8 digits together, in pairs (12 34 56 78,
# 22.33.44.55, 22-33-44-55), 3-2-3 (123 45 678, 912-34-567, 912/34/567), 2-3-3 (91 234 567), a mobile 4-2-2 (9123 45 67) or
# a mobile 4-4 (9123 4567); one separator throughout, so "10.00-11.00" is a time, not a number.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)?47[ .-]?)?"
    r"(?:[2-9]\d{7}|[2-9]\d([ .-])\d{2}\1\d{2}\1\d{2}|[2-9]\d{2}([ ./-])\d{2}\2\d{3}|[2-9]\d \d{3} \d{3}"
    r"|[49]\d{3}([ .])\d{2}\3\d{2}|[49]\d{3} \d{4})(?![\w]|[.-]\d)"
)
# A national identity number (fødselsnummer, D-nummer): 11 digits, a space, dot or dash after the birth date allowed.
NATIONAL_ID = re.compile(r"(?<![\w])(\d{6})[ .-]?(\d{5})(?![\w])")
EMAIL_HIDDEN = "[e-post skjult]"
PHONE_HIDDEN = "[telefon skjult]"
NATIONAL_ID_HIDDEN = "[fødselsnummer skjult]"
NAME_REMOVED = "[navn fjernet]"
CORRECTABLE = ("name", "affiliation", "topics", "role")
_SKIP_FIELDS = {"id", "links", "themes", "source", "mentions"}


class PrivacyError(ValueError):
    """The privacy file cannot be read; the message says why."""


@dataclass(frozen=True)
class PrivacyRules:
    """What may be shown about people."""

    public_contacts: frozenset[str] = frozenset()
    suppressed_people: frozenset[str] = frozenset()
    corrections: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()

    def fingerprint(self) -> str:
        """A short hash: a change of rules re-processes the records (not the documents)."""
        data = [sorted(self.public_contacts), sorted(self.suppressed_people), [list(c) for c in self.corrections]]
        return hashlib.sha256(json.dumps(data, default=list).encode()).hexdigest()[:16]


def default_path() -> Path:
    return config.current().privacy_path


def load_rules(path: Path | None = None) -> PrivacyRules:
    """The rules from the privacy file; none when the file does not exist.

    Raises:
        PrivacyError: The file exists but is not valid.
    """
    path = Path(path or default_path())
    if not path.exists():
        return PrivacyRules()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PrivacyError(f"Personvernfilen «{path}» kan ikke leses: {exc}") from exc
    _check_shape(data, path)
    corrections = {
        str(pid): {k: (tuple(v) if isinstance(v, list) else str(v)) for k, v in fields.items()}
        for pid, fields in data.get("corrections", {}).items()
    }
    for pid, fields in corrections.items():
        unknown = set(fields) - set(CORRECTABLE)
        if unknown:
            raise PrivacyError(f"Ukjente felt for {pid} i «{path}»: {', '.join(sorted(unknown))}. Tillatt: {', '.join(CORRECTABLE)}.")
    return PrivacyRules(
        public_contacts=frozenset(str(c).lower() for c in data.get("public_contacts", [])),
        suppressed_people=frozenset(str(p) for p in data.get("suppressed_people", [])),
        corrections=tuple(sorted((pid, tuple(sorted(f.items()))) for pid, f in corrections.items())),
    )


_SHAPE = {"public_contacts": "en liste med tekster", "suppressed_people": "en liste med person-id-er",
          "corrections": "et objekt fra person-id til felt"}


def _check_shape(data: object, path: Path) -> None:
    """Refuse a privacy file that is not the documented shape (a string where a list belongs is not read letter by letter).

    Raises:
        PrivacyError: What is wrong, in Norwegian, with the documented shape.
    """
    def wrong(key: str) -> PrivacyError:
        return PrivacyError(f"Personvernfilen «{path}»: «{key}» må være {_SHAPE[key]}, som i README "
                            f'(for eksempel "suppressed_people": ["person:ola-nordmann"]).')

    if not isinstance(data, dict):
        raise PrivacyError(f"Personvernfilen «{path}» må være et JSON-objekt med feltene {', '.join(_SHAPE)}.")
    unknown = sorted(set(data) - set(_SHAPE))
    if unknown:
        raise PrivacyError(f"Personvernfilen «{path}» har ukjente felt: {', '.join(unknown)}. Tillatt: {', '.join(_SHAPE)}.")
    for key in ("public_contacts", "suppressed_people"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise wrong(key)
    corrections = data.get("corrections", {})
    if not isinstance(corrections, dict) or not all(isinstance(v, dict) for v in corrections.values()):
        raise wrong("corrections")


def suppress_in_file(person_id: str, path: Path | None = None) -> None:
    """Add a person to ``suppressed_people`` in the privacy file (created when missing); the next ingest removes them.

    Raises:
        PrivacyError: The file exists but is not valid (it is left as it was).
    """
    path = Path(path or default_path())
    load_rules(path)  # refuse to touch a file that does not read
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    people = list(dict.fromkeys([*data.get("suppressed_people", []), person_id]))
    data["suppressed_people"] = people
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


# A cheap test: most texts have no "@", "at" in brackets or run of digits, and skip the full patterns.
_MAYBE_CONTACT = re.compile(r"[@＠]|[(\[{]at[)\]}]|\d\W?\d\W?\d", re.IGNORECASE)


def is_national_id(digits: str) -> bool:
    """Whether 11 digits are a valid Norwegian national identity number (both check digits agree)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d)) % 11
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d)) % 11
    k1, k2 = (0 if k1 == 11 else k1), (0 if k2 == 11 else k2)
    return k1 == d[9] and k2 == d[10]


def hide_contacts(text: str, public: frozenset[str] = frozenset()) -> str:
    """Replace e-mail addresses, phone numbers and national identity numbers, except public contacts.

    The patterns read the canonical form of the text (full-width letters, no-break spaces and zero-width
    characters as people see them); what they find is replaced in the text as written.
    """
    if not _MAYBE_CONTACT.search(text):
        return text
    canon, offsets = canonical_with_offsets(text)
    spans: list[tuple[int, int, str]] = []

    def national(m: re.Match) -> str | None:
        return NATIONAL_ID_HIDDEN if is_national_id(m.group(1) + m.group(2)) else None

    def email(m: re.Match) -> str | None:
        address = re.sub(r"\s*(?:\(at\)|\[at\]|\{at\})\s*|\s*@\s*", "@", m.group(0).lower())
        return None if address in public else EMAIL_HIDDEN

    def phone(m: re.Match) -> str | None:
        digits = re.sub(r"\D", "", m.group(0))[-8:]
        shown = any(re.sub(r"\D", "", p)[-8:] == digits for p in public if any(c.isdigit() for c in p))
        return None if shown else PHONE_HIDDEN

    for pattern, decide in ((NATIONAL_ID, national), (EMAIL, email), (PHONE, phone)):
        for m in pattern.finditer(canon):
            if any(m.start() < end and start < m.end() for start, end, _ in spans):
                continue
            replacement = decide(m)
            if replacement:
                spans.append((m.start(), m.end(), replacement))
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:offsets[start]] + replacement + text[offsets[end - 1] + 1:]
    return text


def _map_text(record: Record, fn) -> Record:
    changes = {}
    for f in dataclasses.fields(record):
        if f.name in _SKIP_FIELDS:
            continue
        value = getattr(record, f.name)
        if isinstance(value, str) and value:
            new = fn(value)
        elif isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
            new = tuple(fn(v) for v in value)
        else:
            continue
        if new != value:
            changes[f.name] = new
    return with_changes(record, **changes) if changes else record


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]*)?")
_INITIAL = re.compile(r"^[^\W\d_]\.?$")


def _key(word: str) -> str:
    """A word folded as ids are (lower case, æøå folded, accents dropped)."""
    return unicodedata.normalize("NFKD", fold(word)).encode("ascii", "ignore").decode()


class NameScrubber:
    """Finds every written form of some people's names, to replace them, and nothing else.

    Names are compared on canonical text (``unicode_forms``: zero-width and bidi
    characters dropped, look-alike letters folded, accents ignored). A form is
    the surname (in any case, with or without a genitive -s) with the given
    names or initials written before it, or with ", Given" after it
    ("Kvernhusvik, Sunniva"). The surname alone counts only where it stands as
    a name: capitalised, at least three letters and not an ordinary word of the
    word list ("Hagen" in "Barna leker i hagen" stays). In a file name, where
    case says nothing, only a surname that is no ordinary word goes
    ("hagen.txt" stays, "kvernhusvik-program.md" does not).
    """

    def __init__(self, ids: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        given: set[str] = set()
        surnames: set[str] = set()
        full: set[tuple[str, ...]] = set()
        for parts in [i.split(":", 1)[-1].split("-") for i in ids] + [_WORD.findall(canonical(n)) for n in names]:
            parts = [_key(p) for p in parts if _key(p)]
            if parts:
                surnames.add(parts[-1])
                given.update(p for p in parts[:-1] if len(p) > 1)
                if len(parts) > 1:
                    full.add(tuple(parts))
        self.surnames = frozenset(s for s in surnames if len(s) > 1)
        self.given = frozenset(given)
        self.full = frozenset(full)

    def __bool__(self) -> bool:
        return bool(self.surnames)

    def _surname_key(self, word: str) -> str | None:
        key = _key(word).rstrip("'’")
        if key.endswith(("'s", "’s")):
            key = key[:-2]
        if key in self.surnames:
            return key
        return key[:-1] if key.endswith("s") and key[:-1] in self.surnames else None

    def _is_given(self, word: str, text: str, end: int) -> bool:
        if _key(word) in self.given:
            return True
        return len(word) == 1 and word.isupper() and text[end:end + 1] == "."  # an initial: "S."

    @staticmethod
    def _stands_as_name(word: str, key: str, file_name: bool) -> bool:
        """Whether a surname written alone is a name here, not an ordinary word or an abbreviation."""
        if len(key) < 3 or (word.isupper() and len(word) <= 3):
            return False
        if not file_name and not word[:1].isupper():
            return False
        lower = word.lower().rstrip("'’")
        words = system_word_list()
        return lower not in words and not (lower.endswith("s") and lower[:-1] in words)

    def _canonical_spans(self, text: str, *, file_name: bool) -> list[tuple[int, int]]:
        words = list(_WORD.finditer(text))
        out: list[tuple[int, int]] = []
        for n, word in enumerate(words):
            key = self._surname_key(word.group(0))
            if key is None:
                continue
            start, end = word.start(), word.end()
            k = n - 1
            while k >= 0 and self._is_given(words[k].group(0), text, words[k].end()) \
                    and re.fullmatch(r"\.?[\s-]*", text[words[k].end():start]):
                start = words[k].start()
                k -= 1
            k = n + 1
            if k < len(words) and re.fullmatch(r",\s*", text[end:words[k].start()]):
                while k < len(words) and self._is_given(words[k].group(0), text, words[k].end()) \
                        and re.fullmatch(r",?\s*|\.\s*", text[end:words[k].start()]):
                    end = words[k].end() + (1 if text[words[k].end():words[k].end() + 1] == "." else 0)
                    k += 1
            if (start, end) == (word.start(), word.end()) and not self._stands_as_name(word.group(0), key, file_name):
                continue
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(end, out[-1][1]))
            else:
                out.append((start, end))
        return out

    def spans(self, text: str, *, file_name: bool = False) -> list[tuple[int, int]]:
        """Where the names stand in ``text`` (a file name when ``file_name``), as (start, end) pairs."""
        canon, offsets = canonical_with_offsets(text)
        out = []
        for start, end in self._canonical_spans(canon, file_name=file_name):
            first, last = offsets[start], offsets[end - 1] + 1
            while last < len(text) and (unicodedata.combining(text[last]) or INVISIBLE.match(text[last])):
                last += 1  # an accent or joiner written after the name's last letter goes with it
            out.append((first, last))
        return out

    def scrub(self, text: str, *, file_name: bool = False) -> str:
        """``text`` with every form of the names replaced by "[navn fjernet]"."""
        if not self or not text:
            return text
        for start, end in reversed(self.spans(text, file_name=file_name)):
            text = text[:start] + NAME_REMOVED + text[end:]
        return text

    def in_id(self, record_id: str) -> bool:
        """Whether a record id (made from words, like a file name) carries a removed person's name."""
        return bool(self.spans(record_id.split(":", 1)[-1].replace("-", " "), file_name=True))


def apply_rules(records: list[Record], rules: PrivacyRules) -> list[Record]:
    """Records with contacts hidden, suppressed people removed and corrections made."""
    corrections = {pid: dict(fields) for pid, fields in rules.corrections}
    removed_names: set[str] = set()
    kept: list[Record] = []
    for r in records:
        if isinstance(r, Person) and r.id in rules.suppressed_people:
            removed_names.update(n for n in (r.name, *r.aliases) if n)
            continue
        if isinstance(r, Person) and r.id in corrections:
            r = _corrected(r, corrections[r.id])
        kept.append(r)
    names = NameScrubber(rules.suppressed_people, removed_names)

    def clean(text: str) -> str:
        return names.scrub(hide_contacts(text, rules.public_contacts))

    renamed: dict[str, str] = {}
    for r in kept:
        if _id_shows_contact(r.id, rules.public_contacts) or names.in_id(r.id):
            renamed[r.id] = f"{r.kind}:{hashlib.sha1(r.id.encode()).hexdigest()[:16]}"
    out = []
    for r in kept:
        if renamed:
            r = with_changes(r, id=renamed.get(r.id, r.id), links=tuple(renamed.get(link, link) for link in r.links))
        r = _map_text(r, clean)
        if names:
            r = _clean_sources(r, functools.partial(names.scrub, file_name=True))
        if rules.suppressed_people and any(link in rules.suppressed_people for link in r.links):
            r = with_changes(r, links=tuple(l for l in r.links if l not in rules.suppressed_people))
        out.append(r)
    return out


def document_name(name: str, rules: PrivacyRules) -> str:
    """A document's name as shown: a suppressed person's name in it is removed."""
    return NameScrubber(rules.suppressed_people).scrub(name, file_name=True)


def _clean_sources(record: Record, fn) -> Record:
    """The record with a removed name taken out of its document names; the locator and region stay."""
    source = dataclasses.replace(record.source, document=fn(record.source.document))
    changes: dict = {"source": source} if source != record.source else {}
    mentions = getattr(record, "mentions", ())
    if mentions:
        cleaned = tuple(dataclasses.replace(m, document=fn(m.document)) for m in mentions)
        if cleaned != mentions:
            changes["mentions"] = cleaned
    return with_changes(record, **changes) if changes else record


def _id_shows_contact(record_id: str, public: frozenset[str]) -> bool:
    """Whether an id made from a record's words carries a phone number, identity number or e-mail address."""
    words = record_id.split(":", 1)[-1].replace("-", " ")
    return hide_contacts(words, public) != words


def _corrected(person: Person, fields: dict) -> Person:
    changes = {k: v for k, v in fields.items() if k in CORRECTABLE}
    if "name" in changes:
        changes["title"] = changes["name"]
    fixed = with_changes(person, **changes)
    text = fixed.name + (f", {fixed.affiliation}" if fixed.affiliation else "")
    if fixed.topics:
        text += " om " + "; ".join(fixed.topics)
    return with_changes(fixed, text=text)

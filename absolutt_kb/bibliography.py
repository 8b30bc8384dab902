"""Literature as citations: APA 7 for copying, RIS, BibTeX and CSV for reference managers.

Each export is written from the ``Work``'s fields, never from the citation's
wording: a chapter is ``@incollection``/``CHAP`` with its book and editors, an
article ``@article``/``JOUR`` with its journal, a white paper or NOU a report
numbered in its series with its ministry as author, an organisation an author
BibTeX will not split into given name and surname.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from absolutt_kb.records import Work, with_changes

# Only for works from an index built before references were parsed into types.
_REPORT = re.compile(r"\b(meld\.?\s*st|nou|rapport|report|sluttrapport|evaluering)\b", re.IGNORECASE)
_JOURNAL = re.compile(r"\b(tidsskrift|journal)\b|\d+\s*\(\d+\)", re.IGNORECASE)
_THESIS = re.compile(r"\b(ph\.?\s*d|avhandling|masteroppgave|doktorgrad)", re.IGNORECASE)
# Such an index gave a white paper its series and number as author: "Meld. St. 19", "NOU", "St.meld. nr. 35".
_SERIES_AS_AUTHOR = re.compile(r"^(?P<series>Meld\. St\.|NOU|St\.\s?meld\.|Ot\.\s?prp\.|Prop\.|Inn?st\.)\s*(?P<number>.*)$")

TYPE_LABELS = {
    "book": "bok",
    "chapter": "kapittel",
    "article": "artikkel",
    "report": "rapport",
    "official": "offentlig dokument",
    "thesis": "avhandling",
}
_RIS_TYPES = {"book": "BOOK", "chapter": "CHAP", "article": "JOUR", "report": "RPRT", "official": "RPRT", "thesis": "THES"}
_BIBTEX_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "article": "article",
    "report": "techreport",
    "official": "techreport",
    "thesis": "phdthesis",
}


def work_type(work: Work) -> str:
    """The work's type, one of ``records.PUBLICATION_TYPES``.

    A work from an index built before references were parsed into types is
    judged from its citation's wording.
    """
    if work.publication_type:
        return work.publication_type
    text = f"{work.title} {work.citation}"
    if _THESIS.search(text):
        return "thesis"
    if _JOURNAL.search(text):
        return "article"
    if _REPORT.search(text):
        return "report"
    return "book"


def exported(work: Work) -> Work:
    """The work as the exports write it: one from an index built before references were parsed into
    parts, whose "author" is a white paper's series and number, is that white paper with no author."""
    match = _SERIES_AS_AUTHOR.match(work.authors[0]) if work.authors and not work.publication_type else None
    if not match:
        return work
    return with_changes(work, authors=work.authors[1:], publication_type="official",
                        document_type=match.group("series"), number=match.group("number"))


def export_stem(search: str = "", theme: str = "") -> str:
    """The name (without extension) an export of these works is saved under.

    Args:
        search: The words the list was searched with.
        theme: The label of the theme it was narrowed to.

    Returns:
        "litteratur-" and a safe ASCII slug of the search and theme ("litteratur-leiing-i-skulen"),
        or "litteratur" when the list is not narrowed.
    """
    words = " ".join(part for part in (search.strip(), theme.strip()) if part)
    words = words.replace("æ", "ae").replace("Æ", "Ae").replace("ø", "o").replace("Ø", "O")
    words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:60].rstrip("-")
    return f"litteratur-{slug}" if slug else "litteratur"


# APA ---------------------------------------------------------------------------------------------


def _author_list(authors: tuple[str, ...], et_al: bool) -> str:
    if not authors:
        return ""
    if len(authors) == 1:
        names = authors[0]
    else:
        names = ", ".join(authors[:-1]) + ", & " + authors[-1]
    return names + (" mfl." if et_al else "")


def _given_first(name: str) -> str:
    """ "Langfeldt, G." as an editor is named in APA: "G. Langfeldt"."""
    surname, _, given = name.partition(", ")
    return f"{given} {surname}" if given else name


def _editor_list(editors: tuple[str, ...]) -> str:
    names = [_given_first(e) for e in editors]
    if len(names) <= 2:
        return " & ".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _sentence(text: str) -> str:
    text = _one_line(text).rstrip(".")
    return text if text.endswith(("?", "!")) else f"{text}."


def apa(work: Work) -> str:
    """The work as an APA 7 reference (plain text, titles not italicised).

    A white paper or NOU starts with its series and number, as Norwegian APA
    cites them. Falls back to the citation as written in the source when the
    work has nothing to start with or no year.
    """
    work = exported(work)
    kind = work_type(work)
    if kind == "official" and work.number:
        lead = f"{work.report_number}."
    elif work.authors:
        lead = _author_list(work.authors, work.et_al) + (" (Red.)." if work.editors else "")
    else:
        lead = ""
    if not lead or not work.year:
        return " ".join(work.citation.split()) or work.title
    title = _one_line(work.title).rstrip(".")
    if kind == "chapter" and work.container:
        editors = f"{_editor_list(work.container_editors)} (Red.), " if work.container_editors else ""
        pages = f" (s. {work.pages})" if work.pages else ""
        body = f"{_sentence(title)} I {editors}{_one_line(work.container).rstrip('.')}{pages}."
    elif kind == "article" and work.journal:
        numbers = work.volume + (f"({work.issue})" if work.issue else "")
        body = _sentence(title) + " " + ", ".join(p for p in (work.journal, numbers, work.pages) if p) + "."
    elif kind == "thesis" and work.document_type:
        body = f"{title} [{work.document_type}]."
    elif kind == "report" and work.number:
        body = f"{title} ({work.report_number})."
    else:
        body = _sentence(title)
    parts = [f"{lead} ({work.year}).", body]
    if work.publisher and kind != "article":
        parts.append(_sentence(work.publisher))
    return " ".join(parts)


# RIS ---------------------------------------------------------------------------------------------


def _ris_rows(work: Work) -> list[tuple[str, str]]:
    """(tag, value) for one work, in RIS order; empty values are left out by the caller."""
    work = exported(work)
    kind = work_type(work)
    rows = [("TY", _RIS_TYPES[kind])]
    rows += [("ED" if work.editors and kind == "book" else "AU", a) for a in work.authors]
    rows += [("ED", e) for e in (work.container_editors if kind == "chapter" else ())]
    rows.append(("TI", work.title))
    if kind == "chapter":
        rows.append(("T2", work.container))
    if kind == "article":
        rows += [("T2", work.journal), ("JO", work.journal), ("VL", work.volume), ("IS", work.issue)]
    first, _, last = work.pages.partition("–")
    rows += [("SP", first), ("EP", last), ("PY", str(work.year or "")), ("PB", work.publisher), ("CY", work.place)]
    if kind in ("report", "official", "thesis"):
        rows += [("M3", work.document_type), ("SN", work.number)]
    rows += [("UR", work.url), ("N1", work.citation)]
    return rows


def to_ris(works: list[Work]) -> str:
    """The works as an RIS file (EndNote, Zotero, Mendeley).

    Editors are ``ED`` (never ``AU``), a chapter's book and an article's
    journal ``T2`` (the journal also ``JO``), a report's series ``M3`` and its
    number ``SN``; an organisation is written without a comma, so it is read
    as one name.
    """
    lines: list[str] = []
    for work in works:
        lines += [f"{tag}  - {_one_line(value)}" for tag, value in _ris_rows(work) if _one_line(value)]
        lines += ["ER  - ", ""]
    return "\n".join(lines)


# BibTeX ------------------------------------------------------------------------------------------


def _escaped(text: str) -> str:
    """Text safe inside a BibTeX value: LaTeX's special characters escaped."""
    text = _one_line(text)
    text = re.sub(r"([\\{}&%$#_^~])", lambda m: "\\textbackslash{}" if m.group(1) == "\\" else "\\" + m.group(1), text)
    return text


def _protected_title(text: str) -> str:
    """A title with its capitals kept: styles that lower-case titles leave "{OECD}" and "{KS}" alone."""
    return re.sub(r"(?<![\\\w])([A-ZÆØÅ]{2,}[\wÆØÅæøå-]*)", r"{\1}", _escaped(text))


def _bibtex_names(work: Work, names: tuple[str, ...]) -> str:
    """Names joined by "and"; an organisation in braces so BibTeX takes it as one name ("{Utdanningsdirektoratet}")."""
    return " and ".join("{" + _escaped(n) + "}" if work.is_corporate(n) else _escaped(n) for n in names)


def _key(work: Work, taken: set[str]) -> str:
    first = re.split(r"[,(]", work.lead)[0] if work.lead else work.title.split()[0] if work.title else "verk"
    ascii_name = unicodedata.normalize("NFKD", first.replace("ø", "o").replace("Ø", "O").replace("æ", "ae"))
    base = re.sub(r"[^A-Za-z0-9]", "", ascii_name.encode("ascii", "ignore").decode()).lower() or "verk"
    base += str(work.year or "")
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2)}" if n <= 27 else f"{base}-{n}"
    taken.add(key)
    return key


def _bibtex_fields(work: Work, kind: str) -> list[tuple[str, str]]:
    """(field, value as BibTeX writes it, without the outer braces) for one work; empty values left out."""
    names = _bibtex_names(work, work.authors)
    fields = [("editor" if work.editors and kind == "book" else "author", names), ("title", _protected_title(work.title))]
    if kind == "chapter":
        fields += [("booktitle", _protected_title(work.container)), ("editor", _bibtex_names(work, work.container_editors))]
    if kind == "article":
        fields += [("journal", _escaped(work.journal)), ("volume", _escaped(work.volume)), ("number", _escaped(work.issue))]
    if kind in ("chapter", "article"):
        fields.append(("pages", _escaped(work.pages).replace("–", "--")))
    fields.append(("year", str(work.year or "")))
    if kind in ("report", "official"):
        fields += [("institution", _escaped(work.publisher)), ("type", _escaped(work.document_type or "Rapport")),
                   ("number", _escaped(work.number))]
    elif kind == "thesis":
        fields += [("school", _escaped(work.publisher)), ("type", _escaped(work.document_type))]
    elif kind != "article":
        fields.append(("publisher", _escaped(work.publisher)))
    if kind != "article":
        fields.append(("address", _escaped(work.place)))
    fields += [("url", _escaped(work.url)), ("annote", _escaped(work.citation))]
    return [(name, value) for name, value in fields if value]


def to_bibtex(works: list[Work]) -> str:
    """The works as BibTeX entries (UTF-8; use biber or a UTF-8 BibTeX).

    The citation as the source wrote it goes in ``annote``, which styles do not print.
    """
    taken: set[str] = set()
    entries = []
    for work in map(exported, works):
        kind = work_type(work)
        entry_type = _BIBTEX_TYPES[kind]
        if kind == "thesis" and re.search(r"master|hoved|hovud", work.document_type, re.IGNORECASE):
            entry_type = "mastersthesis"
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in _bibtex_fields(work, kind))
        entries.append(f"@{entry_type}{{{_key(work, taken)},\n{body}\n}}\n")
    return "\n".join(entries)


# CSV ---------------------------------------------------------------------------------------------


def to_csv(works: list[Work]) -> str:
    """The works as CSV with a header row (opens in Excel with UTF-8 BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        "forfattere", "år", "tittel", "type", "i (bok eller tidsskrift)", "redaktører", "årgang", "hefte", "sider",
        "nummer", "forlag eller institusjon", "sted", "APA", "kilde",
    ])
    for work in map(exported, works):
        kind = work_type(work)
        writer.writerow([
            "; ".join(work.authors), work.year or "", work.title, TYPE_LABELS[kind], work.container or work.journal,
            "; ".join(work.container_editors or (work.authors if work.editors else ())), work.volume, work.issue,
            work.pages, work.report_number, work.publisher, work.place, apa(work), work.source.document,
        ])
    return "\ufeff" + out.getvalue()


def _one_line(text: str) -> str:
    return " ".join((text or "").split())

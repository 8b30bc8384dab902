"""Literature as citations: APA 7 for copying, RIS, BibTeX and CSV for reference managers."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from absolutt_kb.records import Work

_REPORT = re.compile(r"\b(meld\.?\s*st|nou|rapport|report|sluttrapport|evaluering)\b", re.IGNORECASE)
_JOURNAL = re.compile(r"\b(tidsskrift|journal)\b|\d+\s*\(\d+\)", re.IGNORECASE)
_THESIS = re.compile(r"\b(ph\.?\s*d|avhandling|masteroppgave|doktorgrad)", re.IGNORECASE)


def work_type(work: Work) -> str:
    """"book", "report", "article" or "thesis", judged from the citation's wording."""
    text = f"{work.title} {work.citation}"
    if _THESIS.search(text):
        return "thesis"
    if _JOURNAL.search(text):
        return "article"
    if _REPORT.search(text):
        return "report"
    return "book"


def _author_list(authors: tuple[str, ...], et_al: bool) -> str:
    if not authors:
        return ""
    if len(authors) == 1:
        names = authors[0]
    else:
        names = ", ".join(authors[:-1]) + ", & " + authors[-1]
    return names + (" mfl." if et_al else "")


def apa(work: Work) -> str:
    """The work as an APA 7 reference (plain text, title not italicised).

    Falls back to the citation as written in the source when the work has no
    authors or year to build from.
    """
    if not work.authors or not work.year:
        return " ".join(work.citation.split()) or work.title
    authors = _author_list(work.authors, work.et_al)
    if work.editors:
        authors += " (Red.)."
    title = _one_line(work.title).rstrip(".")
    parts = [f"{authors} ({work.year}).", title if title.endswith(("?", "!")) else f"{title}."]
    if work.publisher:
        parts.append(f"{_one_line(work.publisher).rstrip('.')}.")
    return " ".join(parts)


def _key(work: Work, taken: set[str]) -> str:
    first = work.authors[0].split(",")[0] if work.authors else work.title.split()[0] if work.title else "verk"
    ascii_name = unicodedata.normalize("NFKD", first.replace("ø", "o").replace("Ø", "O").replace("æ", "ae"))
    base = re.sub(r"[^A-Za-z0-9]", "", ascii_name.encode("ascii", "ignore").decode()).lower() or "verk"
    base += str(work.year or "")
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2)}" if n <= 27 else f"{base}-{n}"
    taken.add(key)
    return key


_RIS_TYPES = {"book": "BOOK", "report": "RPRT", "article": "JOUR", "thesis": "THES"}
_BIBTEX_TYPES = {"book": "book", "report": "techreport", "article": "article", "thesis": "phdthesis"}


def to_ris(works: list[Work]) -> str:
    """The works as an RIS file (EndNote, Zotero, Mendeley)."""
    lines: list[str] = []
    for work in works:
        lines.append(f"TY  - {_RIS_TYPES[work_type(work)]}")
        lines += [f"AU  - {a}" for a in work.authors]
        lines.append(f"TI  - {_one_line(work.title)}")
        if work.year:
            lines.append(f"PY  - {work.year}")
        if work.publisher:
            lines.append(f"PB  - {_one_line(work.publisher)}")
        if work.place:
            lines.append(f"CY  - {_one_line(work.place)}")
        lines.append(f"N1  - {_one_line(work.citation)}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


def _bibtex_value(text: str) -> str:
    text = _one_line(text).replace("\\", "\\textbackslash{}")
    text = re.sub(r"([{}&%$#_^~])", r"\\\1", text)
    return "{" + text + "}"


def to_bibtex(works: list[Work]) -> str:
    """The works as BibTeX entries (UTF-8; use biber or a UTF-8 BibTeX)."""
    taken: set[str] = set()
    entries = []
    for work in works:
        kind = work_type(work)
        fields = {
            "author" if not work.editors else "editor": " and ".join(work.authors),
            "title": work.title,
            "year": str(work.year or ""),
            "institution" if kind == "report" else "school" if kind == "thesis" else "publisher": work.publisher,
            "address": work.place,
            "note": work.citation,
        }
        body = ",\n".join(f"  {name} = {_bibtex_value(value)}" for name, value in fields.items() if value)
        entries.append(f"@{_BIBTEX_TYPES[kind]}{{{_key(work, taken)},\n{body}\n}}\n")
    return "\n".join(entries)


def to_csv(works: list[Work]) -> str:
    """The works as CSV with a header row (opens in Excel with UTF-8 BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["forfattere", "år", "tittel", "forlag", "sted", "type", "APA", "kilde"])
    for work in works:
        writer.writerow([
            "; ".join(work.authors), work.year or "", work.title, work.publisher, work.place,
            work_type(work), apa(work), work.source.document,
        ])
    return "\ufeff" + out.getvalue()


def _one_line(text: str) -> str:
    return " ".join((text or "").split())

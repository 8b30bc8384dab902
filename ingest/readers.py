"""Readers: a file on disk becomes a ``Doc`` of layout blocks (``ingest.doc``).

One reader per format (.txt, .md, .pdf, .docx). The format is checked by the
file's content, not only its name, and a file that cannot be read raises
``UnreadableDocument`` with a reason a user can act on.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections import Counter
from pathlib import Path

from ingest.doc import Doc
from ingest.layout import Block, Line, build_blocks, clean_line, row_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
MAX_PAGES = 1000  # a PDF with more pages is refused (the programme's longest reports have ~100)
MAX_CHARS = 5_000_000  # extracted characters a document may give (~2,500 pages of prose)
MAX_TEXT_BYTES = 4 * MAX_CHARS  # a text file larger than this is refused before it is read
MAX_UNZIPPED_BYTES = 200 * 2**20  # a DOCX that unpacks to more is a decompression bomb
MAX_ZIP_RATIO = 200  # ... as is one whose parts unpack to more than 200 times their packed size


class UnreadableDocument(Exception):
    """A document that cannot be read; the message says why, in Norwegian."""


def _one_byte_at_a_time(error: UnicodeDecodeError) -> tuple[str, int]:
    """A byte that is not UTF-8 is read as Windows-1252 on its own; the rest of the file stays UTF-8."""
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        return "", error.start + 1  # undefined in Windows-1252 too: dropped


codecs.register_error("absolutt-kb-cp1252-byte", _one_byte_at_a_time)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Decode bytes as UTF-8, reading each byte that is not UTF-8 as Windows-1252, and drop control characters.

    A Latin-1/Windows-1252 file comes out right (each of its non-ASCII bytes is such a byte), and one stray
    byte in a UTF-8 file costs only that byte, not every æ, ø and å of the file.

    Args:
        data: Raw file content.

    Returns:
        The decoded text (a UTF-8 byte-order mark is dropped).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")  # a truncated last code unit must not stop the file
    else:
        text = data.decode("utf-8", errors="absolutt-kb-cp1252-byte")
    return _CONTROL.sub("", text)


def sniff_format(path: Path, head: bytes) -> str:
    """Decide the format from the content, with the suffix as a tie-breaker."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".docx" or suffix not in SUPPORTED_SUFFIXES:
            return "docx"
        raise UnreadableDocument(f"Filen heter {suffix}, men innholdet er et ZIP-arkiv (kanskje en DOCX).")
    if suffix in (".pdf", ".docx"):
        raise UnreadableDocument(f"Filen heter {suffix}, men innholdet er ikke {suffix[1:].upper()}.")
    start = head[:4096].decode("utf-8", "ignore")
    if _HTML_HEAD.match(start[:1024]):
        return "html"
    # A page saved without "<!doctype html>" or "<html>" is still HTML when its markup says so: any element in an
    # .html file, and several in a .txt (Markdown may hold a tag or two and stays Markdown).
    tags = len(_HTML_TAG.findall(start))
    if (suffix in (".html", ".htm") and tags) or (suffix == ".txt" and tags >= 5):
        return "html"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableDocument("Filen ser ut til å være binær, ikke tekst.")
    return "md" if suffix == ".md" else "txt"


def read_document(path: Path, name: str | None = None) -> Doc:
    """Read one file into a ``Doc`` of layout blocks, with its written standard.

    Args:
        path: The file.
        name: Its name in the corpus (defaults to the file name).

    Returns:
        The document.

    Raises:
        UnreadableDocument: The file is empty, of an unsupported type or damaged.
    """
    name = name or path.name
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableDocument(
            f"Filtypen {path.suffix or '(ingen)'} støttes ikke (bruk PDF, DOCX, HTML, TXT eller MD)."
        )
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        raise UnreadableDocument("Filen er tom.")
    fmt = sniff_format(path, head)
    if fmt == "pdf":
        lines = _pdf_lines(path)
    elif fmt == "html":
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise UnreadableDocument(f"HTML-filen er for stor ({path.stat().st_size / 2**20:.0f} MB).")
        blocks = _html_blocks(decode_text(path.read_bytes()))
        _check_chars(sum(len(b.text) for b in blocks))
        if not blocks:
            raise UnreadableDocument("Fant ingen hovedtekst på nettsiden (bare menyer eller tom side).")
        return Doc.read(name, "html", tuple(blocks))
    elif fmt == "docx":
        _check_zip(path)
        blocks = _docx_blocks(path)
        _check_chars(sum(len(b.text) for b in blocks))
        return Doc.read(name, "docx", tuple(blocks))
    else:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise UnreadableDocument(
                f"Tekstfilen er for stor ({path.stat().st_size / 2**20:.0f} MB; grensen er {MAX_TEXT_BYTES // 2**20} MB). "
                "Del den opp i mindre dokumenter."
            )
        text = decode_text(path.read_bytes())
        _check_chars(len(text))
        lines = [Line(t, f"linje {i}") for i, t in enumerate(text.splitlines(), start=1)]
    blocks = build_blocks(lines, markdown=fmt == "md", loose=fmt == "pdf")
    if not any(b.text.strip() for b in blocks):
        raise UnreadableDocument("Fant ingen tekst i dokumentet (kanskje et skannet bilde uten tekstlag).")
    return Doc.read(name, fmt, tuple(blocks))


def _check_chars(count: int) -> None:
    if count > MAX_CHARS:
        raise UnreadableDocument(
            f"Dokumentet gir for mye tekst ({count:,} tegn; grensen er {MAX_CHARS:,}). Del det opp i mindre dokumenter.".replace(",", " ")
        )


def _check_zip(path: Path) -> None:
    """Refuse a ZIP (DOCX) that would unpack to far more than it holds: a decompression bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(f"DOCX-filen er skadet og kan ikke leses ({type(exc).__name__}).") from exc
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNZIPPED_BYTES or unpacked / packed > MAX_ZIP_RATIO:
        raise UnreadableDocument(
            f"DOCX-filen pakker seg ut til {unpacked / 2**20:.0f} MB fra {packed / 2**20:.1f} MB; "
            "det ligner en dekomprimeringsbombe og leses ikke."
        )


# --- PDF -----------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:side|page|s\.)?\s*\d{1,4}(?:\s*(?:av|of|/)\s*\d{1,4})?$", re.IGNORECASE)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _pdf_lines(path: Path) -> list[Line]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:
                raise UnreadableDocument(f"PDF-en er kryptert og kan ikke åpnes ({exc}).") from exc
            if not ok:
                raise UnreadableDocument("PDF-en er passordbeskyttet; lagre den uten passord og last opp igjen.")
        if len(reader.pages) > MAX_PAGES:
            raise UnreadableDocument(f"PDF-en har {len(reader.pages)} sider; grensen er {MAX_PAGES}. Del den opp.")
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            _check_chars(sum(map(len, pages)))
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise UnreadableDocument(f"PDF-en er skadet og kan ikke leses ({type(exc).__name__}).") from exc
    except MemoryError:
        raise
    except Exception as exc:
        raise UnreadableDocument(f"PDF-en er skadet eller for komplisert og kan ikke leses ({type(exc).__name__}).") from exc

    page_lines = [[ln for ln in page.splitlines()] for page in pages]
    furniture = _running_furniture(page_lines)
    out: list[Line] = []
    for number, lines in enumerate(page_lines, start=1):
        for ln in lines:
            stripped = ln.strip()
            if not stripped:
                out.append(Line("", f"side {number}"))
                continue
            if _PAGE_NUMBER.match(stripped) or _shape(stripped) in furniture:
                continue
            out.append(Line(ln, f"side {number}"))
    return out


def _running_furniture(page_lines: list[list[str]]) -> set[str]:
    """Lines repeated at the top or bottom of many pages: headers and footers."""
    if len(page_lines) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        content = [ln for ln in lines if ln.strip()]
        edge = content[:2] + content[-2:]
        counts.update({_shape(ln) for ln in edge})
    threshold = max(2, int(len(page_lines) * 0.5 + 0.5))
    return {shape for shape, n in counts.items() if n >= threshold and len(shape) < 120}


# --- HTML ----------------------------------------------------------------

_HTML_TAG = re.compile(
    r"<(?:meta|title|div|p|span|h[1-6]|table|tr|td|ul|ol|li|a|br|img|section|article|main|nav|header|footer|script|"
    r"style|link|body|head|strong|em)(?:\s[^>]*)?/?>", re.IGNORECASE)
_HTML_HEAD = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def _html_blocks(html: str) -> list[Block]:
    """The main text of a saved web page (menus, footers and cookie notes left out by trafilatura)."""
    import trafilatura
    from lxml import etree

    try:
        xml = trafilatura.extract(
            html, output_format="xml", include_tables=True, include_comments=False, include_formatting=False,
            favor_recall=True,
        )
    except Exception as exc:
        raise UnreadableDocument(f"Nettsiden kan ikke leses ({type(exc).__name__}).") from exc
    if not xml:
        return []
    root = etree.fromstring(xml.encode("utf-8"))
    blocks: list[Block] = []
    tables = 0

    def text_of(node) -> str:
        return clean_line(" ".join("".join(node.itertext()).split()))

    for n, node in enumerate(root.iter("head", "p", "item", "table", "quote"), start=1):
        if any(a.tag in ("table", "item") for a in node.iterancestors()) and node.tag != "item":
            continue  # read with its table or list item
        loc = f"avsnitt {n}"
        if node.tag == "table":
            tables += 1
            rows = [[text_of(c) for c in row.iter("cell")] for row in node.iter("row")]
            header = tuple(rows[0]) if rows and all(c.get("role") == "head" for c in node.find("row").iter("cell")) else ()
            for r, cells in enumerate(rows[1:] if header else rows, start=2 if header else 1):
                if any(cells):
                    blocks.append(Block(text=row_text([c for c in cells if c]), kind="row", level=0,
                                        locator=f"tabell {tables}, rad {r}", cells=tuple(cells), header=header))
            continue
        text = text_of(node)
        if not text:
            continue
        if node.tag == "head":
            level = int((node.get("rend") or "h2")[1:] or 2) if (node.get("rend") or "").startswith("h") else 2
            blocks.append(Block(text=text, kind="heading", level=min(level, 6), locator=loc))
        elif node.tag == "item":
            blocks.append(Block(text=text, kind="item", level=0, locator=loc))
        else:
            blocks.extend(build_blocks([Line(part, loc) for part in text.split("\n")] + [Line("", loc)], headings=False))
    return blocks


# --- DOCX ----------------------------------------------------------------


def _docx_blocks(path: Path) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as zf:
            if "word/document.xml" not in zf.namelist():
                raise UnreadableDocument("DOCX-filen mangler hoveddokumentet (word/document.xml).")
        document = docx.Document(str(path))
    except UnreadableDocument:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise UnreadableDocument(f"DOCX-filen er skadet og kan ikke leses ({type(exc).__name__}).") from exc
    except Exception as exc:
        raise UnreadableDocument(f"DOCX-filen kan ikke leses ({type(exc).__name__}).") from exc

    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[Block] = []
    paragraph_no = 0
    table_no = 0
    loose: list[Line] = []

    def flush_loose(*, headings: bool = True) -> None:
        if loose:
            blocks.extend(build_blocks(list(loose), headings=headings))
            loose.clear()

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraph_no += 1
            loc = f"avsnitt {paragraph_no}"
            text = item.text.strip()
            style = (item.style.name if item.style is not None else "") or ""
            level = _docx_heading_level(style)
            if level and text:
                flush_loose()
                blocks.append(Block(text=re.sub(r"\s+", " ", text), kind="heading", level=level, locator=loc))
            elif text and ("caption" in style.lower() or style.lower() in ("bildetekst", "figurtekst")):
                flush_loose()
                blocks.append(Block(text=re.sub(r"\s+", " ", text), kind="caption", level=0, locator=loc))
            elif text and _docx_is_list(item, style):
                flush_loose()
                blocks.append(Block(text=re.sub(r"\s+", " ", text), kind="item", level=0, locator=loc))
            else:
                for part in item.text.split("\n"):
                    loose.append(Line(part, loc))
                loose.append(Line("", loc))
        elif isinstance(item, Table):
            table_no += 1
            flush_loose()
            blocks.extend(_table_blocks(item, table_no))
    flush_loose()
    return blocks


def _table_blocks(table, table_no: int) -> list[Block]:
    """One block per table row, with its cells; a first row of short labels is the header."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            lines = (clean_line(line) for line in cell.text.splitlines())
            cells.append("\n".join(line for line in lines if line))  # a cell's lines are layout too
        rows.append(cells)
    header: tuple[str, ...] = ()
    if len(rows) >= 2 and all(len(c.split()) <= 5 and not re.search(r"\d", c) for c in rows[0]) and any(rows[0]):
        header = tuple(rows[0])
        rows = rows[1:]
    blocks = []
    for row_no, cells in enumerate(rows, start=2 if header else 1):
        filled = [c for c in cells if c]
        if filled:
            blocks.append(
                Block(text=row_text(filled), kind="row", level=0, locator=f"tabell {table_no}, rad {row_no}",
                      cells=tuple(cells), header=header)
            )
    return blocks


def _docx_heading_level(style: str) -> int:
    lowered = style.lower()
    if lowered in ("title", "tittel"):
        return 1
    match = re.match(r"(?:heading|overskrift)\s*(\d)", lowered)
    return int(match.group(1)) if match else 0


def _docx_is_list(paragraph, style: str) -> bool:
    if "list" in style.lower() or "liste" in style.lower():
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None

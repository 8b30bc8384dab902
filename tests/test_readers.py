"""Readers decode what people actually have and refuse what they cannot read, with a reason."""

from __future__ import annotations

import pytest

from ingest.readers import UnreadableDocument, decode_text, read_document


def test_latin1_and_windows1252_text_is_decoded_not_rejected(tmp_path):
    path = tmp_path / "brev.txt"
    path.write_bytes("Påmelding til samlingen – spørsmål til Kåre Ødegård.\n".encode("cp1252"))
    doc = read_document(path)
    assert doc.blocks[0].text == "Påmelding til samlingen – spørsmål til Kåre Ødegård."
    assert decode_text("Læring".encode("latin-1")) == "Læring"


def test_empty_file_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "tom.txt"
    path.write_bytes(b"")
    with pytest.raises(UnreadableDocument, match="tom"):
        read_document(path)


def test_random_bytes_named_pdf_are_refused_by_content(tmp_path):
    path = tmp_path / "falsk.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(UnreadableDocument, match="ikke PDF"):
        read_document(path)


def test_unsupported_type_is_refused(tmp_path):
    path = tmp_path / "tabell.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnreadableDocument, match="støttes ikke"):
        read_document(path)


def test_justified_double_spaces_are_collapsed_and_hyphenation_rejoined(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Barn  og  unge  skal  oppleve  mestring  og  trygghet  i  barne-\nhagen hver eneste dag.\n")
    (block,) = read_document(path).blocks
    assert block.text == "Barn og unge skal oppleve mestring og trygghet i barnehagen hver eneste dag."


def test_a_saved_page_without_doctype_or_html_start_is_read_as_html_not_markup(tmp_path):
    page = tmp_path / "samling.html"
    page.write_text('<meta charset="utf-8"><title>Samling</title>\n<div><h1>Samling om skolemiljø</h1>'
                    "<p>Kari Nordvik, KS Agder, snakker om skolemiljø og elevråd i Fjelldal kommune.</p></div>\n",
                    encoding="utf-8")
    doc = read_document(page)
    text = " ".join(b.text for b in doc.blocks)
    assert doc.format == "html" and "Kari Nordvik" in text and "<" not in text and "charset" not in text

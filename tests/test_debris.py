"""Converter debris is removed from every block at reading time, whatever the format."""

from __future__ import annotations

import pytest

from ingest.debris import clean


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("[image: ]VELKOMMEN TIL SAMLING", "VELKOMMEN TIL SAMLING"),
        ("[Image: logo KS]Program for dagen", "Program for dagen"),
        ("Logo ![KS](media/image1.png) og tekst", "Logo og tekst"),
        ('Figur{width="3.2in" height="2in"} viser resultatene', "Figur viser resultatene"),
        ("Se [cid:image001.png@01D9A2B3.4C5D6E70] i vedlegget", "Se i vedlegget"),
        ("Tid&nbsp;og sted<br/>Gol kulturhus", "Tid og sted Gol kulturhus"),
        ("ABSOLUTT [bilde av barn som leker] samling", "ABSOLUTT samling"),
        ("[IMAGE]", ""),
        # what a person wrote stays as it was
        ("Kari Hansen [red.] og {a, b}", "Kari Hansen [red.] og {a, b}"),
        ("Ola & Kari holder innlegg", "Ola & Kari holder innlegg"),
        ("Les mer i [rapporten](https://ks.no/rapport)", "Les mer i [rapporten](https://ks.no/rapport)"),
        ("Elever < 16 år og > 12 år", "Elever < 16 år og > 12 år"),
    ],
)
def test_converter_debris_goes_and_written_text_stays(raw, shown):
    assert clean(raw) == shown


def test_a_docx_with_a_picture_and_a_placeholder_reads_clean(tmp_path):
    import base64

    import docx

    from ingest.readers import read_document

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    (tmp_path / "logo.png").write_bytes(png)
    document = docx.Document()
    document.add_picture(str(tmp_path / "logo.png"))
    document.add_paragraph("[image: ]VELKOMMEN TIL SAMLING I ABSOLUTT AGDER")
    document.add_paragraph("[image: KS-logo]")
    document.add_paragraph("Vi møtes på Scandic Kristiansand for å arbeide med roller og ansvar.")
    document.save(str(tmp_path / "invitasjon.docx"))
    doc = read_document(tmp_path / "invitasjon.docx")
    assert [b.text for b in doc.blocks] == [
        "VELKOMMEN TIL SAMLING I ABSOLUTT AGDER",
        "Vi møtes på Scandic Kristiansand for å arbeide med roller og ansvar.",
    ]

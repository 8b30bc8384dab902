"""Test documents in layouts the seed corpus does not have, written as real PDF and DOCX files."""

from __future__ import annotations

from pathlib import Path

PDF_PAGES = [
    [
        "Oppvekstkonferansen i Agder",
        "Program for fellessamling 12. mai 2026 i Kristiansand",
        "Ressurspersoner",
        "Mona Fjell, Universitetet i Agder, om psykisk helse i skolen og",
        "livsmestring for de yngste elevene",
        "Jonas Berg, KS Agder, om politisk styring av oppvekstfeltet",
        "Litteratur",
        "Fjell, M. og Berg, J. (2021). Livsmestring i skolen. En praktisk",
        "veileder. Oslo: Universitetsforlaget.",
    ],
    [
        "Eksempler fra kommunene",
        "Arendal kommune: Felles plan for overganger fra barnehage til skole",
        "Grimstad kommune: Ungdomsråd i alle utvalg",
        "Samlingen ledes av KS Agder ved Hanne Vik og Tor Lien.",
    ],
]


def write_pdf(path: Path, *, header: str = "KS Agder – Oppvekstkonferansen 2026") -> Path:
    """A two-page PDF with a running header, page numbers and wrapped lines."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # æøå and dashes with the built-in fonts
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(PDF_PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.text(20, 12, header)
        pdf.set_font("Helvetica", size=11)
        y = 30
        for line in lines:
            pdf.text(20, y, line)
            y += 8
        pdf.set_font("Helvetica", size=9)
        pdf.text(100, 285, str(number))
    pdf.output(str(path))
    return path


def write_docx(path: Path) -> Path:
    """A DOCX with heading styles, a list, and a programme table naming presenters."""
    import docx

    document = docx.Document()
    document.add_heading("Samling for Hallingdal 3. mars 2026", level=1)
    document.add_paragraph("Sted: Gol kulturhus")
    document.add_heading("Kunnskapsgrunnlag for oppveksten", level=2)
    document.add_paragraph("Dagen handler om hvordan kommunene bruker data om barn og unge i styringen.")
    table = document.add_table(rows=3, cols=2)
    rows = [
        ("09.00 – 09.30", "Velkommen ved ordføreren"),
        ("09.30 – 10.30", "Nes kommune presenterer sitt arbeid med ungdata i planarbeidet\nEva Moen og Nils Aas"),
        ("10.30 – 11.00", "Pause"),
    ]
    for row, (time, what) in zip(table.rows, rows):
        row.cells[0].text = time
        row.cells[1].text = what
    document.add_heading("Anbefalt lesning", level=2)
    for text in (
        "Moen, E. (2022). Ungdata som styringsverktøy. Oslo: Cappelen Damm.",
        "NOU 2023: 4. Med barnet i sentrum. Oslo: Departementenes sikkerhets- og serviceorganisasjon.",
    ):
        document.add_paragraph(text, style="List Bullet")
    document.add_heading("Tips fra deltakerne", level=2)
    for text in ("Del data med elevrådet", "Lag en felles tidsplan for planarbeidet"):
        document.add_paragraph(text, style="List Bullet")
    document.save(str(path))
    return path

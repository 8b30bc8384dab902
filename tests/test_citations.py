"""The citation parser, one row per shape of reference: what each field of the ``Work`` gets from it."""

from __future__ import annotations

import pytest

from ingest.citations import parse_citation

SHAPES = [
    pytest.param(
        "Dahl, T. & Ødegård, E. (2016). Profesjonsfellesskap i skolen. Bergen: Fagbokforlaget.",
        {"authors": ("Dahl, T.", "Ødegård, E."), "year": 2016, "title": "Profesjonsfellesskap i skolen",
         "place": "Bergen", "publisher": "Fagbokforlaget", "publication_type": "book", "corporate_authors": ()},
        id="apa-book",
    ),
    pytest.param(
        "Bae, B. (red.) (2012): Medvirkning i barnehagen – potensialer i det uforutsette. Bergen: Fagbokforlaget.",
        {"authors": ("Bae, B.",), "editors": True, "publication_type": "book",
         "title": "Medvirkning i barnehagen – potensialer i det uforutsette"},
        id="edited-book",
    ),
    pytest.param(
        "Utdanningsdirektoratet. (2017). Rammeplan for barnehagen. Oslo: Utdanningsdirektoratet.",
        {"authors": ("Utdanningsdirektoratet",), "corporate_authors": ("Utdanningsdirektoratet",), "year": 2017,
         "title": "Rammeplan for barnehagen"},
        id="corporate-author",
    ),
    pytest.param(
        "Ekspertgruppa om lærerrollen (2016). Om lærerrollen. Et kunnskapsgrunnlag. Bergen: Fagbokforlaget",
        {"authors": ("Ekspertgruppa om lærerrollen",), "corporate_authors": ("Ekspertgruppa om lærerrollen",)},
        id="corporate-author-of-words",
    ),
    pytest.param(
        "Hansen, K. (2019). Ledelse i praksis. I Berg, O. & Lie, S. (red.), Skolen i endring (s. 45–67). Oslo: Gyldendal.",
        {"title": "Ledelse i praksis", "publication_type": "chapter", "container": "Skolen i endring",
         "container_editors": ("Berg, O.", "Lie, S."), "pages": "45–67", "place": "Oslo", "publisher": "Gyldendal",
         "authors": ("Hansen, K.",)},
        id="chapter-apa6",
    ),
    pytest.param(
        "Nilsen, A. (2021). Tillit i skolen. I G. Langfeldt & E. Elstad (Red.), Ansvarlighet i skolen (s. 10–40). "
        "Cappelen Damm Akademisk.",
        {"title": "Tillit i skolen", "publication_type": "chapter", "container": "Ansvarlighet i skolen",
         "container_editors": ("Langfeldt, G.", "Elstad, E."), "pages": "10–40", "place": "",
         "publisher": "Cappelen Damm Akademisk"},
        id="chapter-apa7-initials-first",
    ),
    pytest.param(
        "Engeland, Ø. & Roald, K. (2008). Kommunalt handlingsrom. Hvordan forholder kommuner seg til ansvarsstyring? "
        "I Langfeldt, G., Elstad,E. & Hopmann, S. (red.). Ansvarlighet i skolen. Politiske spørsmål og pedagogiske svar. "
        "Oslo: Cappelen Akademisk",
        {"title": "Kommunalt handlingsrom. Hvordan forholder kommuner seg til ansvarsstyring?",
         "publication_type": "chapter",
         "container": "Ansvarlighet i skolen. Politiske spørsmål og pedagogiske svar",
         "container_editors": ("Langfeldt, G.", "Elstad, E.", "Hopmann, S."), "place": "Oslo",
         "publisher": "Cappelen Akademisk"},
        id="chapter-editors-then-full-stop",
    ),
    pytest.param(
        "Aase, L. (2005). Skolefagenes ulike formål. In L. Børhaug, A.-B. Fenner & L. Aase (eds.), "
        "Fagenes begrunnelser (pp. 15–28). Bergen: Fagbokforlaget.",
        {"publication_type": "chapter", "container": "Fagenes begrunnelser",
         "container_editors": ("Børhaug, L.", "Fenner, A.-B.", "Aase, L."), "pages": "15–28"},
        id="chapter-english",
    ),
    pytest.param(
        "Nodelman, Perry: «Barnelitteratur som sjanger». I: H. Bache-Wiig (red.): Veier til barneboka, 1997, s. 12 – 54.",
        {"authors": ("Nodelman, Perry",), "year": 1997, "title": "Barnelitteratur som sjanger",
         "publication_type": "chapter", "container": "Veier til barneboka", "container_editors": ("Bache-Wiig, H.",),
         "pages": "12–54"},
        id="chapter-reading-list",
    ),
    pytest.param(
        "Lie, S. (2018). Lesing i ungdomsskolen. Norsk pedagogisk tidsskrift, 102(3), 210–224.",
        {"title": "Lesing i ungdomsskolen", "publication_type": "article", "journal": "Norsk pedagogisk tidsskrift",
         "volume": "102", "issue": "3", "pages": "210–224", "publisher": ""},
        id="article-apa",
    ),
    pytest.param(
        "Lund, T. & Tiller, T. (2010). Dialogkonferansen som læringsarena. Tidsskriftet FoU i praksis, 4 (1), 47–64",
        {"title": "Dialogkonferansen som læringsarena", "journal": "Tidsskriftet FoU i praksis", "volume": "4",
         "issue": "1", "pages": "47–64"},
        id="article-spaced-issue",
    ),
    pytest.param(
        "Aukrust, V.G. og Rydland, V. (2009): Barnehagens kvalitet og skolefaglig læring: en kunnskapsoversikt. "
        "Norsk Pedagogisk Tidsskrift 3/2009.",
        {"publication_type": "article", "journal": "Norsk Pedagogisk Tidsskrift", "issue": "3", "volume": "",
         "title": "Barnehagens kvalitet og skolefaglig læring: en kunnskapsoversikt"},
        id="article-issue-of-year",
    ),
    pytest.param(
        "Baustad, A-G. (2012): Quality of care for toddlers. Nordisk Barnehageforskning, Vol 5, Nr 2.",
        {"publication_type": "article", "journal": "Nordisk Barnehageforskning", "volume": "5", "issue": "2"},
        id="article-vol-nr",
    ),
    pytest.param(
        "Alderson, C. and D. Wall (1993) «Does Washback exist?» In Applied Linguistics, 14.",
        {"authors": ("Alderson, C.", "Wall, D."), "publication_type": "article", "journal": "Applied Linguistics",
         "volume": "14", "title": "«Does Washback exist?»"},
        id="article-in-journal",
    ),
    pytest.param(
        "Markussen, E. (2015). Fra visjon til klasserom. Delrapport 2. NIFU-rapport 2015:27. Oslo: NIFU.",
        {"publication_type": "report", "document_type": "NIFU-rapport", "number": "2015:27",
         "title": "Fra visjon til klasserom. Delrapport 2", "place": "Oslo", "publisher": "NIFU"},
        id="report-numbered",
    ),
    pytest.param(
        "Arnesen, C.Å. (2012): Profesjonsutdannedes overgang fra utdanning til arbeid. Rapport 13/2012 NIFU.",
        {"publication_type": "report", "document_type": "Rapport", "number": "13/2012", "publisher": "NIFU",
         "title": "Profesjonsutdannedes overgang fra utdanning til arbeid"},
        id="report-number-then-institution",
    ),
    pytest.param(
        "Rambøll (2012): Evaluering av årlige tilstandsrapporter. Oslo: Rambøll.",
        {"publication_type": "report", "corporate_authors": ("Rambøll",), "number": ""},
        id="report-by-its-words",
    ),
    pytest.param(
        "Hognestad, K. (2016). Kunnskapsledelse i barnehagen. PH.D. avhandling. NTNU: Trondheim",
        {"publication_type": "thesis", "document_type": "Ph.d.-avhandling", "title": "Kunnskapsledelse i barnehagen",
         "publisher": "NTNU", "place": "Trondheim"},
        id="thesis-institution-before-town",
    ),
    pytest.param(
        "Berg, A. (2020). Elevmedvirkning i praksis [Masteroppgave]. Universitetet i Oslo.",
        {"publication_type": "thesis", "document_type": "Masteroppgave", "title": "Elevmedvirkning i praksis",
         "publisher": "Universitetet i Oslo"},
        id="thesis-apa7",
    ),
    pytest.param(
        "Meld. St. 19 (2015–2016). Tid for lek og læring – Bedre innhold i barnehagen. Oslo: Kunnskapsdepartementet",
        {"publication_type": "official", "document_type": "Meld. St.", "number": "19 (2015–2016)", "year": 2015,
         "authors": ("Kunnskapsdepartementet",), "corporate_authors": ("Kunnskapsdepartementet",),
         "title": "Tid for lek og læring – Bedre innhold i barnehagen", "lead": "Meld. St. 19 (2015–2016)"},
        id="white-paper",
    ),
    pytest.param(
        "Meld. St 28 (2015 – 2016): Fag – Fordypning – Forståelse.",
        {"publication_type": "official", "number": "28 (2015–2016)", "year": 2015, "authors": (),
         "title": "Fag – Fordypning – Forståelse"},
        id="white-paper-no-ministry",
    ),
    pytest.param(
        "NOU 8:2015: Fremtidens skole. Fornyelse av fag og kompetanser. Oslo: Kunnskapsdepartementet",
        {"publication_type": "official", "document_type": "NOU", "number": "2015: 8", "year": 2015,
         "authors": ("Kunnskapsdepartementet",), "title": "Fremtidens skole. Fornyelse av fag og kompetanser"},
        id="nou-number-first",
    ),
    pytest.param(
        "Barne-, likestillings- og inkluderingsdepartementet (2013) Meld. St. 6 (2012–2013) En helhetlig "
        "integreringspolitikk. Oslo: Barne-, likestillings- og inkluderingsdepartementet.",
        {"publication_type": "official", "number": "6 (2012–2013)", "year": 2013,
         "authors": ("Barne-, likestillings- og inkluderingsdepartementet",), "title": "En helhetlig integreringspolitikk"},
        id="ministry-then-white-paper",
    ),
    pytest.param(
        "Leithwood, K., Seashore-Louis, K., Anderson S. E., et al. (2010). Investigating the Links to Improved "
        "Student Learning: Les mer i Forskningsrapporten her",
        {"title": "Investigating the Links to Improved Student Learning", "et_al": True,
         "authors": ("Leithwood, K.", "Seashore-Louis, K.", "Anderson, S. E.")},
        id="link-text-left-by-a-web-page",
    ),
    pytest.param(
        "Udir (2019). Kvalitet i barnehagen. Last ned rapporten (PDF)",
        {"title": "Kvalitet i barnehagen"},
        id="link-text-and-pdf",
    ),
    pytest.param(
        "Leithwood, K. & Louis, K. S. (2011). Linking Leadership to Student Learning: Jossey-Bass",
        {"title": "Linking Leadership to Student Learning", "publisher": "Jossey-Bass", "place": ""},
        id="publisher-after-colon",
    ),
    pytest.param(
        "Bjørndal, Cato R.P. (2005) : Regi på klasserommets scene. Oslo, Cappelen Akademisk",
        {"authors": ("Bjørndal, Cato R.P.",), "title": "Regi på klasserommets scene", "place": "Oslo",
         "publisher": "Cappelen Akademisk"},
        id="place-comma-publisher",
    ),
    pytest.param(
        "OECD (2015). OECD Skills Strategy. Action report. Norway 2014. Paris: OECDDirectorate for education",
        {"title": "OECD Skills Strategy. Action report. Norway 2014", "journal": "",
         "publisher": "OECD Directorate for education", "corporate_authors": ("OECD",)},
        id="a-year-in-the-title-is-no-journal",
    ),
    pytest.param(
        "Kvam, L. (2020). Lek og læring. Oslo: Gyldendal. https://doi.org/10.1234/abc",
        {"title": "Lek og læring", "url": "https://doi.org/10.1234/abc", "publisher": "Gyldendal"},
        id="doi",
    ),
]


@pytest.mark.parametrize(("entry", "want"), SHAPES)
def test_a_reference_shape_gives_these_fields(entry, want):
    citation = parse_citation(entry)
    assert citation is not None
    got = {name: getattr(citation, name) for name in want}
    assert got == want

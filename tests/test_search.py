"""Search behaviour a user notices: names with typos, links, kinds asked for, the why-line."""

from __future__ import annotations

import pytest

from absolutt_kb.search import QueryError, Searcher


@pytest.fixture(scope="module")
def searcher(built_any, embedder):
    """Search over the fixture corpus, on the folder backend and on PostgreSQL."""
    return Searcher(built_any.index, embedder)


def test_misspelt_name_without_ae_oe_aa_finds_the_person_and_their_work(searcher):
    hits = searcher.search("Kari Nordvk", k=3)
    assert hits[0].record.name == "Kari Nordvik"
    assert "navnet ligner" in hits[0].why
    assert hits[1].record.kind == "literature" and hits[1].record.title == "Tidlig innsats i praksis"
    assert hits[1].record.id in hits[0].record.links


def test_a_who_question_lifts_people(searcher):
    hits = searcher.search("hvem kan snakke om foreldresamarbeid", k=3)
    assert {h.record.kind for h in hits[:2]} == {"person"}


def test_why_line_is_norwegian_and_names_words_and_theme(searcher):
    (hit,) = searcher.search("lærende nettverk", k=1, kind="literature")
    assert hit.why.startswith("Treff fordi:") and "nettverk" in hit.why and "tema " in hit.why


def test_unknown_kind_and_empty_query_are_refused_with_a_message(searcher):
    with pytest.raises(QueryError, match="Ukjent type"):
        searcher.search("skole", kind="bok")
    with pytest.raises(QueryError):
        searcher.search("")


def test_long_query_is_cut_not_refused(searcher):
    assert searcher.search("barnehage " * 400, k=2)


def test_theme_filter_keeps_only_records_of_that_theme(searcher):
    hits = searcher.search("barn og unge", k=5, theme="roller-og-ansvar")
    assert hits and all(h.record.themes[0].id == "roller-og-ansvar" for h in hits)


def test_compound_parts_are_indexed_beside_the_whole_word():
    from absolutt_kb.text import analyse, compound_parts
    from ingest.ocr import system_word_list

    if not system_word_list():
        pytest.skip("Debian's wnorwegian word list is not installed")
    assert compound_parts("skoleeierprogram") == ("skoleeier", "program")
    assert compound_parts("kulturskolen") == ("kultur", "skolen")
    assert set(analyse("program")) <= set(analyse("skoleeierprogram"))


def test_verbal_nouns_and_skap_nouns_meet_the_words_they_come_from():
    from absolutt_kb.text import analyse
    from ingest.ocr import system_word_list

    if not system_word_list():
        pytest.skip("Debian's wnorwegian word list is not installed")
    assert analyse("inkludering") == analyse("inkluderende")
    assert analyse("medvirkning") == analyse("medvirke")
    assert "eier" in analyse("eierskap")
    assert analyse("kunnskap") != analyse("kunne")  # "kunn" is not a word: kunnskap stays whole
    assert "ingen" not in " ".join(analyse("inkluderingen"))  # an ending, not the word "ingen"


def test_an_english_question_finds_the_norwegian_speaker(searcher):
    hits = searcher.search("Who can talk about leadership of learning networks?", k=3, mode="bm25")
    assert "Per Hansen" in [h.record.title for h in hits if h.record.kind == "person"]


def test_glossary_adds_norwegian_words_for_english_ones_only():
    from absolutt_kb.glossary import norwegian_equivalents
    from ingest.ocr import system_word_list

    assert "ledelse" in norwegian_equivalents("School Leadership").split()
    assert "barnehage" in norwegian_equivalents("kindergartens")
    if system_word_list():
        assert norwegian_equivalents("En plan for elevene i barnehagen") == ""


@pytest.mark.parametrize(
    ("question", "norwegian"),
    [
        ("which decisions did the municipalities take?", "avgjørelse"),  # not in the field's glossary
        ("documents about our resources", "ressurs"),
        ("who can talk about school leadership", "ledelse"),  # the glossary's own word comes first
    ],
)
def test_an_english_question_is_also_judged_by_a_general_dictionary(question, norwegian):
    # An English word the field's glossary lacks still meets the Norwegian word a hit uses, so a hit that has it
    # covers that part of the question and need not be hidden under «Fant ingen».
    from absolutt_kb.glossary import query_equivalents
    from absolutt_kb.relevance import query_topic
    from absolutt_kb.text import word_term
    from ingest.ocr import system_word_list

    if not system_word_list():
        pytest.skip("Debian's wnorwegian word list is not installed")
    assert norwegian in query_equivalents(question).split()
    topic = query_topic(question, lambda _t: 4.0, 6.0)
    assert any(word_term(norwegian) in c.terms for c in topic.concepts)
    assert query_equivalents("En plan for elevene i barnehagen") == ""  # Norwegian gains nothing


def test_a_cut_through_an_inflection_is_not_a_compound():
    from absolutt_kb.text import compound_parts
    from ingest.ocr import system_word_list

    if not system_word_list():
        pytest.skip("Debian's wnorwegian word list is not installed")
    assert compound_parts("eksisterte") == ()  # "eksis" + "terte" would be fragments
    assert compound_parts("styringsdokumentene") == ("styrings", "dokumentene")


def test_a_question_is_split_only_into_words_the_corpus_uses_on_their_own():
    from absolutt_kb.text import query_terms, word_term
    from ingest.ocr import system_word_list

    if not system_word_list():
        pytest.skip("Debian's wnorwegian word list is not installed")
    skole, fravaer, grunn = word_term("skole"), word_term("fravær"), word_term("grunn")
    assert query_terms("skolefravær", {skole, fravaer}) == [word_term("skolefravær"), skole, fravaer]
    assert query_terms("skolefravær", {skole}) == [word_term("skolefravær"), skole]
    assert query_terms("skolefravær") == [word_term("skolefravær")]  # a corpus without the parts: no split
    assert query_terms("grunnlegger", {grunn}) == [word_term("grunnlegger"), grunn]  # never the fragment "legg"


def test_question_words_are_stop_words_in_bokmal_nynorsk_and_english():
    from absolutt_kb.intent import wanted_kinds
    from absolutt_kb.text import query_terms

    for question in ("hva", "hvilket", "hvilke", "kva", "kven", "korleis", "who", "what", "which", "how"):
        assert query_terms(question) == [], question
    assert "person" in wanted_kinds("kven kan halde innlegg") and "person" in wanted_kinds("who knows")


def test_a_question_nothing_in_the_corpus_is_about_gets_no_answer(searcher):
    hits = searcher.search("hvem kan holde foredrag om tannhelse hos barn?", k=10)
    assert hits and not any(h.answer for h in hits)  # suggestions, none dressed up as an answer
    assert all(h.to_dict()["answer"] is False for h in hits)


def test_a_question_the_corpus_answers_has_its_answers_marked(searcher):
    hits = searcher.search("hvem kan snakke om foreldresamarbeid", k=5)
    assert hits[0].answer and hits[0].record.kind == "person" and 0.5 < hits[0].relevance <= 1


def test_suggestions_name_the_nearest_themes_people_and_documents(searcher):
    from absolutt_kb.suggestions import Suggester, nothing_found

    question = "hvem kan holde foredrag om tannhelse hos barn?"
    found = Suggester(searcher).suggest(question, searcher.search(question, k=10))
    assert len(found.themes) == 3 and len({t.id for t in found.themes}) == 3
    assert found.people and all(p.kind == "person" for p in found.people)
    assert found.documents
    assert nothing_found(question) == f"Fant ingen som handler om «{question}»."


def test_a_broken_calibration_file_gives_a_clear_message(tmp_path):
    from absolutt_kb.relevance import CalibrationError, load_calibration

    path = tmp_path / "relevance.json"
    path.write_text('{"features": ["coverage"], "weights": [1], "bias": 0, "threshold": 0.5}', encoding="utf-8")
    with pytest.raises(CalibrationError, match="Kalibreringsfila"):
        load_calibration(path)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("medverknad", "medvirkning"),
        ("skule", "skole"),
        ("kven", "hvem"),
        ("korleis", "hvordan"),
        ("eigar", "eier"),
        ("leiar", "leder"),
        ("medvirkning", "medverknad"),
        ("hvem", "kven"),
        ("skole", "skule"),
        ("elevmedverknad", "elevmedvirkning"),  # a compound by its known tail
        ("skuleeigar", "skoleeier"),
    ],
)
def test_a_word_has_its_counterpart_in_the_other_written_standard(word, expected):
    from absolutt_kb.standards import counterparts

    assert expected in counterparts(word)


def test_a_question_is_carried_toward_the_corpus_words_and_no_further():
    from absolutt_kb.standards import toward_corpus
    from absolutt_kb.text import word_term

    bokmal_corpus = {word_term(w): 5 for w in ("skole", "medvirkning", "sikrer", "hvem")}
    usage = lambda term: bokmal_corpus.get(term, 0)  # noqa: E731
    assert "skole" in toward_corpus("skule", usage)
    assert toward_corpus("skole", usage) == ()  # the corpus already says "skole"
    assert toward_corpus("sikrer", usage) == ()  # no dictionary alternative for a word the corpus uses
    assert toward_corpus("hvordan", usage) == ()  # a stop word is never searched, in either standard


def test_a_nynorsk_question_finds_the_bokmal_speaker(searcher):
    hits = searcher.search("kven kan halde innlegg om leiing av lærande nettverk?", k=5)
    assert hits[0].record.title == "Per Hansen" and hits[0].answer


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Kari Nordvk", [("nordvk", "kari")]),  # a misspelt surname, with the given name before it
        ("kari nordvk", [("nordvk", "")]),  # typed in lower case: the unknown word may be a name
        ("Hvilken klubb spiller Christian Eriksen for?", [("eriksen", "christian")]),  # "Christian" is a given name
        ("Hvem står bak Evil Corp?", [("corp", "evil")]),  # "står" is an ordinary word, not "Starr"
        ("hvem kan snakke om inkludering", []),
    ],
)
def test_a_name_in_a_question_is_its_surname_with_the_given_name_before_it(query, words):
    from absolutt_kb.search import _name_words

    assert _name_words(query) == words


def test_a_nynorsk_compound_is_covered_by_the_parts_of_its_bokmal_counterpart():
    from absolutt_kb.relevance import query_topic
    from absolutt_kb.text import word_term

    corpus = {word_term(w): 3 for w in ("elev", "medvirkning", "elevmedvirkning", "innlegg")}
    topic = query_topic("kven kan halde innlegg om elevmedverknad?", lambda t: 2.0 if t in corpus else None, 6.0,
                        lambda t: corpus.get(t, 0))
    concept = next(c for c in topic.concepts if c.word == "elevmedverknad")
    assert word_term("elevmedvirkning") in concept.terms
    assert {word_term("elev"), word_term("medvirkning")} <= concept.parts


@pytest.mark.parametrize(
    ("query", "everyday", "topical"),
    [
        ("kva seier forskinga om skuleeigaren si rolle?", "seier", "skuleeigaren"),  # Nynorsk "says"
        ("korleis gjer ein kvalitetsvurdering i praksis?", "gjer", "kvalitetsvurdering"),  # Nynorsk "does"
        ("hvordan får vi til samarbeid om forebyggende arbeid?", "får", "forebyggende"),
    ],
)
def test_an_everyday_word_the_corpus_happens_to_lack_does_not_decide_what_a_question_is_about(
    query, everyday, topical
):
    from absolutt_kb.relevance import query_topic

    rare = 6.0  # a corpus of a few hundred passages: every one of these words is as rare as can be
    topic = query_topic(query, lambda _t: rare, rare)
    weights = {c.word: c.weight for c in topic.concepts}
    assert weights[everyday] < 0.7 * rare and weights[topical] == rare
    # A hit with every word of the question but the everyday one covers clearly more than an equal share.
    found = set().union(*(c.terms for c in topic.concepts if c.word != everyday))
    equal_share = (len(topic.concepts) - 1) / len(topic.concepts)
    assert topic.coverage(found) > equal_share + 0.1


@pytest.mark.parametrize(
    ("query", "text", "covered"),
    [
        # a long compound in the other written standard, one letter apart, is the same word
        ("hvem holdt foredrag om barnehagelærerutdanningen?", "Pedagogikk i barnehagelærarutdanninga", True),
        ("kven kan snakke om barnehagelærarutdanninga?", "Ny barnehagelærerutdanning fra 2013", True),
        # a stem cut a few letters shorter from another inflection of the word: "fagforny" / "fagfornying"
        ("hvem kan snakke om fagfornyelsen?", "Ingrid Jacobsen om Fagfornyinga i barnehagen", True),
        ("hvem kan snakke om skoleledere?", "Skuleleiarane nytta dagen godt", True),
        # a short word one letter from another is not: "lesing" is no "lasing", "skolen" no "skalen"
        ("hvem kan snakke om lesing?", "Lasing av bilen", False),
        ("hvem kan snakke om skolen?", "Skalen er ny", False),
    ],
)
def test_a_word_spelt_the_other_standards_way_covers_the_question(query, text, covered):
    from absolutt_kb.relevance import query_topic
    from absolutt_kb.text import document_terms

    topic = query_topic(query, lambda _t: 5.0, 5.0)
    main = max(topic.concepts, key=lambda c: len(c.word))
    assert (topic.coverage(set(document_terms(text).all), ()) >= main.weight / sum(c.weight for c in topic.concepts)) \
        is covered



@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("eg treng ein som kan halde føredrag om kvalitetsvurdering", {"kvalitetsvurdering"}),
        ("vi trenger noen som kan fortelle om skolemiljø", {"skolemiljø"}),
        ("kven kan fortelje om samskaping og profesjonsfellesskap?", {"samskaping", "profesjonsfellesskap"}),
        ("vi ønsker en foreleser om mobbing", {"mobbing"}),
        ("eg lurer på kven som har jobba med lesing", {"jobba", "lesing"}),
    ],
)
def test_words_that_only_ask_for_help_are_not_what_the_question_is_about(query, topic):
    # "I need someone who can tell about X" is about X: a hit on X alone covers the whole question, so a speaker on
    # X is shown as an answer however rare "treng" or "fortelje" is in the corpus.
    from absolutt_kb.relevance import query_topic

    assert {c.word for c in query_topic(query, lambda _t: 6.0, 6.0).concepts} == topic


FAGDAG = """Program

Fagdag om pedagogikkfaget i barnehagelærerutdanningen, 12. mars 2026 kl. 09.00–15.00, Høgskulen i Volda

Opning

09.00 Velkommen ved Kari Lunde, dekan ved Høgskulen i Volda

Plenumsforedrag

10.00 «Metaforar om reform og praksis» ved Hege Fimreite, Høgskulen på Vestlandet

11.00 «Allmenn danning i kvardagen» ved Anders Stølen, Universitetet i Agder
"""


SEMINAR = """# Leseopplæring i første klasse

Seminaret er for lærarar, leiarar og tillitsvalde i kommunane i regionen.

## Praktisk informasjon

Påmelding skjer på nettsida til høgskulen innan fristen. Deltakinga er gratis, og lunsj er inkludert.

Parkering er mogleg ved hovudinngangen. Ta kontakt med sekretariatet om du har spørsmål om tilrettelegging.

Presentasjonane blir lagde ut på nettsida etter seminaret.

## Plenumsforedrag

«Bokstavar og lydar» ved Hege Fimreite, Høgskulen på Vestlandet

«Lesestunder i kvardagen» ved Anders Stølen, Universitetet i Agder
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "text", "query"),
    [
        # A programme that announces its day: the gathering says what the speakers speak about.
        ("fagdag.txt", FAGDAG, "hvem holdt foredrag om pedagogikkfaget i barnehagelærerutdanningen?"),
        # A seminar page with no date, so no gathering: its title does.
        ("seminar.md", SEMINAR, "hvem kan holde innlegg om leseopplæring i første klasse?"),
    ],
)
def test_the_speakers_are_answers_to_a_question_about_the_gathering_they_speak_at(tmp_path, embedder, name, text,
                                                                                 query):
    from absolutt_kb.build import ingest_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    built = ingest_corpus(corpus, tmp_path / "index", embedder)
    hits = Searcher(built.index, embedder).search(query)
    # Their own cards name their talks, not the day or the seminar; what they speak at is about the subject.
    shown = {h.record.name for h in hits if h.record.kind == "person" and h.answer}
    assert {"Hege Fimreite", "Anders Stølen"} <= shown

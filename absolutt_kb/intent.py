"""What kind of answer a question asks for: "hvem" wants people, "eksempel" practice.

Rule-based and transparent: each kind has a few Norwegian and English cue words
(folded and stemmed like the index terms). A query that names a month or a
date asks for gatherings.
"""

from __future__ import annotations

import functools
import re

from absolutt_kb.text import analyse

CUES = {
    "person": "hvem foredragsholder foredragsholdere innleder innledere ressursperson ressurspersoner speaker speakers "
    "who ekspert eksperter fagperson fagpersoner forsker forskere foreleser forelesere snakke holde innlegg "
    "kven føredrag føredragshaldar innleiar innleiarar halde kontaktperson kontaktpersoner konferansier "
    "møteleder møteleiar ordstyrer ordstyrar orientere orienterte organised organiser "
    "organisers chair chaired contact foredrag talk speak lecture fortelle fortelje forelese",
    "practice": "praksiseksempel praksiseksempler eksempel eksempler praksis erfaring erfaringer kommuner "
    "laget example examples practice døme dømer",
    "literature": "litteratur bok bøker rapport rapporter artikkel artikler forskning lese lesestoff "
    "literature book books report reports reading skrevet",
    "gathering": "samling samlinger samlingene samlinga dato datoer når program gathering gatherings when "
    "neste kommende komande upcoming next",
    "tip": "tips råd tip tips advice",
}
# Words that only say that something is wanted, in both written standards ("vi trenger en som …", "eg treng …"):
# like the cues, they say nothing of the topic, but they ask for no kind either.
REQUEST_WORDS = "trenger treng trengs ønsker ønskjer leter lurer"
# Question words are stop words for keyword search, so they are read from the raw question.
_QUESTION_CUES = {"hvem": "person", "kven": "person", "who": "person", "whom": "person"}
_MONTHS = re.compile(r"\b(januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)\b", re.IGNORECASE)
_WHEN = re.compile(r"^\s*(?:når|kor tid|when)\b", re.IGNORECASE)  # a stop word, so read before analysis


@functools.cache
def _cue_terms_by_kind() -> dict[str, set[str]]:
    """Each kind's cue terms; whole words only: "følgeforskning" is research about the programme, not a request
    for literature. Analysed at first use, not at import: analysis reads the word list (0.4 s)."""
    return {kind: set(analyse(words, compounds=False)) for kind, words in CUES.items()}


@functools.cache
def cue_terms() -> frozenset[str]:
    """Every term that says what kind of answer is wanted, or only that one is (they say nothing of the topic)."""
    return frozenset().union(*_cue_terms_by_kind().values(), _request_terms())


@functools.cache
def _request_terms() -> frozenset[str]:
    return frozenset(analyse(REQUEST_WORDS, compounds=False))


def wanted_kinds(query: str) -> set[str]:
    """The kinds of record the query's wording asks for (empty when it does not say)."""
    terms = set(analyse(query, compounds=False))
    kinds = {kind for kind, cues in _cue_terms_by_kind().items() if terms & cues}
    kinds |= {_QUESTION_CUES[w] for w in re.findall(r"\w+", query.lower()) if w in _QUESTION_CUES}
    if _MONTHS.search(query) or re.search(r"\b\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})\b", query) or _WHEN.search(query):
        kinds.add("gathering")
    return kinds

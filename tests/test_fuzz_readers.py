"""Bounded fuzzing of the readers: mutated real files and random bytes never hang or crash them.

Every input must either read or raise ``UnreadableDocument`` (a reason for the
report); anything else is a crash. The run is bounded (examples and a deadline
per example) so it stays well under a minute in CI.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.readers import UnreadableDocument, read_document
from tests.documents import write_docx, write_pdf

_SEEDS: dict[str, bytes] = {}


def _seed(suffix: str) -> bytes:
    if suffix not in _SEEDS:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"seed{suffix}"
            if suffix == ".pdf":
                write_pdf(path)
            elif suffix == ".docx":
                write_docx(path)
            else:
                path.write_text("# Tittel\n\nKari Nordvik, UiB, om tidlig innsats.\n", encoding="utf-8")
            _SEEDS[suffix] = path.read_bytes()
    return _SEEDS[suffix]


@st.composite
def mutated(draw):
    suffix = draw(st.sampled_from([".pdf", ".docx", ".txt", ".md"]))
    data = bytearray(_seed(suffix))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 4096))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "zero":
            data[at : at + 64] = bytes(len(data[at : at + 64]))
    return suffix, bytes(data)


def _read(tmp: Path, suffix: str, data: bytes) -> None:
    path = tmp / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        document = read_document(path)
    except UnreadableDocument as exc:
        assert str(exc)
    else:
        assert document.blocks


@settings(max_examples=400, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated())
def test_mutated_real_files_read_or_give_a_reason(tmp_path, case):
    _read(tmp_path, *case)


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from([".pdf", ".docx", ".txt", ".md"]),
    head=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe"]),
    body=st.binary(max_size=2048),
)
def test_random_bytes_read_or_give_a_reason(tmp_path, suffix, head, body):
    _read(tmp_path, suffix, head + body)

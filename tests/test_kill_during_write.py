"""SIGKILL while a large generation is being written: the index stays whole (the long half of the kill tests,
in its own file so that the two long runs go to different test workers)."""

from __future__ import annotations

import pytest

from tests.test_crash_safety import sigkill_rounds


@pytest.mark.slow
def test_sigkill_while_a_slow_generation_is_written_never_breaks_the_index(corpus_dir, embedder, tmp_path, monkeypatch):
    # Kills anywhere in a run are the fixture-corpus test's; here every kill lands in the long write.
    sigkill_rounds("slow generation write", corpus_dir, embedder, tmp_path, monkeypatch, kills=5, anywhere=False)

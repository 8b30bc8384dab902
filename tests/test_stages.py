"""Reading goes one way: ``ingest`` turns one file into findings and uses only the records, the language layer
and the role vocabulary."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"absolutt_kb.records", "absolutt_kb.language", "absolutt_kb.roles", "absolutt_kb.unicode_forms"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_ingest_uses_only_records_and_the_language_layer():
    for path in sorted((ROOT / "ingest").rglob("*.py")):
        used = {name for name in _imports(path) if name.split(".")[0] == "absolutt_kb"}
        assert used <= ALLOWED, f"{path.name} imports {sorted(used - ALLOWED)}"


def test_records_and_language_layer_do_not_import_ingest():
    for name in ALLOWED:
        path = ROOT / (name.replace(".", "/") + ".py")
        assert not {n for n in _imports(path) if n.split(".")[0] == "ingest"}


def test_merging_and_links_run_over_the_corpus_in_absolutt_kb():
    assert not (ROOT / "ingest" / "links.py").exists()
    source = (ROOT / "ingest" / "pipeline.py").read_text(encoding="utf-8")
    assert "def merge_records" not in source

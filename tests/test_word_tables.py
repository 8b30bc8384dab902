"""The bundled word tables' file format: what a build script writes is what the product reads."""

import pytest

from absolutt_kb.word_tables import read_table, write_table


@pytest.mark.parametrize(
    ("rows", "note"),
    [
        ([("skule", "skole"), ("leiar", "leder leiar")], "word<TAB>counterparts; built from Apertium"),
        ([("# pieces", "3454"), ("og", "3386")], ""),  # a table's own figure is kept under its "#" key
        ([], "an empty table"),
    ],
)
def test_a_written_table_reads_back_as_its_rows_and_the_note_is_not_a_word(tmp_path, rows, note):
    path = tmp_path / "table.tsv.gz"
    assert write_table(path, rows, note) == len(rows)
    assert read_table(path) == dict(rows)
    first = path.read_bytes()
    write_table(path, rows, note)
    assert path.read_bytes() == first  # rebuilt from the same resources, the file does not change


def test_a_missing_table_is_empty(tmp_path):
    assert read_table(tmp_path / "none.tsv.gz") == {}

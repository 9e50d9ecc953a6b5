"""The data dictionary in docs/ is the codebook's (regenerated and compared, as CI runs it), it
covers every delivered and analysis column with its labels, and `ips-eval dictionary --check`
tells a stale copy from a current one."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assets.cli import main
from ips_eval.config import PROJECT_ROOT
from ips_eval.publish.dictionary import dictionary_csv, dictionary_markdown, stale_files
from schemas.analysis import DATASETS
from schemas.codebook import SOURCES
from schemas.results import RESULTS


def test_the_checked_in_dictionary_is_current():
    assert stale_files(PROJECT_ROOT / "docs") == [], (
        "docs/ is not the codebook's data dictionary: run `ips-eval dictionary` and commit")


def test_every_column_is_in_the_csv_with_its_labels():
    rows = list(csv.DictReader(io.StringIO(dictionary_csv())))
    expected = [(s.name, c.name) for s in SOURCES.values() for c in s.columns]
    expected += [(d.name, v.name) for d in DATASETS.values() for v in d.variables]
    assert [(r["form"], r["variable"]) for r in rows] == expected
    consent = next(r for r in rows if r["variable"] == "register_consent")
    assert (consent["label_fi"], consent["label_sv"]) == ("Rekisterilupa", "Registersamtycke")
    assert consent["choices_sv"] == "0, Nej | 1, Ja"
    was = next(r for r in rows if r["form"] == "asiakaskysely" and r["variable"] == "was")
    assert (was["min"], was["max"], was["missing_codes"]) == ("0", "10", "99")


def test_the_markdown_names_every_source_dataset_and_results_file():
    text = dictionary_markdown()
    for src in SOURCES.values():
        assert f"### `{src.name}`" in text
        assert all(f"| `{c.raw}` | `{c.name}` |" in text for c in src.columns), src.name
    for name in DATASETS:
        assert f"### `{name}`" in text
    for result in RESULTS:
        assert f"### `{result.name}`" in text
        assert ", ".join(f"`{c}`" for c in result.columns) in text
    # a pattern's alternatives do not break the markdown table
    assert "(HEL\\|HUS\\|" in text


def test_check_fails_on_a_stale_copy_and_passes_once_written(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture):
    assert main(["dictionary", "--out", str(tmp_path), "--check"]) == 1
    assert "run `ips-eval dictionary`" in capsys.readouterr().err
    assert main(["dictionary", "--out", str(tmp_path)]) == 0
    assert main(["dictionary", "--out", str(tmp_path), "--check"]) == 0
    path = tmp_path / "data_dictionary.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Klientkod", "Kund"),
                    encoding="utf-8")
    assert main(["dictionary", "--out", str(tmp_path), "--check"]) == 1
    assert "data_dictionary.md" in capsys.readouterr().err

"""The texts a translator edits (schemas/texts/*.yaml, read by schemas/text_catalogue.py): every
key has its Finnish, Swedish and English, a key given twice or a language missing stops with a
line naming file and key, the lookup fills fields and the windows' days, and the schemas'
labels (codebook, analysis, standards, results, rules) ask for exactly the keys their files
hold — none missing, none unused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import schemas.analysis
import schemas.results
import schemas.rules
import schemas.standards
from schemas.codebook import ASIAKASKYSELY, LAATUARVIOT, SOURCES, VALUE_LABELS, source
from schemas.figure_text import FIGURE_TEXT, figure_text
from schemas.labels import LANGS
from schemas.table_text import TEXT, text
from schemas.text_catalogue import (
    ASKED,
    CATALOGUES,
    FOLDER,
    TextCatalogueError,
    catalogue,
    lookup,
    read_catalogue,
)
from schemas.text_catalogue import (
    label as label_of,
)

# the catalogues of the schemas' labels: every text is asked for when the modules are imported
LABEL_CATALOGUES = ("codebook", "analysis", "standards", "results", "rules")

FIELD = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_key_has_a_text_in_every_language(name: str) -> None:
    texts = catalogue(name)
    assert len(texts) > 30
    raw = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
    assert set(raw) == set(texts)
    for key, entry in raw.items():  # as the translator wrote it, before any field is filled
        assert set(entry) == set(LANGS) and all(entry[lang].strip() for lang in LANGS), key
    for key, label in texts.items():
        assert all(label(lang).strip() for lang in LANGS), key


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_language_fills_the_same_fields(name: str) -> None:
    for key, label in catalogue(name).items():
        fields = [set(FIELD.findall(label(lang))) for lang in LANGS]
        assert fields[0] == fields[1] == fields[2], key


def test_the_modules_read_the_files() -> None:
    assert catalogue("tables") == TEXT and catalogue("figures") == FIGURE_TEXT
    assert text("table_number", "sv", n=3) == "Tabell 3."
    assert figure_text("n_eq", "en", n=12) == "n=12"
    # the windows' days in the language's decimals, filled where the file says {days_12}
    assert "365,25" in text("rmst_note", "fi") and "365.25" in text("rmst_note", "en")
    assert not any("{days_" in label(lang) for label in TEXT.values() for lang in LANGS)
    with pytest.raises(KeyError, match="schemas/texts/figures.yaml"):
        lookup("figures", "no_such_text", "fi")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "texts.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_key_given_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'a:\n  fi: "x"\n  sv: "x"\n  en: "x"\n'
                            'a:\n  fi: "y"\n  sv: "y"\n  en: "y"\n')
    with pytest.raises(TextCatalogueError, match=r"line 5: the key 'a' is given twice"):
        read_catalogue(path)


def test_a_missing_or_empty_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TextCatalogueError, match=r"'a' needs a text in each of fi, sv, en"):
        read_catalogue(_write(tmp_path, 'a:\n  fi: "x"\n  en: "x"\n'))
    with pytest.raises(TextCatalogueError, match="'b' needs"):
        read_catalogue(_write(tmp_path, 'b:\n  fi: "x"\n  sv: " "\n  en: "x"\n'))


def test_a_key_yaml_reads_as_no_text_must_be_quoted(tmp_path: Path) -> None:
    with pytest.raises(TextCatalogueError, match="put it in quotes"):
        read_catalogue(_write(tmp_path, 'yes:\n  fi: "Kyllä"\n  sv: "Ja"\n  en: "Yes"\n'))
    quoted = read_catalogue(_write(tmp_path, '"yes":\n  fi: "Kyllä"\n  sv: "Ja"\n  en: "Yes"\n'))
    assert quoted["yes"]("sv") == "Ja"


def test_the_files_are_in_the_package() -> None:
    assert sorted(p.stem for p in FOLDER.glob("*.yaml")) == sorted(CATALOGUES)


@pytest.mark.parametrize("name", LABEL_CATALOGUES)
def test_the_schemas_ask_for_every_key_and_only_those(name: str) -> None:
    assert schemas.analysis.DATASETS and schemas.results.RESULTS  # imported: all labels asked
    assert schemas.rules.RULES and schemas.standards.STANDARDS
    asked = {key for catalogue_name, key in ASKED if catalogue_name == name}
    held = set(catalogue(name))
    assert not asked - held, f"asked for but not in {name}.yaml: {sorted(asked - held)}"
    assert not held - asked, f"in {name}.yaml but never used: {sorted(held - asked)}"


def test_the_schemas_labels_come_from_the_files() -> None:
    # a variable label, a value label, an item numbered by its {n}, a derived label, a rule
    assert source("asiakkaat").column("region").label("sv") == catalogue("codebook")["region"].sv
    assert VALUE_LABELS["agree5"][5]("en") == "Fully agree"
    assert ASIAKASKYSELY.column("mhi3").label("fi") == "MHI-5 kysymys 3"
    assert LAATUARVIOT.column("k07").label("en") == "IPS-25 item 7"
    assert VALUE_LABELS["industry"]["Q"]("sv") == "Näringsgren Q"
    assert schemas.analysis.dataset("tte").variable("param").label("en") == "Analysis parameter"
    assert schemas.rules.rule("file_empty").sv == "filen är tom"
    assert {s.label.en for s in SOURCES.values()} >= {"Enrolment form", "Kela benefit periods"}


# a text key written out in the publishing code: text("key", …) (tables), figure_text("key", …),
# report_text("key", …) and text_spans("key") (report); keys made at run time, f"figure_{name}",
# are not seen here
ROOT = Path(__file__).resolve().parents[1]
LITERAL_KEY = re.compile(
    r"""\b(text|text_spans|figure_text|report_text)\(\s*["']([a-z][a-z_0-9]*)["']""")
CATALOGUE_OF = {"text": "tables", "figure_text": "figures", "report_text": "report",
                "text_spans": "report"}


def test_every_text_the_publishing_code_names_exists() -> None:
    named = [(fn, key, path) for path in sorted(ROOT.glob("ips_eval/**/*.py"))
             for fn, key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))]
    assert len(named) > 300
    missing = [(key, str(path)) for fn, key, path in named
               if key not in catalogue(CATALOGUE_OF[fn])]
    assert not missing


def test_a_label_asked_for_but_missing_names_the_file() -> None:
    with pytest.raises(KeyError, match="schemas/texts/codebook.yaml"):
        label_of("codebook", "no_such_column")


# texts no code draws any more, kept so that tests/test_figures.py can show no figure draws its
# title (the caption carries it)
ONLY_TESTS_READ = {"figures": {"km_title", "cif_title", "scores_title", "fidelity_title"},
                   "tables": {"fig_effect_title"}}
DYNAMIC_KEY = re.compile(r"""f["']([a-z][a-z_0-9]*_)\{""")  # f"not_fitted_{reason}"


@pytest.mark.parametrize("name", ("tables", "report", "figures"))
def test_every_text_of_the_tables_report_and_figures_is_used(name: str) -> None:
    """Cheaply: a key is used when the code quotes it, or it begins as a key the code makes
    (``f"subgroup_{var}"`` uses every ``subgroup_…``)."""
    code = "\n".join(path.read_text(encoding="utf-8") for folder in ("ips_eval", "assets")
                     for path in sorted((ROOT / folder).glob("**/*.py")))
    made = set(DYNAMIC_KEY.findall(code))
    unused = {key for key in catalogue(name)
              if not re.search(rf"""["']{re.escape(key)}["']""", code)
              and not key.startswith(tuple(made))}
    assert unused == ONLY_TESTS_READ.get(name, set())

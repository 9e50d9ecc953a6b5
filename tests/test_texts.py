"""The texts a translator edits (schemas/texts/*.yaml, read by schemas/text_catalogue.py): every
key has its Finnish, Swedish and English, a key given twice or a language missing stops with a
line naming file and key, and the lookup fills fields and the windows' days."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemas.figure_text import FIGURE_TEXT, figure_text
from schemas.labels import LANGS
from schemas.table_text import TEXT, text
from schemas.text_catalogue import (
    CATALOGUES,
    FOLDER,
    TextCatalogueError,
    catalogue,
    lookup,
    read_catalogue,
)

FIELD = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_key_has_a_text_in_every_language(name: str) -> None:
    texts = catalogue(name)
    assert len(texts) > 30
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

"""Every fi/sv/en text of the outputs, read from the files a translator edits (a key with its
``fi``, ``sv`` and ``en``), and the one lookup every text goes through (:func:`lookup`, or
:func:`label` for all three languages at once):

- ``schemas/texts/tables.yaml``: the tables' titles, headers and notes;
- ``schemas/texts/report.yaml``: the report page's and the Word report's texts, the figures'
  captions;
- ``schemas/texts/figures.yaml``: the figures' titles, axes and legends;
- ``schemas/texts/codebook.yaml``: the delivered sources, their columns' variable labels and the
  value labels of their codes (``schemas/codebook.py``);
- ``schemas/texts/analysis.yaml``: the analysis datasets' names, the variable labels of derived
  columns and the value labels of derived codes (``schemas/analysis.py``, ``instruments.py``,
  ``register_states.py``);
- ``schemas/texts/standards.yaml``: process indicators, benchmarks, the IPS-25 items;
- ``schemas/texts/results.yaml``: what a row of each results file is (``schemas/results.py``);
- ``schemas/texts/rules.yaml``: the validation rules' descriptions (``schemas/rules.py``).

The cohorts' and regions' names stay in ``schemas/study.py``, with the rest of the study's facts.

A catalogue is checked when it is read: a key given twice or without all three languages stops
with a message naming the file and the key. ``{days_6}`` and ``{days_12}`` in a text are the 6-
and 12-month windows in days (``schemas/windows.py``) in the language's decimals, filled in here
so no text spells the numbers; a longer horizon's days (``--horizons 6,12,24``) a table fills in
itself, written by :func:`horizon_days_text`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from schemas.labels import LANGS, Label, Lang
from schemas.windows import SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS, window_days

FOLDER = Path(__file__).resolve().parent / "texts"
CATALOGUES = ("tables", "report", "figures", "codebook", "analysis", "standards", "results",
              "rules")
# (catalogue, key) of every text :func:`label` was asked for: the schemas' labels are all
# asked for when their modules are imported, so tests/test_texts.py can tell an unused key
ASKED: set[tuple[str, str]] = set()


def _days(value: float, lang: Lang) -> str:
    """A window's length in days as the language writes a decimal (a comma in fi and sv)."""
    text = f"{value:g}"
    return text if lang == "en" else text.replace(".", ",")


def horizon_days_text(months: int, lang: Lang) -> str:
    """A horizon's length in days as the texts write it (24 → ``730.5``, ``730,5`` in fi)."""
    return _days(window_days(months), lang)


WINDOW_DAYS = {lang: {"{days_6}": _days(SIX_MONTHS_DAYS, lang),
                      "{days_12}": _days(TWELVE_MONTHS_DAYS, lang)} for lang in LANGS}


class TextCatalogueError(ValueError):
    """A texts file a translator edited cannot be read as it is (one line naming file and key)."""


class _UniqueKeys(yaml.SafeLoader):
    """YAML's safe loader that refuses a key given twice (PyYAML would keep the last)."""


def _mapping(loader: _UniqueKeys, node: yaml.MappingNode) -> dict:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise TextCatalogueError(f"{loader.name}: line {key_node.start_mark.line + 1}: "
                                     f"the key {key!r} is given twice")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _label(path: Path, key: str, entry: object) -> Label:
    if not isinstance(entry, dict) or set(entry) != set(LANGS) or not all(
            isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS):
        raise TextCatalogueError(f"{path}: {key!r} needs a text in each of "
                                 f"{', '.join(LANGS)} and nothing else")
    texts = []
    for lang in LANGS:
        text = entry[lang]
        for field, days in WINDOW_DAYS[lang].items():
            text = text.replace(field, days)
        texts.append(text)
    return Label(*texts)


def read_catalogue(path: Path) -> dict[str, Label]:
    """{key: Label} of one texts file, checked (``TextCatalogueError`` names what is wrong)."""
    with open(path, encoding="utf-8") as handle:
        loader = _UniqueKeys(handle)
        loader.name = str(path)
        try:
            entries = loader.get_single_data() or {}
        except yaml.YAMLError as exc:
            raise TextCatalogueError(f"{path}: not YAML a texts file can hold: "
                                     f"{str(exc).splitlines()[0]}") from None
        finally:
            loader.dispose()
    if not isinstance(entries, dict):
        raise TextCatalogueError(f"{path}: expected keys, each with its fi, sv and en")
    odd = [key for key in entries if not isinstance(key, str)]
    if odd:  # YAML reads yes, no, on, off, 1 … as other things than text
        raise TextCatalogueError(f"{path}: the key {odd[0]!r} is not text: put it in quotes")
    return {key: _label(path, key, entry) for key, entry in entries.items()}


@cache
def catalogue(name: str) -> dict[str, Label]:
    """The texts of ``schemas/texts/<name>.yaml`` (one of :data:`CATALOGUES`)."""
    return read_catalogue(FOLDER / f"{name}.yaml")


def lookup(name: str, key: str, lang: Lang, **fields: object) -> str:
    """The text ``key`` of the catalogue ``name`` in ``lang``, its ``str.format`` fields filled;
    an unknown key names the file that should define it."""
    try:
        label = catalogue(name)[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in schemas/texts/{name}.yaml") from None
    return label(lang).format(**fields) if fields else label(lang)


def label(name: str, key: str, **fields: object) -> Label:
    """The text ``key`` of the catalogue ``name`` in all three languages, its ``str.format``
    fields filled (``{n}``: an item's number): the labels of the codebook and the analysis."""
    texts = Label(*(lookup(name, key, lang, **fields) for lang in LANGS))
    ASKED.add((name, key))
    return texts

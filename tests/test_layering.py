"""The library and the application apart (the README's Layout): nothing under ``ips_eval/`` imports
Dagster or the application (``assets``: the Dagster definitions, the command line, the runner),
also not inside a function. Read from the source's syntax tree, so an import that only runs on
some path is found too."""

from __future__ import annotations

import ast

from ips_eval.config import PROJECT_ROOT

LIBRARY = PROJECT_ROOT / "ips_eval"
APPLICATION = ("dagster", "assets")


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every module an ``import`` or ``from … import`` names, with its line (relative imports
    are of the library itself and left out)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def application_imports(source: str) -> list[tuple[int, str]]:
    return [(line, name) for line, name in imported_modules(source)
            if name.split(".")[0] in APPLICATION or name.split(".")[0].startswith("dagster_")]


def test_the_check_finds_an_application_import() -> None:
    source = ("import os\nfrom dagster import asset\n\ndef f():\n"
              "    from assets.runner import execute\n    import dagster_webserver\n")
    assert application_imports(source) == [(2, "dagster"), (5, "assets.runner"),
                                           (6, "dagster_webserver")]
    assert application_imports("from ips_eval.assets_like import x\nimport assetsx\n") == []


def test_the_library_imports_neither_dagster_nor_the_application() -> None:
    modules = sorted(LIBRARY.rglob("*.py"))
    assert len(modules) > 50  # the whole library is read, not an empty folder
    found = [f"{path.relative_to(PROJECT_ROOT)}:{line} imports {name}"
             for path in modules
             for line, name in application_imports(path.read_text(encoding="utf-8"))]
    assert found == []

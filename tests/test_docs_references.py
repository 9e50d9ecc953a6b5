"""The method lives in the repository: no tracked file points to a document outside it, every
``docs/<page>.md §<section>`` citation names a section that exists, and every relative link in
the Markdown files and the notebook resolves inside the repository (file and heading).

Example output folders in command lines (``--out /tmp/x``) are arguments a reader chooses, not
references, and are allowed; documents and folders of the machine the project was written on
are not."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Specification files that lived beside the repository, and paths of the machine it was made on.
OUTSIDE = re.compile(
    r"DESIGN\.md|STYLE\.md|DELIVERIES\.md|OUTPUTS\.md|\bcontract/|\.\./shared|\.\./\.\./"
    r"|(?<![\w.])/(?:work|home|Users|mnt|srv)/"
)
CITATION = re.compile(r"(?:docs/)?(\w+)\.md((?:[ ,;]*(?:and )?§[^§\n]{1,60})+)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [f for f in out.splitlines() if (ROOT / f).is_file() and f != THIS]


def text_of(path: str) -> str | None:
    try:
        return (ROOT / path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def headings(md: Path) -> list[str]:
    return [
        m.group(1).strip()
        for m in re.finditer(r"^#{1,6} (.+)$", md.read_text(encoding="utf-8"), re.M)
    ]


def joined(text: str) -> str:
    """A comment or docstring paragraph as one line: a citation may wrap."""
    return re.sub(r"[ \t]*\n[ \t]*(?:--|#)?[ \t]*", " ", text)


def test_no_tracked_file_points_outside_the_repository() -> None:
    hits = []
    for f in tracked_files():
        text = text_of(f)
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{f}:{n}: {line.strip()[:120]}")
    assert not hits, "references outside the repository:\n" + "\n".join(hits)


def test_the_outside_reference_check_catches_what_it_should() -> None:
    for bad in ("(DESIGN.md §4)", "contract/OUTPUTS.md", "see ../shared/x", "`/work/shared/a`",
                "/home/me/notes.md"):
        assert OUTSIDE.search(bad), bad
    for fine in ("docs/outputs.md", "--out /tmp/bench", "IPS_EVAL_DELIVERIES", "docs/methods.md"):
        assert not OUTSIDE.search(fine), fine


def section_citations(text: str) -> list[tuple[str, str]]:
    """(page, section) for every ``page.md §Section[, §Other …]`` in a text."""
    found = []
    for m in CITATION.finditer(joined(text)):
        for part in m.group(2).split("§")[1:]:
            found.append((m.group(1), part))
    return found


def test_every_section_citation_names_an_existing_section() -> None:
    sections = {p.stem: headings(p) for p in (ROOT / "docs").glob("*.md")}
    bad, seen = [], 0
    for f in tracked_files():
        text = text_of(f)
        if text is None or "§" not in text:
            continue
        for page, rest in section_citations(text):
            seen += 1
            if page not in sections:
                bad.append(f"{f}: {page}.md does not exist in docs/")
            elif not any(rest.startswith(h) for h in sections[page]):
                bad.append(f"{f}: {page}.md has no section at '§{rest[:40]}'")
        stray = joined(text).count("§") - sum(1 for _ in section_citations(text))
        if stray:
            bad.append(f"{f}: {stray} '§' not in a docs/<page>.md §<section> citation")
    assert seen > 50  # the code cites the method throughout; a parser that finds none is broken
    assert not bad, "\n".join(bad)


def test_section_citation_parser_reads_wrapped_and_listed_sections() -> None:
    text = "rules (docs/methods.md §Time to first job, §Job tenure,\n-- §Register months) end"
    found = section_citations(text)
    assert [page for page, _ in found] == ["methods"] * 3
    assert [s.strip() for _, s in found] == [
        "Time to first job,", "Job tenure,", "Register months) end"]


def link_targets(path: str, text: str) -> list[str]:
    if path.endswith(".ipynb"):
        cells = json.loads(text)["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return LINK.findall(text)


def broken_links(path: str, text: str) -> list[str]:
    bad = []
    for target in link_targets(path, text):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: outside by design
        file_part, _, anchor = target.partition("#")
        dest = (ROOT / path).parent / file_part if file_part else ROOT / path
        dest = dest.resolve()
        if not dest.is_relative_to(ROOT):
            bad.append(f"{path}: {target} leads out of the repository")
        elif not dest.exists():
            bad.append(f"{path}: {target} does not exist")
        elif anchor and dest.suffix == ".md" and anchor not in {slug(h) for h in headings(dest)}:
            bad.append(f"{path}: {target} has no heading #{anchor}")
    return bad


def test_every_relative_link_resolves_inside_the_repository() -> None:
    bad = []
    for f in tracked_files():
        if f.endswith((".md", ".ipynb")):
            bad += broken_links(f, text_of(f) or "")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "target, ok",
    [("docs/methods.md#register-effect", True), ("docs/methods.md#no-such-section", False),
     ("docs/nothing.md", False), ("../outside.md", False), ("https://thl.fi", True)],
)
def test_link_check_tells_good_from_broken(target: str, ok: bool) -> None:
    assert (broken_links("README.md", f"see [x]({target})") == []) is ok


def test_outputs_page_names_every_results_file() -> None:
    from schemas.results import RESULTS

    page = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    missing = [r.name for r in RESULTS if f"`{r.name}.csv`" not in page]
    assert not missing, f"docs/outputs.md does not name: {missing}"

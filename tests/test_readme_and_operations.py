"""The README stays a front page (≤ 150 lines, the two commands as they are, a link to every page
of docs/ that resolves), and the offline-install check in docs/operations.md does what it says:
``scripts/check-wheelhouse.sh`` passes a wheelhouse of the locked versions with their hashes and
refuses one with a wrong hash, a version not in uv.lock or no build backend."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = ["methods.md", "outputs.md", "operations.md", "performance.md", "pikaopas.md",
         "data_dictionary.md"]


def test_readme_is_at_most_150_lines():
    assert len(README.splitlines()) <= 150


def test_readme_keeps_the_two_commands_exactly():
    assert "bash scripts/run-pipeline.sh     # set up, then run" in README
    assert "bash scripts/run-tests.sh        # set up, then run the test suite" in README


def test_readme_links_every_docs_page_and_every_link_resolves():
    links = re.findall(r"\]\(([^)\s]+)\)", README)
    for page in PAGES:
        assert f"docs/{page}" in {link.split("#")[0] for link in links}, page
    for link in links:
        path, _, anchor = link.partition("#")
        assert (ROOT / path).is_file(), link
        if anchor:
            text = (ROOT / path).read_text(encoding="utf-8")
            slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                     for h in re.findall(r"^#+ (.+)$", text, re.M)}
            assert anchor in slugs, link


def test_readme_says_what_may_leave_the_secure_environment():
    assert "What may leave the secure environment" in README
    assert re.search(r"`tables/`, `figures/` and `report/` only", README)


def test_benchmark_history_lives_in_performance_page():
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert page.index("## Current figures") < page.index("## History")
    for figure in ("753.9", "144.8", "skeleton", "W ≤ 5 F"):  # kept from the old README
        assert figure in page
    assert "Session 12" not in README and "floor" not in README


def test_quick_start_is_in_finnish():
    page = (ROOT / "docs" / "pikaopas.md").read_text(encoding="utf-8")
    assert len(page.splitlines()) <= 80  # one page
    for word in ("Asennus", "Avain", "Toimituskansio", "Paluukoodi", "saako viedä ulos"):
        assert word in page


# --- the wheelhouse check ------------------------------------------------------------------------
def wheel(folder: Path, name: str, version: str) -> Path:
    """A minimal valid pure-Python wheel (pip installs it like any other)."""
    path = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {f"{name}_stub.py": "x = 1\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                              "Tag: py3-none-any\n"}
    def digest(content: str) -> str:
        raw = hashlib.sha256(content.encode()).digest()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    record = [f"{n},sha256={digest(c)},{len(c.encode())}" for n, c in files.items()]
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    with zipfile.ZipFile(path, "w") as z:
        for n, c in files.items():
            z.writestr(n, c)
    return path


@functools.cache
def locked(name: str) -> str:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return next(p["version"] for p in lock["package"] if p["name"] == name)


@functools.cache
def system_python_with_pip() -> str | None:
    for candidate in (sys.executable, "python3"):
        done = subprocess.run([candidate, "-m", "pip", "--version"], capture_output=True)
        if done.returncode == 0:
            return candidate
    return None


def check(house: Path) -> subprocess.CompletedProcess:
    python = system_python_with_pip()
    if python is None:
        pytest.skip("no Python with pip here to run the offline install check with")
    return subprocess.run(["bash", str(ROOT / "scripts" / "check-wheelhouse.sh"), str(house),
                           python],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def house(tmp_path: Path) -> Path:
    six = wheel(tmp_path, "six", locked("six"))
    wheel(tmp_path, "hatchling", "1.27.0")
    digest = hashlib.sha256(six.read_bytes()).hexdigest()
    (tmp_path / "requirements.txt").write_text(
        f"six=={locked('six')} \\\n    --hash=sha256:{digest}\n", encoding="utf-8")
    return tmp_path


def test_a_wheelhouse_of_locked_versions_with_hashes_passes(house):
    done = check(house)
    assert done.returncode == 0, done.stderr
    assert "1 packages at the locked versions" in done.stdout


def test_a_file_whose_hash_differs_is_refused(house):
    reqs = house / "requirements.txt"
    text = reqs.read_text()
    digest = re.search(r"sha256:(\w{64})", text).group(1)
    other = ("1" if digest[0] == "0" else "0") + digest[1:]
    reqs.write_text(text.replace(digest, other), encoding="utf-8")
    done = check(house)
    assert done.returncode == 1 and "cannot install it offline" in done.stderr


def test_a_version_other_than_the_lock_is_refused(house):
    reqs = house / "requirements.txt"
    reqs.write_text(reqs.read_text().replace(locked("six"), "0.0.1"), encoding="utf-8")
    done = check(house)
    assert done.returncode == 1 and "not a locked version" in done.stderr


def test_the_projects_own_export_passes_the_pin_and_lock_checks(tmp_path):
    """``uv export`` of this uv.lock (what operations.md says to run) is pinned, hashed and at
    the locked versions: the check stops only at the missing wheels."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed here")
    subprocess.run([uv, "export", "--frozen", "--no-emit-project", "--quiet", "-o",
                    str(tmp_path / "requirements.txt")], cwd=ROOT, check=True, timeout=120)
    done = check(tmp_path)
    assert done.returncode == 1 and "no hatchling wheel" in done.stderr, done.stderr


def test_no_build_backend_or_no_requirements_is_refused(house):
    next(house.glob("hatchling-*.whl")).unlink()
    assert "hatchling" in check(house).stderr
    (house / "requirements.txt").unlink()
    done = check(house)
    assert done.returncode == 1 and "uv export" in done.stderr

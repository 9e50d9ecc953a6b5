#!/usr/bin/env bash
# Check a wheelhouse for the offline install (docs/operations.md, "Installing without a package
# registry"): WHEELHOUSE/requirements.txt pins every package with its hashes at the version in
# uv.lock, and pip can install all of it for this Python without any index, every file's hash
# checked. Nothing is installed. Exit 0 when it holds, 1 with one line saying what is wrong.
#
#   bash scripts/check-wheelhouse.sh WHEELHOUSE [PYTHON]     (PYTHON: default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: bash scripts/check-wheelhouse.sh WHEELHOUSE [PYTHON]" >&2
  exit 2
fi
exec "${2:-python3}" - "$1" <<'PY'
import re, subprocess, sys, tomllib
from pathlib import Path

house = Path(sys.argv[1])
def fail(why: str) -> None:
    print(f"check-wheelhouse: {why}", file=sys.stderr)
    sys.exit(1)

def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

reqs = house / "requirements.txt"
if not reqs.is_file():
    fail(f"{reqs} is missing (write it with `uv export --frozen --no-emit-project "
         f"-o {reqs}` in the repository)")
locked: dict[str, set[str]] = {}  # a package may be locked at one version per Python range
for p in tomllib.loads(Path("uv.lock").read_text())["package"]:
    locked.setdefault(norm(p["name"]), set()).add(p.get("version", ""))
text = reqs.read_text().replace("\\\n", " ")
pins = []
for line in text.splitlines():
    line = line.split(" #")[0].strip()
    if not line or line.startswith("#"):
        continue
    m = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)
    if not m:
        fail(f"not pinned to one version: {line[:80]}")
    if "--hash=sha256:" not in line:
        fail(f"{m.group(1)} has no hash: export with hashes (uv export's default)")
    name, version = norm(m.group(1)), m.group(3)
    if version not in locked.get(name, ()):
        fail(f"{name}=={version} is not a locked version "
             f"({', '.join(sorted(locked.get(name, ()))) or 'not in uv.lock'}): "
             "export again from this uv.lock")
    pins.append(name)
if not pins:
    fail(f"{reqs} names no package")
if not any(norm(p.name.split("-")[0]) == "hatchling" for p in house.glob("*.whl")):
    fail("no hatchling wheel: `pip download hatchling -d WHEELHOUSE` (it builds ips-eval itself)")
done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
                       "--no-index", "--find-links", str(house), "--require-hashes",
                       "--disable-pip-version-check", "--quiet", "-r", str(reqs)],
                      capture_output=True, text=True)
if done.returncode != 0:
    lines = [l.strip() for l in done.stderr.splitlines() if l.strip()]
    fail("pip cannot install it offline: " + (" ".join(lines[-3:]) if lines else "no reason given")[:400])
print(f"wheelhouse {house}: {len(pins)} packages at the locked versions, installable offline "
      f"with every hash checked")
PY

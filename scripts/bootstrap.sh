#!/usr/bin/env bash
# Set-up for a fresh clone with only Python >= 3.11: install uv when missing, create .venv from
# the committed uv.lock, and install Debian's chromium (for table PNGs and the report test)
# where we may. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if command -v uv >/dev/null 2>&1; then
  UV=(uv)
elif "$PYTHON" -m uv --version >/dev/null 2>&1; then
  UV=("$PYTHON" -m uv)
else
  echo "bootstrap: installing uv with pip" >&2
  "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
  UV=("$PYTHON" -m uv)
fi

# Compiled once here: with PYTHONDONTWRITEBYTECODE set (as on our machines) Python would
# otherwise compile every imported module again in every process — about 6 s of each start of
# the pipeline and of each CLI run in the tests. Stale files are ignored by Python, never used.
"${UV[@]}" sync --frozen --quiet --compile-bytecode
.venv/bin/python -m compileall -q -j 0 ips_eval assets schemas >/dev/null

if [ -f scripts/setup_browser.sh ]; then
  bash scripts/setup_browser.sh || echo "bootstrap: no browser; table PNGs will be skipped" >&2
fi

# R for the replication scripts and their test (docs/methods.md §Replication in R); never fatal.
if [ -f scripts/setup_r.sh ]; then
  bash scripts/setup_r.sh || echo "bootstrap: no R; the R replication test will be skipped" >&2
fi

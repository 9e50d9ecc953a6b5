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

"${UV[@]}" sync --frozen --quiet

if [ -f scripts/setup_browser.sh ]; then
  bash scripts/setup_browser.sh || echo "bootstrap: no browser; table PNGs will be skipped" >&2
fi

#!/usr/bin/env bash
# Set everything up, then run the test suite (scale tests in their bounded CI size; set
# IPS_EVAL_SCALE=full for the national-scale versions). Any arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "run-tests: pytest collected no tests — that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Set everything up, then run the test suite (scale tests in their bounded CI size; set
# IPS_EVAL_SCALE=full for the national-scale versions). Any arguments go to pytest. The suite
# runs on two pytest-xdist workers (the machine's two cores; IPS_EVAL_TEST_WORKERS=0 runs it in
# one process); see tests/conftest.py for what each worker builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
set +e
workers=${IPS_EVAL_TEST_WORKERS:-2}
parallel=()
if [ "$workers" != "0" ]; then
  parallel=(-n "$workers" --dist loadfile)
fi
.venv/bin/python -m pytest "${parallel[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "run-tests: pytest collected no tests — that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"

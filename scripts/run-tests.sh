#!/usr/bin/env bash
# Set everything up, then run the test suite (scale tests in their bounded CI size; set
# IPS_EVAL_SCALE=full for the national-scale versions). Any arguments go to pytest. The suite
# runs on two pytest-xdist workers (the machine's two cores; IPS_EVAL_TEST_WORKERS=0 runs it in
# one process); see tests/conftest.py for what the workers build and share.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# The tests' temporary folders (every test run's output folder) in memory where the machine has
# room there: a run commits Dagster's event log some 2,500 times and DuckDB checkpoints, and on
# a disk each commit waits for it (12 ms here, 0.1 ms in memory; docs/performance.md). Removed
# afterwards. IPS_EVAL_TEST_TMP=disk keeps the system's temporary folder.
if [ "${IPS_EVAL_TEST_TMP:-}" != "disk" ] && [ -d /dev/shm ] && [ -w /dev/shm ] \
   && [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -gt 4000000 ]; then
  TMPDIR=$(mktemp -d /dev/shm/ips-eval-tests.XXXXXX)
  export TMPDIR
  trap 'rm -rf "$TMPDIR"' EXIT
fi

set +e
workers=${IPS_EVAL_TEST_WORKERS:-2}
parallel=()
if [ "$workers" != "0" ]; then
  # whole files per worker, handed out in the order tests/conftest.py gives them (slowest first)
  parallel=(-n "$workers" --dist loadfile --no-loadscope-reorder)
fi
.venv/bin/python -m pytest "${parallel[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "run-tests: pytest collected no tests — that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"

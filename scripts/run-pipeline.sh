#!/usr/bin/env bash
# Set everything up, then run the whole pipeline. No arguments: the built-in synthetic study.
# Any arguments go to `ips-eval run` (e.g. --deliveries /secure/deliveries --out /secure/out).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/ips-eval run "$@"

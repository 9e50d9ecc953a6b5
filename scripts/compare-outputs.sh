#!/usr/bin/env bash
# Compare two output folders of `ips-eval run` byte for byte: results/*.csv, analysis/*.parquet
# and tables/**/*.csv. Used to show that a refactoring or a speed change leaves every published
# and analysis number as it was. Exit 0 when identical, 1 with the differing files listed.
# Usage: scripts/compare-outputs.sh OLD_OUT NEW_OUT
set -euo pipefail
old=${1:?usage: compare-outputs.sh OLD_OUT NEW_OUT}
new=${2:?usage: compare-outputs.sh OLD_OUT NEW_OUT}
status=0
compared=0
while IFS= read -r rel; do
    compared=$((compared + 1))
    if [ ! -f "$new/$rel" ]; then
        echo "missing in $new: $rel"; status=1
    elif ! cmp -s "$old/$rel" "$new/$rel"; then
        echo "differs: $rel"; status=1
    fi
done < <(cd "$old" && find results analysis tables -type f \
            \( -path 'results/*.csv' -o -path 'analysis/*.parquet' -o -path 'tables/*.csv' \) | sort)
if [ "$compared" -eq 0 ]; then
    echo "nothing to compare under $old (results/, analysis/, tables/)" >&2
    exit 1
fi
[ "$status" -eq 0 ] && echo "identical: $compared files (results/*.csv, analysis/*.parquet, tables/**/*.csv)"
exit "$status"

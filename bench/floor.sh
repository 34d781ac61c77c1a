#!/bin/sh
# floor.sh DIR SHELL [FLAG...] -- the process floor of the full build at N=1000:
# the same 3001 shell commands as the peer workload, run by `xargs -P2` level by
# level under SHELL FLAG... (`bash -euo pipefail -c`, how wf runs a job, or
# `sh -c`, how make and ninja do). Prints the wall seconds. DIR must hold a
# fresh tree from gen.py (bench.mjs gives each run its own tree).
set -eu
cd "$1"
shift
for f in raw/*/telem.dat; do o=${f#raw/}; o=${o%/telem.dat}
    echo "mkdir -p L1/$o && tr a-z A-Z < $f > L1/$o/evt1.dat"; done > .l1
for f in raw/*/telem.dat; do o=${f#raw/}; o=${o%/telem.dat}
    echo "mkdir -p L2/$o && cp L1/$o/evt1.dat L2/$o/evt2.dat"
    echo "mkdir -p L2/$o && head -n 2 L1/$o/evt1.dat > L2/$o/src.dat"; done > .l2
echo "mkdir -p L3 && xargs cat < src.list > L3/catalog.dat" > .l3
start=$(date +%s.%N)
for level in .l1 .l2 .l3; do tr '\n' '\0' < $level | xargs -0 -P2 -n1 "$@"; done
end=$(date +%s.%N)
rm -f .l1 .l2 .l3
awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'

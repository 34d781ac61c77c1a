#!/bin/sh
# floor.sh DIR -- the process floor of the full build at N=1000: the same 3001
# shell commands as the peer workload, run by `xargs -P2` level by level, once
# under `bash -euo pipefail -c` (how wf runs a job) and once under `sh -c` (how
# make and ninja do). Prints the wall seconds of each. DIR must hold a fresh
# tree from gen.py --n 1000 (L1, L2, L3 are deleted between the two runs).
set -eu
cd "$1"
cmds() {
    for f in raw/*/telem.dat; do o=${f#raw/}; o=${o%/telem.dat}
        echo "mkdir -p L1/$o && tr a-z A-Z < $f > L1/$o/evt1.dat"; done > .l1
    for f in raw/*/telem.dat; do o=${f#raw/}; o=${o%/telem.dat}
        echo "mkdir -p L2/$o && cp L1/$o/evt1.dat L2/$o/evt2.dat"
        echo "mkdir -p L2/$o && head -n 2 L1/$o/evt1.dat > L2/$o/src.dat"; done > .l2
    echo "mkdir -p L3 && xargs cat < src.list > L3/catalog.dat" > .l3
}
run() { # $@: the shell and its flags
    rm -rf L1 L2 L3
    start=$(date +%s.%N)
    for level in .l1 .l2 .l3; do tr '\n' '\0' < $level | xargs -0 -P2 -n1 "$@"; done
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
cmds
echo "bash -euo pipefail -c: $(run bash -euo pipefail -c) s"
echo "sh -c: $(run sh -c) s"
rm -f .l1 .l2 .l3

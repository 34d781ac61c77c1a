#!/usr/bin/env bash
# Set up the example (tools, data) and run it: ./run.sh [wf run options and targets…]
# e.g. ./run.sh -j 4, ./run.sh -n --explain, ./run.sh L2
set -euo pipefail
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
wf="$here/../../bin/wf"
[ -f "$here/../../dist/cli/main.js" ] || { echo "run.sh: dist/cli/main.js not found; build first (npm run build)" >&2; exit 2; }
"$here/setup.sh"
cd "$here"
exec "$wf" run "$@"

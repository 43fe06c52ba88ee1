#!/usr/bin/env bash
# Time to relative gap 1e-6 on every shared fixture: the solver's own time (solve_seconds from
# --json) and the whole process (JVM start included), median of RUNS runs each.
# Usage: scripts/time_fixtures.sh [RUNS] [SOLVER]   (the repository's fixtures/)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
solver="${2:-fista}"
fixtures="$here/fixtures"
"$here/cvxformer" --version >/dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-28s %-8s %-6s %-12s %-12s %-10s\n' fixture solver iters solve_s_med process_s_med rel_gap
for dir in "$fixtures"/*/; do
  [ -f "$dir/problem.json" ] || continue
  name="$(basename "$dir")"
  loss="$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['loss'])" "$dir/problem.json")"
  beta="$(python3 -c "import json,sys;print(repr(json.load(open(sys.argv[1]))['beta']))" "$dir/problem.json")"
  solve_t=(); proc_t=(); iters=""; gap=""
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N)
    json="$("$here/cvxformer" solve --x "$dir/X.npy" --y "$dir/y.npy" --loss "$loss" --beta "$beta" --tol 1e-6 --solver "$solver" --json)"
    t1=$(date +%s.%N)
    proc_t+=("$(python3 -c "print($t1 - $t0)")")
    solve_t+=("$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['solve_seconds'])" "$json")")
    iters="$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['iterations'])" "$json")"
    gap="$(python3 -c "import json,sys;print('%.2e' % json.loads(sys.argv[1])['relative_gap'])" "$json")"
  done
  printf '%-28s %-8s %-6s %-12.4f %-12.3f %-10s\n' "$name" "$solver" "$iters" \
    "$(printf '%s\n' "${solve_t[@]}" | median)" "$(printf '%s\n' "${proc_t[@]}" | median)" "$gap"
done

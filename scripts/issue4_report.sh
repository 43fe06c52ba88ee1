#!/usr/bin/env bash
# The solver comparison asked for by issue 4, side by side in one run on this machine:
#   1. mod-division p=97, one-hot tokens, softmax, beta = 0.01 beta_max   (tol 1e-6)
#   2. the same with a dense 128-dimensional Gaussian token embedding      (tol 1e-6)
#   3. 256 random Fourier features per token, beta = 0.05 beta_max        (tol 1e-8)
#   4. the ill-conditioned case of the issue: 256 random Fourier features of the token
#      pair (scripts/rff_pair_instance.py), beta = 0.05 beta_max, every solver given
#      5 minutes                                                           (tol 1e-8)
# For each: NumPy FISTA (scripts/numpy_reference.py, whole process timed here), every
# cvxformer solver (bench-solvers: solver clock to each gap mark), and `cvxformer solve`
# with the default solver, whole process, RUNS times (median printed).
# Not part of CI; needs python3 with numpy. Takes about forty minutes.
# Usage: scripts/issue4_report.sh [OUT_DIR] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/issue4-report}"
runs="${2:-3}"
mkdir -p "$out"
cli="$here/cvxformer"
"$cli" --version >/dev/null   # builds the jar if needed, outside the timings

median() { python3 -c "import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print('%.2f' % statistics.median(v))" "$@"; }
now() { date +%s.%N; }

one() {
  local name="$1" features="$2" ratio="$3" tol="$4" secs="$5"; shift 5
  local dir="$out/$name"
  mkdir -p "$dir"
  if [ "$features" = rff-pair ]; then
    "$cli" data export mod-division --p 97 --features onehot --out "$dir/onehot" >/dev/null
    python3 "$here/scripts/rff_pair_instance.py" --src "$dir/onehot" --out "$dir/data" "$@" >/dev/null
  else
    "$cli" data export mod-division --p 97 --features "$features" "$@" --out "$dir/data" >/dev/null
  fi
  local x="$dir/data/X_train.npy" y="$dir/data/y_train.npy"
  echo "== $name: mod-division p=97 features=$features $* beta=$ratio*beta_max tol=$tol (training half), ${secs}s per solver"
  local t0 t1
  t0=$(now)
  python3 "$here/scripts/numpy_reference.py" --x "$x" --y "$y" --classes 97 --beta-ratio "$ratio" --tol "$tol" \
    --max-seconds "$secs" 2>"$dir/numpy.err" | tee "$dir/numpy.txt"
  t1=$(now)
  python3 -c "print('numpy whole process: %.2f s' % ($t1 - $t0))" | tee -a "$dir/numpy.txt"
  "$cli" bench-solvers --x "$x" --y "$y" --classes 97 --beta-ratio "$ratio" --tol "$tol" --runs 1 \
    --max-seconds "$secs" --out "$dir/bench" | tee "$dir/bench.txt"
  local times=()
  for r in $(seq "$runs"); do
    t0=$(now)
    "$cli" solve --x "$x" --y "$y" --classes 97 --beta-ratio "$ratio" --tol "$tol" --max-seconds "$secs" \
      --json >"$dir/auto-$r.json" || true
    t1=$(now)
    times+=("$(python3 -c "print($t1 - $t0)")")
  done
  python3 - "$dir/auto-1.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print("cvxformer solve (default solver):", j["message"][:110])
print("  solver clock %.2f s, relative gap %.2e" % (j["solve_seconds"], j["relative_gap"]))
PY
  echo "cvxformer whole process (median of $runs): $(median "${times[@]}") s  [runs: ${times[*]}]" | tee "$dir/auto.txt"
}

one onehot onehot 0.01 1e-6 120
one gauss128 gaussian 0.01 1e-6 120 --feature-dim 128
one rff256 rff 0.05 1e-8 120 --feature-dim 256
one rffpair rff-pair 0.05 1e-8 300 --dim 256

#!/usr/bin/env bash
# Side-by-side: cvxformer's solvers against a dense NumPy FISTA on the same exported instance,
# in one run on this machine. Not part of CI. Needs python3 with numpy.
# Usage: scripts/compare_numpy.sh [DATASET] [P] [FEATURES] [BETA_RATIO] [TOL]
#   e.g. scripts/compare_numpy.sh mod-division 97 onehot 0.01 1e-6
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ds="${1:-mod-division}"; p="${2:-97}"; feats="${3:-onehot}"; ratio="${4:-0.01}"; tol="${5:-1e-6}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$here/cvxformer" data export "$ds" --p "$p" --features "$feats" --out "$dir" >/dev/null
echo "instance: $ds p=$p features=$feats beta=$ratio*beta_max tol=$tol (training half)"
echo "== NumPy FISTA (external reference; whole process timed by bash)"
t0=$(date +%s.%N)
python3 "$here/scripts/numpy_reference.py" --x "$dir/X_train.npy" --y "$dir/y_train.npy" --classes "$p" \
  --beta-ratio "$ratio" --tol "$tol"
t1=$(date +%s.%N)
python3 -c "print('numpy whole process: %.2f s' % ($t1 - $t0))"
echo "== cvxformer bench-solvers (solver clocks)"
"$here/cvxformer" bench-solvers --x "$dir/X_train.npy" --y "$dir/y_train.npy" --classes "$p" --beta-ratio "$ratio" \
  --tol "$tol" --runs 1 --max-seconds 300
echo "== cvxformer solve --solver auto (whole process timed by bash)"
t0=$(date +%s.%N)
"$here/cvxformer" solve --x "$dir/X_train.npy" --y "$dir/y_train.npy" --classes "$p" --beta-ratio "$ratio" --tol "$tol" \
  --json | python3 -c "import json,sys; j=json.load(sys.stdin); print('auto ->', j['message'][:80], '| solve %.2f s, rel gap %.2e' % (j['solve_seconds'], j['relative_gap']))"
t1=$(date +%s.%N)
python3 -c "print('cvxformer whole process: %.2f s' % ($t1 - $t0))"

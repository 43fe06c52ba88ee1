#!/usr/bin/env bash
# Issue 11's comparison in one run: cvxformer's neural engine (NnThroughput) against its PyTorch
# twins (torch_throughput.py, torch_convex_stack.py), per epoch of what the trainer does (one
# training pass, then accuracy on the full training and validation splits), both models at their
# defaults (nonconvex batch 512, convex stack batch 32, mod-division p = 97, 50% split), float32,
# the same thread count; then the float64 rows and the matrix kernel's GFLOP/s. Run it on an idle
# machine: every figure is a median over EPOCHS epochs after a warm-up epoch. Not part of CI.
#
# Usage: scripts/neural_vs_torch.sh [THREADS=2] [EPOCHS=5] [PYTHON=/usr/bin/python3]
#
# PyTorch must run on an optimised BLAS: Debian's python3-torch reports BLAS_INFO=generic and calls
# whatever libblas.so.3 the alternatives system points to, which is the reference (netlib) BLAS at
# a few GFLOP/s unless OpenBLAS is installed (apt-get install libopenblas0-pthread). The script
# measures PyTorch's sgemm first and, below 20 GFLOP/s, warns (in the table too) that the ratios
# flatter cvxformer; STRICT_BLAS=1 makes that an error (exit 1) instead.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
threads="${1:-2}"; epochs="${2:-5}"; py="${3:-/usr/bin/python3}"
case "$threads$epochs" in *[!0-9]*) echo "usage: $0 [THREADS] [EPOCHS] [PYTHON] (whole numbers)" >&2; exit 2;; esac
"$py" -c "import torch" 2>/dev/null || { echo "$py has no torch: install python3-torch or pass PYTHON" >&2; exit 1; }

gf=$("$py" - "$threads" <<'PY'
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
a, b = torch.randn(2048, 512), torch.randn(512, 512)
for _ in range(3): a @ b
t = time.perf_counter()
for _ in range(10): a @ b
print("%.1f" % (2 * 2048 * 512 * 512 * 10 / (time.perf_counter() - t) / 1e9))
PY
)
echo "torch sgemm 2048x512x512 at $threads threads: $gf GFLOP/s"
blas_note=""
if ! "$py" -c "import sys; sys.exit(0 if float('$gf') >= 20 else 1)"; then
  blas_note="WARNING: PyTorch ran on a slow BLAS ($gf GFLOP/s sgemm; BLAS_INFO=generic, libblas.so.3 is the reference BLAS?): the ratios flatter cvxformer; install an optimised BLAS (apt-get install libopenblas0-pthread) and rerun"
  echo "$blas_note" >&2
  if [ "${STRICT_BLAS:-0}" = 1 ]; then exit 1; fi
fi

(cd "$here" && mvn -B -o -q -pl neural -am test-compile -DskipTests >/dev/null)
cp="$here/solver-core/target/classes:$here/solver-core/target/test-classes:$here/datasets/target/classes:$here/neural/target/classes:$here/neural/target/test-classes"
jv() { java --add-modules jdk.incubator.vector -cp "$cp" "$@" 2>&1 | grep -v '^WARNING: Using incubator modules'; }

out="$(mktemp)"; trap 'rm -f "$out"' EXIT
echo "== per epoch, $threads threads, $epochs timed epochs (medians)"
(cd "$here/scripts" && "$py" torch_throughput.py "$threads" "$epochs" float32 epoch) | tee -a "$out"
jv org.cvxformer.neural.NnThroughput nonconvex "$threads" "$epochs" float32 | tee -a "$out"
(cd "$here/scripts" && "$py" torch_convex_stack.py "$threads" "$epochs" float32 32) | tee -a "$out"
jv org.cvxformer.neural.NnThroughput convex-stack "$threads" "$epochs" float32 | tee -a "$out"
(cd "$here/scripts" && "$py" torch_throughput.py "$threads" "$epochs" float64 epoch) | tee -a "$out"
jv org.cvxformer.neural.NnThroughput nonconvex "$threads" "$epochs" float64 | tee -a "$out"
(cd "$here/scripts" && "$py" torch_convex_stack.py "$threads" "$epochs" float64 32) | tee -a "$out"
jv org.cvxformer.neural.NnThroughput convex-stack "$threads" "$epochs" float64 | tee -a "$out"

echo
echo "== ratio table (speed-up = PyTorch s/epoch / cvxformer s/epoch; goal >= 2 in float32)"
"$py" - "$out" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(torch|cvxformer)\s+(\S+)\s+(\S+) .*?: ([0-9.]+) s/epoch .*training ([0-9]+) samples/s; evaluation ([0-9]+)", line)
    if m:
        rows[(m[1], m[2], m[3])] = (float(m[4]), int(m[5]), int(m[6]))
print(f"{'model':13s} {'precision':9s} {'torch s/ep':>10s} {'cvx s/ep':>9s} {'speed-up':>8s} {'cvx eval/train':>14s}")
for model in ("nonconvex", "convex-stack"):
    for prec in ("float32", "float64"):
        t, c = rows.get(("torch", model, prec)), rows.get(("cvxformer", model, prec))
        if t and c:
            print(f"{model:13s} {prec:9s} {t[0]:10.3f} {c[0]:9.3f} {t[0] / c[0]:7.2f}x {c[2] / c[1]:13.1f}x")
PY
echo "PyTorch's sgemm (2048x512x512) at $threads threads: $gf GFLOP/s"
if [ -n "$blas_note" ]; then echo "$blas_note"; fi

echo
echo "== matrix kernel (Gemm.gemmParallel) GFLOP/s at $threads threads; machine_peak.py for scale"
jv org.cvxformer.core.linalg.GemmThroughput "$threads" 1
"$py" "$here/scripts/machine_peak.py" || true

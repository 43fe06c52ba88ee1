#!/usr/bin/env bash
# How the certified solve grows with p (issue 13, docs/scaling.md): modular division, one-hot
# pair tokens, the training half, softmax, beta = 0.01 beta_max, to a certified relative gap of
# 1e-6, with the heap capped at 4 GB. For each prime p it runs
#   cvxformer train --dataset mod-division --p P --model convex --beta-ratio 0.01
# under /usr/bin/time -v and writes one CSV row: N, c, iterations, solve seconds, seconds spent
# scoring accuracies inside the solver's clock, time per iteration without them, whole-process
# wall time, peak resident memory (the whole JVM) and the certified relative gap.
#
# usage: scripts/scaling.sh OUT_DIR [P ...]      (default primes: 31 97 211 499 997)
# env:   CVXFORMER_JAVA_OPTS (default -Xmx4g), SOLVER (default fista: the growth of one method
#        per iteration; auto picks newton-cg where its N x c arrays fit, so its rows would mix
#        methods), CVXFORMER (the launcher;
#        default ./cvxformer, which rebuilds its jar when a source is newer: point it at a copy
#        of the launcher next to solver-cli/target/cvxformer.jar to measure while editing)
# Then:  java -cp solver-cli/target/cvxformer.jar scripts/ScalingPlot.java OUT_DIR/scaling.csv docs/scaling.png
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: scripts/scaling.sh OUT_DIR [P ...]}"
shift
primes=("$@")
if [ ${#primes[@]} -eq 0 ]; then primes=(31 97 211 499 997); fi
export CVXFORMER_JAVA_OPTS="${CVXFORMER_JAVA_OPTS:--Xmx4g}"
solver="${SOLVER:-fista}"
launcher="${CVXFORMER:-$here/cvxformer}"
mkdir -p "$out"
csv="$out/scaling.csv"
echo "p,N,c,parameters,iterations,solve_s,eval_s,s_per_iter,wall_s,peak_rss_mb,relative_gap,converged,load_before" > "$csv"
for p in "${primes[@]}"; do
  run="$out/p$p"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -v -o "$out/p$p.time" "$launcher" train --dataset mod-division --p "$p" --model convex \
      --beta-ratio 0.01 --solver "$solver" --no-progress --out "$run" > "$out/p$p.log" 2>&1 || true
  python3 - "$run/summary.json" "$out/p$p.time" "$p" "$load" >> "$csv" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", t).group(1).split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
N = s["data"]["train_size"]; c = s["data"]["classes"]; d = s["data"]["features"]["d"]
n = s["data"]["sequence_length"]
it = s["iterations"]; solve = s["solve_seconds"]; ev = s["eval_seconds_inside_solve"]
print(f'{sys.argv[3]},{N},{c},{c*n*d},{it},{solve:.3f},{ev:.3f},{(solve-ev)/max(it,1):.5f},{wall:.2f},{rss:.0f},'
      f'{s["relative_gap"]:.3e},{str(s["converged"]).lower()},{sys.argv[4]}')
PY
  tail -1 "$csv"
done

#!/usr/bin/env python3
"""Issue 13's report: cvxformer's certified solve against the NumPy reference, in one run.

For each instance (one-hot mod-division and dense Gaussian softmax instances, with neighbours in
seed, N, d, c and beta) it times, whole process, to a certified relative duality gap of 1e-6:

* `scripts/numpy_reference.py` (dense NumPy FISTA, adaptive step and restart), `--runs` times;
* `cvxformer solve --solver auto`, `--runs` times, under `/usr/bin/time -v` (peak resident memory);
* each named solver once (fista, bcd, prox-newton, newton-cg, admm), to see how far each is from the fastest.

It prints (and writes to OUT/report.md, raw rows to OUT/rows.csv):

1. the ratio table: NumPy median / cvxformer median (whole process, both), with auto's pick;
2. the per-iteration bound table for FISTA: its measured seconds per iteration against the
   machine's bound for the products an iteration needs, max(bytes / copy bandwidth,
   FLOPs / dgemm rate), the rates measured by scripts/machine_peak.py in the same run;
3. the setup table: auto's load_seconds (reading, layout, warm-up, beta_max) against its
   solve_seconds (issue 13's goal 2: setup at most 10% of the solve), and the part of it that
   is the SIMD warm-up (the JIT compiling the kernels: warmup_seconds);
4. the solvers table (seconds to 1e-6 per solver, and each one's ratio to the fastest);
5. peak memory per instance;
6. the floor table (goal 1's 10x target against what no faster code could go below): the JVM's
   own floor, measured in the same run (`cvxformer --version`, and a certified solve of a
   40-sample instance, whole process, medians of `max(3, --runs)`), plus, for newton-cg, the
   passes over the design its Hessian products alone need (2 per product: one `A V`, one
   `A^T U`) at the measured copy bandwidth. A 10x target below that floor cannot be reached by
   faster kernels; only a method that reads the design fewer times, or no JVM, could.

Never part of the build or the tests. Needs numpy in the interpreter that runs it (Debian's python3-numpy for
/usr/bin/python3); the reference and machine_peak.py run under that same interpreter.

    scripts/solver_ratio.py OUT_DIR [--runs 3] [--only NAME ...] [--launcher ./cvxformer]
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SOLVERS = ["fista", "bcd", "prox-newton", "newton-cg", "admm"]


def dense_instance(path, seed, N, n, d, c):
    """The issue's dense softmax recipe: Gaussian X, labels from a planted linear model plus noise."""
    if os.path.exists(os.path.join(path, "y.npy")):
        return os.path.join(path, "X.npy"), os.path.join(path, "y.npy"), c, {"N": N, "n": n, "d": d, "c": c,
                                                                               "nnz": N * n * d}
    os.makedirs(path, exist_ok=True)
    r = np.random.default_rng(seed)
    X = r.standard_normal((N, n, d))
    W = r.standard_normal((n * d, c))
    y = np.argmax(X.reshape(N, -1) @ W + 8 * r.standard_normal((N, c)), 1)
    np.save(os.path.join(path, "X.npy"), X)
    np.save(os.path.join(path, "y.npy"), y)
    return os.path.join(path, "X.npy"), os.path.join(path, "y.npy"), c, {"N": N, "n": n, "d": d, "c": c, "nnz": N * n * d}


def onehot_instance(launcher, path, p):
    if not os.path.exists(os.path.join(path, "X_train.npy")):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([launcher, "data", "export", "mod-division", "--p", str(p), "--features", "onehot",
                        "--format", "pair", "--out", path],
                       check=True, stdout=subprocess.DEVNULL)
    X = np.load(os.path.join(path, "X_train.npy"), mmap_mode="r")
    N, n, d = X.shape
    return (os.path.join(path, "X_train.npy"), os.path.join(path, "y_train.npy"), p,
            {"N": N, "n": n, "d": d, "c": p, "nnz": N * n})


def instances(out, launcher):
    """(name, kind, beta_ratio, builder) for every instance of the report."""
    main = [
        ("onehot-p97", "one-hot", 0.01, lambda: onehot_instance(launcher, f"{out}/data/onehot-p97", 97)),
        ("dense-N20000", "dense", 0.01, lambda: dense_instance(f"{out}/data/dense-s0", 0, 20000, 8, 64, 10)),
    ]
    neighbours = [
        ("onehot-p97-beta0.001", "one-hot", 0.001, lambda: onehot_instance(launcher, f"{out}/data/onehot-p97", 97)),
        ("onehot-p97-beta0.1", "one-hot", 0.1, lambda: onehot_instance(launcher, f"{out}/data/onehot-p97", 97)),
        ("onehot-p61", "one-hot", 0.01, lambda: onehot_instance(launcher, f"{out}/data/onehot-p61", 61)),
        ("dense-seed1", "dense", 0.01, lambda: dense_instance(f"{out}/data/dense-s1", 1, 20000, 8, 64, 10)),
        ("dense-N10000", "dense", 0.01, lambda: dense_instance(f"{out}/data/dense-n10k", 2, 10000, 8, 64, 10)),
        ("dense-d32", "dense", 0.01, lambda: dense_instance(f"{out}/data/dense-d32", 3, 20000, 8, 32, 10)),
        ("dense-c20", "dense", 0.01, lambda: dense_instance(f"{out}/data/dense-c20", 4, 20000, 8, 64, 20)),
        ("dense-beta0.001", "dense", 0.001, lambda: dense_instance(f"{out}/data/dense-s0", 0, 20000, 8, 64, 10)),
        ("dense-beta0.1", "dense", 0.1, lambda: dense_instance(f"{out}/data/dense-s0", 0, 20000, 8, 64, 10)),
    ]
    return main, neighbours


def auto_pick(j):
    """The method auto ran, from its message ("auto picked newton-cg (...)", "auto kept fista", ...)."""
    message = j.get("message", "")
    # after a merge the message goes on "...; auto kept fista ...", so search rather than match
    m = re.search(r"auto (?:picked|kept) ([a-z-]+)", message)
    merged = "merged, then " if message.startswith("auto solved the tokens merged") else ""
    return merged + m.group(1) if m else j["solver"]


def timed(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t0, r


def peak_mb(time_file):
    t = open(time_file).read()
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024


def machine_peak():
    r = subprocess.run([sys.executable, f"{HERE}/machine_peak.py"], capture_output=True, text=True, check=True)
    dgemm = float(re.search(r"dgemm [^:]*: ([\d.]+) GFLOP/s", r.stdout).group(1))
    copy = float(re.search(r"copy [^:]*: ([\d.]+) GB/s", r.stdout).group(1))
    return dgemm, copy, r.stdout.strip()


def pass_bytes(kind, shape):
    """Bytes of the design one product reads: 8 N n d dense; 12 per nonzero sparse (index and value)."""
    if kind == "dense":
        return 8.0 * shape["N"] * shape["n"] * shape["d"]
    return 12.0 * shape["nnz"]


def jvm_floor(launcher, out, runs):
    """Whole-process seconds of `launcher --version` and of a certified solve of a 40-sample
    instance (seeded), medians of `runs` runs: what any solve through the launcher costs."""
    x, y = f"{out}/tiny-X.npy", f"{out}/tiny-y.npy"
    rng = np.random.default_rng(0)
    np.save(x, rng.standard_normal((40, 2, 3)))
    np.save(y, rng.integers(0, 3, 40))
    version, tiny = [], []
    for _ in range(runs):
        t, r = timed([launcher, "--version"])
        if r.returncode != 0:
            raise SystemExit(f"{launcher} --version failed: {r.stderr.strip()}")
        version.append(t)
        t, r = timed([launcher, "solve", "--x", x, "--y", y, "--beta-ratio", "0.1", "--json"])
        if r.returncode != 0:
            raise SystemExit(f"the tiny solve failed: {r.stderr.strip()}")
        tiny.append(t)
    return statistics.median(version), statistics.median(tiny)


def hessian_products(message):
    """newton-cg's Hessian products, from its message ("8 Newton steps, 44 Hessian products, ...")."""
    m = re.search(r"(\d+) Hessian products", message or "")
    return int(m.group(1)) if m else None


def iteration_bound(kind, shape, dgemm, copy):
    """Seconds per FISTA iteration at the machine's bound: two products (A^T U at the extrapolated
    point, A W' at the trial point, cvxformer's tracked-score mode) and the score arrays' traffic
    (momentum 3, gradient pass 2, A^T U 1, trial scores 1, trial value 1: 8 passes over N c doubles)."""
    N, nd, c = shape["N"], shape["n"] * shape["d"], shape["c"]
    design_bytes = 2 * pass_bytes(kind, shape)
    if kind == "dense":
        flops = 2 * 2.0 * N * nd * c
    else:  # one-hot: nnz = N n, a product is an add per nonzero and class; indices and values read
        flops = 2 * 2.0 * shape["nnz"] * c
    score_bytes = 8 * 8.0 * N * c
    return max((design_bytes + score_bytes) / (copy * 1e9), flops / (dgemm * 1e9)), flops, design_bytes + score_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=3, help="runs of NumPy and of auto on the two main instances (median)")
    ap.add_argument("--only", nargs="*", help="instance names to run (default: all)")
    ap.add_argument("--launcher", default=f"{ROOT}/cvxformer")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--peak", help="DGEMM_GFLOPS,COPY_GBS instead of measuring them (a smoke test of this script)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.peak:
        dgemm, copy = (float(v) for v in a.peak.split(","))
        peak_text = f"(given, not measured: dgemm {dgemm} GFLOP/s, copy {copy} GB/s)"
    else:
        dgemm, copy, peak_text = machine_peak()
    print(peak_text, flush=True)
    floor_runs = max(3, a.runs)
    floor_version, floor_tiny = jvm_floor(a.launcher, a.out, floor_runs)
    print(f"JVM floor: --version {floor_version:.2f} s, a 40-sample certified solve {floor_tiny:.2f} s", flush=True)
    main_set, neighbours = instances(a.out, a.launcher)
    rows = []
    for group, insts in (("main", main_set), ("neighbour", neighbours)):
        for name, kind, ratio, build in insts:
            if a.only and name not in a.only:
                continue
            x, y, c, shape = build()
            runs = a.runs if group == "main" else 1
            base = ["--x", x, "--y", y, "--classes", str(c), "--beta-ratio", str(ratio), "--tol", str(a.tol)]
            np_times, np_gaps = [], []
            for _ in range(runs):
                t, r = timed([sys.executable, f"{HERE}/numpy_reference.py", *base, "--max-seconds",
                              str(a.max_seconds), "--json"])
                j = json.loads(r.stdout)
                np_times.append(t)
                np_gaps.append(j["relative_gap"])
            cvx_times, picks, mems, cvx_gaps, loads, solves, warmups = [], [], [], [], [], [], []
            for k in range(runs):
                tf = f"{a.out}/{name}-auto-{k}.time"
                t, r = timed(["/usr/bin/time", "-v", "-o", tf, a.launcher, "solve", *base, "--max-seconds",
                              str(a.max_seconds), "--json"])
                j = json.loads(r.stdout)
                cvx_times.append(t)
                picks.append(auto_pick(j))
                mems.append(peak_mb(tf))
                cvx_gaps.append(j["relative_gap"])
                loads.append(j["load_seconds"])
                warmups.append(j.get("warmup_seconds", float("nan")))  # absent before 2026-12-03
                solves.append(j["solve_seconds"])
            solver_rows = {}
            for s in SOLVERS:
                t, r = timed([a.launcher, "solve", *base, "--solver", s, "--max-seconds", str(a.max_seconds), "--json"])
                try:
                    j = json.loads(r.stdout)
                except json.JSONDecodeError:
                    solver_rows[s] = {"wall": t, "solve": None, "iterations": None, "gap": None, "message": None,
                                      "status": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
                    continue
                solver_rows[s] = {"wall": t, "solve": j["solve_seconds"], "iterations": j["iterations"],
                                  "gap": j["relative_gap"], "status": j["status"], "message": j.get("message")}
            bound, flops, bytes_ = iteration_bound(kind, shape, dgemm, copy)
            f = solver_rows["fista"]
            per_iter = f["solve"] / f["iterations"] if f["solve"] and f["iterations"] else None
            row = {"group": group, "instance": name, "kind": kind, "beta_ratio": ratio, **shape,
                   "numpy_s": statistics.median(np_times), "numpy_gap": max(np_gaps),
                   "cvx_s": statistics.median(cvx_times), "cvx_gap": max(cvx_gaps), "auto_pick": picks[0],
                   "ratio": statistics.median(np_times) / statistics.median(cvx_times),
                   "peak_mb": max(mems), "setup_s": statistics.median(loads), "solve_s": statistics.median(solves),
                   "warmup_s": statistics.median(warmups),
                   "fista_s_per_iter": per_iter, "bound_s_per_iter": bound,
                   "flops_per_iter": flops, "bytes_per_iter": bytes_,
                   "pass_bytes": pass_bytes(kind, shape),
                   "jvm_version_s": floor_version, "jvm_tiny_solve_s": floor_tiny,
                   "newton_products": hessian_products(solver_rows["newton-cg"]["message"]),
                   **{f"{s}_wall": solver_rows[s]["wall"] for s in SOLVERS},
                   **{f"{s}_solve": solver_rows[s]["solve"] for s in SOLVERS},
                   **{f"{s}_status": solver_rows[s]["status"] for s in SOLVERS},
                   **{f"{s}_iterations": solver_rows[s]["iterations"] for s in SOLVERS}}
            rows.append(row)
            print(f"{name}: numpy {row['numpy_s']:.2f} s (gap {row['numpy_gap']:.1e}), cvxformer {row['cvx_s']:.2f} s "
                  f"(gap {row['cvx_gap']:.1e}, auto -> {row['auto_pick']}), ratio {row['ratio']:.1f}x; "
                  + ", ".join(f"{s} {solver_rows[s]['wall']:.1f} s {solver_rows[s]['status']}" for s in SOLVERS),
                  flush=True)
    with open(f"{a.out}/rows.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    lines = [f"Machine (scripts/machine_peak.py, same run): dgemm {dgemm:.1f} GFLOP/s, copy {copy:.1f} GB/s.", "",
             "## Ratio (whole process, to a certified relative gap of %g; median of %d runs on the main instances, "
             "one on the neighbours)" % (a.tol, a.runs), "",
             "| instance | N | n | d | c | beta/beta_max | NumPy s | cvxformer s | auto | ratio | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        np_note = "" if r["numpy_gap"] <= a.tol else f" (gap {r['numpy_gap']:.1e}, cap)"
        lines.append(f"| {r['instance']} | {r['N']} | {r['n']} | {r['d']} | {r['c']} | {r['beta_ratio']:g} | "
                     f"{r['numpy_s']:.2f}{np_note} | {r['cvx_s']:.2f} | {r['auto_pick']} | {r['ratio']:.1f}x | {r['peak_mb']:.0f} |")
    lines += ["", "## Setup against the solve (goal 2: at most 10%), auto, medians", "",
              "The warm-up column is the part of the setup spent compiling the SIMD bodies (running or waiting "
              "for the warm-up, `warmup_seconds`); the last column is the setup without it.", "",
              "| instance | setup s (load_seconds) | of which warm-up s | solve s | setup / solve | without the warm-up |",
              "|---|---|---|---|---|---|"]
    for r in rows:
        rest = r["setup_s"] - r["warmup_s"]
        lines.append(f"| {r['instance']} | {r['setup_s']:.3f} | {r['warmup_s']:.3f} | {r['solve_s']:.3f} | "
                     f"{100 * r['setup_s'] / r['solve_s']:.0f}% | {100 * rest / r['solve_s']:.0f}% |")
    lines += ["", "## FISTA per iteration against the machine's bound", "",
              "| instance | GFLOP / iteration | MB moved / iteration | bound ms | measured ms | measured / bound |",
              "|---|---|---|---|---|---|"]
    for r in rows:
        m = r["fista_s_per_iter"]
        measured = "-" if m is None else "%.2f" % (m * 1e3)
        over = "-" if m is None else "%.1fx" % (m / r["bound_s_per_iter"])
        lines.append(f"| {r['instance']} | {r['flops_per_iter'] / 1e9:.3f} | {r['bytes_per_iter'] / 1e6:.0f} | "
                     f"{r['bound_s_per_iter'] * 1e3:.2f} | {measured} | {over} |")
    lines += ["", "## Each solver, whole process (s), and its ratio to the fastest that reached the tolerance", "",
              "| instance | " + " | ".join(SOLVERS) + " |", "|---|" + "---|" * len(SOLVERS)]
    for r in rows:
        ok = [r[f"{s}_wall"] for s in SOLVERS if r[f"{s}_status"] == "OPTIMAL"]
        best = min(ok) if ok else None
        cells = []
        for s in SOLVERS:
            wall = r[s + "_wall"]
            if r[s + "_status"] == "OPTIMAL" and best:
                cells.append("%.2f (%.1fx)" % (wall, wall / best))
            else:
                cells.append("%.2f %s" % (wall, str(r[s + "_status"])[:40]))
        lines.append(f"| {r['instance']} | " + " | ".join(cells) + " |")
    lines += ["", "## Goal 1's 10x against the floor", "",
              f"JVM floor, same run (medians of {floor_runs}): `cvxformer --version` {floor_version:.2f} s, "
              f"a certified solve of 40 samples {floor_tiny:.2f} s, whole process. The newton-cg bound is its "
              "Hessian products' passes over the design alone (2 per product) at the copy bandwidth.", "",
              "| instance | NumPy s | 10x target s | newton-cg products | their passes at copy bandwidth s | "
              "floor s (tiny solve + passes) | target / floor |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        target = r["numpy_s"] / 10
        k = r["newton_products"]
        passes = None if k is None else 2 * k * r["pass_bytes"] / (copy * 1e9)
        floor = floor_tiny + (passes or 0)
        lines.append(f"| {r['instance']} | {r['numpy_s']:.2f} | {target:.3f} | {'-' if k is None else k} | "
                     f"{'-' if passes is None else '%.3f' % passes} | {floor:.2f} | {target / floor:.2f} |")
    open(f"{a.out}/report.md", "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

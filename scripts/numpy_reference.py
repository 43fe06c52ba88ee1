#!/usr/bin/env python3
"""External reference for cvxformer's solvers: dense NumPy FISTA, written the usual way.

Reads an instance exported by `cvxformer data export` (or any X.npy / y.npy pair), solves the
group-lasso primal of shared/math.md (averaged loss, beta * sum of row norms), certifies it with
the rescaled-residual dual point (math.md section 4), and prints time and iterations to relative
gaps 1e-2, 1e-4, 1e-6, 1e-8 in the same layout as `cvxformer bench-solvers`. By default the
step adapts (backtracking, and a shorter curvature estimate after each step that needed none, as
cvxformer's FISTA does), which is the strongest plain first-order NumPy code we know;
`--fixed-step` keeps the global 1/L.

Not part of CI. Needs numpy (and scipy only for --cvxopt-free nothing else).

    scripts/numpy_reference.py --x X_train.npy --y y_train.npy --loss softmax --beta-ratio 0.01 [--tol 1e-6]
"""
import argparse
import json
import sys
import time

import numpy as np


def softmax(S):
    S = S - S.max(axis=1, keepdims=True)
    E = np.exp(S)
    return E / E.sum(axis=1, keepdims=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--x", required=True)
    ap.add_argument("--y", required=True)
    ap.add_argument("--loss", default="softmax", choices=["softmax", "squared"])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--beta", type=float)
    g.add_argument("--beta-ratio", type=float)
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--max-iter", type=int, default=100000)
    ap.add_argument("--max-seconds", type=float, default=float("inf"))
    ap.add_argument("--classes", type=int)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--fixed-step", action="store_true",
                    help="the global step 1/L throughout (default: adaptive steps with backtracking, "
                         "Scheinberg, Goldfarb and Bai 2014, and scores tracked across the momentum)")
    a = ap.parse_args()

    t_start = time.perf_counter()
    X = np.load(a.x).astype(np.float64)
    y = np.load(a.y)
    N, n, d = X.shape
    A = X.reshape(N, n * d)
    c = a.classes or int(y.max()) + 1
    Y = np.zeros((N, c))
    Y[np.arange(N), y.astype(int)] = 1.0

    def grad_S(S):
        return ((softmax(S) if a.loss == "softmax" else S) - Y) / N

    def F(S):
        if a.loss == "softmax":
            m = S.max(axis=1)
            return float(np.mean(m + np.log(np.exp(S - m[:, None]).sum(axis=1)) - S[np.arange(N), y.astype(int)]))
        return float(0.5 * np.sum((S - Y) ** 2) / N)

    def dual(U):
        if a.loss == "softmax":
            Q = N * U + Y
            Q = np.clip(Q, 0, None)
            with np.errstate(divide="ignore", invalid="ignore"):
                H = -np.where(Q > 0, Q * np.log(Q), 0.0).sum()
            return float(H / N)
        return float(-(N / 2) * np.sum(U ** 2) - np.sum(U * Y))

    def group_norms(W):  # W: (n*d, c) -> (c, n)
        return np.sqrt((W.reshape(n, d, c) ** 2).sum(axis=1)).T

    def pen(W):
        return beta * group_norms(W).sum()

    def prox(W, tau):
        Wr = W.reshape(n, d, c)
        nr = np.sqrt((Wr ** 2).sum(axis=1, keepdims=True))
        scale = np.maximum(0.0, 1.0 - tau / np.maximum(nr, 1e-300))
        return (Wr * scale).reshape(n * d, c)

    G0 = A.T @ grad_S(np.zeros((N, c)))
    beta_max = float(group_norms(G0).max())
    beta = a.beta if a.beta is not None else a.beta_ratio * beta_max
    curv = 0.5 if a.loss == "softmax" else 1.0
    if a.fixed_step:
        L = curv * np.linalg.norm(A, 2) ** 2 / N  # the exact global constant (an SVD of A)
    else:
        # backtracking corrects any start, so 8 power steps on A^T A (not an SVD) give it
        v = np.random.default_rng(0).standard_normal(n * d)
        for _ in range(8):
            v = A.T @ (A @ v)
            v /= np.linalg.norm(v)
        L = curv * float(np.linalg.norm(A @ v)) ** 2 / N

    W = np.zeros((n * d, c))
    Wy = W.copy()
    t = 1.0
    best_d = -np.inf
    marks = {1e-2: None, 1e-4: None, 1e-6: None, 1e-8: None}
    t_solve = time.perf_counter()
    it = 0
    P = F(A @ W) + pen(W)
    best_P = P

    def done(best_P, best_d, it):
        """Records the times to each gap mark; True at the tolerance or the time limit."""
        rel = (best_P - best_d) / max(best_P, 1e-300)
        el = time.perf_counter() - t_solve
        for k in marks:
            if marks[k] is None and rel <= k:
                marks[k] = (el, it)
        return rel <= a.tol or el >= a.max_seconds

    if a.fixed_step:
        while it < a.max_iter:
            it += 1
            Sy = A @ Wy
            U0 = grad_S(Sy)
            G = A.T @ U0
            s = min(1.0, beta / group_norms(G).max())
            best_d = max(best_d, dual(s * U0))
            Wn = prox(Wy - G / L, beta / L)
            P = F(A @ Wn) + pen(Wn)
            best_P = min(best_P, P)
            if done(best_P, best_d, it):
                W = Wn
                break
            tn = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
            if np.sum((Wy - Wn) * (Wn - W)) > 0:  # gradient-scheme restart
                tn, Wy = 1.0, Wn
            else:
                Wy = Wn + ((t - 1) / tn) * (Wn - W)
            W, t = Wn, tn
    else:
        # Adaptive FISTA (Scheinberg, Goldfarb and Bai 2014): backtrack on L (x2) until the
        # sufficient-decrease test holds, shrink it (x0.8) after a step that needed none, with the
        # momentum corrected by theta = L_next / L; scores tracked linearly across the momentum
        # (S_y = S_x' + m (S_x' - S_x)), so an iteration is one A^T U and one A W' plus one A W'
        # per backtrack; gradient-scheme restart (O'Donoghue and Candes 2015).
        Lk = L
        Sx = A @ W
        Sy = Sx.copy()
        while it < a.max_iter:
            it += 1
            U0 = grad_S(Sy)
            Fy = F(Sy)
            G = A.T @ U0
            s = min(1.0, beta / group_norms(G).max())
            best_d = max(best_d, dual(s * U0))
            backtracked = False
            while True:
                Wn = prox(Wy - G / Lk, beta / Lk)
                Sn = A @ Wn
                Fn = F(Sn)
                D = Wn - Wy
                if Fn <= Fy + np.sum(G * D) + 0.5 * Lk * np.sum(D * D) + 1e-13 * max(1.0, abs(Fy)):
                    break
                Lk *= 2.0
                backtracked = True
            P = Fn + pen(Wn)
            best_P = min(best_P, P)
            if done(best_P, best_d, it):
                W = Wn
                break
            Lnext = Lk if backtracked else 0.8 * Lk
            theta = Lnext / Lk
            Lk = Lnext
            if np.sum((Wy - Wn) * (Wn - W)) > 0:  # gradient-scheme restart
                t, Wy, Sy = 1.0, Wn, Sn.copy()
            else:
                tn = 0.5 * (1 + np.sqrt(1 + 4 * theta * t * t))
                m = (t - 1) / tn
                Wy = Wn + m * (Wn - W)
                Sy = Sn + m * (Sn - Sx)
                t = tn
            W, Sx = Wn, Sn
    P = best_P
    solve_s = time.perf_counter() - t_solve
    out = {"solver": "numpy-fista" + ("" if a.fixed_step else "-adaptive"), "objective": P, "dual_objective": best_d, "relative_gap": (P - best_d) / P,
           "iterations": it, "solve_seconds": solve_s, "process_seconds": time.perf_counter() - t_start,
           "beta": beta, "beta_max": beta_max,
           "to_gap": {f"{k:g}": (None if v is None else {"seconds": v[0], "iterations": v[1]}) for k, v in marks.items()}}
    if a.json:
        print(json.dumps(out))
        return
    print(f"{'solver':<14} {'1e-2':>16} {'1e-4':>16} {'1e-6':>16} {'1e-8':>16}  final rel gap")
    cells = ["-" if v is None else f"{v[0]:.3f}s/{v[1]}it" for v in marks.values()]
    print(f"{out['solver']:<14} " + " ".join(f"{c:>16}" for c in cells) + f"  {out['relative_gap']:.3e}", flush=True)
    print(f"objective {P:.12g}  dual {best_d:.12g}  iterations {it}  solve {solve_s:.2f}s  "
          f"process {out['process_seconds']:.2f}s (python start not included)", file=sys.stderr)


if __name__ == "__main__":
    main()

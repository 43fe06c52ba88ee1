#!/usr/bin/env python3
"""Random Fourier features of the token pair: the ill-conditioned instance of issue 4.

Reads an instance exported with one-hot tokens by `cvxformer data export` (X of shape (N, 2, p))
and writes X of shape (N, 1, D): phi(x) = sqrt(2/D) cos(W x + b) of the concatenated one-hot
pair x in R^{2p} (Rahimi and Recht 2007; Gaussian kernel of bandwidth sigma), W ~ N(0, 1/sigma^2),
b ~ U[0, 2 pi), from numpy's PCG64 with the given seed. Unlike per-token features, every pair
gives a different vector, so no token-table structure is left to exploit: the design is a
plain dense N x D matrix. Labels are copied.

    scripts/rff_pair_instance.py --src DIR --out DIR [--dim 256] [--sigma 1] [--seed 0]
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", required=True, help="directory with X_train.npy, y_train.npy (one-hot tokens)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--sigma", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = np.random.Generator(np.random.PCG64(a.seed))
    os.makedirs(a.out, exist_ok=True)
    W = None
    for part in ("train", "val"):
        X = np.load(os.path.join(a.src, f"X_{part}.npy")).astype(np.float64)
        N = X.shape[0]
        flat = X.reshape(N, -1)
        if W is None:
            W = rng.standard_normal((a.dim, flat.shape[1])) / a.sigma
            b = rng.uniform(0.0, 2 * np.pi, a.dim)
        phi = np.sqrt(2.0 / a.dim) * np.cos(flat @ W.T + b)
        np.save(os.path.join(a.out, f"X_{part}.npy"), phi.reshape(N, 1, a.dim))
        np.save(os.path.join(a.out, f"y_{part}.npy"), np.load(os.path.join(a.src, f"y_{part}.npy")))
    print(f"wrote {a.out}: X_train {N} x 1 x {a.dim} (rff of the token pair, sigma {a.sigma}, seed {a.seed})")


if __name__ == "__main__":
    main()

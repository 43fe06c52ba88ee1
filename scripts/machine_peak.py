#!/usr/bin/env python3
"""This machine's practical ceilings, for putting kernel timings in proportion (issue 4).

* peak floating-point rate: NumPy's OpenBLAS dgemm and sgemm on 3000 x 3000 matrices (all
  cores), median of 5; a tuned BLAS gets close to the hardware peak, so these are the rates to
  compare float64 and float32 kernels with;
* memory bandwidth: a 400 MB array copy (bytes read + written per second), median of 5.

    python3 scripts/machine_peak.py
"""
import statistics
import time

import numpy as np


def timed(f, runs=5):
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    n = 3000
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, n))
    a @ b  # warm up the BLAS threads
    t = timed(lambda: a @ b)
    print(f"dgemm {n}x{n}x{n}: {2 * n ** 3 / t / 1e9:.1f} GFLOP/s (median of 5)")
    a32 = a.astype(np.float32)
    b32 = b.astype(np.float32)
    a32 @ b32
    t = timed(lambda: a32 @ b32)
    print(f"sgemm {n}x{n}x{n}: {2 * n ** 3 / t / 1e9:.1f} GFLOP/s (median of 5)")
    m = 50_000_000
    x = np.ones(m)
    y = np.empty(m)
    np.copyto(y, x)
    t = timed(lambda: np.copyto(y, x))
    print(f"copy {8 * m / 1e6:.0f} MB: {2 * 8 * m / t / 1e9:.1f} GB/s read+write (median of 5)")


if __name__ == "__main__":
    main()

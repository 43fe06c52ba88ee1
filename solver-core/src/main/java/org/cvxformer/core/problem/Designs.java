package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Vec;

/** Factories and argument checks shared by the {@link Design} implementations. */
public final class Designs {
    /** Stored-entry fraction below which {@link #of} picks the sparse layout. */
    public static final double SPARSE_DENSITY_THRESHOLD = 0.25;

    /**
     * Square matrices derived from a design ({@link Design#outerGramIfCheap}, and the sparse
     * {@link Design#gramIfCheap}) are not formed with more entries than this (64 Mi doubles, 512 MiB).
     */
    public static final long MAX_SQUARE_ENTRIES = 64L * 1024 * 1024;

    private Designs() {
    }

    /**
     * The cheaper layout for {@code X} of shape {@code (N, n, d)} in C order: compressed rows
     * when at most {@link #SPARSE_DENSITY_THRESHOLD} of the entries are non-zero (a CSR entry
     * costs an index and a value, about twice a dense entry, and its loops are less regular);
     * else token tables when the token vectors repeat ({@link #TOKEN_TABLE_FRACTION}); else
     * the dense row-major layout.
     */
    public static Design of(double[] x, int N, int n, int d) {
        return of(x, N, n, d, false);
    }

    /**
     * As {@link #of}, but the dense layout keeps {@code x} itself instead of a copy: for a
     * caller that made {@code x} for this design and drops it (the CLI's freshly read
     * {@code X.npy}), which saves a copy of the data, {@code 8 N n d} bytes, and the time to
     * make it. The caller must not change {@code x} afterwards.
     */
    public static Design ofOwned(double[] x, int N, int n, int d) {
        return of(x, N, n, d, true);
    }

    private static Design of(double[] x, int N, int n, int d, boolean owned) {
        checkShape(x.length, N, n, d);
        // one pass counts and checks every entry; the layouts below then skip their own check
        // (three passes over a large X were a third of the setup before the first iteration)
        long nnz = nonZerosOfFinite(x, n, d);
        if (nnz <= SPARSE_DENSITY_THRESHOLD * x.length) {
            return new SparseDesign(x, N, n, d);
        }
        if (d > 1) {
            // dense token vectors drawn from small tables (embeddings, random features of
            // tokens): products through the tables cost sum_k V_k d c instead of N n d c
            TokenTableDesign t = TokenTableDesign.factorChecked(x, N, n, d, (long) (TOKEN_TABLE_FRACTION * N * n));
            if (t != null) {
                return t;
            }
        }
        return DenseDesign.checked(x, N, n, d, !owned);
    }

    /**
     * The number of non-zero entries of {@code x}, after checking that every entry is finite
     * (with {@link #checkFinite}'s message for the first one that is not).
     */
    static long nonZerosOfFinite(double[] x, int n, int d) {
        long nnz = 0;
        boolean finite = true;
        for (double v : x) {
            if (v != 0) {
                nnz++;
            }
            // NaN and the infinities fail this, every finite value passes
            finite &= Math.abs(v) <= Double.MAX_VALUE;
        }
        if (!finite) {
            checkFinite(x, n, d);
        }
        return nnz;
    }

    /**
     * A dense design is factored into token tables ({@link TokenTableDesign}) when it has at
     * most this fraction of {@code N n} distinct token vectors: the table products then cost at
     * most a quarter of the dense ones (plus {@code N n c} for gathering and scattering).
     */
    public static final double TOKEN_TABLE_FRACTION = 0.25;

    static void checkShape(long length, int N, int n, int d) {
        if (N <= 0 || n <= 0 || d <= 0) {
            throw new IllegalArgumentException("X has shape (" + N + ", " + n + ", " + d
                    + "): expected (N, n, d) with every dimension >= 1");
        }
        long expected = (long) N * n * d;
        if (expected > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("X has " + expected + " entries: more than one Java array holds (2^31)");
        }
        if (length != expected) {
            throw new IllegalArgumentException("X has " + length + " values, but shape (" + N + ", " + n + ", " + d
                    + ") needs " + expected);
        }
    }

    static void checkFinite(double[] x, int n, int d) {
        for (int p = 0; p < x.length; p++) {
            if (!Double.isFinite(x[p])) {
                int i = p / (n * d);
                int k = (p / d) % n;
                int j = p % d;
                throw new IllegalArgumentException("X[" + i + ", " + k + ", " + j + "] = " + x[p]
                        + ": every feature must be finite (clean or impute the data first)");
            }
        }
    }

    static void checkLength(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " has length " + actual + ", expected " + expected);
        }
    }

    /**
     * The transpose of a row-major {@code c x nd} matrix, as a new array: e.g. the parameter
     * layout turned into {@code nd x c}, so loops over classes are contiguous.
     */
    static double[] transpose(double[] W, int c, int nd) {
        double[] wt = new double[W.length];
        Vec.transpose(W, c, nd, wt);
        return wt;
    }
}

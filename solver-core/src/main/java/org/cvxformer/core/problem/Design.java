package org.cvxformer.core.problem;

/**
 * The design matrix {@code A} in {@code R^{N x nd}} of math.md section 1: row {@code i} is
 * {@code vec(X_i)}, token-major (column {@code k*d + j}).
 *
 * <p>Parameter layout used across the core: {@code Z} (equivalently {@code W}) is a flat array
 * of length {@code c*n*d}, entry {@code (l, k, j)} at {@code l*n*d + k*d + j}, so column
 * {@code l} of {@code W} is the contiguous slice {@code vec(Z_l)} and group {@code (l,k)} is the
 * contiguous slice of length {@code d} at offset {@code (l*n + k)*d}. Scores {@code S = A W} and
 * dual variables {@code U} are {@code N x c}, row-major.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Design {
    /** {@code N}, the number of samples. */
    int samples();

    /** {@code n}, tokens per sample. */
    int tokens();

    /** {@code d}, features per token. */
    int features();

    /** {@code n*d}, the number of columns of {@code A}. */
    default int columns() {
        return tokens() * features();
    }

    /** Number of stored entries (non-zeros for a sparse design, {@code N*n*d} for a dense one). */
    long storedEntries();

    /** Bytes the storage holds (for memory estimates before a solve). */
    default long bytes() {
        return 8L * storedEntries();
    }

    /** True for a sparse storage whose costs scale with the non-zeros. */
    boolean isSparse();

    /** The storage, for reports: {@code sparse}, {@code token-tables} or {@code dense}. */
    default String layout() {
        return isSparse() ? "sparse" : "dense";
    }

    /**
     * Rows of {@code S = A W} for one {@code W}, block by block, so that no {@code N x c} array
     * is needed (issue 13: at p = 997 one is 4 GB). Prepared once per {@code W} by
     * {@link #multiplier}; thread-safe.
     */
    @FunctionalInterface
    interface RowProduct {
        /** Overwrites {@code S[(i - from)*c + l] = s_il} for {@code from <= i < to}. */
        void rows(int from, int to, double[] S);
    }

    /**
     * {@code G = A^T U} accumulated from blocks of rows of {@code U} given in increasing row
     * order, covering {@code 0..N-1} once. Made by {@link #transposeAccumulator}; one per pass.
     */
    interface TransposeAccumulator {
        /** Adds the rows {@code from..to-1} of {@code U} ({@code U[(i - from)*c + l] = u_il}). */
        void add(int from, int to, double[] U);

        /** Writes {@code G} in the parameter layout (overwriting it); the accumulator is spent. */
        void finish(double[] G);
    }

    /** The row-block product {@code S = A W} for this {@code W} (checked and prepared here). */
    RowProduct multiplier(double[] W, int c);

    /** A fresh accumulator of {@code A^T U} for {@code c} classes. */
    TransposeAccumulator transposeAccumulator(int c);

    /**
     * True when {@link TransposeAccumulator} gives the same bits for any split of the rows into
     * blocks (every entry of {@code G} summed over samples in row order): sparse rows and token
     * tables. A dense design sums each block by {@link org.cvxformer.core.linalg.Gemm} and
     * adds the block sums, so its result depends on the (fixed, thread-independent) block size.
     */
    default boolean blockInvariant() {
        return true;
    }

    /** {@code S = A W}: {@code S[i*c + l] = <Z_l, X_i>} (math.md section 1). Overwrites {@code S}. */
    default void multiply(double[] W, int c, double[] S) {
        Designs.checkLength("S", S.length, (long) samples() * c);
        multiplier(W, c).rows(0, samples(), S);
    }

    /**
     * {@code G = A^T U} in the parameter layout: {@code G[l*n*d + k*d + j] = sum_i U[i*c+l] x_ikj},
     * so group {@code (l,k)} of {@code G} is {@code (A^T U)_{lk}} of math.md section 3.
     * Overwrites {@code G}.
     */
    default void transposeMultiply(double[] U, int c, double[] G) {
        Designs.checkLength("U", U.length, (long) samples() * c);
        Designs.checkLength("G", G.length, (long) c * columns());
        TransposeAccumulator acc = transposeAccumulator(c);
        acc.add(0, samples(), U);
        acc.finish(G);
    }

    /** {@code x_ikj}. */
    double get(int i, int k, int j);

    /**
     * The Gram matrix {@code A^T A} ({@code nd x nd}, row-major) when forming it costs at most
     * {@code maxWork} multiply-adds, else {@code null}.
     */
    double[] gramIfCheap(long maxWork);

    /**
     * The outer Gram matrix {@code A A^T} ({@code N x N}, row-major: entry {@code (i, i')} is
     * {@code <vec(X_i), vec(X_i')>}) when forming it costs at most {@code maxWork} multiply-adds
     * and it has at most {@link Designs#MAX_SQUARE_ENTRIES} entries, else {@code null}. The
     * counterpart of {@link #gramIfCheap} when {@code N < n d} (ADMM's matrix-inversion-lemma
     * W-update). Exactly symmetric.
     */
    double[] outerGramIfCheap(long maxWork);

    /** {@code out = A^T (A x)} for {@code x} of length {@code n*d}. */
    default void gramApply(double[] x, double[] out) {
        double[] s = new double[samples()];
        multiply(x, 1, s);
        transposeMultiply(s, 1, out);
    }

    /** The rows {@code idx} of this design, in that order (for train/validation splits). */
    Design rows(int[] idx);

    /** Receives one stored entry {@code x_ikj = value}. */
    @FunctionalInterface
    interface EntryVisitor {
        void accept(int i, int k, int j, double value);
    }

    /**
     * Visits every stored non-zero entry once, in increasing row {@code i}, then column
     * {@code k*d + j} order (used to build column-block views for coordinate descent). The
     * default goes through {@link #get}; implementations override it with a direct scan.
     */
    default void forEachStored(EntryVisitor visitor) {
        int N = samples(), n = tokens(), d = features();
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    double v = get(i, k, j);
                    if (v != 0) {
                        visitor.accept(i, k, j, v);
                    }
                }
            }
        }
    }
}

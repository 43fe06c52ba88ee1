package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Gemm;
import org.cvxformer.core.linalg.Parallel;

/**
 * A dense design: {@code A} stored row-major, {@code N x nd}. The products read {@code A} in
 * place, so no transpose is stored: for few classes ({@link #THIN_CLASSES}) by the thin kernels
 * {@link Gemm#abt} and {@link Gemm#addTransposedTimes}, otherwise by the packed, cache-blocked
 * {@link Gemm#gemmParallel} (the kernel the neural engine uses). Each entry of a
 * product is summed over {@code k} in an order fixed by {@code k} alone, so results do not depend
 * on the thread count (see {@link Parallel}).
 */
public final class DenseDesign implements Design {
    /**
     * Up to this many classes the products take the thin forms, {@link Gemm#abt} (dot products,
     * nothing packed) and {@link Gemm#addTransposedTimes} (rank-4 updates read in order);
     * above it the packed {@link Gemm#gemmParallel}, whose 6 x 8 tiles are then full. On
     * {@code 20000 x 512} with {@code c = 10} the thin {@code U^T A} took 18-29 ms against 83 ms
     * packed (packing {@code A} cost more than the product); at {@code c = 97} the two were
     * within 20% either way (2-core project machine, 2026-12-02).
     */
    static final int THIN_CLASSES = 32;

    private final int N;
    private final int n;
    private final int d;
    private final double[] a;

    /**
     * @param x {@code N*n*d} values of {@code X} in C order ({@code x[i*n*d + k*d + j]}); copied
     */
    public DenseDesign(double[] x, int N, int n, int d) {
        Designs.checkShape(x.length, N, n, d);
        Designs.checkFinite(x, n, d);
        this.N = N;
        this.n = n;
        this.d = d;
        this.a = x.clone();
    }

    /**
     * A design on {@code x} already checked by {@link Designs#of} (shape and finite entries):
     * a copy of it, or with {@code copy = false} {@code x} itself ({@link Designs#ofOwned}).
     */
    static DenseDesign checked(double[] x, int N, int n, int d, boolean copy) {
        return new DenseDesign(copy ? x.clone() : x, N, n, d, true);
    }

    private DenseDesign(double[] a, int N, int n, int d, boolean owned) {
        this.N = N;
        this.n = n;
        this.d = d;
        this.a = a;
    }

    @Override
    public int samples() {
        return N;
    }

    @Override
    public int tokens() {
        return n;
    }

    @Override
    public int features() {
        return d;
    }

    @Override
    public long storedEntries() {
        return (long) N * n * d;
    }

    /** {@code A} alone (the products read it in place in both orientations). */
    @Override
    public long bytes() {
        return 8L * N * n * d;
    }

    @Override
    public boolean isSparse() {
        return false;
    }

    @Override
    public double get(int i, int k, int j) {
        return a[(i * n + k) * d + j];
    }

    /**
     * {@code S = A W^T} over rows {@code from..to-1}: {@code S_il = <a_i, w_l>}, with {@code W}
     * in its parameter layout ({@code c x nd} row-major, read as {@code op(B) = W^T}). The block
     * of rows is read in place ({@code aOff = from * nd}).
     */
    @Override
    public RowProduct multiplier(double[] W, int c) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        if (c <= THIN_CLASSES) {
            return (from, to, S) -> Gemm.abt(a, from * nd, to - from, W, c, nd, S, 0, c);
        }
        return (from, to, S) -> Gemm.gemmParallel(false, true, to - from, c, nd, a, from * nd, nd, W, 0, nd, false,
                S, 0, c);
    }

    /**
     * {@code G = A^T U}, {@code G_{l,q} = sum_i u_il a_iq}, as {@code U^T A} straight into the
     * parameter layout ({@code c x nd}): {@code op(A) = U^T} ({@code transA}, leading dimension
     * {@code c}) and the block's rows of {@code A} read in place. Blocks after the first
     * accumulate into the same {@code G}; the order of the sum is fixed by the blocks (which
     * depend on {@code N} and {@code c}, not on threads), so the result is thread-count
     * independent, but not block-invariant.
     */
    @Override
    public TransposeAccumulator transposeAccumulator(int c) {
        int nd = n * d;
        return new TransposeAccumulator() {
            private double[] sum;

            @Override
            public void add(int from, int to, double[] U) {
                boolean first = sum == null;
                if (first) {
                    sum = new double[c * nd];
                }
                if (c <= THIN_CLASSES) {
                    Gemm.addTransposedTimes(U, 0, c, a, from * nd, to - from, nd, sum);
                } else {
                    Gemm.gemmParallel(true, false, c, nd, to - from, U, 0, c, a, from * nd, nd, !first, sum, 0, nd);
                }
            }

            @Override
            public void finish(double[] G) {
                Designs.checkLength("G", G.length, (long) c * nd);
                if (sum == null) {
                    java.util.Arrays.fill(G, 0.0);
                } else {
                    System.arraycopy(sum, 0, G, 0, G.length);
                }
            }
        };
    }

    @Override
    public boolean blockInvariant() {
        return false;
    }

    /**
     * {@code A^T A} ({@code nd x nd}) by one blocked product {@code gemmParallel(A^T, A)}, its
     * lower triangle then mirrored so that it is exactly symmetric. Work {@code N (nd)^2}.
     */
    @Override
    public double[] gramIfCheap(long maxWork) {
        int nd = n * d;
        if ((long) N * nd * nd / 2 > maxWork) {
            return null;
        }
        double[] g = new double[nd * nd];
        Gemm.gemmParallel(true, false, nd, nd, N, a, 0, nd, a, 0, nd, false, g, 0, nd);
        mirrorLower(g, nd);
        return g;
    }

    /**
     * {@code A A^T} ({@code N x N}) by one blocked product {@code gemmParallel(A, A^T)}, mirrored
     * from its lower triangle (exactly symmetric). Work {@code N^2 n d}.
     */
    @Override
    public double[] outerGramIfCheap(long maxWork) {
        int nd = n * d;
        long work = (long) N * N * nd / 2;
        if (work > maxWork || (long) N * N > Designs.MAX_SQUARE_ENTRIES) {
            return null;
        }
        double[] g = new double[N * N];
        Gemm.gemmParallel(false, true, N, N, nd, a, 0, nd, a, 0, nd, false, g, 0, N);
        mirrorLower(g, N);
        return g;
    }

    private static void mirrorLower(double[] g, int m) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i; j++) {
                g[j * m + i] = g[i * m + j];
            }
        }
    }

    @Override
    public void forEachStored(EntryVisitor visitor) {
        int nd = n * d;
        for (int i = 0; i < N; i++) {
            for (int q = 0; q < nd; q++) {
                double v = a[i * nd + q];
                if (v != 0) {
                    visitor.accept(i, q / d, q % d, v);
                }
            }
        }
    }

    @Override
    public Design rows(int[] idx) {
        int nd = n * d;
        double[] b = new double[idx.length * nd];
        for (int r = 0; r < idx.length; r++) {
            if (idx[r] < 0 || idx[r] >= N) {
                throw new IllegalArgumentException("row index " + idx[r] + " out of range [0, " + N + ")");
            }
            System.arraycopy(a, idx[r] * nd, b, r * nd, nd);
        }
        return new DenseDesign(b, idx.length, n, d, true);
    }
}

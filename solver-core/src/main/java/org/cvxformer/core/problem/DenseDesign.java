package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Gemm;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Vec;

/**
 * A dense design: {@code A} stored row-major, {@code N x nd}, and its transpose (twice the
 * memory, so that both products run over contiguous rows). Products use both cores with a fixed
 * reduction order per output entry (see {@link Parallel}).
 */
public final class DenseDesign implements Design {
    private final int N;
    private final int n;
    private final int d;
    private final double[] a;
    /** {@code A^T}, row-major ({@code nd x N}): so that {@code A^T U} is also a product of contiguous rows. */
    private final double[] at;

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
        this.at = Designs.transpose(a, N, n * d);
    }

    private DenseDesign(double[] a, int N, int n, int d, boolean owned) {
        this.N = N;
        this.n = n;
        this.d = d;
        this.a = a;
        this.at = Designs.transpose(a, N, n * d);
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

    /** {@code A} and its transpose. */
    @Override
    public long bytes() {
        return 16L * N * n * d;
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
     * {@code S = A W}: {@code S_il = <a_i, w_l>}, rows of {@code A} against the class rows of
     * {@code W} (its parameter layout is already {@code c x nd} row-major), by the register-blocked
     * {@link Gemm#abt}. Each entry is one dot product summed in a fixed order, whatever the
     * thread count; a block of rows other than all of them is copied out first (Gemm takes
     * whole arrays).
     */
    @Override
    public RowProduct multiplier(double[] W, int c) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        return (from, to, S) -> {
            if (from == 0 && to == N) {
                Gemm.abt(a, N, W, c, nd, S, c);
            } else {
                double[] rows = java.util.Arrays.copyOfRange(a, from * nd, to * nd);
                Gemm.abt(rows, to - from, W, c, nd, S, c);
            }
        };
    }

    /**
     * {@code G = A^T U}: {@code G_{l,q} = <u^l, a^q>} with {@code u^l} column {@code l} of
     * {@code U} and {@code a^q} column {@code q} of {@code A} (a row of the stored transpose), by
     * {@link Gemm#abt}, written straight into the parameter layout when one block covers all
     * rows; otherwise each block's product is added to the sum in block order.
     */
    @Override
    public TransposeAccumulator transposeAccumulator(int c) {
        int nd = n * d;
        return new TransposeAccumulator() {
            private double[] sum;
            private boolean whole;

            @Override
            public void add(int from, int to, double[] U) {
                int B = to - from;
                double[] ut = new double[c * B];
                Vec.transpose(U, B, c, ut);
                if (from == 0 && to == N && sum == null) {
                    sum = new double[c * nd];
                    Gemm.abt(ut, c, at, nd, N, sum, nd);
                    whole = true;
                    return;
                }
                double[] atb = new double[nd * B];
                for (int q = 0; q < nd; q++) {
                    System.arraycopy(at, q * N + from, atb, q * B, B);
                }
                double[] part = new double[c * nd];
                Gemm.abt(ut, c, atb, nd, B, part, nd);
                if (sum == null) {
                    sum = part;
                } else {
                    for (int p = 0; p < part.length; p++) {
                        sum[p] += part[p];
                    }
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

    @Override
    public double[] gramIfCheap(long maxWork) {
        int nd = n * d;
        if ((long) N * nd * nd / 2 > maxWork) {
            return null;
        }
        double[] g = new double[nd * nd];
        Parallel.forRange(nd, (long) N * nd * nd / 2, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int i = 0; i < N; i++) {
                    double v = a[i * nd + r];
                    if (v != 0) {
                        Vec.axpy(v, a, i * nd, g, r * nd, nd);
                    }
                }
            }
        });
        return g;
    }

    /**
     * {@code A A^T} as dot products of rows: the lower triangle, split over rows, then mirrored
     * (exactly symmetric). Work {@code N^2 n d / 2}.
     */
    @Override
    public double[] outerGramIfCheap(long maxWork) {
        int nd = n * d;
        long work = (long) N * N * nd / 2;
        if (work > maxWork || (long) N * N > Designs.MAX_SQUARE_ENTRIES) {
            return null;
        }
        double[] g = new double[N * N];
        Parallel.forRange(N, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int j = 0; j <= i; j++) {
                    g[i * N + j] = Vec.dot(a, i * nd, a, j * nd, nd);
                }
            }
        });
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < i; j++) {
                g[j * N + i] = g[i * N + j];
            }
        }
        return g;
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

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
     * {@link Gemm#abt}. Each entry is one dot product summed in order, whatever the thread count.
     */
    @Override
    public void multiply(double[] W, int c, double[] S) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        Designs.checkLength("S", S.length, (long) N * c);
        Gemm.abt(a, N, W, c, nd, S, c);
    }

    /**
     * {@code G = A^T U}: {@code G_{l,q} = <u^l, a^q>} with {@code u^l} column {@code l} of
     * {@code U} and {@code a^q} column {@code q} of {@code A} (a row of the stored transpose), by
     * {@link Gemm#abt}, written straight into the parameter layout.
     */
    @Override
    public void transposeMultiply(double[] U, int c, double[] G) {
        int nd = n * d;
        Designs.checkLength("U", U.length, (long) N * c);
        Designs.checkLength("G", G.length, (long) c * nd);
        double[] ut = Designs.transpose(U, N, c);
        Gemm.abt(ut, c, at, nd, N, G, nd);
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

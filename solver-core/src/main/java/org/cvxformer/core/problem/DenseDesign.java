package org.cvxformer.core.problem;

import java.util.Arrays;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Vec;

/**
 * A dense design: {@code A} stored row-major, {@code N x nd}. Products use both cores with a
 * fixed reduction order per output entry (see {@link Parallel}).
 */
public final class DenseDesign implements Design {
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

    @Override
    public boolean isSparse() {
        return false;
    }

    @Override
    public double get(int i, int k, int j) {
        return a[(i * n + k) * d + j];
    }

    @Override
    public void multiply(double[] W, int c, double[] S) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        Designs.checkLength("S", S.length, (long) N * c);
        Parallel.forRange(N, (long) N * c * nd, (from, to) -> {
            for (int i = from; i < to; i++) {
                int ai = i * nd;
                for (int l = 0; l < c; l++) {
                    S[i * c + l] = Vec.dot(a, ai, W, l * nd, nd);
                }
            }
        });
    }

    @Override
    public void transposeMultiply(double[] U, int c, double[] G) {
        int nd = n * d;
        Designs.checkLength("U", U.length, (long) N * c);
        Designs.checkLength("G", G.length, (long) c * nd);
        // Split over classes: each output column G_l accumulates over i in the same order,
        // whatever the number of threads. Rows of A stay in cache while all classes use them.
        Parallel.forRange(c, (long) N * c * nd, (from, to) -> {
            Arrays.fill(G, from * nd, to * nd, 0.0);
            for (int i = 0; i < N; i++) {
                int ai = i * nd;
                int ui = i * c;
                for (int l = from; l < to; l++) {
                    double u = U[ui + l];
                    if (u != 0) {
                        Vec.axpy(u, a, ai, G, l * nd, nd);
                    }
                }
            }
        });
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

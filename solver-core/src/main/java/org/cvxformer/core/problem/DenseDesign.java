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

    /**
     * {@code S = A W}, computed as {@code S_i = sum_j a_ij Wt_j} with {@code Wt = W^T}
     * ({@code nd x c}): the inner loop runs over the {@code c} classes with unit stride, which
     * the JIT vectorises, and four samples share every load of a {@code Wt} row. Split over
     * samples; each entry's sum runs over {@code j} in order, whatever the thread count.
     */
    @Override
    public void multiply(double[] W, int c, double[] S) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        Designs.checkLength("S", S.length, (long) N * c);
        double[] wt = Designs.transpose(W, c, nd);
        Parallel.forRange((N + 3) / 4, (long) N * c * nd, (fromBlock, toBlock) -> {
            int from = fromBlock * 4;
            int to = Math.min(N, toBlock * 4);
            Arrays.fill(S, from * c, to * c, 0.0);
            int i = from;
            for (; i + 3 < to; i += 4) {
                int a0 = i * nd, a1 = a0 + nd, a2 = a1 + nd, a3 = a2 + nd;
                int s0 = i * c, s1 = s0 + c, s2 = s1 + c, s3 = s2 + c;
                for (int j = 0; j < nd; j++) {
                    double x0 = a[a0 + j], x1 = a[a1 + j], x2 = a[a2 + j], x3 = a[a3 + j];
                    int w = j * c;
                    for (int l = 0; l < c; l++) {
                        double v = wt[w + l];
                        S[s0 + l] += x0 * v;
                        S[s1 + l] += x1 * v;
                        S[s2 + l] += x2 * v;
                        S[s3 + l] += x3 * v;
                    }
                }
            }
            for (; i < to; i++) {
                int ai = i * nd;
                int si = i * c;
                for (int j = 0; j < nd; j++) {
                    double x = a[ai + j];
                    if (x != 0) {
                        Vec.axpy(x, wt, j * c, S, si, c);
                    }
                }
            }
        });
    }

    /**
     * {@code G = A^T U}, accumulated as {@code G^T} ({@code nd x c}) row by row,
     * {@code Gt_j += sum_i a_ij U_i}, four samples per pass over a {@code Gt} row (unit stride
     * over classes), then transposed. Split over columns {@code j}; each entry's sum runs over
     * {@code i} in order, whatever the thread count.
     */
    @Override
    public void transposeMultiply(double[] U, int c, double[] G) {
        int nd = n * d;
        Designs.checkLength("U", U.length, (long) N * c);
        Designs.checkLength("G", G.length, (long) c * nd);
        double[] gt = new double[nd * c];
        Parallel.forRange(nd, (long) N * c * nd, (from, to) -> {
            int i = 0;
            for (; i + 3 < N; i += 4) {
                int a0 = i * nd, a1 = a0 + nd, a2 = a1 + nd, a3 = a2 + nd;
                int u0 = i * c, u1 = u0 + c, u2 = u1 + c, u3 = u2 + c;
                for (int j = from; j < to; j++) {
                    double x0 = a[a0 + j], x1 = a[a1 + j], x2 = a[a2 + j], x3 = a[a3 + j];
                    int g = j * c;
                    for (int l = 0; l < c; l++) {
                        gt[g + l] += x0 * U[u0 + l] + x1 * U[u1 + l] + x2 * U[u2 + l] + x3 * U[u3 + l];
                    }
                }
            }
            for (; i < N; i++) {
                int ai = i * nd;
                int ui = i * c;
                for (int j = from; j < to; j++) {
                    double x = a[ai + j];
                    if (x != 0) {
                        Vec.axpy(x, U, ui, gt, j * c, c);
                    }
                }
            }
        });
        for (int l = 0; l < c; l++) {
            for (int q = 0; q < nd; q++) {
                G[l * nd + q] = gt[q * c + l];
            }
        }
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

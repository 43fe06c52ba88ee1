package org.cvxformer.core.problem;

import java.util.Arrays;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Vec;

/**
 * A sparse design in compressed-row form: costs of {@code A W} and {@code A^T U} are
 * {@code O(nnz * c)}, not {@code O(N n d c)}. One-hot token features have {@code n} non-zeros
 * per row out of {@code n*d} (math.md section 7), so a dense copy would waste a factor {@code d}.
 */
public final class SparseDesign implements Design {
    private final int N;
    private final int n;
    private final int d;
    private final int[] rowStart;
    private final int[] col;
    private final double[] val;

    /** Builds the compressed rows of a C-order {@code X} of shape {@code (N, n, d)}, keeping its non-zeros. */
    public SparseDesign(double[] x, int N, int n, int d) {
        Designs.checkShape(x.length, N, n, d);
        Designs.checkFinite(x, n, d);
        int nd = n * d;
        int nnz = 0;
        for (double v : x) {
            if (v != 0) {
                nnz++;
            }
        }
        this.N = N;
        this.n = n;
        this.d = d;
        this.rowStart = new int[N + 1];
        this.col = new int[nnz];
        this.val = new double[nnz];
        int p = 0;
        for (int i = 0; i < N; i++) {
            rowStart[i] = p;
            for (int q = 0; q < nd; q++) {
                double v = x[i * nd + q];
                if (v != 0) {
                    col[p] = q;
                    val[p] = v;
                    p++;
                }
            }
        }
        rowStart[N] = p;
    }

    private SparseDesign(int N, int n, int d, int[] rowStart, int[] col, double[] val) {
        this.N = N;
        this.n = n;
        this.d = d;
        this.rowStart = rowStart;
        this.col = col;
        this.val = val;
    }

    /**
     * One-hot tokens without building a dense array: {@code x_ik = e_{tokens[i*n+k]}} in
     * {@code R^d} (math.md section 7, feature {@code onehot}).
     */
    public static SparseDesign oneHot(int[] tokens, int N, int n, int d) {
        Designs.checkLength("tokens", tokens.length, (long) N * n);
        int[] rowStart = new int[N + 1];
        int[] col = new int[N * n];
        double[] val = new double[N * n];
        for (int i = 0; i < N; i++) {
            rowStart[i] = i * n;
            for (int k = 0; k < n; k++) {
                int t = tokens[i * n + k];
                if (t < 0 || t >= d) {
                    throw new IllegalArgumentException("token " + t + " at sample " + i + ", position " + k
                            + " is outside the vocabulary [0, " + d + ")");
                }
                col[i * n + k] = k * d + t;
                val[i * n + k] = 1.0;
            }
        }
        rowStart[N] = N * n;
        return new SparseDesign(N, n, d, rowStart, col, val);
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
        return val.length;
    }

    @Override
    public long bytes() {
        return 12L * val.length + 4L * (N + 1);
    }

    @Override
    public boolean isSparse() {
        return true;
    }

    @Override
    public double get(int i, int k, int j) {
        int q = k * d + j;
        int pos = Arrays.binarySearch(col, rowStart[i], rowStart[i + 1], q);
        return pos >= 0 ? val[pos] : 0.0;
    }

    @Override
    public RowProduct multiplier(double[] W, int c) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        // W transposed to (nd x c) so that the inner loop over classes is contiguous.
        double[] wt = Designs.transpose(W, c, nd);
        return (first, last, S) -> Parallel.forRange(last - first, (long) (rowStart[last] - rowStart[first]) * c, (r0, r1) -> {
            Arrays.fill(S, r0 * c, r1 * c, 0.0);
            for (int r = r0; r < r1; r++) {
                int i = first + r;
                int si = r * c;
                for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                    double v = val[p];
                    int w = col[p] * c;
                    for (int l = 0; l < c; l++) {
                        S[si + l] += v * wt[w + l];
                    }
                }
            }
        });
    }

    @Override
    public TransposeAccumulator transposeAccumulator(int c) {
        int nd = n * d;
        // Accumulate G^T (nd x c) row by row of A; split over class ranges so each entry's
        // sum runs over i in row order whatever the thread count and the block split.
        double[] gt = new double[nd * c];
        return new TransposeAccumulator() {
            @Override
            public void add(int first, int last, double[] U) {
                Parallel.forRange(c, (long) (rowStart[last] - rowStart[first]) * c, (from, to) -> {
                    // a thread's classes are summed in a private slice when the classes are
                    // split: in place, two threads' columns of a row of G^T share a cache line,
                    // which bounced between the cores on every entry (Gemm.addTransposedTimes
                    // had the same bug). Same running sums, so the same bits.
                    boolean whole = from == 0 && to == c;
                    int w = to - from;
                    double[] acc = whole ? gt : Vec.columns(gt, nd, c, from, w);
                    int ld = whole ? c : w;
                    int shift = whole ? 0 : from;
                    for (int i = first; i < last; i++) {
                        int ui = (i - first) * c;
                        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                            double v = val[p];
                            int g = col[p] * ld - shift;
                            for (int l = from; l < to; l++) {
                                acc[g + l] += v * U[ui + l];
                            }
                        }
                    }
                    if (!whole) {
                        Vec.putColumns(acc, nd, w, gt, c, from);
                    }
                });
            }

            @Override
            public void finish(double[] G) {
                Designs.checkLength("G", G.length, (long) c * nd);
                Vec.transpose(gt, nd, c, G);
            }
        };
    }

    @Override
    public double[] gramIfCheap(long maxWork) {
        int nd = n * d;
        long work = 0;
        for (int i = 0; i < N; i++) {
            long r = rowStart[i + 1] - rowStart[i];
            work += r * r;
        }
        if (work > maxWork || (long) nd * nd > Designs.MAX_SQUARE_ENTRIES) {
            return null;
        }
        double[] g = new double[nd * nd];
        for (int i = 0; i < N; i++) {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                int r = col[p] * nd;
                double v = val[p];
                for (int q = rowStart[i]; q < rowStart[i + 1]; q++) {
                    g[r + col[q]] += v * val[q];
                }
            }
        }
        return g;
    }

    /**
     * {@code A A^T} through the columns: every pair of stored entries that share a column adds
     * its product, so the work is {@code sum_q nnz(column q)^2}. Entries {@code (i, i')} and
     * {@code (i', i)} receive the same products in the same order, so the result is exactly
     * symmetric.
     */
    @Override
    public double[] outerGramIfCheap(long maxWork) {
        int nd = n * d;
        int[] colStart = new int[nd + 1];
        for (int c : col) {
            colStart[c + 1]++;
        }
        long work = 0;
        for (int q = 0; q < nd; q++) {
            long m = colStart[q + 1];
            work += m * m;
            colStart[q + 1] += colStart[q];
        }
        if (work > maxWork || (long) N * N > Designs.MAX_SQUARE_ENTRIES) {
            return null;
        }
        // compressed columns, rows increasing within a column
        int[] rowOf = new int[val.length];
        double[] valOf = new double[val.length];
        int[] next = Arrays.copyOf(colStart, nd);
        for (int i = 0; i < N; i++) {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                int at = next[col[p]]++;
                rowOf[at] = i;
                valOf[at] = val[p];
            }
        }
        double[] g = new double[N * N];
        for (int q = 0; q < nd; q++) {
            for (int p = colStart[q]; p < colStart[q + 1]; p++) {
                int r = rowOf[p] * N;
                double v = valOf[p];
                for (int t = colStart[q]; t < colStart[q + 1]; t++) {
                    g[r + rowOf[t]] += v * valOf[t];
                }
            }
        }
        return g;
    }

    @Override
    public void forEachStored(EntryVisitor visitor) {
        for (int i = 0; i < N; i++) {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                if (val[p] != 0) {
                    visitor.accept(i, col[p] / d, col[p] % d, val[p]);
                }
            }
        }
    }

    @Override
    public Design rows(int[] idx) {
        int[] rs = new int[idx.length + 1];
        int nnz = 0;
        for (int r = 0; r < idx.length; r++) {
            if (idx[r] < 0 || idx[r] >= N) {
                throw new IllegalArgumentException("row index " + idx[r] + " out of range [0, " + N + ")");
            }
            rs[r] = nnz;
            nnz += rowStart[idx[r] + 1] - rowStart[idx[r]];
        }
        rs[idx.length] = nnz;
        int[] cl = new int[nnz];
        double[] vl = new double[nnz];
        for (int r = 0; r < idx.length; r++) {
            int from = rowStart[idx[r]];
            int len = rowStart[idx[r] + 1] - from;
            System.arraycopy(col, from, cl, rs[r], len);
            System.arraycopy(val, from, vl, rs[r], len);
        }
        return new SparseDesign(idx.length, n, d, rs, cl, vl);
    }
}

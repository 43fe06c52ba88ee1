package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Spectral;
import org.cvxformer.core.linalg.Vec;

/**
 * Column-block view of a {@link Design} for (block) coordinate methods: for each token
 * {@code k} the {@code N x d} block {@code A_k} (columns {@code k*d .. k*d+d-1}) stored by
 * columns, and an upper bound on {@code sigma_max(A_k)^2} (math.md section 6: the block
 * Lipschitz constant of token {@code k} is {@code curvature sigma_max(A_k)^2 / N}).
 *
 * <p>Token-table designs ({@link TokenTableDesign}) keep their tables, so a block product costs
 * {@code O(N + V_k d)}; other dense designs keep each block column-major ({@code N*d} values); sparse designs keep
 * compressed columns, so a block product costs the non-zeros of the columns it touches (for
 * one-hot tokens: {@code O(N)} per block, {@code O(1)} per sample). Built once per design and
 * cached by {@link Problem#tokenBlocks()}. Immutable and thread-safe.
 */
public final class TokenBlocks {
    /** Block widths up to this use an exact symmetric eigendecomposition of {@code A_k^T A_k}. */
    public static final int EXACT_SPECTRAL_LIMIT = 1500;
    /** Relative margin added to exact eigenvalues so that rounding cannot make them underestimates. */
    public static final double SPECTRAL_MARGIN = 1e-10;

    private final int N;
    private final int n;
    private final int d;
    private final boolean dense;
    private final double[][] vals;
    private final int[][] rows;
    private final int[][] colStart;
    private final double[] sigma2Safe;
    private final double[] sigma2Step;
    /** Token-table blocks ({@link TokenTableDesign}): {@code A_k = E_k T_k}; null otherwise. */
    private final double[][] tables;
    private final int[][] rowOf;

    private TokenBlocks(Design A) {
        this.N = A.samples();
        this.n = A.tokens();
        this.d = A.features();
        this.dense = !A.isSparse();
        this.vals = new double[n][];
        this.sigma2Safe = new double[n];
        this.sigma2Step = new double[n];
        if (A instanceof TokenTableDesign t) {
            // block products through the tables: O(N + V_k d) instead of O(N d)
            this.rows = null;
            this.colStart = null;
            this.tables = new double[n][];
            this.rowOf = new int[n][];
            for (int k = 0; k < n; k++) {
                tables[k] = t.table(k);
                rowOf[k] = t.rowIndex(k);
            }
        } else if (dense) {
            this.tables = null;
            this.rowOf = null;
            this.rows = null;
            this.colStart = null;
            for (int k = 0; k < n; k++) {
                vals[k] = new double[N * d];
            }
            A.forEachStored((i, k, j, v) -> vals[k][j * N + i] = v);
        } else {
            this.tables = null;
            this.rowOf = null;
            this.rows = new int[n][];
            this.colStart = new int[n][d + 1];
            int[][] count = new int[n][d];
            A.forEachStored((i, k, j, v) -> count[k][j]++);
            for (int k = 0; k < n; k++) {
                int s = 0;
                for (int j = 0; j < d; j++) {
                    colStart[k][j] = s;
                    s += count[k][j];
                }
                colStart[k][d] = s;
                rows[k] = new int[s];
                vals[k] = new double[s];
                java.util.Arrays.fill(count[k], 0);
            }
            A.forEachStored((i, k, j, v) -> {
                int p = colStart[k][j] + count[k][j]++;
                rows[k][p] = i;
                vals[k][p] = v;
            });
        }
        for (int k = 0; k < n; k++) {
            computeSigma(k);
        }
    }

    /** Builds the blocks of {@code A} (cost: one pass over its stored entries, plus the block spectra). */
    public static TokenBlocks of(Design A) {
        return new TokenBlocks(A);
    }

    public int samples() {
        return N;
    }

    public int tokens() {
        return n;
    }

    public int features() {
        return d;
    }

    public boolean isDense() {
        return dense;
    }

    /**
     * True when {@link #weightedGram} is cheap ({@code O(nnz + d^2)} or, for token tables,
     * {@code O(N + V_k d^2)}), i.e. for sparse and token-table blocks.
     */
    public boolean cheapWeightedGram() {
        return !dense || tables != null;
    }

    /** Stored entries of block {@code k}. */
    public long nonZeros(int k) {
        return dense ? (long) N * d : vals[k].length; // token tables count as dense
    }

    /**
     * An upper bound on {@code sigma_max(A_k)^2} safe for screening: the exact eigenvalue of
     * {@code A_k^T A_k} (plus {@link #SPECTRAL_MARGIN}) when {@code d <= EXACT_SPECTRAL_LIMIT},
     * else {@code ||A_k||_F^2}.
     */
    public double sigmaMaxSquaredBound(int k) {
        return sigma2Safe[k];
    }

    /**
     * {@code sigma_max(A_k)^2} for step sizes: exact (with margin) when cheap, else a power
     * iteration estimate with a 10% margin, capped by the Frobenius bound.
     */
    public double sigmaMaxSquaredStep(int k) {
        return sigma2Step[k];
    }

    /** {@code out[oo + j] = sum_i x_ikj r[ro + i]}, i.e. {@code A_k^T r}. Overwrites {@code out[oo .. oo+d)}. */
    public void transposeMultiply(int k, double[] r, int ro, double[] out, int oo) {
        if (tables != null) {
            // T_k^T (E_k^T r): bin r by token row, then one small product
            double[] t = tables[k];
            int V = t.length / d;
            double[] bins = new double[V];
            int[] ro2 = rowOf[k];
            for (int i = 0; i < N; i++) {
                bins[ro2[i]] += r[ro + i];
            }
            java.util.Arrays.fill(out, oo, oo + d, 0.0);
            for (int v = 0; v < V; v++) {
                double b = bins[v];
                if (b != 0) {
                    Vec.axpy(b, t, v * d, out, oo, d);
                }
            }
            return;
        }
        double[] v = vals[k];
        if (dense) {
            for (int j = 0; j < d; j++) {
                out[oo + j] = Vec.dot(v, j * N, r, ro, N);
            }
        } else {
            int[] cs = colStart[k];
            int[] rw = rows[k];
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int p = cs[j]; p < cs[j + 1]; p++) {
                    s += v[p] * r[ro + rw[p]];
                }
                out[oo + j] = s;
            }
        }
    }

    /** {@code s[so + i] += sum_j x_ikj delta[dOff + j]}, i.e. {@code s += A_k delta}. */
    public void multiplyAdd(int k, double[] delta, int dOff, double[] s, int so) {
        if (tables != null) {
            // E_k (T_k delta): one small product, then a gather
            double[] t = tables[k];
            int V = t.length / d;
            double[] proj = new double[V];
            for (int v = 0; v < V; v++) {
                proj[v] = Vec.dot(t, v * d, delta, dOff, d);
            }
            int[] ro2 = rowOf[k];
            for (int i = 0; i < N; i++) {
                s[so + i] += proj[ro2[i]];
            }
            return;
        }
        double[] v = vals[k];
        if (dense) {
            for (int j = 0; j < d; j++) {
                double dj = delta[dOff + j];
                if (dj != 0) {
                    Vec.axpy(dj, v, j * N, s, so, N);
                }
            }
        } else {
            int[] cs = colStart[k];
            int[] rw = rows[k];
            for (int j = 0; j < d; j++) {
                double dj = delta[dOff + j];
                if (dj != 0) {
                    for (int p = cs[j]; p < cs[j + 1]; p++) {
                        s[so + rw[p]] += dj * v[p];
                    }
                }
            }
        }
    }

    /**
     * {@code ds += A_k delta} on a zero-initialised work array, listing in {@code touched} the
     * rows reached (each once, using {@code mark}; the caller clears {@code ds} and {@code mark}
     * on those rows afterwards). Returns the number of touched rows. Dense blocks touch every row
     * (listed in order). Cost: the non-zeros of the columns with {@code delta_j != 0}.
     */
    public int multiplyTouched(int k, double[] delta, int dOff, double[] ds, int[] touched, boolean[] mark) {
        if (dense || tables != null) {
            multiplyAdd(k, delta, dOff, ds, 0);
            for (int i = 0; i < N; i++) {
                touched[i] = i;
            }
            return N;
        }
        double[] v = vals[k];
        int[] cs = colStart[k];
        int[] rw = rows[k];
        int m = 0;
        for (int j = 0; j < d; j++) {
            double dj = delta[dOff + j];
            if (dj != 0) {
                for (int p = cs[j]; p < cs[j + 1]; p++) {
                    int i = rw[p];
                    if (!mark[i]) {
                        mark[i] = true;
                        touched[m++] = i;
                    }
                    ds[i] += dj * v[p];
                }
            }
        }
        return m;
    }

    /** {@code A_k^T diag(w) A_k} ({@code d x d}, row-major) into {@code H}, overwriting it. */
    public void weightedGram(int k, double[] w, double[] H) {
        java.util.Arrays.fill(H, 0, d * d, 0.0);
        if (tables != null) {
            // sum_v (sum_{i: t_ik = v} w_i) T_v T_v^T
            double[] t = tables[k];
            int V = t.length / d;
            double[] wb = new double[V];
            int[] ro2 = rowOf[k];
            for (int i = 0; i < N; i++) {
                wb[ro2[i]] += w == null ? 1.0 : w[i];
            }
            for (int v = 0; v < V; v++) {
                if (wb[v] == 0) {
                    continue;
                }
                for (int a = 0; a < d; a++) {
                    double x = wb[v] * t[v * d + a];
                    if (x != 0) {
                        Vec.axpy(x, t, v * d, H, a * d, d);
                    }
                }
            }
            return;
        }
        double[] v = vals[k];
        if (dense) {
            double[] tmp = new double[N];
            for (int a = 0; a < d; a++) {
                for (int i = 0; i < N; i++) {
                    tmp[i] = w[i] * v[a * N + i];
                }
                for (int b = a; b < d; b++) {
                    double s = Vec.dot(tmp, 0, v, b * N, N);
                    H[a * d + b] = s;
                    H[b * d + a] = s;
                }
            }
        } else {
            // by rows: gather each row's entries of the block
            int[] cs = colStart[k];
            int[] rw = rows[k];
            int[] rowCount = new int[N + 1];
            for (int p = 0; p < rw.length; p++) {
                rowCount[rw[p] + 1]++;
            }
            for (int i = 0; i < N; i++) {
                rowCount[i + 1] += rowCount[i];
            }
            int[] fill = rowCount.clone();
            int[] cj = new int[rw.length];
            double[] cv = new double[rw.length];
            for (int j = 0; j < d; j++) {
                for (int p = cs[j]; p < cs[j + 1]; p++) {
                    int q = fill[rw[p]]++;
                    cj[q] = j;
                    cv[q] = v[p];
                }
            }
            for (int i = 0; i < N; i++) {
                double wi = w == null ? 1.0 : w[i];
                if (wi == 0) {
                    continue;
                }
                for (int p = rowCount[i]; p < rowCount[i + 1]; p++) {
                    double a = wi * cv[p];
                    int ra = cj[p] * d;
                    for (int q = rowCount[i]; q < rowCount[i + 1]; q++) {
                        H[ra + cj[q]] += a * cv[q];
                    }
                }
            }
        }
    }

    private void computeSigma(int k) {
        double frob = 0;
        if (tables != null) {
            double[] t = tables[k];
            for (int i = 0; i < N; i++) {
                int o = rowOf[k][i] * d;
                for (int j = 0; j < d; j++) {
                    frob += t[o + j] * t[o + j];
                }
            }
        } else {
            for (double x : vals[k]) {
                frob += x * x;
            }
        }
        if (frob == 0) {
            sigma2Safe[k] = 0;
            sigma2Step[k] = 0;
            return;
        }
        if (d <= EXACT_SPECTRAL_LIMIT) {
            double[] H = new double[d * d];
            double[] ones = new double[N];
            java.util.Arrays.fill(ones, 1.0);
            weightedGram(k, ones, H);
            double ev = Math.min(frob, Spectral.largestEigenvalue(H, d)) * (1 + SPECTRAL_MARGIN);
            sigma2Safe[k] = ev;
            sigma2Step[k] = ev;
        } else {
            double[] tmp = new double[N];
            double est = Spectral.powerIteration((x, out) -> {
                java.util.Arrays.fill(tmp, 0.0);
                multiplyAdd(k, x, 0, tmp, 0);
                transposeMultiply(k, tmp, 0, out, 0);
            }, d, 300, 1e-7, 0x5eedL + k);
            sigma2Safe[k] = frob;
            sigma2Step[k] = Math.min(frob, 1.1 * est);
        }
    }
}

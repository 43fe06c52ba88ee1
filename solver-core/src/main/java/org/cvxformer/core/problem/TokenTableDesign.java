package org.cvxformer.core.problem;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Vec;

/**
 * A dense design whose token vectors come from small tables: {@code x_ik = T_k[t_ik]}, with
 * {@code T_k} a {@code V_k x d} table of the distinct vectors seen at token position {@code k}
 * and {@code t_ik} the row of sample {@code i}. This is the shape of every token featurisation
 * of the algorithmic datasets (one-hot, Gaussian embeddings, random Fourier and Fastfood features
 * of a token: math.md section 7), so {@code A = E T} with {@code E} the {@code N x sum_k V_k}
 * one-hot matrix of the rows and {@code T = blockdiag(T_1..T_n)}, exactly, without approximation.
 *
 * <p>Products go through the small tables:
 * <pre>
 *   A W   = E (T W):     R_k = T_k W_k  (V_k d c),  then S_i = sum_k R_k[t_ik]   (N n c)
 *   A^T U = T^T (E^T U): Q_k = E_k^T U  (N c),      then G_k = T_k^T Q_k         (V_k d c)
 * </pre>
 * instead of {@code N n d c} multiply-adds each: with {@code V_k = 97} tokens, {@code N = 4656}
 * samples and {@code d = 256} features this is about 40x less work. {@link Designs#of} detects
 * the structure by hashing the token vectors (bit-exact equality) and uses this layout when the
 * tables are much smaller than the data. Every sum runs in a fixed order, so results do not
 * depend on the thread count. Immutable and thread-safe.
 */
public final class TokenTableDesign implements Design {
    private final int N;
    private final int n;
    private final int d;
    /** {@code tables[k]}: {@code V_k x d}, row-major. */
    private final double[][] tables;
    /** {@code rowOf[k][i] = t_ik}. */
    private final int[][] rowOf;

    private TokenTableDesign(int N, int n, int d, double[][] tables, int[][] rowOf) {
        this.N = N;
        this.n = n;
        this.d = d;
        this.tables = tables;
        this.rowOf = rowOf;
    }

    /**
     * Factors {@code X} ({@code N*n*d} values in C order) into token tables, or returns
     * {@code null} when there are more than {@code maxDistinct} distinct token vectors in all
     * (then the plain dense layout is as cheap).
     *
     * @throws IllegalArgumentException on a shape mismatch or a non-finite entry
     */
    public static TokenTableDesign factor(double[] x, int N, int n, int d, long maxDistinct) {
        Designs.checkShape(x.length, N, n, d);
        Designs.checkFinite(x, n, d);
        return factorChecked(x, N, n, d, maxDistinct);
    }

    /** {@link #factor} on an {@code x} whose shape and entries {@link Designs#of} has checked. */
    static TokenTableDesign factorChecked(double[] x, int N, int n, int d, long maxDistinct) {
        if (distinctHashesExceed(x, N, n, d, maxDistinct)) {
            return null;
        }
        double[][] tables = new double[n][];
        int[][] rowOf = new int[n][N];
        long total = 0;
        for (int k = 0; k < n; k++) {
            Map<RowKey, Integer> seen = new HashMap<>();
            int[] first = new int[16];
            for (int i = 0; i < N; i++) {
                int off = (i * n + k) * d;
                // one key and one lookup per row (a get and then a put hashed each new row twice)
                Integer r = seen.putIfAbsent(new RowKey(x, off, d), seen.size());
                if (r == null) {
                    r = seen.size() - 1;
                    if (++total > maxDistinct) {
                        return null;
                    }
                    if (r == first.length) {
                        first = Arrays.copyOf(first, 2 * first.length);
                    }
                    first[r] = off;
                }
                rowOf[k][i] = r;
            }
            int V = seen.size();
            double[] t = new double[V * d];
            for (int v = 0; v < V; v++) {
                System.arraycopy(x, first[v], t, v * d, d);
            }
            tables[k] = t;
        }
        return new TokenTableDesign(N, n, d, tables, rowOf);
    }

    /**
     * An exact early refusal: true if the token vectors have more than {@code maxDistinct}
     * distinct 64-bit hashes (summed over the positions), hence more distinct vectors, since
     * equal vectors hash alike. A primitive open-addressing set and no object per row: on dense
     * Gaussian data ({@code N = 20000}, {@code n = 8}, {@code d = 64}) the boxed map below spent
     * 0.1-0.3 s of the setup before it could refuse. A false answer proves nothing (hashes can
     * collide); the exact factorisation then decides.
     */
    static boolean distinctHashesExceed(double[] x, int N, int n, int d, long maxDistinct) {
        int cap = Integer.highestOneBit(Math.max(1, 2 * N - 1)) << 1;
        long[] set = new long[cap];
        long total = 0;
        for (int k = 0; k < n; k++) {
            java.util.Arrays.fill(set, 0L);
            for (int i = 0; i < N; i++) {
                int off = (i * n + k) * d;
                long h = 0x9E3779B97F4A7C15L;
                for (int j = 0; j < d; j++) {
                    h = (h ^ Double.doubleToLongBits(x[off + j])) * 0xBF58476D1CE4E5B9L;
                    h ^= h >>> 31;
                }
                if (h == 0) {
                    h = 1; // 0 marks an empty slot
                }
                int q = (int) (h ^ (h >>> 32)) & (cap - 1);
                while (set[q] != 0 && set[q] != h) {
                    q = (q + 1) & (cap - 1);
                }
                if (set[q] == 0) {
                    set[q] = h;
                    if (++total > maxDistinct) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A token vector compared bit for bit (so the factorisation is exact). */
    private static final class RowKey {
        private final double[] x;
        private final int off;
        private final int len;
        private final int hash;

        RowKey(double[] x, int off, int len) {
            this.x = x;
            this.off = off;
            this.len = len;
            int h = 1;
            for (int j = 0; j < len; j++) {
                long b = Double.doubleToLongBits(x[off + j]);
                h = 31 * h + (int) (b ^ (b >>> 32));
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof RowKey r) || r.hash != hash || r.len != len) {
                return false;
            }
            for (int j = 0; j < len; j++) {
                if (Double.doubleToLongBits(x[off + j]) != Double.doubleToLongBits(r.x[r.off + j])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The table of position {@code k} ({@code V_k x d}, row-major); shared, not copied: callers must not write to it. */
    double[] table(int k) {
        return tables[k];
    }

    /** {@code t_ik} for all samples {@code i}; shared, not copied: callers must not write to it. */
    int[] rowIndex(int k) {
        return rowOf[k];
    }

    /** {@code V_k}, the number of distinct token vectors at position {@code k}. */
    public int tableRows(int k) {
        return tables[k].length / d;
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

    /** The stored values: the tables plus one row index per sample and token. */
    @Override
    public long storedEntries() {
        long s = (long) N * n;
        for (double[] t : tables) {
            s += t.length;
        }
        return s;
    }

    @Override
    public boolean isSparse() {
        return false;
    }

    @Override
    public String layout() {
        return "token-tables";
    }

    @Override
    public double get(int i, int k, int j) {
        return tables[k][rowOf[k][i] * d + j];
    }

    /** {@code sum_k V_k d c}: the multiply-adds of the table products. */
    private long tableWork(int c) {
        long w = 0;
        for (double[] t : tables) {
            w += (long) t.length * c;
        }
        return w;
    }

    @Override
    public RowProduct multiplier(double[] W, int c) {
        int nd = n * d;
        Designs.checkLength("W", W.length, (long) c * nd);
        double[] wt = Designs.transpose(W, c, nd);
        double[][] R = new double[n][];
        for (int k = 0; k < n; k++) {
            double[] t = tables[k];
            int V = t.length / d;
            double[] r = new double[V * c];
            int wo = k * d * c;
            // R_k = T_k W_k: each entry sums over j in order
            Parallel.forRange(V, (long) V * d * c, (from, to) -> {
                for (int v = from; v < to; v++) {
                    int ro = v * c;
                    for (int j = 0; j < d; j++) {
                        double a = t[v * d + j];
                        if (a != 0) {
                            int w = wo + j * c;
                            for (int l = 0; l < c; l++) {
                                r[ro + l] += a * wt[w + l];
                            }
                        }
                    }
                }
            });
            R[k] = r;
        }
        // S_i = sum_k R_k[t_ik], k in order
        return (first, last, S) -> Parallel.forRange(last - first, (long) (last - first) * n * c, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int i = first + r;
                int so = r * c;
                System.arraycopy(R[0], rowOf[0][i] * c, S, so, c);
                for (int k = 1; k < n; k++) {
                    double[] rk = R[k];
                    int ro = rowOf[k][i] * c;
                    for (int l = 0; l < c; l++) {
                        S[so + l] += rk[ro + l];
                    }
                }
            }
        });
    }

    @Override
    public TransposeAccumulator transposeAccumulator(int c) {
        int nd = n * d;
        // Q_k = E_k^T U, accumulated block by block; each entry sums over samples i in order
        double[][] Q = new double[n][];
        for (int k = 0; k < n; k++) {
            Q[k] = new double[(tables[k].length / d) * c];
        }
        return new TransposeAccumulator() {
            @Override
            public void add(int first, int last, double[] U) {
                for (int k = 0; k < n; k++) {
                    int[] rows = rowOf[k];
                    double[] q = Q[k];
                    Parallel.forRange(c, (long) (last - first) * c, (from, to) -> {
                        for (int i = first; i < last; i++) {
                            int qo = rows[i] * c;
                            int uo = (i - first) * c;
                            for (int l = from; l < to; l++) {
                                q[qo + l] += U[uo + l];
                            }
                        }
                    });
                }
            }

            @Override
            public void finish(double[] G) {
                Designs.checkLength("G", G.length, (long) c * nd);
                double[] gt = new double[nd * c];
                for (int k = 0; k < n; k++) {
                    double[] t = tables[k];
                    int V = t.length / d;
                    double[] q = Q[k];
                    // Gt_k = T_k^T Q_k, split over features j; each entry sums over v in order
                    int go = k * d * c;
                    Parallel.forRange(d, (long) V * d * c, (from, to) -> {
                        for (int v = 0; v < V; v++) {
                            int qo = v * c;
                            for (int j = from; j < to; j++) {
                                double a = t[v * d + j];
                                if (a != 0) {
                                    int g = go + j * c;
                                    for (int l = 0; l < c; l++) {
                                        gt[g + l] += a * q[qo + l];
                                    }
                                }
                            }
                        }
                    });
                }
                Vec.transpose(gt, nd, c, G);
            }
        };
    }

    /**
     * {@code A^T A} by blocks: {@code (A^T A)_{kk'} = T_k^T C_{kk'} T_k'} with
     * {@code C_{kk'}[v][v']} the number of samples with rows {@code v} at {@code k} and
     * {@code v'} at {@code k'}.
     */
    @Override
    public double[] gramIfCheap(long maxWork) {
        int nd = n * d;
        long work = (long) N * n * n;
        for (int k = 0; k < n; k++) {
            for (int k2 = 0; k2 < n; k2++) {
                long V = tableRows(k), V2 = tableRows(k2);
                work += V * V2 * d + V2 * (long) d * d;
            }
        }
        if (work > maxWork) {
            return null;
        }
        double[] g = new double[nd * nd];
        for (int k = 0; k < n; k++) {
            for (int k2 = 0; k2 < n; k2++) {
                int V = tableRows(k), V2 = tableRows(k2);
                double[] cnt = new double[V * V2];
                for (int i = 0; i < N; i++) {
                    cnt[rowOf[k][i] * V2 + rowOf[k2][i]] += 1;
                }
                // M = C T_k2 (V x d), then block = T_k^T M (d x d)
                double[] t2 = tables[k2];
                double[] m = new double[V * d];
                for (int v = 0; v < V; v++) {
                    for (int v2 = 0; v2 < V2; v2++) {
                        double w = cnt[v * V2 + v2];
                        if (w != 0) {
                            for (int j = 0; j < d; j++) {
                                m[v * d + j] += w * t2[v2 * d + j];
                            }
                        }
                    }
                }
                double[] t1 = tables[k];
                int kk = k, kk2 = k2;
                Parallel.forRange(d, (long) V * d * d, (from, to) -> {
                    for (int a = from; a < to; a++) {
                        int row = (kk * d + a) * nd + kk2 * d;
                        for (int v = 0; v < V; v++) {
                            double x = t1[v * d + a];
                            if (x != 0) {
                                for (int b = 0; b < d; b++) {
                                    g[row + b] += x * m[v * d + b];
                                }
                            }
                        }
                    }
                });
            }
        }
        return g;
    }

    /**
     * {@code A A^T} through the tables: {@code (A A^T)_{ii'} = sum_k K_k[t_ik, t_i'k]} with
     * {@code K_k = T_k T_k^T} ({@code V_k x V_k}).
     */
    @Override
    public double[] outerGramIfCheap(long maxWork) {
        long work = (long) N * N * n;
        for (double[] t : tables) {
            work += (long) (t.length / d) * t.length;
        }
        if (work > maxWork || (long) N * N > Designs.MAX_SQUARE_ENTRIES) {
            return null;
        }
        double[][] K = new double[n][];
        for (int k = 0; k < n; k++) {
            double[] t = tables[k];
            int V = t.length / d;
            double[] kk = new double[V * V];
            for (int v = 0; v < V; v++) {
                for (int w = 0; w < V; w++) {
                    double acc = 0;
                    for (int j = 0; j < d; j++) {
                        acc += t[v * d + j] * t[w * d + j];
                    }
                    kk[v * V + w] = acc;
                }
            }
            K[k] = kk;
        }
        double[] g = new double[N * N];
        Parallel.forRange(N, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int i2 = 0; i2 < N; i2++) {
                    double acc = 0;
                    for (int k = 0; k < n; k++) {
                        int V = tables[k].length / d;
                        acc += K[k][rowOf[k][i] * V + rowOf[k][i2]];
                    }
                    g[i * N + i2] = acc;
                }
            }
        });
        return g;
    }

    @Override
    public Design rows(int[] idx) {
        int[][] r = new int[n][idx.length];
        for (int q = 0; q < idx.length; q++) {
            if (idx[q] < 0 || idx[q] >= N) {
                throw new IllegalArgumentException("row index " + idx[q] + " out of range [0, " + N + ")");
            }
            for (int k = 0; k < n; k++) {
                r[k][q] = rowOf[k][idx[q]];
            }
        }
        // tables are immutable and shared; rows no longer used stay (harmless: zero counts)
        return new TokenTableDesign(idx.length, n, d, tables, r);
    }

    @Override
    public void forEachStored(EntryVisitor visitor) {
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                int o = rowOf[k][i] * d;
                double[] t = tables[k];
                for (int j = 0; j < d; j++) {
                    double v = t[o + j];
                    if (v != 0) {
                        visitor.accept(i, k, j, v);
                    }
                }
            }
        }
    }
}

package org.cvxformer.core.linalg;

/**
 * {@code C = X Y^T} for row-major {@code X} ({@code m x K}) and {@code Y} ({@code p x K}): every
 * entry is a dot product of two contiguous rows, summed over {@code k} in a fixed order (by
 * stretches of {@link #KB}), so the result does not depend on how the rows are split across
 * threads.
 *
 * <p>Register-blocked 4 x 4: sixteen running sums share each load of four {@code X} and four
 * {@code Y} entries (8 loads per 32 flops), where the axpy form ({@code C_i += x_ik Y_k}) needs a
 * load and a store of {@code C} per multiply-add. HotSpot does not vectorise either form (a sum
 * of doubles must keep its order), so this is what plain Java gets: measured 5.9 against 3.6
 * GFLOP/s per thread for the axpy form on {@code 4656 x 256 x 97} on the project machine.
 * With the JDK's Vector API available ({@link #SIMD}) the same blocks run as 256-bit fused
 * multiply-adds ({@link VectorGemm}), about 4x faster again.
 */
public final class Gemm {
    /**
     * True when the JVM was started with {@code --add-modules jdk.incubator.vector} (and
     * {@code cvxformer.simd} is not {@code false}): products then use {@link VectorGemm}.
     */
    public static final boolean SIMD = simdAvailable();

    private Gemm() {
    }

    private static boolean simdAvailable() {
        if ("false".equalsIgnoreCase(System.getProperty("cvxformer.simd"))) {
            return false;
        }
        // present only when the incubating module was added to the boot layer
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Runs the thin products' SIMD bodies {@code calls} times (each) on small private arrays, through
     * every branch the large products take, so that the code C2 compiles from this profile is
     * the code the large products run ({@code problem.Warmup} says why this is worth it). Small
     * shapes alone leave branches untaken (a later {@link #KB} stretch added to {@code C}, a
     * last odd class, a last row, a stretch's scalar tail), and C2 compiles those as traps: the
     * first large product then threw its compiled {@code VectorGemm.rows} away and ran in the
     * interpreter until it was compiled again (seen with {@code -XX:+PrintCompilation} on dense
     * {@code N = 20000}, {@code nd = 512}, {@code c = 10}). Nothing shared is touched, and the
     * bodies give the same bits compiled or not, so this changes timing only.
     */
    public static void warmUp(int calls) {
        if (!SIMD) {
            return;
        }
        // 5 rows = four and a last one; 3 classes = a pair and a last odd one; 10 terms = two
        // vectors and a scalar tail of 2; 6 columns of G = a vector and a scalar tail of 2
        int m = 5, p = 3, K = 10;
        double[] x = new double[m * K];
        double[] y = new double[p * K];
        double[] u = new double[m * p];
        for (int q = 0; q < x.length; q++) {
            x[q] = 0.5 - 0.01 * q;
        }
        for (int q = 0; q < y.length; q++) {
            y[q] = 0.25 + 0.01 * q;
        }
        java.util.Arrays.fill(u, 0.125);
        double[] out = new double[m * p];
        double[] g = new double[p * K];
        double[] slice = new double[p * 6];
        for (int call = 0; call < calls; call++) {
            if ((call & 1) == 0) {
                VectorGemm.rows(x, 0, 0, m, y, p, K, 0, K, false, out, 0, p);
                addTransposedTimes(true, u, 0, p, x, 0, m, K, 0, K, g, 0, K);
            } else {
                // a later stretch, added to C; a thread's slice of the columns
                VectorGemm.rows(x, 0, 0, m, y, p, K, 2, K, true, out, 0, p);
                addTransposedTimes(true, u, 0, p, x, 0, m, K, 4, K, slice, -4, 6);
            }
        }
    }

    /**
     * After {@link #warmUp}: {@code calls} products of 5 rows in the real shape ({@code K} terms,
     * {@code c} classes), so that the compiled code meets the loop lengths of the real products
     * before they run.
     */
    public static void warmUpShape(int K, int c, int calls) {
        if (!SIMD) {
            return;
        }
        int m = 5;
        double[] x = new double[m * K];
        double[] y = new double[c * K];
        double[] u = new double[m * c];
        java.util.Arrays.fill(x, 0.5);
        java.util.Arrays.fill(y, 0.25);
        java.util.Arrays.fill(u, 0.125);
        double[] out = new double[m * c];
        double[] g = new double[c * K];
        for (int call = 0; call < calls; call++) {
            stretches(true, x, 0, 0, m, y, c, K, out, 0, c);
            addTransposedTimes(true, u, 0, c, x, 0, m, K, 0, K, g, 0, K);
        }
    }

    /** The scalar kernel alone (for tests that compare it with the SIMD one). */
    static void abtScalar(double[] X, int m, double[] Y, int p, int K, double[] C, int ldc) {
        stretches(false, X, 0, 0, m, Y, p, K, C, 0, ldc);
    }

    /** The SIMD kernel alone; only when {@link #SIMD}. */
    static void abtSimd(double[] X, int m, double[] Y, int p, int K, double[] C, int ldc) {
        stretches(true, X, 0, 0, m, Y, p, K, C, 0, ldc);
    }

    /**
     * Length of the stretches of {@code k} done at a time: an output's sum is added up stretch by
     * stretch (a fixed order), and the {@code 4 x KB} rows of {@code X} with the {@code p x KB}
     * block of {@code Y} stay in the L2 cache (for {@code A^T U}, {@code K = N} runs to
     * thousands, and streaming whole rows from memory for every 4-row block was the bottleneck).
     */
    public static final int KB = 256;

    /**
     * {@code C[r * ldc + s] = sum_k X[r * K + k] Y[s * K + k]} for {@code r < m}, {@code s < p};
     * rows of {@code X} split over threads.
     */
    public static void abt(double[] X, int m, double[] Y, int p, int K, double[] C, int ldc) {
        abt(X, 0, m, Y, p, K, C, 0, ldc);
    }

    /**
     * As {@link #abt(double[], int, double[], int, int, double[], int)} on the {@code m} rows of
     * {@code X} that start at {@code xOff}, into {@code C} from {@code cOff}:
     * {@code C[cOff + r * ldc + s] = sum_k X[xOff + r * K + k] Y[s * K + k]}. The dot-product form
     * suits a thin {@code Y} (few rows, such as the {@code c} class weights of the solver's
     * {@code A W^T}): it reads {@code X} once, in place, with nothing packed.
     */
    public static void abt(double[] X, int xOff, int m, double[] Y, int p, int K, double[] C, int cOff, int ldc) {
        long work = (long) m * p * K;
        Parallel.forRange((m + 3) / 4, work, (fromBlock, toBlock) -> {
            int from = fromBlock * 4;
            int to = Math.min(m, toBlock * 4);
            stretches(SIMD, X, xOff, from, to, Y, p, K, C, cOff, ldc);
        });
    }

    /**
     * Tuning of {@link #addTransposedTimes} (measured on {@code 20000 x 512}, {@code c = 10}, and
     * {@code 4656 x 194}, {@code c = 97}, on the 2-core project machine; the register-blocked
     * alternative, eight sums held over a chunk of rows, ran no faster and needs chunks of at
     * most 8 rows because rows {@code 4 KB} apart share cache sets): a chunk of
     * {@link #ATB_ROWS} rows is read from memory once, then each block of columns of {@code G}
     * holding about {@link #ATB_TILE} entries (32 KB, the L1 cache) takes its terms from it.
     */
    static final int ATB_ROWS = 16;

    /** Entries of {@code G} (c times the block's columns) updated per pass; see {@link #ATB_ROWS}. */
    static final int ATB_TILE = 4096;

    /** Columns of {@code G} per thread split are a multiple of this (two 256-bit vectors). */
    static final int ATB_COLUMNS = 8;

    /**
     * {@code G += U^T A}: {@code G[l * K + q] += sum_r U[uOff + r * c + l] A[aOff + r * K + q]} for
     * {@code l < c}, {@code q < K}, {@code r < rows}, with {@code G} ({@code c x K}) row-major.
     *
     * <p>Each entry is one running sum: it starts from {@code G[l * K + q]} and adds the rows in
     * increasing {@code r} by fused multiply-adds, so the bits equal those of the plain loop
     * {@code G = fma(u_rl, a_rq, G)} over {@code r}, whether the SIMD or the scalar body runs,
     * however many threads split the columns, and however the caller splits the rows into
     * consecutive calls (block-invariant). Made for a thin {@code U} (the solver's {@code A^T U}
     * with few classes): {@code A} is read once, in place and in order (chunks of
     * {@link #ATB_ROWS} rows, four rows at a time), and nothing is packed (packing
     * {@code A} cost twice the products themselves on {@code 20000 x 512}, {@code c = 10}).
     */
    public static void addTransposedTimes(double[] U, int uOff, int c, double[] A, int aOff, int rows, int K,
            double[] G) {
        long work = (long) rows * c * K;
        int strips = (K + ATB_COLUMNS - 1) / ATB_COLUMNS;
        Parallel.forRange(strips, work, (s0, s1) -> {
            int q0 = s0 * ATB_COLUMNS;
            int q1 = Math.min(K, s1 * ATB_COLUMNS);
            if (q0 == 0 && q1 == K) {
                addTransposedTimes(SIMD, U, uOff, c, A, aOff, rows, K, q0, q1, G, 0, K);
                return;
            }
            // a thread's columns are summed in a private slice, not in place: the rows of G
            // are K apart, so where two threads' columns meet they share a cache line, and the
            // line bounced between the cores on every rank-4 update (2 threads took 10 ms
            // against 1 thread's 11 ms on 20000 x 512, c = 10). The slice holds the same
            // running sums, so the bits do not change.
            int w = q1 - q0;
            double[] slice = Vec.columns(G, c, K, q0, w);
            addTransposedTimes(SIMD, U, uOff, c, A, aOff, rows, K, q0, q1, slice, -q0, w);
            Vec.putColumns(slice, c, w, G, K, q0);
        });
    }

    /** Columns {@code [q0, q1)} of {@link #addTransposedTimes} into {@code G} ({@code c x K}, in place), by the SIMD or the scalar body. */
    static void addTransposedTimes(boolean simd, double[] U, int uOff, int c, double[] A, int aOff, int rows, int K,
            int q0, int q1, double[] G) {
        addTransposedTimes(simd, U, uOff, c, A, aOff, rows, K, q0, q1, G, 0, K);
    }

    /**
     * Columns {@code [q0, q1)} of {@link #addTransposedTimes}, the entry {@code (l, q)} of the
     * sums held at {@code G[gOff + l * ldg + q]} (in place: {@code gOff = 0, ldg = K}; a slice of
     * the columns: {@code gOff = -q0, ldg = q1 - q0}).
     */
    static void addTransposedTimes(boolean simd, double[] U, int uOff, int c, double[] A, int aOff, int rows, int K,
            int q0, int q1, double[] G, int gOff, int ldg) {
        int qb = Math.max(ATB_COLUMNS, (ATB_TILE / Math.max(1, c)) / ATB_COLUMNS * ATB_COLUMNS);
        for (int r0 = 0; r0 < rows; r0 += ATB_ROWS) {
            int r1 = Math.min(rows, r0 + ATB_ROWS);
            for (int b0 = q0; b0 < q1; b0 += qb) {
                int b1 = Math.min(q1, b0 + qb);
                int r = r0;
                if (simd) {
                    r = VectorGemm.addTransposedTimesRank4(U, uOff, c, A, aOff, r0, r1, K, b0, b1, G, gOff, ldg);
                }
                for (; r < r1; r++) {
                    int ar = aOff + r * K;
                    int ur = uOff + r * c;
                    for (int l = 0; l < c; l++) {
                        double u = U[ur + l];
                        int g = gOff + l * ldg;
                        for (int q = b0; q < b1; q++) {
                            G[g + q] = Math.fma(u, A[ar + q], G[g + q]);
                        }
                    }
                }
            }
        }
    }

    /** Rows {@code [from, to)} of {@code C}, stretch by stretch of {@code k}, by the SIMD or the scalar kernel. */
    private static void stretches(boolean simd, double[] X, int xOff, int from, int to, double[] Y, int p, int K,
            double[] C, int cOff, int ldc) {
        for (int k0 = 0; k0 < K; k0 += KB) {
            int k1 = Math.min(K, k0 + KB);
            if (simd) {
                VectorGemm.rows(X, xOff, from, to, Y, p, K, k0, k1, k0 > 0, C, cOff, ldc);
            } else {
                rows(X, xOff, from, to, Y, p, K, k0, k1, k0 > 0, C, cOff, ldc);
            }
        }
    }

    private static void rows(double[] X, int xOff, int from, int to, double[] Y, int p, int K, int k0, int k1,
            boolean add, double[] C, int cOff, int ldc) {
        int r = from;
        for (; r + 3 < to; r += 4) {
            int x0 = xOff + r * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
            int s = 0;
            for (; s + 3 < p; s += 4) {
                int y0 = s * K, y1 = y0 + K, y2 = y1 + K, y3 = y2 + K;
                double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
                double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
                for (int k = k0; k < k1; k++) {
                    double a0 = X[x0 + k], a1 = X[x1 + k], a2 = X[x2 + k], a3 = X[x3 + k];
                    double b0 = Y[y0 + k], b1 = Y[y1 + k], b2 = Y[y2 + k], b3 = Y[y3 + k];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                }
                int o = cOff + r * ldc + s;
                put(C, o, add, c00, c01, c02, c03);
                put(C, o + ldc, add, c10, c11, c12, c13);
                put(C, o + 2 * ldc, add, c20, c21, c22, c23);
                put(C, o + 3 * ldc, add, c30, c31, c32, c33);
            }
            for (; s < p; s++) {
                for (int q = 0; q < 4; q++) {
                    int o = cOff + (r + q) * ldc + s;
                    double v = Vec.dot(X, xOff + (r + q) * K + k0, Y, s * K + k0, k1 - k0);
                    C[o] = add ? C[o] + v : v;
                }
            }
        }
        for (; r < to; r++) {
            for (int s = 0; s < p; s++) {
                int o = cOff + r * ldc + s;
                double v = Vec.dot(X, xOff + r * K + k0, Y, s * K + k0, k1 - k0);
                C[o] = add ? C[o] + v : v;
            }
        }
    }

    private static void put(double[] C, int o, boolean add, double v0, double v1, double v2, double v3) {
        if (add) {
            C[o] += v0;
            C[o + 1] += v1;
            C[o + 2] += v2;
            C[o + 3] += v3;
        } else {
            C[o] = v0;
            C[o + 1] = v1;
            C[o + 2] = v2;
            C[o + 3] = v3;
        }
    }

    // ------------------------------------------------------------------ general products

    /**
     * {@code C (+)= op(A) op(B)}, BLAS's {@code ?gemm} with {@code alpha = 1} and {@code beta = 0}
     * or {@code 1}, row-major, on the calling thread. {@code op(A)} is {@code m x k}:
     * {@code A[i, p] = a[aOff + i * lda + p]}, or {@code a[aOff + p * lda + i]} if {@code transA};
     * {@code op(B)} is {@code k x n}: {@code B[p, j] = b[bOff + p * ldb + j]}, or
     * {@code b[bOff + j * ldb + p]} if {@code transB}; {@code C[i, j] = c[cOff + i * ldc + j]},
     * overwritten unless {@code accumulate}. Packed, cache-blocked and register-tiled
     * ({@link Blocked}; SIMD when {@link #SIMD}). Each entry of {@code C} is summed over {@code k}
     * in an order fixed by {@code k} alone, so {@link #gemmParallel} gives the same bits.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        Blocked.gemm(SIMD, transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    /** {@link #gemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)} in double. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff, int lda,
            double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
        Blocked.gemm(SIMD, transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    /**
     * As {@link #gemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)},
     * with the rows of {@code C} (or its columns, when it has more column tiles than row tiles)
     * split over {@link Parallel}: bit-identical to the serial form whatever the thread count.
     */
    public static void gemmParallel(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        split(m, n, k, Blocked.NR32, (i0, i1, j0, j1) -> Blocked.gemm(SIMD, transA, transB, i0, i1, j0, j1, k,
                a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc));
    }

    /** {@link #gemmParallel(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)} in double. */
    public static void gemmParallel(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff,
            int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
        split(m, n, k, Blocked.NR64, (i0, i1, j0, j1) -> Blocked.gemm(SIMD, transA, transB, i0, i1, j0, j1, k,
                a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc));
    }

    @FunctionalInterface
    private interface Block2 {
        void run(int i0, int i1, int j0, int j1);
    }

    /** Splits {@code C} by row tiles or column tiles, whichever has more, over the threads. */
    private static void split(int m, int n, int k, int nr, Block2 body) {
        long work = (long) m * n * k;
        int mt = (m + Blocked.MR - 1) / Blocked.MR;
        int nt = (n + nr - 1) / nr;
        // splitting the wider dimension also splits the packing of B when C has few rows
        if (mt >= nt) {
            Parallel.forRange(mt, work, (from, to) -> body.run(from * Blocked.MR, Math.min(m, to * Blocked.MR), 0, n));
        } else {
            Parallel.forRange(nt, work, (from, to) -> body.run(0, m, from * nr, Math.min(n, to * nr)));
        }
    }
}

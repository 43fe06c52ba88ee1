package org.cvxformer.core.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD bodies of {@link Gemm#abt} and of {@link Gemm#gemm}'s microkernels ({@link Blocked}), through the JDK's incubating Vector API
 * ({@code jdk.incubator.vector}, JEP 414 in JDK 17): 256-bit fused multiply-adds, four rows of
 * {@code X} against two of {@code Y}. Used only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (the {@code cvxformer} launcher and the tests do);
 * otherwise this class is never loaded and the scalar kernel runs.
 *
 * <p>Deterministic: lane {@code q} accumulates the terms {@code k = q mod 4} of a stretch by
 * fused multiply-adds (exact, whether intrinsified or not), the four lanes are added in a fixed
 * order by hand (not {@code reduceLanes}, whose order is unspecified), then the tail. Measured
 * 21 against 4.7 GFLOP/s per thread for the scalar kernel on {@code 4656 x 256 x 96}.
 */
final class VectorGemm {
    private static final VectorSpecies<Double> SP = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int W = 4;

    private VectorGemm() {
    }

    /** As {@code Gemm.rows}: rows {@code [from, to)} of {@code C}, terms {@code k0 <= k < k1}, added to {@code C} if {@code add}. */
    static void rows(double[] X, int xOff, int from, int to, double[] Y, int p, int K, int k0, int k1,
            boolean add, double[] C, int cOff, int ldc) {
        int kv = k0 + ((k1 - k0) / W) * W;
        double[] lane = new double[W];
        int r = from;
        for (; r + 3 < to; r += 4) {
            int x0 = xOff + r * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
            int s = 0;
            for (; s + 1 < p; s += 2) {
                int y0 = s * K, y1 = y0 + K;
                DoubleVector c00 = DoubleVector.zero(SP), c01 = c00, c10 = c00, c11 = c00;
                DoubleVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
                for (int k = k0; k < kv; k += W) {
                    DoubleVector b0 = DoubleVector.fromArray(SP, Y, y0 + k);
                    DoubleVector b1 = DoubleVector.fromArray(SP, Y, y1 + k);
                    DoubleVector a0 = DoubleVector.fromArray(SP, X, x0 + k);
                    c00 = a0.fma(b0, c00);
                    c01 = a0.fma(b1, c01);
                    DoubleVector a1 = DoubleVector.fromArray(SP, X, x1 + k);
                    c10 = a1.fma(b0, c10);
                    c11 = a1.fma(b1, c11);
                    DoubleVector a2 = DoubleVector.fromArray(SP, X, x2 + k);
                    c20 = a2.fma(b0, c20);
                    c21 = a2.fma(b1, c21);
                    DoubleVector a3 = DoubleVector.fromArray(SP, X, x3 + k);
                    c30 = a3.fma(b0, c30);
                    c31 = a3.fma(b1, c31);
                }
                store(C, cOff + r * ldc + s, add, finish(c00, lane, X, x0, Y, y0, kv, k1));
                store(C, cOff + r * ldc + s + 1, add, finish(c01, lane, X, x0, Y, y1, kv, k1));
                store(C, cOff + (r + 1) * ldc + s, add, finish(c10, lane, X, x1, Y, y0, kv, k1));
                store(C, cOff + (r + 1) * ldc + s + 1, add, finish(c11, lane, X, x1, Y, y1, kv, k1));
                store(C, cOff + (r + 2) * ldc + s, add, finish(c20, lane, X, x2, Y, y0, kv, k1));
                store(C, cOff + (r + 2) * ldc + s + 1, add, finish(c21, lane, X, x2, Y, y1, kv, k1));
                store(C, cOff + (r + 3) * ldc + s, add, finish(c30, lane, X, x3, Y, y0, kv, k1));
                store(C, cOff + (r + 3) * ldc + s + 1, add, finish(c31, lane, X, x3, Y, y1, kv, k1));
            }
            for (; s < p; s++) {
                for (int q = 0; q < 4; q++) {
                    store(C, cOff + (r + q) * ldc + s, add, Vec.dot(X, xOff + (r + q) * K + k0, Y, s * K + k0, k1 - k0));
                }
            }
        }
        for (; r < to; r++) {
            for (int s = 0; s < p; s++) {
                store(C, cOff + r * ldc + s, add, Vec.dot(X, xOff + r * K + k0, Y, s * K + k0, k1 - k0));
            }
        }
    }

    /**
     * Rank-4 form of {@code Gemm.addTransposedTimes} on rows {@code [r0, r1)} and columns
     * {@code [q0, q1)}: four rows of {@code A} at a time, read once and in order (streams the
     * memory prefetcher follows), each entry of {@code G} (entry {@code (l, q)} at
     * {@code gOff + l * ldg + q}) loaded, given its four terms in row order, and stored. Returns the first row it did not do (the caller adds the rest).
     */
    static int addTransposedTimesRank4(double[] U, int uOff, int c, double[] A, int aOff, int r0, int r1, int K,
            int q0, int q1, double[] G, int gOff, int ldg) {
        int qEnd = q0 + ((q1 - q0) / W) * W;
        int r = r0;
        for (; r + 3 < r1; r += 4) {
            int a0 = aOff + r * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
            int u0 = uOff + r * c, u1 = u0 + c, u2 = u1 + c, u3 = u2 + c;
            for (int l = 0; l < c; l++) {
                DoubleVector v0 = DoubleVector.broadcast(D, U[u0 + l]);
                DoubleVector v1 = DoubleVector.broadcast(D, U[u1 + l]);
                DoubleVector v2 = DoubleVector.broadcast(D, U[u2 + l]);
                DoubleVector v3 = DoubleVector.broadcast(D, U[u3 + l]);
                int g = gOff + l * ldg;
                int q = q0;
                for (; q < qEnd; q += W) {
                    DoubleVector s = DoubleVector.fromArray(D, G, g + q);
                    s = DoubleVector.fromArray(D, A, a0 + q).fma(v0, s);
                    s = DoubleVector.fromArray(D, A, a1 + q).fma(v1, s);
                    s = DoubleVector.fromArray(D, A, a2 + q).fma(v2, s);
                    s = DoubleVector.fromArray(D, A, a3 + q).fma(v3, s);
                    s.intoArray(G, g + q);
                }
                for (; q < q1; q++) {
                    double s = G[g + q];
                    s = Math.fma(U[u0 + l], A[a0 + q], s);
                    s = Math.fma(U[u1 + l], A[a1 + q], s);
                    s = Math.fma(U[u2 + l], A[a2 + q], s);
                    s = Math.fma(U[u3 + l], A[a3 + q], s);
                    G[g + q] = s;
                }
            }
        }
        return r;
    }

    /** Lanes added in a fixed order, then the scalar tail {@code kv <= k < k1}. */
    private static double finish(DoubleVector acc, double[] lane, double[] X, int xo, double[] Y, int yo, int kv, int k1) {
        acc.intoArray(lane, 0);
        double v = ((lane[0] + lane[1]) + lane[2]) + lane[3];
        for (int k = kv; k < k1; k++) {
            v += X[xo + k] * Y[yo + k];
        }
        return v;
    }

    private static void store(double[] C, int o, boolean add, double v) {
        C[o] = add ? C[o] + v : v;
    }

    /** {@code C[0..mr) x [0..nr) (+)= Ap Bp} over {@code kc} terms: 6 x 2 FloatVector accumulators, A's entry (r, p) at {@code ab + r rs + p ps} (in place or packed), one broadcast per row and {@code k}, no horizontal sums. */
    static void kernel32(int kc, float[] ap, int ab, int rs, int ps, float[] bp, int bo, float[] c, int co, int ldc,
            int mr, int nr,
            boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int r1 = ab + rs, r2 = r1 + rs, r3 = r2 + rs, r4 = r3 + rs, r5 = r4 + rs;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += ps, bi += 16) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + 8);
            FloatVector a0 = FloatVector.broadcast(F, ap[ab + ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, ap[r1 + ai]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, ap[r2 + ai]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, ap[r3 + ai]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, ap[r4 + ai]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, ap[r5 + ai]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (mr == 6 && nr == 16) {
            store(c00, c, co, add);
            store(c01, c, co + 8, add);
            store(c10, c, co + 1 * ldc, add);
            store(c11, c, co + 1 * ldc + 8, add);
            store(c20, c, co + 2 * ldc, add);
            store(c21, c, co + 2 * ldc + 8, add);
            store(c30, c, co + 3 * ldc, add);
            store(c31, c, co + 3 * ldc + 8, add);
            store(c40, c, co + 4 * ldc, add);
            store(c41, c, co + 4 * ldc + 8, add);
            store(c50, c, co + 5 * ldc, add);
            store(c51, c, co + 5 * ldc + 8, add);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 8);
        c10.intoArray(tile, 16);
        c11.intoArray(tile, 24);
        c20.intoArray(tile, 32);
        c21.intoArray(tile, 40);
        c30.intoArray(tile, 48);
        c31.intoArray(tile, 56);
        c40.intoArray(tile, 64);
        c41.intoArray(tile, 72);
        c50.intoArray(tile, 80);
        c51.intoArray(tile, 88);
        Blocked.storeTile(tile, 16, c, co, ldc, mr, nr, add);
    }

    private static void store(FloatVector v, float[] c, int o, boolean add) {
        if (add) {
            v.add(FloatVector.fromArray(F, c, o)).intoArray(c, o);
        } else {
            v.intoArray(c, o);
        }
    }

    /** {@code C[0..mr) x [0..nr) (+)= Ap Bp} over {@code kc} terms: 6 x 2 DoubleVector accumulators, A's entry (r, p) at {@code ab + r rs + p ps} (in place or packed), one broadcast per row and {@code k}, no horizontal sums. */
    static void kernel64(int kc, double[] ap, int ab, int rs, int ps, double[] bp, int bo, double[] c, int co, int ldc,
            int mr, int nr,
            boolean add, double[] tile) {
        DoubleVector c00 = DoubleVector.zero(D);
        DoubleVector c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int r1 = ab + rs, r2 = r1 + rs, r3 = r2 + rs, r4 = r3 + rs, r5 = r4 + rs;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += ps, bi += 8) {
            DoubleVector b0 = DoubleVector.fromArray(D, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(D, bp, bi + 4);
            DoubleVector a0 = DoubleVector.broadcast(D, ap[ab + ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(D, ap[r1 + ai]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(D, ap[r2 + ai]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(D, ap[r3 + ai]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(D, ap[r4 + ai]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(D, ap[r5 + ai]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (mr == 6 && nr == 8) {
            store(c00, c, co, add);
            store(c01, c, co + 4, add);
            store(c10, c, co + 1 * ldc, add);
            store(c11, c, co + 1 * ldc + 4, add);
            store(c20, c, co + 2 * ldc, add);
            store(c21, c, co + 2 * ldc + 4, add);
            store(c30, c, co + 3 * ldc, add);
            store(c31, c, co + 3 * ldc + 4, add);
            store(c40, c, co + 4 * ldc, add);
            store(c41, c, co + 4 * ldc + 4, add);
            store(c50, c, co + 5 * ldc, add);
            store(c51, c, co + 5 * ldc + 4, add);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 4);
        c10.intoArray(tile, 8);
        c11.intoArray(tile, 12);
        c20.intoArray(tile, 16);
        c21.intoArray(tile, 20);
        c30.intoArray(tile, 24);
        c31.intoArray(tile, 28);
        c40.intoArray(tile, 32);
        c41.intoArray(tile, 36);
        c50.intoArray(tile, 40);
        c51.intoArray(tile, 44);
        Blocked.storeTile(tile, 8, c, co, ldc, mr, nr, add);
    }

    private static void store(DoubleVector v, double[] c, int o, boolean add) {
        if (add) {
            v.add(DoubleVector.fromArray(D, c, o)).intoArray(c, o);
        } else {
            v.intoArray(c, o);
        }
    }
}

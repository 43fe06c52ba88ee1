package org.cvxformer.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Gemm#gemm} and {@link Gemm#gemmParallel} against brute force, both precisions, both kernels. */
class GemmGeneralTest {
    /** Ragged shapes {m, n, k}: edges of the 6-row tile, of 8/16-column panels, of the 256-deep block and of the 256/512 wide block. */
    private static final int[][] SHAPES = {{1, 1, 1}, {7, 5, 3}, {6, 16, 256}, {13, 17, 257}, {5, 33, 600},
            {37, 9, 1}, {12, 530, 20}, {70, 260, 513}, {3, 8, 0}};

    private static double[] random(SplittableRandom r, int len) {
        double[] x = new double[len];
        for (int q = 0; q < len; q++) {
            x[q] = r.nextDouble() * 2 - 1;
        }
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /** A stored with leading dimension lda and offset; entry (i, p) of op(A) per the layout. */
    private static double opEntry(double[] a, int off, int ld, boolean trans, int i, int p) {
        return trans ? a[off + p * ld + i] : a[off + i * ld + p];
    }

    private record Case(int m, int n, int k, boolean ta, boolean tb, boolean acc, int ao, int lda, int bo, int ldb,
            int co, int ldc, double[] a, double[] b, double[] c0, double[] expected) {
    }

    private static Case make(SplittableRandom r, int m, int n, int k, boolean ta, boolean tb, boolean acc) {
        int ao = 3, bo = 5, co = 2;
        int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
        double[] a = random(r, ao + lda * (ta ? k : m) + 1);
        double[] b = random(r, bo + ldb * (tb ? n : k) + 1);
        double[] c0 = random(r, co + ldc * m + 1);
        double[] e = c0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int p = 0; p < k; p++) {
                    v += opEntry(a, ao, lda, ta, i, p) * opEntry(b, bo, ldb, !tb, j, p);
                }
                e[co + i * ldc + j] = acc ? e[co + i * ldc + j] + v : v;
            }
        }
        return new Case(m, n, k, ta, tb, acc, ao, lda, bo, ldb, co, ldc, a, b, c0, e);
    }

    @Test
    void bothKernelsBothPrecisionsMatchBruteForceOnRaggedShapesAndAllTransposes() {
        SplittableRandom r = new SplittableRandom(11);
        for (int[] sh : SHAPES) {
            for (int op = 0; op < 8; op++) {
                boolean ta = (op & 1) != 0, tb = (op & 2) != 0, acc = (op & 4) != 0;
                Case t = make(r, sh[0], sh[1], sh[2], ta, tb, acc);
                String what = sh[0] + "x" + sh[1] + "x" + sh[2] + " ta=" + ta + " tb=" + tb + " acc=" + acc;
                for (boolean simd : Gemm.SIMD ? new boolean[] {false, true} : new boolean[] {false}) {
                    double[] c = t.c0.clone();
                    Blocked.gemm(simd, ta, tb, 0, t.m, 0, t.n, t.k, t.a, t.ao, t.lda, t.b, t.bo, t.ldb, acc, c, t.co,
                            t.ldc);
                    // entries outside the m x n window (offset, padding columns) must be untouched
                    assertArrayEquals(t.expected, c, 1e-12 * (t.k + 1), "f64 simd=" + simd + " " + what);
                    float[] cf = toFloat(t.c0);
                    Blocked.gemm(simd, ta, tb, 0, t.m, 0, t.n, t.k, toFloat(t.a), t.ao, t.lda, toFloat(t.b), t.bo,
                            t.ldb, acc, cf, t.co, t.ldc);
                    float[] ef = toFloat(t.expected);
                    for (int i = 0; i < ef.length; i++) {
                        // float rounding: about sqrt(k) * 2^-24 relative per term of size <= 1
                        assertEquals(ef[i], cf[i], 2e-6f * (t.k + 2), "f32 simd=" + simd + " " + what + " @" + i);
                    }
                }
            }
        }
    }

    @Test
    void parallelFormIsBitIdenticalToSerialForOneTwoAndThreeThreads() {
        SplittableRandom r = new SplittableRandom(12);
        // tall (row split), wide (column split), and a k past two depth blocks
        int[][] shapes = {{403, 37, 700}, {20, 900, 300}, {128, 512, 128}};
        int before = Parallel.threads();
        try {
            for (int[] sh : shapes) {
                for (int op = 0; op < 4; op++) {
                    boolean ta = (op & 1) != 0, tb = (op & 2) != 0;
                    Case t = make(r, sh[0], sh[1], sh[2], ta, tb, true);
                    double[] serial = t.c0.clone();
                    Gemm.gemm(ta, tb, t.m, t.n, t.k, t.a, t.ao, t.lda, t.b, t.bo, t.ldb, true, serial, t.co, t.ldc);
                    float[] af = toFloat(t.a), bf = toFloat(t.b);
                    float[] serialF = toFloat(t.c0);
                    Gemm.gemm(ta, tb, t.m, t.n, t.k, af, t.ao, t.lda, bf, t.bo, t.ldb, true, serialF, t.co, t.ldc);
                    for (int threads = 1; threads <= 3; threads++) {
                        Parallel.setThreads(threads);
                        double[] c = t.c0.clone();
                        Gemm.gemmParallel(ta, tb, t.m, t.n, t.k, t.a, t.ao, t.lda, t.b, t.bo, t.ldb, true, c, t.co,
                                t.ldc);
                        assertArrayEquals(serial, c, 0.0, "f64 threads=" + threads);
                        float[] cf = toFloat(t.c0);
                        Gemm.gemmParallel(ta, tb, t.m, t.n, t.k, af, t.ao, t.lda, bf, t.bo, t.ldb, true, cf, t.co,
                                t.ldc);
                        assertArrayEquals(serialF, cf, 0f, "f32 threads=" + threads);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}

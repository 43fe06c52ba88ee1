package org.cvxformer.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static double[] gaussian(SplittableRandom r, int len) {
        double[] x = new double[len];
        for (int q = 0; q < len; q++) {
            x[q] = r.nextDouble() * 2 - 1;
        }
        return x;
    }

    /** Brute force, one plain sum per entry. */
    private static double[] brute(double[] X, int m, double[] Y, int p, int K) {
        double[] C = new double[m * p];
        for (int r = 0; r < m; r++) {
            for (int s = 0; s < p; s++) {
                double v = 0;
                for (int k = 0; k < K; k++) {
                    v += X[r * K + k] * Y[s * K + k];
                }
                C[r * p + s] = v;
            }
        }
        return C;
    }

    @Test
    void theTestsRunTheSimdKernel() {
        // surefire passes --add-modules jdk.incubator.vector as the launcher does; without it the
        // SIMD kernel would go untested while users run it
        assertTrue(Gemm.SIMD, "run the tests with --add-modules jdk.incubator.vector");
    }

    @Test
    void scalarAndSimdKernelsMatchBruteForceOnRaggedShapes() {
        SplittableRandom r = new SplittableRandom(4);
        // odd sizes exercise every edge: rows not a multiple of 4, columns of 2 or 4, K of 4 and of KB
        int[][] shapes = {{7, 5, 3}, {9, 6, 13}, {4, 4, 4}, {13, 11, 600}, {1, 1, 1}, {6, 97, 257}};
        for (int[] sh : shapes) {
            int m = sh[0], p = sh[1], K = sh[2];
            double[] X = gaussian(r, m * K), Y = gaussian(r, p * K);
            double[] expected = brute(X, m, Y, p, K);
            double[] scalar = new double[m * p];
            Gemm.abtScalar(X, m, Y, p, K, scalar, p);
            assertArrayEquals(expected, scalar, 1e-12 * K, "scalar " + m + "x" + p + "x" + K);
            if (Gemm.SIMD) {
                double[] simd = new double[m * p];
                Gemm.abtSimd(X, m, Y, p, K, simd, p);
                assertArrayEquals(expected, simd, 1e-12 * K, "simd " + m + "x" + p + "x" + K);
            }
        }
    }

    @Test
    void resultIsTheSameForOneAndTwoThreadsAndAStridedOutput() {
        SplittableRandom r = new SplittableRandom(6);
        int m = 403, p = 37, K = 700;
        double[] X = gaussian(r, m * K), Y = gaussian(r, p * K);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] c1 = new double[m * (p + 3)];
            Gemm.abt(X, m, Y, p, K, c1, p + 3);
            Parallel.setThreads(2);
            double[] c2 = new double[m * (p + 3)];
            Gemm.abt(X, m, Y, p, K, c2, p + 3);
            assertArrayEquals(c1, c2, 0.0);
            assertEquals(0.0, c1[p + 1], 0.0, "columns beyond p of a strided output are left alone");
        } finally {
            Parallel.setThreads(before);
        }
    }
}

package org.cvxformer.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The thin products the dense design uses for few classes: {@link Gemm#abt} on an offset block
 * of rows and {@link Gemm#addTransposedTimes} ({@code G += U^T A}), against brute force, with
 * the exact-order properties the solver relies on (SIMD and scalar bodies give the same bits,
 * thread count and row split do not change them).
 */
class ThinProductTest {
    /** {rows, K, c}: edges of the 4-row step, the 4- and 8-column vectors, the 16-row chunk and the column tile. */
    private static final int[][] SHAPES = {{1, 1, 1}, {3, 7, 2}, {4, 8, 4}, {17, 13, 5}, {33, 512, 10},
            {70, 194, 97}, {16, 9, 3}, {5, 1030, 1}};

    private static double[] random(SplittableRandom r, int len) {
        double[] x = new double[len];
        for (int q = 0; q < len; q++) {
            x[q] = r.nextDouble() * 2 - 1;
        }
        return x;
    }

    /** The plain loop whose bits {@code addTransposedTimes} promises: rows in order, fused multiply-adds. */
    private static double[] referenceUtA(double[] U, int uOff, int c, double[] A, int aOff, int rows, int K, double[] G0) {
        double[] G = G0.clone();
        for (int r = 0; r < rows; r++) {
            for (int l = 0; l < c; l++) {
                for (int q = 0; q < K; q++) {
                    G[l * K + q] = Math.fma(U[uOff + r * c + l], A[aOff + r * K + q], G[l * K + q]);
                }
            }
        }
        return G;
    }

    @Test
    void addTransposedTimesHasTheBitsOfTheOrderedFmaLoopInBothBodies() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] s : SHAPES) {
            int rows = s[0], K = s[1], c = s[2];
            int aOff = 5, uOff = 3;
            double[] A = random(rnd, aOff + rows * K);
            double[] U = random(rnd, uOff + rows * c);
            double[] G0 = random(rnd, c * K);
            double[] expected = referenceUtA(U, uOff, c, A, aOff, rows, K, G0);
            for (boolean simd : Gemm.SIMD ? new boolean[] {false, true} : new boolean[] {false}) {
                double[] G = G0.clone();
                Gemm.addTransposedTimes(simd, U, uOff, c, A, aOff, rows, K, 0, K, G);
                assertArrayEquals(expected, G, 0.0, "shape " + rows + "x" + K + ", c=" + c + ", simd=" + simd);
            }
            double[] G = G0.clone();
            Gemm.addTransposedTimes(U, uOff, c, A, aOff, rows, K, G);
            assertArrayEquals(expected, G, 0.0, "public entry, shape " + rows + "x" + K + ", c=" + c);
        }
    }

    @Test
    void addTransposedTimesIsIndependentOfThreadsAndOfHowTheRowsAreSplit() {
        SplittableRandom rnd = new SplittableRandom(4);
        int rows = 3001, K = 520, c = 10;
        double[] A = random(rnd, rows * K);
        double[] U = random(rnd, rows * c);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] one = new double[c * K];
            Gemm.addTransposedTimes(U, 0, c, A, 0, rows, K, one);
            Parallel.setThreads(2);
            double[] two = new double[c * K];
            Gemm.addTransposedTimes(U, 0, c, A, 0, rows, K, two);
            assertArrayEquals(one, two, 0.0, "1 vs 2 threads");
            // consecutive calls over blocks of rows (as the streamed solver makes) give the same bits
            double[] blocks = new double[c * K];
            int[] cuts = {0, 7, 1000, 1001, 2500, rows};
            for (int b = 0; b + 1 < cuts.length; b++) {
                Gemm.addTransposedTimes(U, cuts[b] * c, c, A, cuts[b] * K, cuts[b + 1] - cuts[b], K, blocks);
            }
            assertArrayEquals(one, blocks, 0.0, "split into row blocks");
            // and it is the product: against a plainly summed U^T A
            double worst = 0;
            for (int l = 0; l < c; l++) {
                for (int q = 0; q < K; q++) {
                    double sum = 0;
                    for (int r = 0; r < rows; r++) {
                        sum += U[r * c + l] * A[r * K + q];
                    }
                    worst = Math.max(worst, Math.abs(sum - one[l * K + q]));
                }
            }
            assertTrue(worst < 1e-11, "U^T A off by " + worst);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void abtOnAnOffsetBlockOfRowsWritesOnlyItsRowsOfC() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] s : SHAPES) {
            int rows = s[0], K = s[1], p = s[2];
            int skip = 3;
            double[] X = random(rnd, (skip + rows) * K);
            double[] Y = random(rnd, p * K);
            int cOff = 2;
            double[] C = new double[cOff + rows * p + 1];
            java.util.Arrays.fill(C, Double.NaN);
            Gemm.abt(X, skip * K, rows, Y, p, K, C, cOff, p);
            assertTrue(Double.isNaN(C[0]) && Double.isNaN(C[1]) && Double.isNaN(C[C.length - 1]), "wrote outside its block");
            for (int r = 0; r < rows; r++) {
                for (int l = 0; l < p; l++) {
                    double sum = 0;
                    for (int q = 0; q < K; q++) {
                        sum += X[(skip + r) * K + q] * Y[l * K + q];
                    }
                    assertEquals(sum, C[cOff + r * p + l], 1e-12 * Math.max(1, K), "entry " + r + "," + l);
                }
            }
        }
    }

    /**
     * The warm-ups run every branch on their own small arrays (an index error in their shapes
     * would throw here) and leave every product as it was: the same bits after them.
     */
    @Test
    void warmUpsRunTheirShapesAndChangeNoProduct() {
        SplittableRandom rnd = new SplittableRandom(9);
        int rows = 37, K = 300, c = 5;
        double[] A = random(rnd, rows * K);
        double[] U = random(rnd, rows * c);
        double[] W = random(rnd, c * K);
        double[] s1 = new double[rows * c];
        double[] g1 = new double[c * K];
        Gemm.abt(A, rows, W, c, K, s1, c);
        Gemm.addTransposedTimes(U, 0, c, A, 0, rows, K, g1);
        Gemm.warmUp(3);
        Gemm.warmUpShape(K, c, 2);
        Gemm.warmUpShape(7, 1, 2);
        double[] s2 = new double[rows * c];
        double[] g2 = new double[c * K];
        Gemm.abt(A, rows, W, c, K, s2, c);
        Gemm.addTransposedTimes(U, 0, c, A, 0, rows, K, g2);
        assertArrayEquals(s1, s2, 0.0);
        assertArrayEquals(g1, g2, 0.0);
    }
}

package org.cvxformer.core.problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Spectral;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

class DesignTest {

    /** Brute force: S[i,l] = sum_{k,j} Z[l,k,j] X[i,k,j]. */
    private static double[] bruteScores(double[] x, double[] z, int N, int n, int d, int c) {
        double[] s = new double[N * c];
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                for (int k = 0; k < n; k++) {
                    for (int j = 0; j < d; j++) {
                        s[i * c + l] += z[(l * n + k) * d + j] * x[(i * n + k) * d + j];
                    }
                }
            }
        }
        return s;
    }

    @Test
    void denseAndSparseProductsMatchBruteForceAndAreAdjoint() {
        SplittableRandom r = new SplittableRandom(3);
        int N = 13, n = 3, d = 5, c = 4;
        double[] x = RandomProblems.gaussian(r, N, n, d, 0.8);
        double[] z = RandomProblems.gaussian(r, c, n, d, 0.0);
        double[] u = RandomProblems.gaussian(r, N, c, 1, 0.0);
        double[] expected = bruteScores(x, z, N, n, d, c);
        for (Design A : new Design[] {new DenseDesign(x, N, n, d), new SparseDesign(x, N, n, d)}) {
            double[] s = new double[N * c];
            A.multiply(z, c, s);
            assertArrayEquals(expected, s, 1e-12);
            double[] g = new double[c * n * d];
            A.transposeMultiply(u, c, g);
            // <A z, u> = <z, A^T u>
            double lhs = 0, rhs = 0;
            for (int p = 0; p < s.length; p++) {
                lhs += s[p] * u[p];
            }
            for (int p = 0; p < g.length; p++) {
                rhs += z[p] * g[p];
            }
            assertEquals(lhs, rhs, 1e-11);
            assertEquals(x[(4 * n + 2) * d + 1], A.get(4, 2, 1), 0.0);
        }
    }

    @Test
    void factoryPicksSparseForOneHotAndDenseForGaussian() {
        int N = 20, n = 2, d = 10;
        double[] onehot = new double[N * n * d];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                onehot[(i * n + k) * d + (i + k) % d] = 1;
            }
        }
        assertTrue(Designs.of(onehot, N, n, d).isSparse());
        assertEquals(N * n, Designs.of(onehot, N, n, d).storedEntries());
        assertFalse(Designs.of(RandomProblems.gaussian(new SplittableRandom(1), N, n, d, 0), N, n, d).isSparse());
        int[] tokens = new int[N * n];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                tokens[i * n + k] = (i + k) % d;
            }
        }
        SparseDesign direct = SparseDesign.oneHot(tokens, N, n, d);
        double[] z = RandomProblems.gaussian(new SplittableRandom(2), 3, n, d, 0);
        double[] a = new double[N * 3];
        double[] b = new double[N * 3];
        direct.multiply(z, 3, a);
        new DenseDesign(onehot, N, n, d).multiply(z, 3, b);
        assertArrayEquals(b, a, 0.0);
    }

    @Test
    void gramEigenvalueMatchesPowerIteration() {
        SplittableRandom r = new SplittableRandom(9);
        int N = 40, n = 2, d = 6;
        Design A = new DenseDesign(RandomProblems.gaussian(r, N, n, d, 0.3), N, n, d);
        double exact = Spectral.largestEigenvalue(A.gramIfCheap(Long.MAX_VALUE), n * d);
        double power = Spectral.powerIteration(A::gramApply, n * d, 5000, 1e-14, 1);
        assertEquals(exact, power, 1e-8 * exact);
        Design S = new SparseDesign(RandomProblems.gaussian(r, N, n, d, 0.7), N, n, d);
        double[] gs = S.gramIfCheap(Long.MAX_VALUE);
        double[] gd = new DenseDesign(denseOf(S), N, n, d).gramIfCheap(Long.MAX_VALUE);
        assertArrayEquals(gd, gs, 1e-12);
    }

    @Test
    void outerGramMatchesBruteForceForDenseAndSparseDesigns() {
        SplittableRandom r = new SplittableRandom(21);
        int N = 11, n = 3, d = 7; // N < nd, the case the outer Gram matrix is for
        double[] x = RandomProblems.gaussian(r, N, n, d, 0.6);
        double[] expected = new double[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                for (int q = 0; q < n * d; q++) {
                    expected[i * N + j] += x[i * n * d + q] * x[j * n * d + q];
                }
            }
        }
        for (Design A : new Design[] {new DenseDesign(x, N, n, d), new SparseDesign(x, N, n, d)}) {
            double[] g = A.outerGramIfCheap(Long.MAX_VALUE);
            assertArrayEquals(expected, g, 1e-12, A.getClass().getSimpleName());
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(g[i * N + j], g[j * N + i], 0.0, "exactly symmetric");
                }
            }
            assertNull(A.outerGramIfCheap(10), "over the work limit");
        }
        // one-hot rows: <x_i, x_i'> counts the positions where the two sequences share a token
        int[] tokens = {0, 1, 2, 0, 1, 1, 3, 2, 0, 0};
        double[] g = SparseDesign.oneHot(tokens, 5, 2, 4).outerGramIfCheap(Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                int same = (tokens[2 * i] == tokens[2 * j] ? 1 : 0) + (tokens[2 * i + 1] == tokens[2 * j + 1] ? 1 : 0);
                assertEquals(same, g[i * 5 + j], 0.0, "(" + i + ", " + j + ")");
            }
        }
    }

    private static double[] denseOf(Design A) {
        int N = A.samples(), n = A.tokens(), d = A.features();
        double[] x = new double[N * n * d];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    x[(i * n + k) * d + j] = A.get(i, k, j);
                }
            }
        }
        return x;
    }

    @Test
    void productsAreIdenticalForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(17);
        int N = 600, n = 4, d = 64, c = 11; // large enough to cross the parallel threshold
        double[] x = RandomProblems.gaussian(r, N, n, d, 0.0);
        double[] xs = RandomProblems.gaussian(r, N, n, d, 0.9);
        double[] z = RandomProblems.gaussian(r, c, n, d, 0.0);
        double[] u = RandomProblems.gaussian(r, N, c, 1, 0.0);
        int before = Parallel.threads();
        try {
            for (Design A : new Design[] {new DenseDesign(x, N, n, d), new SparseDesign(xs, N, n, d)}) {
                Parallel.setThreads(1);
                double[] s1 = new double[N * c];
                double[] g1 = new double[c * n * d];
                A.multiply(z, c, s1);
                A.transposeMultiply(u, c, g1);
                Parallel.setThreads(2);
                double[] s2 = new double[N * c];
                double[] g2 = new double[c * n * d];
                A.multiply(z, c, s2);
                A.transposeMultiply(u, c, g2);
                assertArrayEquals(s1, s2, 0.0);
                assertArrayEquals(g1, g2, 0.0);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void badShapesAndValuesAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DenseDesign(new double[5], 2, 1, 3));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("6"), e.getMessage());
        double[] x = new double[6];
        x[4] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> Designs.of(x, 2, 1, 3));
        assertTrue(e.getMessage().contains("X[1, 0, 1]") && e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparseDesign.oneHot(new int[] {0, 3}, 1, 2, 3));
    }

    /**
     * Designs.of checks every entry in the pass that counts the non-zeros, and the layouts no
     * longer check again: a non-finite entry must still be refused with its position, whichever
     * layout the data would have taken (sparse, token tables, dense) and through ofOwned too.
     */
    @Test
    void nonFiniteEntriesAreRefusedWithTheirPositionWhicheverLayoutTheDataWouldTake() {
        SplittableRandom r = new SplittableRandom(5);
        int N = 40, n = 2, d = 3;
        double[] sparse = new double[N * n * d];
        sparse[7] = 1.0;
        double[] tables = new double[N * n * d];
        for (int i = 0; i < N; i++) {
            for (int q = 0; q < n * d; q++) {
                tables[i * n * d + q] = 1.0 + (i % 2) + q; // two token vectors per position
            }
        }
        double[] dense = RandomProblems.gaussian(r, N, n, d, 0.0);
        assertInstanceOf(SparseDesign.class, Designs.of(sparse, N, n, d));
        assertInstanceOf(TokenTableDesign.class, Designs.of(tables, N, n, d));
        assertInstanceOf(DenseDesign.class, Designs.of(dense, N, n, d));
        for (double[] x : new double[][] {sparse, tables, dense}) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                double[] y = x.clone();
                y[(5 * n + 1) * d + 2] = bad;
                for (boolean owned : new boolean[] {false, true}) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> {
                                Design unused = owned ? Designs.ofOwned(y.clone(), N, n, d) : Designs.of(y, N, n, d);
                            });
                    assertTrue(e.getMessage().contains("X[5, 1, 2]"), e.getMessage());
                }
            }
        }
        // the largest finite values pass
        double[] big = dense.clone();
        big[0] = Double.MAX_VALUE;
        big[1] = -Double.MAX_VALUE;
        assertInstanceOf(DenseDesign.class, Designs.of(big, N, n, d));
    }

    @Test
    void ofOwnedKeepsTheArrayAndOfCopiesIt() {
        SplittableRandom r = new SplittableRandom(6);
        int N = 30, n = 2, d = 4, c = 3;
        double[] x = RandomProblems.gaussian(r, N, n, d, 0.0);
        double[] w = RandomProblems.gaussian(r, c, n, d, 0.0);
        Design copied = Designs.of(x, N, n, d);
        double[] owned = x.clone();
        Design kept = Designs.ofOwned(owned, N, n, d);
        double[] s1 = new double[N * c];
        double[] s2 = new double[N * c];
        copied.multiply(w, c, s1);
        kept.multiply(w, c, s2);
        assertArrayEquals(s1, s2, 0.0);
        // writing to the arrays afterwards: the copy is unaffected, the owned design sees it
        java.util.Arrays.fill(x, 0.0);
        java.util.Arrays.fill(owned, 0.0);
        copied.multiply(w, c, s2);
        assertArrayEquals(s1, s2, 0.0);
        kept.multiply(w, c, s2);
        assertArrayEquals(new double[N * c], s2, 0.0);
    }
}

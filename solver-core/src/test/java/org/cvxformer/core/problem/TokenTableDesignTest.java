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
import org.cvxformer.core.solver.Fista;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.SolverResult;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

/** The factored layout against the plain dense one it replaces, entry by entry. */
class TokenTableDesignTest {

    /** X whose token vectors at position k are rows of a random V_k x d table. */
    private static double[] tokenData(SplittableRandom r, int N, int n, int d, int[] V) {
        double[][] tables = new double[n][];
        for (int k = 0; k < n; k++) {
            tables[k] = RandomProblems.gaussian(r, V[k], d, 1, 0.0);
        }
        double[] x = new double[N * n * d];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                int v = r.nextInt(V[k]);
                System.arraycopy(tables[k], v * d, x, (i * n + k) * d, d);
            }
        }
        return x;
    }

    @Test
    void productsGramsAndEntriesEqualTheDenseLayout() {
        SplittableRandom r = new SplittableRandom(5);
        int N = 300, n = 3, d = 7, c = 5;
        double[] x = tokenData(r, N, n, d, new int[] {4, 9, 6});
        TokenTableDesign T = TokenTableDesign.factor(x, N, n, d, Long.MAX_VALUE);
        DenseDesign D = new DenseDesign(x, N, n, d);
        assertEquals(4, T.tableRows(0));
        assertEquals(9, T.tableRows(1));
        double[] z = RandomProblems.gaussian(r, c, n, d, 0.0);
        double[] u = RandomProblems.gaussian(r, N, c, 1, 0.0);
        double[] s1 = new double[N * c], s2 = new double[N * c];
        T.multiply(z, c, s1);
        D.multiply(z, c, s2);
        assertArrayEquals(s2, s1, 1e-12);
        double[] g1 = new double[c * n * d], g2 = new double[c * n * d];
        T.transposeMultiply(u, c, g1);
        D.transposeMultiply(u, c, g2);
        assertArrayEquals(g2, g1, 1e-11);
        assertArrayEquals(D.gramIfCheap(Long.MAX_VALUE), T.gramIfCheap(Long.MAX_VALUE), 1e-10);
        assertArrayEquals(D.outerGramIfCheap(Long.MAX_VALUE), T.outerGramIfCheap(Long.MAX_VALUE), 1e-11);
        for (int i = 0; i < N; i += 37) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(x[(i * n + k) * d + j], T.get(i, k, j), 0.0);
                }
            }
        }
        int[] idx = {299, 0, 17, 17, 150};
        Design sub = T.rows(idx);
        Design subD = D.rows(idx);
        double[] a = new double[idx.length * c], b = new double[idx.length * c];
        sub.multiply(z, c, a);
        subD.multiply(z, c, b);
        assertArrayEquals(b, a, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> T.rows(new int[] {300}));
    }

    @Test
    void factoryUsesTablesOnlyWhenTokenVectorsRepeat() {
        SplittableRandom r = new SplittableRandom(8);
        int N = 200, n = 2, d = 6;
        Design t = Designs.of(tokenData(r, N, n, d, new int[] {10, 10}), N, n, d);
        assertInstanceOf(TokenTableDesign.class, t);
        assertEquals("token-tables", t.layout());
        // every token vector distinct: the plain layout
        assertInstanceOf(DenseDesign.class, Designs.of(RandomProblems.gaussian(r, N, n, d, 0.0), N, n, d));
        assertNull(TokenTableDesign.factor(tokenData(r, N, n, d, new int[] {50, 50}), N, n, d, 60));
    }

    @Test
    void rejectsNonFiniteEntriesWithTheirPosition() {
        double[] x = tokenData(new SplittableRandom(1), 10, 2, 3, new int[] {2, 2});
        x[(4 * 2 + 1) * 3 + 2] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenTableDesign.factor(x, 10, 2, 3, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("X[4, 1, 2]"), e.getMessage());
    }

    @Test
    void productsAreIdenticalForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(21);
        int N = 3000, n = 2, d = 64, c = 13; // large enough to cross the parallel threshold
        TokenTableDesign T = TokenTableDesign.factor(tokenData(r, N, n, d, new int[] {40, 40}), N, n, d, Long.MAX_VALUE);
        double[] z = RandomProblems.gaussian(r, c, n, d, 0.0);
        double[] u = RandomProblems.gaussian(r, N, c, 1, 0.0);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] s1 = new double[N * c], g1 = new double[c * n * d];
            T.multiply(z, c, s1);
            T.transposeMultiply(u, c, g1);
            Parallel.setThreads(2);
            double[] s2 = new double[N * c], g2 = new double[c * n * d];
            T.multiply(z, c, s2);
            T.transposeMultiply(u, c, g2);
            assertArrayEquals(s1, s2, 0.0);
            assertArrayEquals(g1, g2, 0.0);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void solvingOnTheTablesGivesTheDenseSolution() {
        SplittableRandom r = new SplittableRandom(13);
        int N = 120, n = 2, d = 5, c = 4;
        double[] x = tokenData(r, N, n, d, new int[] {6, 6});
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = r.nextInt(c);
        }
        Targets y = Targets.ofLabels(labels, c);
        Design dense = new DenseDesign(x, N, n, d);
        Design tables = TokenTableDesign.factor(x, N, n, d, Long.MAX_VALUE);
        double betaMax = new Problem(dense, y, SoftmaxLoss.INSTANCE, 1).betaMax();
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-10);
        SolverResult a = new Fista().solve(new Problem(dense, y, SoftmaxLoss.INSTANCE, 0.05 * betaMax), cfg);
        SolverResult b = new Fista().solve(new Problem(tables, y, SoftmaxLoss.INSTANCE, 0.05 * betaMax), cfg);
        assertTrue(b.certificate().relativeGap() <= 1e-10, b.message());
        assertEquals(a.certificate().primal(), b.certificate().primal(), 1e-9 * Math.abs(a.certificate().primal()));
    }

    @Test
    void tokenBlocksThroughTheTablesEqualTheDenseBlocks() {
        SplittableRandom r = new SplittableRandom(31);
        int N = 250, n = 2, d = 6;
        double[] x = tokenData(r, N, n, d, new int[] {7, 5});
        TokenBlocks t = TokenBlocks.of(TokenTableDesign.factor(x, N, n, d, Long.MAX_VALUE));
        TokenBlocks b = TokenBlocks.of(new DenseDesign(x, N, n, d));
        double[] rr = RandomProblems.gaussian(r, N, 1, 1, 0.0);
        double[] delta = RandomProblems.gaussian(r, d, 1, 1, 0.0);
        double[] w = RandomProblems.gaussian(r, N, 1, 1, 0.0);
        for (int k = 0; k < n; k++) {
            double[] o1 = new double[d], o2 = new double[d];
            t.transposeMultiply(k, rr, 0, o1, 0);
            b.transposeMultiply(k, rr, 0, o2, 0);
            assertArrayEquals(o2, o1, 1e-11);
            double[] s1 = new double[N], s2 = new double[N];
            t.multiplyAdd(k, delta, 0, s1, 0);
            b.multiplyAdd(k, delta, 0, s2, 0);
            assertArrayEquals(s2, s1, 1e-12);
            double[] h1 = new double[d * d], h2 = new double[d * d];
            t.weightedGram(k, w, h1);
            b.weightedGram(k, w, h2);
            assertArrayEquals(h2, h1, 1e-10);
            assertEquals(b.sigmaMaxSquaredBound(k), t.sigmaMaxSquaredBound(k), 1e-9 * b.sigmaMaxSquaredBound(k));
            double[] ds = new double[N];
            int[] touched = new int[N];
            boolean[] mark = new boolean[N];
            assertEquals(N, t.multiplyTouched(k, delta, 0, ds, touched, mark));
            assertArrayEquals(s2, ds, 1e-12);
        }
    }

    /**
     * The early refusal by distinct hashes must never refuse a design the exact factorisation
     * would accept: with exactly maxDistinct distinct token vectors it says no, one more and it
     * says yes; and -0.0 and 0.0 count as two vectors, as the bitwise factorisation has them.
     */
    @Test
    void theHashRefusalIsExactAtTheLimit() {
        int N = 50, n = 2, d = 3;
        double[] x = new double[N * n * d];
        // position 0: 10 distinct vectors, position 1: 5
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < d; j++) {
                x[(i * n) * d + j] = 1 + (i % 10) + 0.5 * j;
                x[(i * n + 1) * d + j] = -1 - (i % 5) - 0.25 * j;
            }
        }
        assertFalse(TokenTableDesign.distinctHashesExceed(x, N, n, d, 15));
        assertTrue(TokenTableDesign.distinctHashesExceed(x, N, n, d, 14));
        assertInstanceOf(TokenTableDesign.class, TokenTableDesign.factor(x, N, n, d, 15));
        assertNull(TokenTableDesign.factor(x, N, n, d, 14));
        double[] zeros = new double[2 * 1 * 1];
        zeros[1] = -0.0;
        assertTrue(TokenTableDesign.distinctHashesExceed(zeros, 2, 1, 1, 1));
        assertNull(TokenTableDesign.factor(zeros, 2, 1, 1, 1));
    }
}

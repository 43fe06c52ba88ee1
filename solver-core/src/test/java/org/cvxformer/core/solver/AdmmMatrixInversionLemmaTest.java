package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

/** ADMM's squared-loss W-update through the N x N system (matrix-inversion lemma) when N < nd. */
class AdmmMatrixInversionLemmaTest {
    private static final Pattern FACTORS = Pattern.compile("\\((\\d+) factorisations, (\\d+) reused\\)");

    /** N = 30 < nd = 80. */
    private static Problem wide() {
        return RandomProblems.problem(41, 30, 2, 40, 3, "squared", 0.1, 0.0);
    }

    /**
     * Brute force: {@code (A^T A / N + rho I) W = A^T Y / N + rho (V - Lambda)} formed entry by
     * entry from {@link Design#get} and solved by Gaussian elimination with partial pivoting.
     */
    private static double[] normalEquations(Problem pb, double[] V, double[] Lam, double rho) {
        Design A = pb.design();
        int N = pb.samples(), n = pb.tokens(), d = pb.features(), nd = n * d, c = pb.classes();
        double[][] a = new double[N][nd];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    a[i][k * d + j] = A.get(i, k, j);
                }
            }
        }
        double[] W = new double[c * nd];
        for (int l = 0; l < c; l++) {
            double[][] m = new double[nd][nd + 1];
            for (int q = 0; q < nd; q++) {
                for (int r = 0; r < nd; r++) {
                    double s = 0;
                    for (int i = 0; i < N; i++) {
                        s += a[i][q] * a[i][r];
                    }
                    m[q][r] = s / N + (q == r ? rho : 0);
                }
                double b = 0;
                for (int i = 0; i < N; i++) {
                    b += a[i][q] * pb.targets().get(i, l);
                }
                m[q][nd] = b / N + rho * (V[l * nd + q] - Lam[l * nd + q]);
            }
            double[] x = gaussianElimination(m);
            System.arraycopy(x, 0, W, l * nd, nd);
        }
        return W;
    }

    private static double[] gaussianElimination(double[][] m) {
        int s = m.length;
        for (int col = 0; col < s; col++) {
            int piv = col;
            for (int r = col + 1; r < s; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            double[] t = m[col];
            m[col] = m[piv];
            m[piv] = t;
            for (int r = col + 1; r < s; r++) {
                double f = m[r][col] / m[col][col];
                for (int q = col; q <= s; q++) {
                    m[r][q] -= f * m[col][q];
                }
            }
        }
        double[] x = new double[s];
        for (int r = s - 1; r >= 0; r--) {
            double v = m[r][s];
            for (int q = r + 1; q < s; q++) {
                v -= m[r][q] * x[q];
            }
            x[r] = v / m[r][r];
        }
        return x;
    }

    private static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static int[] factorCounts(SolverResult r) {
        Matcher m = FACTORS.matcher(r.message());
        assertTrue(m.find(), r.message());
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    @Test
    void woodburyUpdateEqualsTheDirectSolveOfTheNormalEquations() {
        Problem pb = wide();
        SplittableRandom r = new SplittableRandom(5);
        double[] V = RandomProblems.gaussian(r, pb.classes(), pb.tokens(), pb.features(), 0.3);
        double[] Lam = RandomProblems.gaussian(r, pb.classes(), pb.tokens(), pb.features(), 0.0);
        SquaredSystem outer = SquaredSystem.of(pb.design(), SquaredSystem.Kind.OUTER, Long.MAX_VALUE);
        SquaredSystem gram = SquaredSystem.of(pb.design(), SquaredSystem.Kind.GRAM, Long.MAX_VALUE);
        SquaredSystem.WUpdate mil = outer.bind(pb.targets());
        SquaredSystem.WUpdate direct = gram.bind(pb.targets());
        double L = pb.lipschitz();
        // rho far below L makes K = I + A A^T / (N rho) ill-conditioned (about 1 + 100 L / rho)
        double[] rhos = {L, 0.01 * L, 100 * L, L};
        for (double rho : rhos) {
            double[] expected = normalEquations(pb, V, Lam, rho);
            double[] W = new double[V.length];
            mil.apply(V, Lam, rho, W);
            double scale = Math.max(1, maxAbs(expected));
            for (int p = 0; p < W.length; p++) {
                assertEquals(expected[p], W[p], 1e-10 * scale, "rho = " + rho + ", entry " + p);
            }
            double[] Wd = new double[V.length];
            direct.apply(V, Lam, rho, Wd);
            for (int p = 0; p < W.length; p++) {
                assertEquals(expected[p], Wd[p], 1e-10 * scale, "nd x nd system, rho = " + rho + ", entry " + p);
            }
        }
        // three distinct values of rho; the return to rho = L is served from the cache
        assertEquals(3, outer.factorisations());
        assertEquals(1, outer.reuses());
        // the same rho twice in a row does not even consult the cache
        double[] W = new double[V.length];
        mil.apply(V, Lam, L, W);
        assertEquals(3, outer.factorisations());
        assertEquals(1, outer.reuses());
    }

    @Test
    void admmThroughTheNxNSystemReachesGap1e8AndAgreesWithFista() {
        Problem pb = wide();
        SolverResult a = new Admm().solve(pb, SolverConfig.defaults().withTolerance(1e-8));
        assertTrue(a.message().contains("N x N system"), a.message());
        assertSame(Status.OPTIMAL, a.status(), a.message());
        assertTrue(a.certificate().relativeGap() <= 1e-8, a.message());
        SolverResult f = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-10));
        assertSame(Status.OPTIMAL, f.status(), f.message());
        assertEquals(f.certificate().primal(), a.certificate().primal(), 1e-8 * f.certificate().primal());
    }

    @Test
    void theSmallerSystemIsChosenAndTheOtherWhenTheSmallerIsNotCheap() {
        // dense, N < nd and N >= nd
        assertSame(SquaredSystem.Kind.OUTER, SquaredSystem.choose(wide().design(), Problem.GRAM_WORK_LIMIT).kind());
        Problem tall = RandomProblems.problem(3, 90, 2, 40, 3, "squared", 0.1, 0.0);
        assertSame(SquaredSystem.Kind.GRAM, SquaredSystem.choose(tall.design(), Problem.GRAM_WORK_LIMIT).kind());
        // sparse, N = 10 < nd = 30, but every row has its one non-zero in column 0: forming A A^T
        // costs 10^2 multiply-adds, A^T A only 10, so under a limit of 50 the larger system is taken
        double[] x = new double[10 * 30];
        for (int i = 0; i < 10; i++) {
            x[i * 30] = 1 + i;
        }
        Design A = new SparseDesign(x, 10, 1, 30);
        assertSame(SquaredSystem.Kind.GRAM, SquaredSystem.choose(A, 50).kind());
        assertSame(SquaredSystem.Kind.OUTER, SquaredSystem.choose(A, 100).kind());
        assertNull(SquaredSystem.choose(A, 5), "neither is cheap: ADMM falls back to the L-BFGS update");
    }

    /**
     * N = 40, nd = 4800: forming {@code A^T A} costs {@code N (nd)^2 / 2 = 4.6e8} multiply-adds,
     * over {@link Problem#GRAM_WORK_LIMIT}, so ADMM used to fall back to the linearised update;
     * {@code A A^T} costs {@code 3.8e6} and the solver must take the N x N system.
     */
    @Test
    void wideDesignWhoseGramMatrixIsTooBigUsesTheNxNSystem() {
        Problem pb = RandomProblems.problem(8, 40, 4, 1200, 2, "squared", 0.2, 0.0);
        assertNull(pb.design().gramIfCheap(Problem.GRAM_WORK_LIMIT));
        SolverResult a = new Admm().solve(pb, SolverConfig.defaults().withTolerance(1e-6));
        assertTrue(a.message().contains("Cholesky W-update on the N x N system"), a.message());
        assertSame(Status.OPTIMAL, a.status(), a.message());
    }

    @Test
    void sparseOneHotDesignWithFewSamplesUsesTheNxNSystem() {
        SplittableRandom r = new SplittableRandom(12);
        int N = 25, n = 3, d = 20, c = 4;
        int[] tokens = new int[N * n];
        for (int p = 0; p < tokens.length; p++) {
            tokens[p] = r.nextInt(d);
        }
        Problem base = new Problem(SparseDesign.oneHot(tokens, N, n, d), Targets.ofLabels(RandomProblems.labels(r, N, c), c),
                Loss.byName("squared"), 1.0);
        Problem pb = base.withBeta(0.1 * base.betaMax());
        SolverResult a = new Admm().solve(pb, SolverConfig.defaults().withTolerance(1e-8));
        assertTrue(a.message().contains("N x N system"), a.message());
        assertSame(Status.OPTIMAL, a.status(), a.message());
        SolverResult f = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-10));
        assertEquals(f.certificate().primal(), a.certificate().primal(), 1e-8 * f.certificate().primal());
    }

    @Test
    void aBetaPathOnOneInstanceReusesTheSystemOfTheEarlierSolves() {
        Problem pb = wide();
        Admm admm = new Admm();
        SolverResult first = admm.solve(pb, SolverConfig.defaults().withTolerance(1e-8));
        int[] f1 = factorCounts(first);
        assertTrue(f1[0] >= 1, first.message());
        // the next point of the path, warm started: every solve starts at the same rho
        Problem next = pb.withBeta(0.8 * pb.beta());
        SolverResult second = admm.solve(next, SolverConfig.defaults().withTolerance(1e-8).withInitial(first.z()));
        assertSame(Status.OPTIMAL, second.status(), second.message());
        int[] f2 = factorCounts(second);
        assertTrue(f2[1] >= 1, "a factor of the first solve is reused: " + second.message());
        // a fresh instance asks for the same factors (same rho sequence), computes more of them,
        // and reaches the same point
        SolverResult fresh = new Admm().solve(next, SolverConfig.defaults().withTolerance(1e-8).withInitial(first.z()));
        int[] f3 = factorCounts(fresh);
        assertEquals(f3[0] + f3[1], f2[0] + f2[1], fresh.message() + " vs " + second.message());
        assertTrue(f2[0] < f3[0], fresh.message() + " vs " + second.message());
        assertEquals(fresh.iterations(), second.iterations());
        assertEquals(fresh.certificate().primal(), second.certificate().primal(), 1e-12 * fresh.certificate().primal());
    }
}

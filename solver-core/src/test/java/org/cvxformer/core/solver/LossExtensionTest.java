package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

/**
 * A new loss is one class: FISTA and the certifier need only {@link Loss}'s operations, and the
 * solvers that need more are refused with a reason instead of failing inside.
 */
class LossExtensionTest {
    /** {@code loss(s, y) = (a/2) ||s - y||^2}, conjugate {@code ||v||^2 / (2a) + <v, y>}. */
    static class ScaledSquared implements Loss {
        final double a;

        ScaledSquared(double a) {
            this.a = a;
        }

        @Override
        public String name() {
            return "scaled-squared";
        }

        @Override
        public void rowValues(double[] S, Targets Y, int from, int to, double[] U, double[] terms) {
            int c = Y.classes();
            for (int r = 0; r < to - from; r++) {
                double s = 0;
                for (int l = 0; l < c; l++) {
                    double res = S[r * c + l] - Y.get(from + r, l);
                    s += res * res;
                    if (U != null) {
                        U[r * c + l] = a * res / Y.samples();
                    }
                }
                terms[r] = 0.5 * a * s;
            }
        }

        @Override
        public void rowConjugates(double[] U, Targets Y, int from, int to, double[] terms) {
            int c = Y.classes();
            for (int r = 0; r < to - from; r++) {
                double vv = 0, vy = 0;
                for (int l = 0; l < c; l++) {
                    double v = Y.samples() * U[r * c + l];
                    vv += v * v;
                    vy += v * Y.get(from + r, l);
                }
                terms[r] = vv / (2 * a) + vy;
            }
        }

        @Override
        public double curvature() {
            return a;
        }

        @Override
        public boolean hasConstantCurvature() {
            return true;
        }

        @Override
        public void checkTargets(Targets Y) {
        }
    }

    @Test
    void fistaCertifiesANewLossAndItEqualsTheScaledProblem() {
        Problem base = RandomProblems.problem(5, 80, 2, 4, 3, "squared", 0.1, 0);
        // (a/2)||s - y||^2 + beta Omega = a * (squared loss + (beta/a) Omega)
        double a = 3;
        Problem scaled = new Problem(base.design(), base.targets(), new ScaledSquared(a), a * base.beta());
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-10).withMaxIterations(20000);
        SolverResult r = new Fista().solve(scaled, cfg);
        assertSame(Status.OPTIMAL, r.status(), r.message());
        SolverResult ref = new Fista().solve(base, cfg);
        assertEquals(a * ref.certificate().primal(), r.certificate().primal(), 1e-8 * a * ref.certificate().primal());
    }

    /**
     * Pins a bug caught in review: ADMM chose its closed-form (unit squared) W-update for any loss
     * of constant curvature, which is wrong for {@code (a/2)||s - y||^2} with {@code a != 1}.
     */
    @Test
    void admmOnAScaledSquaredLossUsesTheIterativeUpdateNotTheUnitClosedForm() {
        Problem base = RandomProblems.problem(5, 80, 2, 4, 3, "squared", 0.1, 0);
        double a = 3;
        Problem scaled = new Problem(base.design(), base.targets(), new ScaledSquared(a), a * base.beta());
        SolverResult r = new Admm().solve(scaled, SolverConfig.defaults().withTolerance(1e-9));
        assertSame(Status.OPTIMAL, r.status(), r.message());
        assertTrue(r.message().contains("L-BFGS"), r.message());
        SolverResult ref = new Fista().solve(base, SolverConfig.defaults().withTolerance(1e-11));
        assertEquals(a * ref.certificate().primal(), r.certificate().primal(), 1e-8 * a * ref.certificate().primal());
    }

    @Test
    void solversThatNeedMoreRefuseWithAReason() {
        Problem base = RandomProblems.problem(5, 80, 2, 4, 3, "squared", 0.1, 0);
        Problem pb = new Problem(base.design(), base.targets(), new ScaledSquared(2), base.beta());
        for (String s : new String[] {"bcd", "prox-newton"}) {
            Solver solver = Solvers.byName(s);
            assertTrue(solver.refusal(pb).contains("fista"), solver.refusal(pb));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> solver.solve(pb, SolverConfig.defaults()));
            assertTrue(e.getMessage().contains("scaled-squared"), e.getMessage());
        }
        SolverResult auto = new AutoSolver().solve(pb, SolverConfig.defaults());
        assertSame(Status.OPTIMAL, auto.status(), auto.message());
    }

    /**
     * The same loss with the two operations the coordinate solvers ask for: coordinate updates of
     * its scores and its Hessian form {@code Diag(a) - gamma a a^T} with {@code a_il = a}, gamma = 0.
     */
    static final class ScaledSquaredWithCoordinates extends ScaledSquared {
        ScaledSquaredWithCoordinates(double a) {
            super(a);
        }

        @Override
        public CoordinateScores coordinateScores(int N, int c) {
            return new CoordinateScores() {
                @Override
                public void refresh(double[] St) {
                }

                @Override
                public void residual(double[] St, double[] Yt, int l, double[] r) {
                    for (int i = 0; i < N; i++) {
                        r[i] = a * (St[l * N + i] - Yt[l * N + i]) / N;
                    }
                }

                @Override
                public double add(double[] St, double[] Yt, int l, int i, double ds) {
                    int q = l * N + i;
                    double res = St[q] - Yt[q];
                    St[q] += ds;
                    return a * (res * ds + 0.5 * ds * ds);
                }

                @Override
                public double classCurvature() {
                    return a;
                }
            };
        }

        @Override
        public double hessianRankOneWeight() {
            return 0;
        }

        @Override
        public void hessianDiagonal(double[] U, Targets Y, double[] aT) {
            java.util.Arrays.fill(aT, 0, Y.samples() * Y.classes(), a);
        }
    }

    /** A loss that provides the coordinate operations gets bcd and prox-newton with no edit to either. */
    @Test
    void aNewLossWithCoordinateOperationsIsSolvedByBcdAndProxNewton() {
        Problem base = RandomProblems.problem(5, 80, 2, 4, 3, "squared", 0.1, 0);
        double a = 3;
        Problem scaled = new Problem(base.design(), base.targets(), new ScaledSquaredWithCoordinates(a), a * base.beta());
        SolverResult ref = new Fista().solve(base, SolverConfig.defaults().withTolerance(1e-11));
        for (String s : new String[] {"bcd", "prox-newton"}) {
            Solver solver = Solvers.byName(s);
            assertEquals(null, solver.refusal(scaled));
            SolverResult r = solver.solve(scaled, SolverConfig.defaults().withTolerance(1e-9));
            assertSame(Status.OPTIMAL, r.status(), s + ": " + r.message());
            assertEquals(a * ref.certificate().primal(), r.certificate().primal(), 1e-7 * a * ref.certificate().primal(), s);
        }
    }
}

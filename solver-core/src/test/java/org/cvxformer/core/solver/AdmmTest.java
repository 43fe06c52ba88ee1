package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

class AdmmTest {
    private static final Pattern RESIDUALS = Pattern.compile("ADMM residuals primal ([-0-9.e+]+), dual ([-0-9.e+]+)");

    private static double[] residuals(SolverResult r) {
        Matcher m = RESIDUALS.matcher(r.message());
        assertTrue(m.find(), r.message());
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    @Test
    void squaredLossUsesOneCholeskyAndItsResidualsVanish() {
        Fixtures.Instance f = Fixtures.all().stream().filter(x -> x.name().equals("planted-squared")).findFirst().orElseThrow();
        SolverResult loose = new Admm().solve(f.problem(), SolverConfig.defaults().withTolerance(1e-4));
        SolverResult tight = new Admm().solve(f.problem(), SolverConfig.defaults().withTolerance(1e-10));
        assertSame(Status.OPTIMAL, tight.status(), tight.message());
        assertTrue(tight.message().contains("Cholesky"), tight.message());
        double[] rl = residuals(loose);
        double[] rt = residuals(tight);
        assertTrue(rt[0] < rl[0] || rt[0] < 1e-8, "primal residual shrinks: " + rl[0] + " -> " + rt[0]);
        assertTrue(rt[0] < 1e-5 && rt[1] < 1e-5, tight.message());
        assertEquals(f.objective(), tight.certificate().primal(), 1e-8 * f.objective());
    }

    @Test
    void softmaxUsesTheLbfgsUpdateAndAgreesWithFista() {
        Problem pb = RandomProblems.problem(12, 60, 3, 4, 3, "softmax", 0.05, 0.3);
        SolverResult a = new Admm().solve(pb, SolverConfig.defaults().withTolerance(1e-9));
        SolverResult f = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-10));
        assertSame(Status.OPTIMAL, a.status(), a.message());
        assertTrue(a.message().contains("L-BFGS W-update"), a.message());
        assertEquals(f.certificate().primal(), a.certificate().primal(), 1e-8 * f.certificate().primal());
    }

    /** Issue 13: the linearised softmax W-update took 78.5 s where FISTA took 1.3 s; the L-BFGS one must not crawl. */
    @Test
    void softmaxAdmmNeedsFewIterationsNotThousands() {
        Problem pb = RandomProblems.problem(21, 200, 3, 6, 5, "softmax", 0.02, 0.3);
        SolverResult a = new Admm().solve(pb, SolverConfig.defaults().withTolerance(1e-6));
        assertSame(Status.OPTIMAL, a.status(), a.message());
        assertTrue(a.iterations() < 500, a.iterations() + " iterations: " + a.message());
    }

    /**
     * The L-BFGS W-update, run to a tight gradient tolerance on squared loss, reaches the exact
     * minimiser of {@code F(A W) + (rho/2)||W - V + Lambda||^2} that the Cholesky system gives,
     * including after rho changes (its curvature pairs store the loss part only).
     */
    @Test
    void lbfgsWUpdateReachesTheClosedFormMinimiser() {
        Problem pb = RandomProblems.problem(5, 80, 2, 3, 3, "squared", 0.05, 0.0);
        java.util.Random r = new java.util.Random(3);
        int P = pb.parameterCount();
        double[] V = new double[P];
        double[] Lam = new double[P];
        for (int p = 0; p < P; p++) {
            V[p] = r.nextGaussian();
            Lam[p] = 0.3 * r.nextGaussian();
        }
        SquaredSystem sys = SquaredSystem.choose(pb.design(), Long.MAX_VALUE);
        double[] W = new double[P];
        LbfgsWUpdate lb = new LbfgsWUpdate(pb, W, pb.lipschitz());
        for (double rho : new double[] {0.5, 2.0, 0.1}) {
            double[] exact = new double[P];
            sys.bind(pb.targets()).apply(V, Lam, rho, exact);
            double g = lb.apply(V, Lam, rho, W, 200, 1e-11);
            assertTrue(g <= 1e-11, "gradient norm " + g);
            for (int p = 0; p < P; p++) {
                assertEquals(exact[p], W[p], 1e-9 * (1 + Math.abs(exact[p])), "rho " + rho + " entry " + p);
            }
            Lam[0] += 0.1; // move the centre X = V - Lambda, as ADMM does
        }
    }

    @Test
    void iterationLimitIsRespected() {
        Problem pb = RandomProblems.problem(13, 60, 3, 4, 3, "softmax", 0.01, 0.0);
        SolverResult r = new Admm().solve(pb, SolverConfig.defaults().withMaxIterations(7).withTolerance(1e-14));
        assertEquals(7, r.iterations());
        assertSame(Status.ITERATION_LIMIT, r.status());
    }
}

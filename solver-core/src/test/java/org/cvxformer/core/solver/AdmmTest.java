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
    void softmaxUsesTheLinearisedUpdateAndAgreesWithFista() {
        Problem pb = RandomProblems.problem(12, 60, 3, 4, 3, "softmax", 0.05, 0.3);
        SolverResult a = new Admm().solve(pb, SolverConfig.defaults().withTolerance(1e-9));
        SolverResult f = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-10));
        assertTrue(a.message().contains("linearised"), a.message());
        assertEquals(f.certificate().primal(), a.certificate().primal(), 1e-8 * f.certificate().primal());
    }

    @Test
    void iterationLimitIsRespected() {
        Problem pb = RandomProblems.problem(13, 60, 3, 4, 3, "softmax", 0.01, 0.0);
        SolverResult r = new Admm().solve(pb, SolverConfig.defaults().withMaxIterations(7).withTolerance(1e-14));
        assertEquals(7, r.iterations());
        assertSame(Status.ITERATION_LIMIT, r.status());
    }
}

package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

class AutoSolverTest {
    private static final SolverConfig TIGHT = SolverConfig.defaults().withTolerance(1e-10);

    @Test
    void keepingFistaIsTheSameRunAsPlainFista() {
        // small beta: most groups active after the probe, so auto keeps FISTA, and it must not
        // restart it (the old probe-then-restart lost the momentum and the adaptive step)
        Problem pb = RandomProblems.problem(41, 200, 3, 8, 4, "squared", 0.02, 0.5);
        SolverResult auto = new AutoSolver().solve(pb, TIGHT);
        SolverResult fista = new Fista().solve(pb, TIGHT);
        assertTrue(auto.message().startsWith("auto kept fista"), auto.message());
        assertEquals(fista.iterations(), auto.iterations());
        assertArrayEquals(fista.z(), auto.z(), 0.0);
        assertSame(Status.OPTIMAL, auto.status());
    }

    @Test
    void aSparseIterateIsHandedOverToBcdWhichCertifiesTheSameOptimum() {
        // a short probe and a generous sparsity bar, so that the hand-over is exercised
        Problem pb = RandomProblems.problem(43, 300, 40, 3, 3, "softmax", 0.5, 0.8);
        SolverResult auto = new AutoSolver(3, 0.5).solve(pb, TIGHT.withTolerance(1e-12));
        SolverResult fista = new Fista().solve(pb, TIGHT.withTolerance(1e-12));
        assertTrue(auto.message().startsWith("auto picked bcd after a FISTA probe"), auto.message());
        assertSame(Status.OPTIMAL, auto.status(), auto.message());
        assertTrue(auto.certificate().relativeGap() <= 1e-12);
        assertEquals(fista.certificate().primal(), auto.certificate().primal(), 1e-9 * fista.certificate().primal());
        assertTrue(auto.iterations() > 3, "iterations count the probe too");
        assertTrue(auto.history().get(0).iteration() <= 3, "the probe's history comes first");
    }

    @Test
    void fistaStopsAtTheProbeWhenAskedToHandOver() {
        Problem pb = RandomProblems.problem(47, 200, 3, 8, 4, "squared", 0.02, 0.5);
        SolverResult r = new Fista().solve(pb, TIGHT, IterationListener.NONE, 7, z -> true);
        assertEquals(7, r.iterations());
        assertSame(Status.ITERATION_LIMIT, r.status());
        assertTrue(r.message().startsWith(Fista.HANDED_OVER), r.message());
        // the certificate of the handed-over iterate is still computed independently
        assertTrue(r.certificate().relativeGap() > 0);
    }

    @Test
    void tinyDenseSoftmaxProblemsGoToProxNewton() {
        Problem pb = RandomProblems.problem(53, 60, 3, 4, 3, "softmax", 0.1, 0.0);
        SolverResult r = new AutoSolver().solve(pb, TIGHT);
        assertTrue(r.message().startsWith("auto picked prox-newton"), r.message());
        assertSame(Status.OPTIMAL, r.status());
    }
}

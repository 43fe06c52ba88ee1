package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

class NewtonCgTest {
    @Test
    void forcingTermIsSuperlinearFarFromTheToleranceAndNeverTighterThanItNeeds() {
        // far from the optimum: capped at 1/2
        assertEquals(0.5, NewtonCg.forcingTerm(1.0, 0.5, 1e-6), 0.0);
        // the superlinear term sqrt(||g|| / ||g_0||) when it is the looser one
        assertEquals(0.1, NewtonCg.forcingTerm(1e-2, 1e-2, 1e-6), 1e-15);
        // near the tolerance: (1/2) sqrt(tol / gap), here 0.05, not the superlinear 1e-4
        assertEquals(0.05, NewtonCg.forcingTerm(1e-8, 1e-4, 1e-6), 1e-15);
    }

    /**
     * The last Newton step solved its system to eta ~ 1e-3 and overshot (p = 211: 8.8e-10 for
     * 1e-6); with the looser floor the solve must still reach the tolerance, and agree with a
     * tight solve's optimum.
     */
    @Test
    void aLooserLastNewtonStepStillReachesTheTolerance() {
        Problem pb = RandomProblems.problem(11, 400, 3, 8, 5, "softmax", 0.01, 0);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-6);
        SolverResult loose = new NewtonCg().solve(pb, cfg);
        SolverResult tight = new NewtonCg().solve(pb, cfg.withTolerance(1e-12));
        assertSame(Status.OPTIMAL, loose.status(), loose.message());
        assertSame(Status.OPTIMAL, tight.status(), tight.message());
        assertTrue(loose.certificate().relativeGap() <= 1e-6);
        double opt = tight.certificate().primal();
        assertTrue(loose.certificate().primal() - opt <= 1e-6 * opt, "within the certified tolerance of the optimum");
        assertTrue(products(loose) < products(tight), loose.message() + " / " + tight.message());
    }

    private static int products(SolverResult r) {
        Matcher m = Pattern.compile("(\\d+) Hessian products").matcher(r.message());
        assertTrue(m.find(), r.message());
        return Integer.parseInt(m.group(1));
    }

    /**
     * The Hessian product's per-row weighting runs on the threads once N c is large enough
     * (here 3 N c = 216,000, above Parallel.SERIAL_WORK_THRESHOLD): the solve must give the
     * same bits on 1 and 2 threads.
     */
    @Test
    void theParallelHessianWeightingGivesTheSameBitsOnOneAndTwoThreads() {
        Problem pb = RandomProblems.problem(12, 12_000, 1, 3, 6, "softmax", 0.05, 0);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-8);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            SolverResult one = new NewtonCg().solve(pb, cfg);
            Parallel.setThreads(2);
            SolverResult two = new NewtonCg().solve(pb, cfg);
            assertSame(Status.OPTIMAL, one.status(), one.message());
            assertArrayEquals(one.z(), two.z(), 0.0);
            assertEquals(one.certificate().dual(), two.certificate().dual(), 0.0);
        } finally {
            Parallel.setThreads(before);
        }
    }
}

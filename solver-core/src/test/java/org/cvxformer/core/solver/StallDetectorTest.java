package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared "cannot improve in floating point" rule, and the bug it fixes. */
class StallDetectorTest {
    /**
     * Regression: {@code --tol 0} ran 100,000 Newton steps (70 s) after the gap had reached
     * 1e-16, because no relative gap above 0 passes a zero tolerance and prox-newton had no
     * stall rule. Every solver must now stop on its own, with a status, far before the limit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"prox-newton", "fista", "bcd", "auto"})
    void tolZeroStopsAtRoundingGap_newtonRanToIterationLimit(String solver) {
        Problem pb = RandomProblems.problem(7, 60, 2, 3, 3, "softmax", 0.05, 0);
        SolverResult r = Solvers.byName(solver).solve(pb, SolverConfig.defaults().withTolerance(0).withMaxIterations(100_000));
        assertTrue(r.status() == Status.APPROXIMATE || r.status() == Status.OPTIMAL, r.status() + ": " + r.message());
        assertTrue(r.iterations() < 20_000, solver + " ran " + r.iterations() + " iterations: " + r.message());
        assertTrue(r.certificate().relativeGap() <= 1e-12, "certified " + r.certificate().relativeGap());
    }

    @Test
    void roundingGapStopsAtOnce() {
        StallDetector s = new StallDetector(500);
        assertNull(s.update(1.0, 1.0 - 1e-10));
        assertNotNull(s.update(1.0, 1.0 - 1e-15));
    }

    @Test
    void noProgressForPatienceEvaluationsStops() {
        StallDetector s = new StallDetector(3);
        assertNull(s.update(2.0, 1.0));
        assertNull(s.update(2.0, 1.0));
        assertNull(s.update(2.0, 1.0));
        assertNotNull(s.update(2.0, 1.0));
        StallDetector moving = new StallDetector(3);
        for (int k = 0; k < 10; k++) {
            assertNull(moving.update(2.0 - 1e-6 * k, 1.0));
        }
    }

    @Test
    void statusRuleIsTheCertificates() {
        assertEquals(Status.OPTIMAL, SolverShell.status(Status.ITERATION_LIMIT, 1e-9, 1e-8));
        assertEquals(Status.APPROXIMATE, SolverShell.status(Status.OPTIMAL, 1e-7, 1e-8));
        assertEquals(Status.TIME_LIMIT, SolverShell.status(Status.TIME_LIMIT, 1e-7, 1e-8));
        assertEquals(Status.FAILED, SolverShell.status(Status.FAILED, 1e-9, 1e-8));
    }
}

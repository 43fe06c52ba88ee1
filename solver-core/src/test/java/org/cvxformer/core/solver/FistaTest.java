package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.problem.DenseDesign;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FistaTest {
    static List<Fixtures.Instance> fixtures() {
        return Fixtures.all();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void solvesEveryFixtureToItsReferenceObjectiveWithACertifiedGap(Fixtures.Instance f) {
        SolverResult r = new Fista().solve(f.problem(), SolverConfig.defaults().withTolerance(1e-9));
        Certificate cert = r.certificate();
        assertSame(Status.OPTIMAL, r.status(), r.message());
        assertEquals(f.objective(), cert.primal(), 1e-6 * f.objective(), "objective vs reference");
        assertEquals(f.cvxoptObjective(), cert.primal(), 1e-6 * f.objective(), "objective vs interior point");
        assertTrue(cert.relativeGap() <= 1e-6, "gap " + cert.relativeGap());
        // honesty: no certified dual value above the independently known optimum
        assertTrue(cert.dual() <= f.objective() * (1 + 1e-12), "dual " + cert.dual() + " above optimum " + f.objective());
        assertTrue(cert.primal() >= f.objective() * (1 - 1e-12));
        // history: gaps are valid bounds at every recorded iterate
        for (IterationRecord rec : r.history()) {
            assertTrue(rec.dual() <= f.objective() * (1 + 1e-12), "history dual above optimum at " + rec.iteration());
            assertTrue(rec.gap() >= -1e-15);
        }
    }

    @Test
    void oneGroupOrthonormalDesignHasTheClosedFormSolution() {
        // n = 1 token, c = 1 output, A^T A = N I: P(w) = 1/2||w||^2 - <w, b> + const + beta ||w||,
        // b = A^T y / N, minimised by w = max(0, 1 - beta/||b||) b (group soft-thresholding).
        int N = 4, d = 2;
        double s = Math.sqrt(2); // columns (1,1,1,1)/.. scaled so A^T A = N I
        double[] x = {s, 0, 0, s, -s, 0, 0, -s};
        double[] y = {1.0, 2.0, -0.5, 0.25};
        DenseDesign A = new DenseDesign(x, N, 1, d);
        Problem pb = new Problem(A, Targets.ofMatrix(y, N, 1), Loss.byName("squared"), 0.1);
        double b0 = s * (1.0 + 0.5) / N;
        double b1 = s * (2.0 - 0.25) / N;
        double nb = Math.hypot(b0, b1);
        double shrink = 1 - 0.1 / nb;
        SolverResult r = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-12));
        assertArrayEquals(new double[] {shrink * b0, shrink * b1}, r.z(), 1e-9);
        assertEquals(1.0, pb.lipschitz(), 1e-12, "L = sigma_max^2 / N = 1");
    }

    @Test
    void betaAboveBetaMaxReturnsZeroWithGapZero() {
        Problem pb = RandomProblems.problem(2, 30, 2, 3, 3, "softmax", 1.2, 0);
        SolverResult r = new Fista().solve(pb, SolverConfig.defaults());
        assertTrue(r.converged());
        assertArrayEquals(new double[pb.parameterCount()], r.z(), 0.0);
        assertEquals(0.0, r.certificate().gap(), 1e-14);
    }

    @Test
    void iterationLimitIsAStatusAndTheGapStillBoundsSuboptimality() {
        Problem pb = RandomProblems.problem(3, 80, 3, 4, 3, "softmax", 0.02, 0);
        SolverResult exact = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-10));
        SolverResult limited = new Fista().solve(pb, SolverConfig.defaults().withMaxIterations(5));
        assertSame(Status.ITERATION_LIMIT, limited.status());
        assertFalse(limited.converged());
        assertEquals(5, limited.iterations());
        double subopt = limited.certificate().primal() - exact.certificate().primal();
        assertTrue(limited.certificate().gap() >= subopt, "gap must bound suboptimality");
    }

    @Test
    void warmStartFromTheSolutionConvergesAtOnce() {
        Problem pb = RandomProblems.problem(5, 60, 2, 4, 3, "squared", 0.1, 0);
        SolverResult cold = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-9));
        SolverResult warm = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-8).withInitial(cold.z()));
        assertTrue(warm.converged());
        assertTrue(warm.iterations() <= 3, "iterations from the optimum: " + warm.iterations());
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        Problem pb = RandomProblems.problem(6, 400, 4, 40, 6, "softmax", 0.05, 0);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] z1 = new Fista().solve(pb, SolverConfig.defaults().withMaxIterations(60)).z();
            Parallel.setThreads(2);
            double[] z2 = new Fista().solve(pb, SolverConfig.defaults().withMaxIterations(60)).z();
            assertArrayEquals(z1, z2, 0.0);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void historyIsRecordedAtTheRequestedInterval() {
        Problem pb = RandomProblems.problem(7, 50, 2, 3, 3, "softmax", 0.05, 0);
        int[] calls = {0};
        SolverResult r = new Fista().solve(pb, SolverConfig.defaults().withHistoryEvery(5), (rec, z) -> calls[0]++);
        assertEquals(calls[0], r.history().size());
        for (int q = 0; q + 1 < r.history().size(); q++) {
            // the last record is the final iterate, kept whatever its distance to the one before
            assertTrue(q + 2 == r.history().size() || r.history().get(q + 1).iteration() - r.history().get(q).iteration() >= 5);
            assertTrue(r.history().get(q + 1).primal() <= r.history().get(q).primal(), "best primal is monotone");
            assertTrue(r.history().get(q + 1).dual() >= r.history().get(q).dual(), "best dual is monotone");
        }
        assertEquals(r.iterations(), r.history().get(r.history().size() - 1).iteration());
    }
}

package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

class ProximalAdamTest {
    /** Modular addition mod 7 on one-hot tokens [a, b]: a small prime, built by hand. */
    static Problem modAdd7(double ratio) {
        int p = 7;
        int N = p * p;
        int[] tokens = new int[2 * N];
        int[] labels = new int[N];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                int i = a * p + b;
                tokens[2 * i] = a;
                tokens[2 * i + 1] = b;
                labels[i] = (a + b) % p;
            }
        }
        Problem pb = new Problem(SparseDesign.oneHot(tokens, N, 2, p), Targets.ofLabels(labels, p), Loss.byName("softmax"), 1);
        return pb.withBeta(ratio * pb.betaMax());
    }

    @Test
    void certifiedGapShrinksOverEpochsAndEveryGapBoundsTheTrueSuboptimality() {
        // The planted fixture has a learnable signal (mod-add is not learnable by one convex block on
        // one-hot tokens: its optimum is Z ~ 0, so there is no gap to shrink).
        Fixtures.Instance f = Fixtures.all().stream().filter(x -> x.name().equals("planted-softmax")).findFirst().orElseThrow();
        Problem pb = f.problem();
        double optimum = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-12)).certificate().primal();
        assertEquals(f.objective(), optimum, 1e-9 * optimum);
        SolverResult r = new ProximalAdam(ProximalAdam.Settings.defaults().withLearningRate(1e-3).withBatchSize(32)
                .withCertifyEvery(20)).solve(pb, SolverConfig.defaults().withMaxIterations(400).withTolerance(1e-12));
        assertTrue(r.history().size() >= 10);
        IterationRecord first = r.history().get(0);
        IterationRecord last = r.history().get(r.history().size() - 1);
        assertTrue(last.gap() < 0.5 * first.gap(), "gap " + first.gap() + " -> " + last.gap());
        for (IterationRecord h : r.history()) {
            assertTrue(h.gap() >= h.primal() - optimum - 1e-12, "epoch " + h.iteration() + ": gap " + h.gap()
                    + " below the true suboptimality " + (h.primal() - optimum));
            assertTrue(h.dual() <= optimum + 1e-12);
        }
        assertEquals(Status.ITERATION_LIMIT, r.status());
    }

    @Test
    void sameSeedSameIterates() {
        Problem pb = modAdd7(0.05);
        ProximalAdam.Settings s = ProximalAdam.Settings.defaults().withBatchSize(5).withSeed(3);
        double[] a = new ProximalAdam(s).solve(pb, SolverConfig.defaults().withMaxIterations(5)).z();
        double[] b = new ProximalAdam(s).solve(pb, SolverConfig.defaults().withMaxIterations(5)).z();
        assertArrayEquals(a, b, 0.0);
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ProximalAdam.Settings.defaults().withLearningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> ProximalAdam.Settings.defaults().withBatchSize(0));
    }
}

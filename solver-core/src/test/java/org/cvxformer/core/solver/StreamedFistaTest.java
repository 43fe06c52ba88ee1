package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FISTA streams its scores (issue 13): the whole solve, iterate and certificate, is bit for bit
 * the same whatever the block size (on the block-invariant layouts) and whatever the thread
 * count (on every layout).
 */
class StreamedFistaTest {
    private static Problem problem(String layout, String loss) {
        SplittableRandom r = new SplittableRandom(21);
        int N = 90, n = 2, d = 6, c = 4;
        int[] labels = RandomProblems.labels(r, N, c);
        Design A;
        switch (layout) {
            case "sparse" -> {
                int[] tokens = new int[N * n];
                for (int q = 0; q < tokens.length; q++) {
                    tokens[q] = r.nextInt(d);
                }
                A = SparseDesign.oneHot(tokens, N, n, d);
            }
            case "token-tables" -> {
                double[] table = RandomProblems.gaussian(r, 5, 1, d, 0);
                double[] x = new double[N * n * d];
                for (int i = 0; i < N; i++) {
                    for (int k = 0; k < n; k++) {
                        System.arraycopy(table, r.nextInt(5) * d, x, (i * n + k) * d, d);
                    }
                }
                A = Designs.of(x, N, n, d);
            }
            default -> A = Designs.of(RandomProblems.gaussian(r, N, n, d, 0), N, n, d);
        }
        assertEquals(layout, A.layout());
        Problem p = new Problem(A, Targets.ofLabels(labels, c), Loss.byName(loss), 1.0);
        return p.withBeta(0.05 * p.betaMax());
    }

    private static SolverResult solve(Problem pb, int blockRows) {
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-9).withMaxIterations(400)
                .withTuning(SolverConfig.Tuning.defaults().withStreamBlockRows(blockRows));
        return new Fista().solve(pb, cfg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sparse/softmax", "sparse/squared", "token-tables/softmax", "token-tables/squared"})
    void blockSizeDoesNotChangeABit(String kind) {
        String[] k = kind.split("/");
        Problem pb = problem(k[0], k[1]);
        SolverResult whole = solve(pb, pb.samples());
        assertTrue(whole.iterations() > 20, "enough iterations to compare: " + whole.message());
        for (int B : new int[] {1, 8, 31}) {
            SolverResult blocks = solve(pb, B);
            assertEquals(whole.iterations(), blocks.iterations(), kind + " block " + B);
            assertArrayEquals(whole.z(), blocks.z(), 0.0, kind + " block " + B);
            assertEquals(whole.certificate().dual(), blocks.certificate().dual(), 0.0, kind + " block " + B);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sparse/softmax", "token-tables/softmax", "dense/softmax", "dense/squared"})
    void threadCountDoesNotChangeABit(String kind) {
        String[] k = kind.split("/");
        Problem pb = problem(k[0], k[1]);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            SolverResult one = solve(pb, 16);
            Parallel.setThreads(4);
            SolverResult four = solve(pb, 16);
            assertEquals(one.iterations(), four.iterations(), kind);
            assertArrayEquals(one.z(), four.z(), 0.0, kind);
            assertEquals(one.certificate().primal(), four.certificate().primal(), 0.0, kind);
            assertEquals(one.certificate().dual(), four.certificate().dual(), 0.0, kind);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Small problems track their scores in memory instead (one A W less per iteration): same optimum, and also thread-independent. */
    @ParameterizedTest
    @ValueSource(strings = {"sparse/softmax", "token-tables/squared", "dense/softmax", "dense/squared"})
    void trackedScoresReachTheStreamedOptimumWhateverTheThreadCount(String kind) {
        String[] k = kind.split("/");
        Problem pb = problem(k[0], k[1]);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-10).withMaxIterations(20000);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            SolverResult tracked1 = new Fista().solve(pb, cfg);
            Parallel.setThreads(3);
            SolverResult tracked3 = new Fista().solve(pb, cfg);
            assertTrue(tracked1.message().contains("tracked"), tracked1.message());
            assertArrayEquals(tracked1.z(), tracked3.z(), 0.0, kind);
            SolverResult streamed = new Fista().solve(pb, cfg.withTuning(SolverConfig.Tuning.defaults().withStreamBlockRows(7)));
            assertTrue(streamed.message().contains("streamed in blocks of 7"), streamed.message());
            double p1 = tracked1.certificate().primal(), p2 = streamed.certificate().primal();
            assertEquals(p1, p2, 1e-9 * Math.abs(p1), kind);
        } finally {
            Parallel.setThreads(saved);
        }
    }
}

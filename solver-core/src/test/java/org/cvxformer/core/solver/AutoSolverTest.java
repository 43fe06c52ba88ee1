package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AutoSolverTest {
    private static final SolverConfig TIGHT = SolverConfig.defaults().withTolerance(1e-10);

    /** auto without its Newton-CG rule: the first-order rule it falls back to. */
    private static final AutoSolver FIRST_ORDER = new AutoSolver(AutoSolver.PROBE_ITERATIONS, AutoSolver.SPARSE_FRACTION, false);

    @Test
    void keepingFistaIsTheSameRunAsPlainFista() {
        // small beta: most groups active after the probe, so auto keeps FISTA, and it must not
        // restart it (the old probe-then-restart lost the momentum and the adaptive step)
        Problem pb = RandomProblems.problem(41, 200, 3, 8, 4, "squared", 0.02, 0.5);
        SolverResult auto = FIRST_ORDER.solve(pb, TIGHT);
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
        SolverResult auto = new AutoSolver(3, 0.5, false).solve(pb, TIGHT.withTolerance(1e-12));
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

    /** Small instances of each kind the issue names, built like the datasets' featurisations. */
    static Problem instance(String kind) {
        SplittableRandom r = new SplittableRandom(61);
        boolean sparseOpt = kind.equals("onehot-sparse-optimum");
        int V = 23, N = sparseOpt ? 2000 : 400, c = sparseOpt ? 47 : 23;
        int n = kind.equals("rff-pair") ? 1 : 2;
        int[] tokens = new int[N * 2];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            tokens[2 * i] = r.nextInt(V);
            tokens[2 * i + 1] = r.nextInt(V);
            labels[i] = (tokens[2 * i] + 3 * tokens[2 * i + 1]) % c;
        }
        Design A;
        double ratio = 0.01;
        switch (kind) {
            case "onehot-sparse-optimum", "onehot-dense-optimum" -> {
                A = SparseDesign.oneHot(tokens, N, n, V);
                ratio = sparseOpt ? 0.9 : 0.01;
            }
            case "token-tables", "dense-features" -> {
                int d = 16;
                double[] table = RandomProblems.gaussian(r, V, 1, d, 0);
                double[] x = new double[N * n * d];
                for (int i = 0; i < N; i++) {
                    for (int k = 0; k < n; k++) {
                        System.arraycopy(table, tokens[2 * i + k] * d, x, (i * n + k) * d, d);
                        if (kind.equals("dense-features")) {
                            for (int j = 0; j < d; j++) {
                                x[(i * n + k) * d + j] += 0.1 * RandomProblems.gauss(r); // every token vector distinct
                            }
                        }
                    }
                }
                A = Designs.of(x, N, n, d);
            }
            default -> { // random Fourier features of the one-hot pair: one dense token per sample
                int D = 32;
                double[] w = RandomProblems.gaussian(r, D, 1, 2 * V, 0);
                double[] b = new double[D];
                for (int q = 0; q < D; q++) {
                    b[q] = 2 * Math.PI * r.nextDouble();
                }
                double[] x = new double[N * D];
                for (int i = 0; i < N; i++) {
                    for (int q = 0; q < D; q++) {
                        double arg = w[q * 2 * V + tokens[2 * i]] + w[q * 2 * V + V + tokens[2 * i + 1]] + b[q];
                        x[i * D + q] = Math.sqrt(2.0 / D) * Math.cos(arg);
                    }
                }
                A = Designs.of(x, N, 1, D);
            }
        }
        Problem p = new Problem(A, Targets.ofLabels(labels, c), Loss.byName("softmax"), 1.0);
        return p.withBeta(ratio * p.betaMax());
    }

    /**
     * auto's decision on each kind of instance: newton-cg wherever it is accepted (measured
     * fastest or even on every issue-13 instance: see the AutoSolver comment), and it certifies
     * the same optimum as FISTA.
     */
    @ParameterizedTest
    @CsvSource({"onehot-sparse-optimum, sparse", "onehot-dense-optimum, sparse", "dense-features, dense",
        "token-tables, token-tables", "rff-pair, dense"})
    void decisionTable(String kind, String layout) {
        Problem pb = instance(kind);
        assertEquals(layout, pb.design().layout(), kind);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-10);
        SolverResult r = new AutoSolver().solve(pb, cfg);
        assertTrue(r.message().startsWith("auto picked newton-cg ("), kind + ": " + r.message());
        assertSame(Status.OPTIMAL, r.status(), kind + ": " + r.message());
        double ref = new Fista().solve(pb, cfg).certificate().primal();
        assertEquals(ref, r.certificate().primal(), 1e-8 * ref, kind);
    }

    /**
     * A newton-cg run that stops at the floating-point limit (a tolerance no solver can certify)
     * hands its point to the first-order rule, whose iterations and seconds come after its own.
     */
    @Test
    void newtonStoppingShortForAnotherReasonThanALimitHandsOverToTheFirstOrderRule() {
        Problem pb = instance("dense-features");
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-17).withMaxSeconds(20);
        SolverResult newton = new NewtonCg().solve(pb, cfg);
        assertSame(Status.APPROXIMATE, newton.status(), newton.message());
        SolverResult r = new AutoSolver().solve(pb, cfg);
        assertTrue(r.message().startsWith("auto picked newton-cg (the loss has the Hessian form and its N x c arrays fit), "
                + "which stopped APPROXIMATE"), r.message());
        assertTrue(r.iterations() > newton.iterations(), "the first-order rule's iterations are counted after newton-cg's");
        assertTrue(r.certificate().relativeGap() <= newton.certificate().relativeGap() * (1 + 1e-9) + 1e-15,
                "the hand-over does not lose the certified gap: " + r.message());
        for (int i = 1; i < r.history().size(); i++) {
            assertTrue(r.history().get(i).iteration() >= r.history().get(i - 1).iteration(), "history in order");
        }
    }

    /**
     * The first-order rule, which auto falls back to when Newton-CG is refused (its N x c arrays
     * do not fit) and uses on the full problem after a repeated-token merge: bcd only for a
     * sparse optimum, FISTA everywhere else; never prox-newton.
     */
    @ParameterizedTest
    @CsvSource({"onehot-sparse-optimum, sparse, bcd", "onehot-dense-optimum, sparse, fista",
        "dense-features, dense, fista", "token-tables, token-tables, fista", "rff-pair, dense, fista"})
    void firstOrderDecisionTable(String kind, String layout, String expected) {
        Problem pb = instance(kind);
        assertEquals(layout, pb.design().layout(), kind);
        // tight enough that no instance is solved within the probe
        SolverResult r = FIRST_ORDER.solve(pb, SolverConfig.defaults().withTolerance(1e-12));
        String picked = r.message().startsWith("auto picked bcd") ? "bcd" : r.message().startsWith("auto kept fista") ? "fista" : r.message();
        assertEquals(expected, picked, kind + ": " + r.message());
        assertSame(Status.OPTIMAL, r.status(), kind + ": " + r.message());
    }
}

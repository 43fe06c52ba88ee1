package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.problem.WeightedGroupL2Penalty;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;

/**
 * The repeated-token warm start of {@link AutoSolver} ({@link RepeatedTokens}): when every token of
 * the input carries the same vector (a convex stack's head), the merged one-token problem is solved
 * first; the certificate is the full problem's.
 */
class RepeatedTokensTest {
    private static final int N = 240, n = 3, d = 5, c = 4;

    /** Every token of sample i is the same Gaussian vector plus {@code noise} times its own Gaussian. */
    private static Problem repeated(double noise, double ratio) {
        SplittableRandom r = new SplittableRandom(71);
        double[] base = RandomProblems.gaussian(r, N, 1, d, 0);
        double[] x = new double[N * n * d];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    x[(i * n + k) * d + j] = base[i * d + j] + noise * RandomProblems.gauss(r);
                }
            }
        }
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = base[i * d] + 0.5 * base[i * d + 1] > 0.3 ? (base[i * d + 2] > 0 ? 0 : 1) : (base[i * d + 3] > 0 ? 2 : 3);
        }
        Problem p = new Problem(Designs.of(x, N, n, d), Targets.ofLabels(y, c), Loss.byName("softmax"), 1.0);
        return p.withBeta(ratio * p.betaMax());
    }

    @Test
    void exactlyRepeatedTokensAreSolvedAtTheMergedProblemsOptimum() {
        Problem pb = repeated(0, 0.02);
        assertEquals(0.0, RepeatedTokens.difference(pb), 0.0);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-9);
        SolverResult auto = new AutoSolver().solve(pb, cfg);
        assertTrue(auto.message().startsWith("auto solved the tokens merged first"), auto.message());
        assertSame(Status.OPTIMAL, auto.status(), auto.message());
        assertTrue(auto.certificate().relativeGap() <= 1e-9);
        // with equal blocks the full problem's optimum is the merged one's (sum_k ||z_lk|| >= ||v_l||)
        Problem merged = RepeatedTokens.merged(pb);
        SolverResult m = new Fista().solve(merged, SolverConfig.defaults().withTolerance(1e-11));
        assertSame(Status.OPTIMAL, m.status(), m.message());
        assertEquals(m.certificate().primal(), auto.certificate().primal(), 2e-9 * m.certificate().primal());
        // one token per class carries the weight: the spread start puts it there, and the full
        // problem's solve may leave at most a trace elsewhere (every split is optimal here; with
        // the tolerance-aware CG of newton-cg, FISTA's polish left 1e-11 of 5.7 on two tokens)
        double[] norms = pb.penalty().groupNorms(auto.z());
        for (int l = 0; l < c; l++) {
            double total = 0, largest = 0;
            for (int k = 0; k < n; k++) {
                total += norms[l * n + k];
                largest = Math.max(largest, norms[l * n + k]);
            }
            assertTrue(total - largest <= 1e-9 * total, "class " + l + ": " + Arrays.toString(norms));
        }
        // the history is the full problem's, in seconds that include the merged solve
        IterationRecord last = auto.history().get(auto.history().size() - 1);
        assertEquals(auto.iterations(), last.iteration());
        assertTrue(last.seconds() <= auto.seconds() + 1e-9);
    }

    @Test
    void nearlyRepeatedTokensAreCertifiedAndAgreeWithPlainFista() {
        Problem pb = repeated(1e-6, 0.02);
        double diff = RepeatedTokens.difference(pb);
        assertTrue(diff > 0 && diff <= RepeatedTokens.RELATIVE_DIFFERENCE, "difference " + diff);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-8);
        SolverResult auto = new AutoSolver().solve(pb, cfg);
        assertTrue(auto.message().startsWith("auto solved the tokens merged first"), auto.message());
        assertSame(Status.OPTIMAL, auto.status(), auto.message());
        // plain FISTA on the same problem (it stalls along the near-flat splits: on this instance it
        // was at 2.3e-7 after 3 s, where auto reached 3.6e-9 in 0.06 s): each one's dual bound lies below the other's primal value
        SolverResult fista = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-8).withMaxSeconds(3));
        assertTrue(fista.certificate().dual() <= auto.certificate().primal()
                && auto.certificate().dual() <= fista.certificate().primal(), auto.certificate() + " / " + fista.certificate());
        assertEquals(fista.certificate().primal(), auto.certificate().primal(),
                fista.certificate().gap() + auto.certificate().gap());
    }

    @Test
    void aWarmStartIsMergedByAddingTheTokensOfEachClass() {
        Problem pb = repeated(0, 0.02);
        double[] z = new double[pb.parameterCount()];
        for (int q = 0; q < z.length; q++) {
            z[q] = q % 7 - 3;
        }
        double[] v = RepeatedTokens.mergedStart(pb, z);
        Problem merged = RepeatedTokens.merged(pb);
        // equal blocks: the scores of z and of its merge are the same
        double[] s = pb.scores(z), sm = merged.scores(v);
        for (int q = 0; q < s.length; q++) {
            assertEquals(s[q], sm[q], 1e-12 * (1 + Math.abs(s[q])));
        }
        // spread puts each class on the token with the largest gradient block
        Problem near = repeated(1e-3, 0.02);
        double[] zs = RepeatedTokens.spread(near, v);
        double[] z0 = new double[near.parameterCount()];
        for (int l = 0; l < c; l++) {
            System.arraycopy(v, l * d, z0, l * n * d, d);
        }
        double[] G = new double[near.parameterCount()];
        near.design().transposeMultiply(near.residual(z0), c, G);
        for (int l = 0; l < c; l++) {
            int best = 0;
            for (int k = 1; k < n; k++) {
                if (Vec.norm2(G, (l * n + k) * d, d) > Vec.norm2(G, (l * n + best) * d, d)) {
                    best = k;
                }
            }
            for (int k = 0; k < n; k++) {
                double norm = Vec.norm2(zs, (l * n + k) * d, d);
                assertEquals(k == best ? Vec.norm2(v, l * d, d) : 0.0, norm, 0.0, "class " + l + " token " + k);
            }
        }
    }

    @Test
    void theMergeDoesNotApplyToDistinctTokensSparseDesignsOneTokenOrWeightedGroups() {
        assertTrue(RepeatedTokens.difference(repeated(0.1, 0.02)) > RepeatedTokens.RELATIVE_DIFFERENCE);
        Problem oneToken = new Problem(Designs.of(new double[] {1, 2, 3, 4}, 2, 1, 2), Targets.ofLabels(new int[] {0, 1}, 2),
                Loss.byName("softmax"), 0.1);
        assertEquals(Double.POSITIVE_INFINITY, RepeatedTokens.difference(oneToken));
        // a one-hot design whose two tokens are the same token: sparse, so left alone
        Problem sparse = new Problem(SparseDesign.oneHot(new int[] {0, 0, 1, 1, 2, 2}, 3, 2, 3),
                Targets.ofLabels(new int[] {0, 1, 0}, 2), Loss.byName("softmax"), 0.1);
        assertEquals(Double.POSITIVE_INFINITY, RepeatedTokens.difference(sparse));
        Problem pb = repeated(0, 0.02);
        double[] w = new double[c * n];
        Arrays.fill(w, 1.0);
        w[1] = 2.0;
        Problem weighted = new Problem(pb.design(), pb.targets(), pb.loss(), new WeightedGroupL2Penalty(pb.beta(), d, w));
        assertEquals(Double.POSITIVE_INFINITY, RepeatedTokens.difference(weighted));
        Arrays.fill(w, 1.0);
        Problem unit = new Problem(pb.design(), pb.targets(), pb.loss(), new WeightedGroupL2Penalty(pb.beta(), d, w));
        assertEquals(0.0, RepeatedTokens.difference(unit), 0.0);
    }
}

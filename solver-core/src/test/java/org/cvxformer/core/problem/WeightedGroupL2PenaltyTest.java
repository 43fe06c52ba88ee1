package org.cvxformer.core.problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.solver.GapSafeScreening;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.SolverResult;
import org.cvxformer.core.solver.Solvers;
import org.cvxformer.core.solver.Status;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The weighted group lasso end to end: the proof that a penalty is one class (issue 13). */
class WeightedGroupL2PenaltyTest {
    private static final int N = 70, n = 3, d = 4, c = 3;

    private static double[] data(long seed) {
        return RandomProblems.gaussian(new SplittableRandom(seed), N, n, d, 0);
    }

    private static Targets targets(long seed) {
        return Targets.ofLabels(RandomProblems.labels(new SplittableRandom(seed), N, c), c);
    }

    private static double[] ones() {
        double[] w = new double[c * n];
        Arrays.fill(w, 1.0);
        return w;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fista", "bcd", "prox-newton", "admm"})
    void allWeightsOneReproducesThePlainPenaltyExactly(String solver) {
        Design A = Designs.of(data(1), N, n, d);
        Problem plain = new Problem(A, targets(2), Loss.byName("softmax"), 1.0);
        double beta = 0.05 * plain.betaMax();
        plain = plain.withBeta(beta);
        Problem weighted = new Problem(A, targets(2), Loss.byName("softmax"), new WeightedGroupL2Penalty(beta, d, ones()));
        assertEquals(plain.betaMax(), weighted.betaMax(), 0.0);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-8).withMaxIterations(3000);
        SolverResult a = Solvers.byName(solver).solve(plain, cfg);
        SolverResult b = Solvers.byName(solver).solve(weighted, cfg);
        assertArrayEquals(a.z(), b.z(), 0.0);
        assertEquals(a.certificate().primal(), b.certificate().primal(), 0.0);
        assertEquals(a.certificate().dual(), b.certificate().dual(), 0.0);
        assertEquals(a.certificate().stationarity().value(), b.certificate().stationarity().value(), 0.0);
        assertEquals(a.iterations(), b.iterations());
    }

    /**
     * Closed form: with weights depending only on the token, {@code w_lk = v_k}, the weighted
     * problem on {@code X} is the plain one on {@code x'_ik = x_ik / v_k}, with
     * {@code z_lk = z'_lk / v_k} and the same optimal value.
     */
    @ParameterizedTest
    @ValueSource(strings = {"softmax", "squared"})
    void perTokenWeightsEqualThePlainPenaltyOnRescaledFeatures(String loss) {
        double[] v = {0.5, 2.0, 1.3};
        double[] x = data(3);
        double[] xs = x.clone();
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    xs[(i * n + k) * d + j] /= v[k];
                }
            }
        }
        double[] w = new double[c * n];
        for (int g = 0; g < w.length; g++) {
            w[g] = v[g % n];
        }
        Problem scaled = new Problem(Designs.of(xs, N, n, d), targets(4), Loss.byName(loss), 1.0);
        double beta = 0.1 * scaled.betaMax();
        scaled = scaled.withBeta(beta);
        Problem weighted = new Problem(Designs.of(x, N, n, d), targets(4), Loss.byName(loss), new WeightedGroupL2Penalty(beta, d, w));
        assertEquals(scaled.betaMax(), weighted.betaMax(), 1e-12 * scaled.betaMax());
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-11).withMaxIterations(20000);
        SolverResult a = Solvers.byName("fista").solve(scaled, cfg);
        SolverResult b = Solvers.byName("fista").solve(weighted, cfg);
        assertEquals(Status.OPTIMAL, a.status(), a.message());
        assertEquals(Status.OPTIMAL, b.status(), b.message());
        assertEquals(a.certificate().primal(), b.certificate().primal(), 1e-9 * Math.abs(a.certificate().primal()));
        // the scaled problem's Z, mapped back, is certified near-optimal for the weighted one (by its own
        // rescaled residual, a weaker dual than the solver's best, hence the looser bound)
        double[] mapped = a.z();
        for (int p = 0; p < mapped.length; p++) {
            mapped[p] /= v[(p / d) % n];
        }
        Certificate cert = Certifier.certify(weighted, mapped);
        assertTrue(cert.relativeGap() <= 1e-7, "mapped optimum certified to " + cert.relativeGap());
    }

    @Test
    void anUnpenalisedGroupIsFreeAndNeverScreened() {
        Problem plain = new Problem(Designs.of(data(5), N, n, d), targets(6), Loss.byName("softmax"), 1.0);
        double beta = 2 * plain.betaMax(); // every penalised group is zero at the optimum
        double[] w = ones();
        w[4] = 0; // group (class 1, token 1) unpenalised
        Problem pb = new Problem(plain.design(), plain.targets(), plain.loss(), new WeightedGroupL2Penalty(beta, d, w));
        SolverResult r = Solvers.byName("fista").solve(pb, SolverConfig.defaults().withTolerance(1e-9).withMaxIterations(20000));
        double[] norms = pb.penalty().groupNorms(r.z());
        for (int g = 0; g < norms.length; g++) {
            assertEquals(g == 4, norms[g] > 0, "group " + g + " norm " + norms[g]);
        }
        Certificate cert = r.certificate();
        assertTrue(cert.stationarity().value() < 1e-4, "stationarity " + cert.stationarity().value());
        // honest: no dual value above the primal of the solution (weak duality)
        assertTrue(cert.dual() <= cert.primal());
        // the GAP safe rule never removes an unpenalised group (its dual radius is 0)
        boolean[] screened = new boolean[pb.groupCount()];
        GapSafeScreening.screen(pb, 0.0, new double[pb.parameterCount()], screened);
        for (int g = 0; g < screened.length; g++) {
            assertEquals(g != 4, screened[g], "group " + g);
        }
    }

    @Test
    void badWeightsAreRejectedWithAReason() {
        Design A = Designs.of(data(7), N, n, d);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Problem(A, targets(8), Loss.byName("softmax"), new WeightedGroupL2Penalty(1.0, d, new double[5])));
        assertTrue(e.getMessage().contains("(c, n)"), e.getMessage());
        double[] w = ones();
        w[0] = -1;
        e = assertThrows(IllegalArgumentException.class, () -> new WeightedGroupL2Penalty(1.0, d, w));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        assertFalse(new WeightedGroupL2Penalty(1.0, d, ones()).equals(new WeightedGroupL2Penalty(2.0, d, ones())));
    }
}

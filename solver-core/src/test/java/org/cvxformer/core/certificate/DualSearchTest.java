package org.cvxformer.core.certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DualSearchTest {
    static List<Fixtures.Instance> fixtures() {
        return Fixtures.all();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyCandidateIsBelowTheOptimumAndTheBestBeatsTheRescaledResidual(Fixtures.Instance f) {
        SplittableRandom r = new SplittableRandom(2);
        for (double eps : new double[] {0, 1e-6, 1e-3, 1e-1}) {
            double[] z = f.zReference();
            for (int p = 0; p < z.length; p++) {
                z[p] += eps * RandomProblems.gauss(r);
            }
            DualSearch.Outcome o = DualSearch.search(f.problem(), z);
            for (DualPoint dp : o.candidates()) {
                // honesty: a feasible dual value can never exceed min P (up to rounding of P itself)
                assertTrue(dp.value() <= f.objective() + 1e-14 * f.objective(),
                        dp.source() + " gives D = " + dp.value() + " above the optimum " + f.objective() + " at eps " + eps);
            }
            assertTrue(o.best().value() >= o.candidates().get(0).value());
            Certificate cert = Certifier.certify(f.problem(), z, o.best());
            assertTrue(cert.gap() >= cert.primal() - f.objective() - 1e-14 * f.objective());
        }
    }

    @Test
    void extrapolatedDualNeverExceedsTheOptimum_toleranceExploit() {
        // Regression: with a 1e-10 simplex tolerance in the softmax conjugate, the extrapolated
        // dual point at the reference solution of mod-division-p7-softmax reported
        // D = optimum + 3.3e-12, i.e. a negative gap.
        Fixtures.Instance f = fixtures().stream().filter(x -> x.name().equals("mod-division-p7-softmax")).findFirst().orElseThrow();
        DualSearch.Outcome o = DualSearch.search(f.problem(), f.zReference());
        Certificate cert = Certifier.certify(f.problem(), f.zReference(), o.best());
        assertTrue(cert.dual() <= f.objective() * (1 + 1e-15), "dual " + cert.dual() + " vs optimum " + f.objective());
        assertTrue(cert.relativeGap() >= -1e-15);
    }

    @Test
    void screeningFromTheSearchedDualNeverDiscardsAGroupThatIsActiveAtTheOptimum() {
        for (Fixtures.Instance f : fixtures()) {
            Problem pb = f.problem();
            double[] zref = f.zReference();
            SplittableRandom r = new SplittableRandom(5);
            for (double eps : new double[] {1e-6, 1e-3, 1e-1, 1.0}) {
                double[] z = zref.clone();
                for (int p = 0; p < z.length; p++) {
                    z[p] += eps * RandomProblems.gauss(r);
                }
                DualSearch.Outcome o = DualSearch.search(pb, z);
                boolean[] zero = org.cvxformer.core.solver.GapSafeScreening.safeZeros(pb, z, o.best());
                for (int g = 0; g < zero.length; g++) {
                    double norm = org.cvxformer.core.linalg.Vec.norm2(zref, g * pb.features(), pb.features());
                    assertFalse(zero[g] && norm > 1e-8, f.name() + ": group " + g + " screened but active (" + norm + ")");
                }
            }
        }
    }
}

package org.cvxformer.core.certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cvxformer.core.problem.GroupL2Penalty;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateTest {

    @ParameterizedTest
    @ValueSource(strings = {"squared", "softmax"})
    void weakDualityHoldsAtRandomPrimalAndDualFeasiblePoints(String loss) {
        // D(U) <= P(Z) for every feasible U and every Z (math.md section 3).
        for (long seed = 0; seed < 25; seed++) {
            Problem pb = RandomProblems.problem(seed, 30, 3, 4, 3, loss, 0.05 + 0.04 * seed, seed % 2 == 0 ? 0.0 : 0.6);
            SplittableRandom r = new SplittableRandom(1000 + seed);
            double[] z = RandomProblems.gaussian(r, pb.classes(), pb.tokens(), pb.features(), 0.3);
            for (int p = 0; p < z.length; p++) {
                z[p] *= Math.pow(10, r.nextInt(5) - 3);
            }
            double[] u = randomDomainPoint(pb, r);
            DualPoint dp = Certifier.dualPoint(pb, u, "random");
            double P = pb.primal(z);
            assertTrue(Double.isFinite(dp.value()), "dual point must be in the conjugate's domain");
            assertTrue(P - dp.value() >= 0, "gap " + (P - dp.value()) + " < 0 at seed " + seed);
            Certificate cert = Certifier.certify(pb, z, dp);
            assertTrue(cert.gap() >= 0, "certificate gap " + cert.gap());
        }
    }

    /** A random U in the conjugate's domain: any U for squared loss; U = (q - e_y)/N with q in the simplex for softmax. */
    private static double[] randomDomainPoint(Problem pb, SplittableRandom r) {
        int N = pb.samples(), c = pb.classes();
        double[] u = new double[N * c];
        for (int i = 0; i < N; i++) {
            double sum = 0;
            double[] q = new double[c];
            for (int l = 0; l < c; l++) {
                q[l] = -Math.log(1 - r.nextDouble());
                sum += q[l];
            }
            for (int l = 0; l < c; l++) {
                u[i * c + l] = pb.loss().name().equals("softmax")
                        ? (q[l] / sum - pb.targets().get(i, l)) / N
                        : RandomProblems.gauss(r) / N;
            }
        }
        return u;
    }

    @ParameterizedTest
    @ValueSource(strings = {"squared", "softmax"})
    void atBetaMaxZeroIsOptimalWithGapZero(String loss) {
        Problem pb = RandomProblems.problem(4, 25, 2, 3, 3, loss, 1.0, 0.0);
        for (double factor : new double[] {1.0, 1.5, 10.0}) {
            Problem p = pb.withBeta(factor * pb.betaMax());
            Certificate cert = Certifier.certify(p, new double[p.parameterCount()]);
            // U0 = grad F(0) is feasible, and F(0) + F*(U0) = <0, U0> = 0 (Fenchel-Young equality)
            assertEquals(0.0, cert.gap(), 1e-14 * Math.abs(cert.primal()));
            assertEquals(0.0, cert.stationarity().value(), 1e-14);
            assertEquals(0, cert.activeCount());
            assertNull(cert.complementarySlackness().group());
        }
    }

    @Test
    void zeroModelGapMatchesHandComputation() {
        // At Z = 0 with beta = beta_max / 4: P = F(0); U0 = grad F(0); t = beta / beta_max; D = -F*(t U0).
        Problem pb = RandomProblems.problem(8, 20, 2, 3, 4, "squared", 0.25, 0.0);
        int N = pb.samples(), c = pb.classes();
        double F0 = 0;
        double uu = 0, uy = 0;
        double t = 0.25;
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                double y = pb.targets().get(i, l);
                F0 += 0.5 * y * y / N;
                double u = t * (0 - y) / N;
                uu += u * u;
                uy += u * y;
            }
        }
        double D = -(N / 2.0) * uu - uy;
        Certificate cert = Certifier.certify(pb, new double[pb.parameterCount()]);
        assertEquals(F0, cert.primal(), 1e-14);
        assertEquals(D, cert.dual(), 1e-12);
        assertEquals(F0 - D, cert.gap(), 1e-12);
        assertEquals(3.0, cert.dualFeasibility().value(), 1e-9); // ||g|| = beta_max = 4 beta at the arg-max group
    }

    static java.util.List<Fixtures.Instance> fixtures() {
        return Fixtures.all();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void referenceSolutionIsCertifiedOptimal(Fixtures.Instance f) {
        Problem pb = f.problem();
        assertEquals(f.betaMax(), pb.betaMax(), 1e-12 * f.betaMax(), "beta_max");
        Certificate cert = Certifier.certify(pb, f.zReference());
        assertEquals(f.objective(), cert.primal(), 1e-9 * f.objective());
        assertTrue(cert.relativeGap() <= 1e-6, "relative gap " + cert.relativeGap());
        assertTrue(cert.dual() <= f.objective() + 1e-12, "dual above the optimum: dishonest certificate");
        assertTrue(cert.stationarity().value() <= 1e-4, "stationarity " + cert.stationarity());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void perturbedSolutionGapBoundsItsTrueSuboptimality(Fixtures.Instance f) {
        Problem pb = f.problem();
        SplittableRandom r = new SplittableRandom(21);
        for (double eps : new double[] {1e-4, 1e-2, 1e-1}) {
            double[] z = f.zReference();
            for (int p = 0; p < z.length; p++) {
                z[p] += eps * RandomProblems.gauss(r);
            }
            Certificate cert = Certifier.certify(pb, z);
            double trueSubopt = cert.primal() - f.objective();
            assertTrue(cert.gap() >= trueSubopt - 1e-12, "gap " + cert.gap() + " < suboptimality " + trueSubopt);
        }
    }

    @Test
    void groupSoftThresholdClosedForm() {
        double[] v = {3, 4, 0, 1, 0};
        // first group (3,4): norm 5, tau 1 -> scale 4/5
        double n1 = GroupL2Penalty.groupSoftThreshold(v, 0, 2, 1.0);
        assertEquals(4.0, n1, 1e-15);
        assertEquals(2.4, v[0], 1e-15);
        assertEquals(3.2, v[1], 1e-15);
        // second group (0,1,0): norm 1 <= tau 2 -> zero
        assertEquals(0.0, GroupL2Penalty.groupSoftThreshold(v, 2, 3, 2.0));
        assertEquals(0.0, v[3]);
    }

    @Test
    void wrongShapeOrNonFiniteZIsRejected() {
        Problem pb = RandomProblems.problem(1, 10, 2, 3, 2, "squared", 0.5, 0);
        assertThrows(IllegalArgumentException.class, () -> Certifier.certify(pb, new double[5]));
        double[] z = new double[pb.parameterCount()];
        z[3] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Certifier.certify(pb, z));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}

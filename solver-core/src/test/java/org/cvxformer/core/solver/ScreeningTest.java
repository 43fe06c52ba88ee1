package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScreeningTest {
    static List<Fixtures.Instance> fixtures() {
        return Fixtures.all();
    }

    /** Screens from FISTA iterates at several accuracies and checks against the reference solution. */
    private static int checkNeverDiscardsActive(Problem pb, double[] zRef, String what) {
        int d = pb.features();
        int screenedTotal = 0;
        for (int iters : new int[] {1, 3, 10, 30, 100, 1000}) {
            double[] z = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-14).withMaxIterations(iters)).z();
            double[] S = pb.scores(z);
            double[] U = new double[S.length];
            pb.loss().valueAndGradient(S, pb.targets(), U);
            DualPoint dp = Certifier.dualPoint(pb, U, "test");
            boolean[] s = GapSafeScreening.safeZeros(pb, z, dp);
            for (int g = 0; g < s.length; g++) {
                if (s[g]) {
                    screenedTotal++;
                    assertFalse(Vec.norm2(zRef, g * d, d) > 0,
                            what + ": group " + g + " screened after " + iters + " iterations but non-zero in the reference");
                }
            }
        }
        return screenedTotal;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void screeningNeverDiscardsAGroupActiveInTheReference(Fixtures.Instance f) {
        checkNeverDiscardsActive(f.problem(), f.zReference(), f.name());
    }

    @Test
    void screeningNeverDiscardsAGroupActiveInALongFistaSolve() {
        int screened = 0;
        long seed = 900;
        for (String loss : new String[] {"squared", "softmax"}) {
            for (double zero : new double[] {0.0, 0.7}) {
                for (double ratio : new double[] {0.1, 0.4}) {
                    Problem pb = RandomProblems.problem(seed++, 50, 6, 3, 3, loss, ratio, zero);
                    double[] ref = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-12)).z();
                    screened += checkNeverDiscardsActive(pb, ref, loss + " seed " + (seed - 1));
                }
            }
        }
        assertTrue(screened > 0, "the test should exercise screening at least once");
    }

    @Test
    void bcdWithAndWithoutScreeningAgree() {
        Problem pb = RandomProblems.problem(77, 80, 8, 3, 4, "softmax", 0.3, 0.5);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-11);
        SolverResult on = new BlockCoordinateDescent().solve(pb, cfg);
        SolverResult off = new BlockCoordinateDescent().solve(pb,
                cfg.withTuning(SolverConfig.Tuning.defaults().withScreening(false)));
        assertTrue(on.converged() && off.converged());
        assertTrue(Math.abs(on.certificate().primal() - off.certificate().primal()) <= 1e-9 * off.certificate().primal());
    }
}

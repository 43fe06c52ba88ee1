package org.cvxformer.core.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LossTest {
    private static final int N = 7;
    private static final int C = 4;

    private static double[] randomScores(SplittableRandom r) {
        double[] s = new double[N * C];
        for (int p = 0; p < s.length; p++) {
            s[p] = 2 * RandomProblems.gauss(r);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"squared", "softmax"})
    void gradientMatchesCentralFiniteDifferences(String name) {
        Loss loss = Loss.byName(name);
        SplittableRandom r = new SplittableRandom(11);
        Targets y = Targets.ofLabels(RandomProblems.labels(r, N, C), C);
        double[] S = randomScores(r);
        double[] U = new double[S.length];
        double f = loss.valueAndGradient(S, y, U);
        assertEquals(loss.value(S, y), f, 1e-15);
        double h = 1e-5;
        for (int p = 0; p < S.length; p++) {
            double[] sp = S.clone();
            double[] sm = S.clone();
            sp[p] += h;
            sm[p] -= h;
            double fd = (loss.value(sp, y) - loss.value(sm, y)) / (2 * h);
            assertEquals(fd, U[p], 1e-9, "d F / d S[" + p + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"squared", "softmax"})
    void fenchelYoungHoldsWithEqualityAtTheGradient(String name) {
        // F(S) + F*(U) >= <S, U>, with equality iff U = grad F(S) (math.md sections 2-3).
        Loss loss = Loss.byName(name);
        SplittableRandom r = new SplittableRandom(5);
        Targets y = Targets.ofLabels(RandomProblems.labels(r, N, C), C);
        for (int trial = 0; trial < 20; trial++) {
            double[] S = randomScores(r);
            double[] U = new double[S.length];
            double f = loss.valueAndGradient(S, y, U);
            double su = 0;
            for (int p = 0; p < S.length; p++) {
                su += S[p] * U[p];
            }
            assertEquals(su, f + loss.conjugate(U, y), 1e-12 * Math.max(1, Math.abs(su)));

            // at another point of the conjugate's domain the inequality is strict
            double[] S2 = randomScores(r);
            double[] U2 = new double[S.length];
            loss.valueAndGradient(S2, y, U2);
            double su2 = 0;
            for (int p = 0; p < S.length; p++) {
                su2 += S[p] * U2[p];
            }
            assertTrue(f + loss.conjugate(U2, y) >= su2 - 1e-12, "Fenchel-Young inequality");
        }
    }

    @Test
    void squaredLossValuesByHand() {
        Targets y = Targets.ofLabels(new int[] {1, 0}, 2);
        double[] S = {0.5, 0.5, 2.0, -1.0};
        // sample 0: (0.5-0)^2 + (0.5-1)^2 = 0.5; sample 1: (2-1)^2 + (-1-0)^2 = 2; F = (0.5*0.5 + 0.5*2)/2
        assertEquals(0.625, SquaredLoss.INSTANCE.value(S, y), 1e-15);
        // D(U) = -(N/2)||U||^2 - <U, Y>
        double[] U = {0.1, -0.2, 0.3, 0.0};
        double expected = -(2 / 2.0) * (0.01 + 0.04 + 0.09) - (-0.2 + 0.3);
        assertEquals(expected, SquaredLoss.INSTANCE.dual(U, y), 1e-15);
    }

    @Test
    void softmaxLossValuesByHand() {
        Targets y = Targets.ofLabels(new int[] {0}, 3);
        double[] S = {1, 2, 3};
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(lse - 1, SoftmaxLoss.INSTANCE.value(S, y), 1e-14);
        // huge scores do not overflow
        double[] big = {1000, 0, -1000};
        assertEquals(0.0, SoftmaxLoss.INSTANCE.value(big, y), 1e-12);
        // dual is the entropy of q = N u + e_y: q uniform gives log 3
        double[] U = {1.0 / 3 - 1, 1.0 / 3, 1.0 / 3};
        assertEquals(Math.log(3), SoftmaxLoss.INSTANCE.dual(U, y), 1e-14);
        // outside the simplex the conjugate is +infinity
        double[] bad = {0.5, 0.5, 0.5};
        assertEquals(Double.POSITIVE_INFINITY, SoftmaxLoss.INSTANCE.conjugate(bad, y));
    }

    @Test
    void softmaxRejectsTargetsOutsideTheSimplex() {
        Targets y = Targets.ofMatrix(new double[] {0.5, 0.6}, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxLoss.INSTANCE.checkTargets(y));
        assertTrue(e.getMessage().contains("simplex"), e.getMessage());
    }

    @Test
    void unknownLossNameIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.byName("hinge"));
        assertTrue(e.getMessage().contains("hinge") && e.getMessage().contains("softmax"), e.getMessage());
    }
}

package org.cvxformer.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtrapolationTest {

    /**
     * x_t = x* + sum_j lambda_j^t v_j with m modes: the combination of the last K = m + 1 terms
     * whose differences cancel is x* (closed form: sum c_q = 1 and sum c_q lambda_j^q = 0).
     */
    @Test
    void recoversTheLimitOfASequenceWithKGeometricModes() {
        double[] xStar = {1.5, -2.0, 0.25, 3.0, 0.0};
        double[] v1 = {1, 0.5, -1, 2, 0.3};
        double[] v2 = {-0.4, 1, 0.7, 0.1, -2};
        double l1 = 0.9, l2 = -0.6;
        List<double[]> seq = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            double[] x = new double[xStar.length];
            for (int p = 0; p < x.length; p++) {
                x[p] = xStar[p] + Math.pow(l1, t) * v1[p] + Math.pow(l2, t) * v2[p];
            }
            seq.add(x);
        }
        assertArrayEquals(xStar, Extrapolation.extrapolate(seq, 3), 1e-6);
        assertArrayEquals(xStar, Extrapolation.extrapolate(seq.subList(0, 4), 3), 1e-6);
        // one mode: K = 2 suffices
        List<double[]> one = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            double[] x = new double[xStar.length];
            for (int p = 0; p < x.length; p++) {
                x[p] = xStar[p] + Math.pow(l1, t) * v1[p];
            }
            one.add(x);
        }
        assertArrayEquals(xStar, Extrapolation.extrapolate(one, 2), 1e-6);
    }

    @Test
    void tooFewTermsOrAConstantSequenceGiveNothing() {
        List<double[]> seq = List.of(new double[] {1, 2}, new double[] {1, 2}, new double[] {1, 2});
        assertNull(Extrapolation.extrapolate(seq, 2), "differences vanish");
        assertNull(Extrapolation.extrapolate(seq.subList(0, 2), 2), "needs K + 1 terms");
        assertNull(Extrapolation.extrapolate(seq, 0));
    }
}

package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptimizerAndProjectionTest {
    @Test
    void adamWStepMatchesHandComputation() {
        double[] p = {1.0, -2.0};
        double[] g = {0.5, 0.1};
        boolean[] decay = {true, false};
        AdamW opt = new AdamW(0.1, 0.9, 0.98, 1e-8, 0.5, 2);
        opt.step(p, g, decay);
        // step 1: lr_t = 0.1 * 1/2 = 0.05; decoupled decay on entry 0: 1 * (1 - 0.05 * 0.5) = 0.975
        // m = 0.1 g, v = 0.02 g^2; mhat = g, vhat = g^2 -> update = 0.05 * g / (|g| + eps)
        assertEquals(0.975 - 0.05 * 0.5 / (0.5 + 1e-8), p[0], 1e-15);
        assertEquals(-2.0 - 0.05 * 0.1 / (0.1 + 1e-8), p[1], 1e-15);
        // step 2, full lr 0.1, new gradient
        double p0 = p[0];
        double[] g2 = {-0.25, 0.1};
        opt.step(p, g2, decay);
        double m = 0.9 * 0.05 + 0.1 * -0.25;
        double v = 0.98 * 0.005 + 0.02 * 0.0625;
        double mhat = m / (1 - 0.81);
        double vhat = v / (1 - 0.98 * 0.98);
        assertEquals(p0 * (1 - 0.1 * 0.5) - 0.1 * mhat / (Math.sqrt(vhat) + 1e-8), p[0], 1e-15);
        assertEquals(2, opt.steps());
    }

    @Test
    void adamL2StepMatchesHandComputation() {
        double[] p = {1.0, -2.0};
        double[] g = {0.5, 0.1};
        boolean[] decay = {true, false};
        Adam opt = new Adam(0.1, 0.9, 0.98, 1e-8, 0.5, 0);
        opt.step(p, g, decay);
        // coupled: g0 = 0.5 + 0.5 * 1 = 1; first step update = lr * g / (|g| + eps)
        assertEquals(1.0 - 0.1 * 1.0 / (1.0 + 1e-8), p[0], 1e-15);
        assertEquals(-2.0 - 0.1 * 0.1 / (0.1 + 1e-8), p[1], 1e-15);
    }

    /** theta with sum max(v - theta, 0) = 1 by bisection (sort-free reference). */
    private static double bisectTheta(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        lo -= 1;
        for (int it = 0; it < 300; it++) {
            double mid = 0.5 * (lo + hi);
            double s = 0;
            for (double x : v) {
                s += Math.max(x - mid, 0);
            }
            if (s > 1) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    @Test
    void simplexProjectionMatchesBisectionAndKkt() {
        Rng r = new Rng(9);
        for (int trial = 0; trial < 200; trial++) {
            int len = 1 + r.nextInt(12);
            double scale = trial % 3 == 0 ? 0.01 : trial % 3 == 1 ? 1 : 10;
            double[] v = new double[len + 2];
            for (int i = 0; i < v.length; i++) {
                v[i] = scale * r.nextGaussian();
            }
            double[] orig = v.clone();
            SimplexProjection.project(v, 1, len);
            assertEquals(orig[0], v[0]);
            assertEquals(orig[len + 1], v[len + 1]);
            double[] seg = java.util.Arrays.copyOfRange(orig, 1, len + 1);
            double theta = bisectTheta(seg);
            double sum = 0;
            for (int i = 0; i < len; i++) {
                double w = v[1 + i];
                assertTrue(w >= 0);
                sum += w;
                assertEquals(Math.max(seg[i] - theta, 0), w, 1e-12 * Math.max(1, scale));
                // KKT: v - w = theta on the support, v <= theta off it
                if (w > 0) {
                    assertEquals(theta, seg[i] - w, 1e-12 * Math.max(1, scale));
                } else {
                    assertTrue(seg[i] <= theta + 1e-12 * Math.max(1, scale));
                }
            }
            assertEquals(1.0, sum, 1e-12);
        }
        // a point already in the simplex is fixed
        double[] w = {0.2, 0.3, 0.5};
        SimplexProjection.project(w, 0, 3);
        assertEquals(0.2, w[0], 1e-15);
        assertEquals(0.5, w[2], 1e-15);
    }

    @Test
    void effectiveRank() {
        assertEquals(3.0, Spectra.effectiveRank(new double[] {2, 2, 2}), 1e-12);
        assertEquals(1.0, Spectra.effectiveRank(new double[] {5, 0, 0}), 1e-12);
        double[] id = new double[16];
        for (int i = 0; i < 4; i++) {
            id[i * 4 + i] = 3;
        }
        double[] s = Spectra.singularValues(id, 0, 4, 4);
        assertEquals(4, s.length);
        assertEquals(3.0, s[0], 1e-12);
        assertEquals(4.0, Spectra.effectiveRank(s), 1e-9);
        double[] rect = {3, 0, 0, 0, 4, 0}; // 2 x 3, singular values 4, 3
        double[] sr = Spectra.singularValues(rect, 0, 2, 3);
        assertEquals(4.0, sr[0], 1e-12);
        assertEquals(3.0, sr[1], 1e-12);
    }
}

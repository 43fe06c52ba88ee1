package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;

/** The finite-difference checks every block test shares (float64, central differences). */
final class FiniteDifferences {
    /** Step of the central differences: about the cube root of the float64 epsilon, times the scale. */
    static final double H = 1e-5;
    /** Largest relative error {@code max |analytic - numeric| / max |numeric|} accepted. */
    static final double TOL = 1e-6;

    private FiniteDifferences() {
    }

    static double[] gauss(Rng r, int len, double std) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
            a[i] = std * r.nextGaussian();
        }
        return a;
    }

    /** Central differences of {@code loss} with respect to every entry of {@code x} in [from, to). */
    static double[] fd(DoubleSupplier loss, double[] x, int from, int to) {
        double[] g = new double[to - from];
        for (int i = from; i < to; i++) {
            double old = x[i];
            x[i] = old + H;
            double lp = loss.getAsDouble();
            x[i] = old - H;
            double lm = loss.getAsDouble();
            x[i] = old;
            g[i - from] = (lp - lm) / (2 * H);
        }
        return g;
    }

    /** {@code max |a - b| / max |b| <= TOL}. */
    static void assertClose(String what, double[] analytic, int ao, double[] numeric) {
        double err = 0;
        double scale = 1e-12;
        for (int i = 0; i < numeric.length; i++) {
            err = Math.max(err, Math.abs(analytic[ao + i] - numeric[i]));
            scale = Math.max(scale, Math.abs(numeric[i]));
        }
        double rel = err / scale;
        assertTrue(rel <= TOL, what + ": relative error " + rel);
    }
}

package org.cvxformer.core.problem;

/**
 * {@code loss(s, y) = 1/2 ||s - y||^2}, gradient {@code s - y}, conjugate
 * {@code loss*(v) = 1/2 ||v||^2 + <v, y>} (math.md section 2). Summed over samples and scaled
 * by {@code 1/N}: {@code F*(U) = (N/2) ||U||_F^2 + <U, Y>}, so
 * {@code D(U) = -(N/2) ||U||_F^2 - <U, Y>} (math.md section 3).
 */
public final class SquaredLoss implements Loss {
    /** The single instance (the loss has no parameters). */
    public static final SquaredLoss INSTANCE = new SquaredLoss();

    private SquaredLoss() {
    }

    @Override
    public String name() {
        return "squared";
    }

    @Override
    public double value(double[] S, Targets Y) {
        double[] y = Y.values();
        double s = 0;
        for (int p = 0; p < y.length; p++) {
            double r = S[p] - y[p];
            s += r * r;
        }
        return 0.5 * s / Y.samples();
    }

    @Override
    public double valueAndGradient(double[] S, Targets Y, double[] U) {
        double[] y = Y.values();
        double invN = 1.0 / Y.samples();
        double s = 0;
        for (int p = 0; p < y.length; p++) {
            double r = S[p] - y[p];
            s += r * r;
            U[p] = r * invN;
        }
        return 0.5 * s * invN;
    }

    @Override
    public double conjugate(double[] U, Targets Y) {
        double[] y = Y.values();
        double uu = 0;
        double uy = 0;
        for (int p = 0; p < y.length; p++) {
            uu += U[p] * U[p];
            uy += U[p] * y[p];
        }
        return 0.5 * Y.samples() * uu + uy;
    }

    @Override
    public double curvature() {
        return 1.0;
    }

    @Override
    public boolean hasConstantCurvature() {
        return true;
    }

    @Override
    public void checkTargets(Targets Y) {
        // any finite targets (Targets already rejects NaN and infinity)
    }

    @Override
    public String toString() {
        return name();
    }
}

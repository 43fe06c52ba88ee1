package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Parallel;

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

    /** {@code y_il}: 1 or 0 for labels, the stored entry for real rows. */
    private static double target(Targets Y, double[] y, int i, int l, int c) {
        return y == null ? (Y.label(i) == l ? 1.0 : 0.0) : y[i * c + l];
    }

    @Override
    public void rowValues(double[] S, Targets Y, int from, int to, double[] U, double[] terms) {
        int c = Y.classes();
        double invN = 1.0 / Y.samples();
        double[] y = Y.hasLabels() ? null : Y.values();
        Parallel.forRange(to - from, (long) (to - from) * c, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int i = from + r;
                int o = r * c;
                double s = 0;
                for (int l = 0; l < c; l++) {
                    double res = S[o + l] - target(Y, y, i, l, c);
                    s += res * res;
                    if (U != null) {
                        U[o + l] = res * invN;
                    }
                }
                terms[r] = 0.5 * s;
            }
        });
    }

    /** {@code loss*(N u_i, y_i) = (N^2/2) ||u_i||^2 + N <u_i, y_i>}. */
    @Override
    public void rowConjugates(double[] U, Targets Y, int from, int to, double[] terms) {
        int c = Y.classes();
        int N = Y.samples();
        double[] y = Y.hasLabels() ? null : Y.values();
        Parallel.forRange(to - from, (long) (to - from) * c, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int i = from + r;
                int o = r * c;
                double uu = 0;
                double uy = 0;
                for (int l = 0; l < c; l++) {
                    double v = N * U[o + l];
                    uu += v * v;
                    uy += v * target(Y, y, i, l, c);
                }
                terms[r] = 0.5 * uu + uy;
            }
        });
    }

    /** {@code grad D(U) = -(N U + Y)}: {@code D(U) = -(1/N) sum_i (||N u_i||^2 / 2 + <N u_i, y_i>)}. */
    @Override
    public double[] dualGradient(double[] U, Targets Y) {
        int N = Y.samples();
        int c = Y.classes();
        double[] g = new double[U.length];
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                g[i * c + l] = -(N * U[i * c + l] + Y.get(i, l));
            }
        }
        return g;
    }

    @Override
    public boolean isUnitSquaredResidual() {
        return true;
    }

    @Override
    public double curvature() {
        return 1.0;
    }

    @Override
    public boolean hasConstantCurvature() {
        return true;
    }

    /** Coordinate updates need no state: the residual is {@code (s_il - y_il) / N}. */
    @Override
    public CoordinateScores coordinateScores(int N, int c) {
        return new CoordinateScores() {
            @Override
            public void refresh(double[] St) {
            }

            @Override
            public void residual(double[] St, double[] Yt, int l, double[] r) {
                double invN = 1.0 / N;
                int o = l * N;
                for (int i = 0; i < N; i++) {
                    r[i] = (St[o + i] - Yt[o + i]) * invN;
                }
            }

            /** The change of {@code N F}: {@code (s - y) ds + ds^2 / 2}. */
            @Override
            public double add(double[] St, double[] Yt, int l, int i, double ds) {
                int q = l * N + i;
                double res = St[q] - Yt[q];
                St[q] += ds;
                return res * ds + 0.5 * ds * ds;
            }

            @Override
            public double classCurvature() {
                return 1.0;
            }
        };
    }

    /** {@code H_i = I}: a = 1, gamma = 0. */
    @Override
    public double hessianRankOneWeight() {
        return 0.0;
    }

    @Override
    public void hessianDiagonal(double[] U, Targets Y, double[] aT) {
        java.util.Arrays.fill(aT, 0, Y.samples() * Y.classes(), 1.0);
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

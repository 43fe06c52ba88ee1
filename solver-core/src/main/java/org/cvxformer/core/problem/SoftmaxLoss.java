package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Parallel;

/**
 * Softmax cross-entropy {@code loss(s, y) = log sum_l e^{s_l} - <y, s>} (for a label,
 * {@code - s_y}), gradient {@code softmax(s) - y}, conjugate
 * {@code loss*(v) = sum_l q_l log q_l} with {@code q = v + y} in the simplex and {@code +inf}
 * otherwise (math.md section 2; seeds/000 and seeds/001: log-sum-exp and negative entropy are
 * conjugate). The dual {@code D(U) = (1/N) sum_i H(N u_i + y_i)} is a maximum-entropy problem.
 *
 * <p>Targets must be rows of the probability simplex (labels are one-hot rows).
 */
public final class SoftmaxLoss implements Loss {
    /** The single instance. */
    public static final SoftmaxLoss INSTANCE = new SoftmaxLoss();

    /**
     * How negative an entry of {@code q = N u + y} may be from rounding alone and still be read
     * as 0. Dual points built by math.md section 4 are {@code t softmax(s) + (1-t) e_y}, whose
     * entries are non-negative up to an ulp of 1. Kept this tight on purpose: a looser tolerance
     * (1e-10 was tried) let extrapolated dual points with slightly negative entries report a
     * dual value above the optimum (regression test
     * {@code CertificateTest.extrapolatedDualNeverExceedsTheOptimum_toleranceExploit}).
     */
    public static final double SIMPLEX_TOLERANCE = 1e-15;

    /** How far a row sum of {@code q} may be from 1 by rounding of {@code c} terms. */
    public static final double SUM_TOLERANCE_PER_CLASS = 1e-15;

    private SoftmaxLoss() {
    }

    @Override
    public String name() {
        return "softmax";
    }

    /**
     * Rough cost of one {@code exp} or {@code log} in multiply-adds, so that a pass over
     * {@code N c} scores is split across threads at the same size as a matrix product would be.
     */
    static final long EXP_WORK = 8;

    /** {@code log sum_l e^{s_l}} of one row, shifted by its maximum so nothing overflows. */
    static double logSumExp(double[] S, int o, int c) {
        double m = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < c; l++) {
            m = Math.max(m, S[o + l]);
        }
        double z = 0;
        for (int l = 0; l < c; l++) {
            z += Math.exp(S[o + l] - m);
        }
        return m + Math.log(z);
    }

    @Override
    public void rowValues(double[] S, Targets Y, int from, int to, double[] U, double[] terms) {
        int N = Y.samples();
        int c = Y.classes();
        double invN = 1.0 / N;
        boolean labels = Y.hasLabels();
        double[] y = labels ? null : Y.values();
        // rows in parallel; each row on its own, so the terms do not depend on the thread count
        Parallel.forRange(to - from, (long) (to - from) * c * EXP_WORK, (r0, r1) -> {
            double[] e = U == null ? new double[c] : null;
            for (int r = r0; r < r1; r++) {
                int i = from + r;
                int o = r * c;
                double m = Double.NEGATIVE_INFINITY;
                for (int l = 0; l < c; l++) {
                    m = Math.max(m, S[o + l]);
                }
                double ys;
                if (labels) {
                    ys = S[o + Y.label(i)];
                } else {
                    ys = 0;
                    int yo = i * c;
                    for (int l = 0; l < c; l++) {
                        ys += y[yo + l] * S[o + l];
                    }
                }
                // e^{s - m}, into U (which may be S itself: read above, overwritten here)
                double[] ex = U == null ? e : U;
                int eo = U == null ? 0 : o;
                RowMath.expShifted(S, o, c, m, ex, eo);
                double z = 0;
                for (int l = 0; l < c; l++) {
                    z += ex[eo + l];
                }
                terms[r] = m + Math.log(z) - ys;
                if (U == null) {
                    continue;
                }
                double scale = invN / z;
                for (int l = 0; l < c; l++) {
                    U[o + l] *= scale;
                }
                if (labels) {
                    U[o + Y.label(i)] -= invN;
                } else {
                    int yo = i * c;
                    for (int l = 0; l < c; l++) {
                        U[o + l] -= y[yo + l] * invN;
                    }
                }
            }
        });
    }

    @Override
    public void rowConjugates(double[] U, Targets Y, int from, int to, double[] terms) {
        int N = Y.samples();
        int c = Y.classes();
        boolean labels = Y.hasLabels();
        double[] y = labels ? null : Y.values();
        // a row outside the simplex gives +inf, which the ordered sum keeps
        Parallel.forRange(to - from, (long) (to - from) * c * EXP_WORK, (r0, r1) -> {
            double[] q = new double[c];
            for (int r = r0; r < r1; r++) {
                int i = from + r;
                int o = r * c;
                int label = labels ? Y.label(i) : -1;
                double sum = 0;
                boolean outside = false;
                for (int l = 0; l < c; l++) {
                    double yl = labels ? (l == label ? 1.0 : 0.0) : y[i * c + l];
                    double ql = N * U[o + l] + yl;
                    if (ql < -SIMPLEX_TOLERANCE || Double.isNaN(ql)) {
                        outside = true;
                        break;
                    }
                    q[l] = ql;
                    if (ql > 0) {
                        sum += ql;
                    }
                }
                if (outside || Math.abs(sum - 1.0) > SUM_TOLERANCE_PER_CLASS * Math.max(4, c)) {
                    terms[r] = Double.POSITIVE_INFINITY;
                    continue;
                }
                double negEntropy = 0;
                for (int l = 0; l < c; l++) {
                    if (q[l] > 0) {
                        negEntropy += q[l] * Math.log(q[l]);
                    }
                }
                terms[r] = negEntropy;
            }
        });
    }

    /**
     * {@code grad D(U)} on the simplex's affine hull: {@code -(log q + 1)} with {@code q = N u + y}
     * (floored at 1e-300 so that a zero entry gives a large finite push back inside), made
     * zero-sum per row so that a step keeps {@code sum_l q_l = 1}.
     */
    @Override
    public double[] dualGradient(double[] U, Targets Y) {
        int N = Y.samples();
        int c = Y.classes();
        double[] g = new double[U.length];
        for (int i = 0; i < N; i++) {
            double mean = 0;
            for (int l = 0; l < c; l++) {
                int p = i * c + l;
                double q = Math.max(N * U[p] + Y.get(i, l), 1e-300);
                g[p] = -(Math.log(q) + 1);
                mean += g[p];
            }
            mean /= c;
            for (int l = 0; l < c; l++) {
                g[i * c + l] -= mean;
            }
        }
        return g;
    }

    /** {@code q = N u + y} clipped at 0 and each row renormalised to sum 1 (the simplex). */
    @Override
    public void intoDualDomain(double[] U, Targets Y) {
        int N = Y.samples();
        int c = Y.classes();
        double[] q = new double[c];
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int l = 0; l < c; l++) {
                q[l] = Math.max(0, N * U[i * c + l] + Y.get(i, l));
                sum += q[l];
            }
            for (int l = 0; l < c; l++) {
                U[i * c + l] = (q[l] / sum - Y.get(i, l)) / N;
            }
        }
    }

    @Override
    public double curvature() {
        return 0.5;
    }

    /**
     * Coordinate updates with the per-sample log-sum-exp {@code lse_i = log sum_l e^{s_il}},
     * updated in {@code O(1)} per changed score by {@code lse_i += log1p(p_il expm1(delta))} and
     * recomputed exactly when that would be inaccurate (a large step, or {@code p_il expm1(delta)}
     * near -1) and on {@link CoordinateScores#refresh}.
     */
    @Override
    public CoordinateScores coordinateScores(int N, int c) {
        double[] lse = new double[N];
        return new CoordinateScores() {
            @Override
            public void refresh(double[] St) {
                for (int i = 0; i < N; i++) {
                    lse[i] = rowLse(St, i);
                }
            }

            private double rowLse(double[] s, int i) {
                double m = Double.NEGATIVE_INFINITY;
                for (int l = 0; l < c; l++) {
                    m = Math.max(m, s[l * N + i]);
                }
                double z = 0;
                for (int l = 0; l < c; l++) {
                    z += Math.exp(s[l * N + i] - m);
                }
                return m + Math.log(z);
            }

            /** {@code (p_il - y_il) / N}. */
            @Override
            public void residual(double[] St, double[] Yt, int l, double[] r) {
                double invN = 1.0 / N;
                int o = l * N;
                for (int i = 0; i < N; i++) {
                    r[i] = (Math.exp(St[o + i] - lse[i]) - Yt[o + i]) * invN;
                }
            }

            /** The change of {@code N F}: {@code delta lse_i - y_il ds}. */
            @Override
            public double add(double[] St, double[] Yt, int l, int i, double ds) {
                int q = l * N + i;
                double p = Math.exp(St[q] - lse[i]);
                St[q] += ds;
                double arg = p * Math.expm1(ds);
                double old = lse[i];
                if (ds < 30 && arg > -0.5) {
                    lse[i] += Math.log1p(arg);
                    return Math.log1p(arg) - Yt[q] * ds;
                }
                lse[i] = rowLse(St, i);
                return lse[i] - old - Yt[q] * ds;
            }

            @Override
            public double classCurvature() {
                return 0.25;
            }
        };
    }

    /** {@code H_i = Diag(p_i) - p_i p_i^T}: gamma = 1. */
    @Override
    public double hessianRankOneWeight() {
        return 1.0;
    }

    /** {@code a_il = p_il = N u_il + y_il}. */
    @Override
    public void hessianDiagonal(double[] U, Targets Y, double[] aT) {
        int N = Y.samples(), c = Y.classes();
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                aT[l * N + i] = U[i * c + l] * N + Y.get(i, l);
            }
        }
    }

    @Override
    public void checkTargets(Targets Y) {
        if (Y.hasLabels()) {
            return;
        }
        int c = Y.classes();
        for (int i = 0; i < Y.samples(); i++) {
            double sum = 0;
            for (int l = 0; l < c; l++) {
                double v = Y.get(i, l);
                if (v < 0) {
                    throw new IllegalArgumentException("softmax loss needs targets in the probability simplex, but Y["
                            + i + ", " + l + "] = " + v + " (pass integer labels, or rows that sum to 1)");
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-9) {
                throw new IllegalArgumentException("softmax loss needs targets in the probability simplex, but row "
                        + i + " of Y sums to " + sum + " (pass integer labels, or rows that sum to 1)");
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}

package org.cvxformer.core.certificate;

import org.cvxformer.core.problem.Problem;

/**
 * A dual-feasible point {@code U} ({@code N x c}, row-major) with its dual value
 * {@code D(U)} and where it came from. Immutable.
 *
 * <p>Two forms. <em>Explicit</em>: the array itself (copied in and out), for dual points that
 * are not a scaled residual (extrapolation, dual ascent) on problems small enough to hold
 * {@code N x c}. <em>Residual</em>: {@code U = t grad F(A W)} held as {@code W} (parameter-sized)
 * and {@code t}, so that a solver streaming its scores can hand a dual point to the certifier
 * without ever forming {@code N x c} (issue 13). {@link #u()} materialises either form.
 */
public final class DualPoint {
    private final double[] u;
    private final double value;
    private final String source;
    private final Problem problem;
    private final double[] at;
    private final double scale;

    public DualPoint(double[] u, double value, String source) {
        this.u = u.clone();
        this.value = value;
        this.source = source;
        this.problem = null;
        this.at = null;
        this.scale = Double.NaN;
    }

    private DualPoint(Problem problem, double[] at, double scale, double value, String source) {
        this.u = null;
        this.value = value;
        this.source = source;
        this.problem = problem;
        this.at = at.clone();
        this.scale = scale;
    }

    /** The residual form {@code U = t grad F(A W)} of {@code problem}, with its claimed value {@code D(U)}. */
    public static DualPoint residualAt(Problem problem, double[] W, double t, double value, String source) {
        return new DualPoint(problem, W, t, value, source);
    }

    /** True for the residual form ({@link #residualAt}). */
    public boolean isResidual() {
        return at != null;
    }

    /** The parameters {@code W} whose residual this point scales (residual form only; a copy). */
    public double[] residualPoint() {
        if (at == null) {
            throw new IllegalStateException("an explicit dual point has no residual point");
        }
        return at.clone();
    }

    /** The scale {@code t} of the residual form. */
    public double scale() {
        return scale;
    }

    /** A copy of {@code U} ({@code N x c}: for the residual form it is computed here, small problems only). */
    public double[] u() {
        if (u != null) {
            return u.clone();
        }
        double[] r = problem.residual(at);
        for (int p = 0; p < r.length; p++) {
            r[p] *= scale;
        }
        return r;
    }

    /** {@code D(U)}. */
    public double value() {
        return value;
    }

    /** Which construction produced it, e.g. {@code rescaled-residual}. */
    public String source() {
        return source;
    }
}

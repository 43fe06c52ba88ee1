package org.cvxformer.core.certificate;

/**
 * A dual-feasible point {@code U} ({@code N x c}, row-major) with its dual value
 * {@code D(U)} and where it came from. Immutable (the array is copied in and out).
 */
public final class DualPoint {
    private final double[] u;
    private final double value;
    private final String source;

    public DualPoint(double[] u, double value, String source) {
        this.u = u.clone();
        this.value = value;
        this.source = source;
    }

    /** A copy of {@code U}. */
    public double[] u() {
        return u.clone();
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

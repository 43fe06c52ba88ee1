package org.cvxformer.core.problem;

import java.util.Arrays;
import org.cvxformer.core.linalg.Vec;

/**
 * The weighted group lasso {@code beta * sum_{l,k} w_lk ||z_lk||_2} (adaptive group lasso:
 * Wang and Leng 2008; an unpenalised group has {@code w_lk = 0}). Weights are given per group,
 * shape {@code c x n} (group {@code g = l*n + k}), finite and {@code >= 0}. Everything else
 * follows from {@link Penalty}: prox threshold {@code step beta w_g}, dual ball
 * {@code ||(A^T U)_g|| <= beta w_g}, dual norm {@code max_g ||G_g|| / w_g} (scaled to beta).
 *
 * <p>With all weights 1 it is the plain {@link GroupL2Penalty}, bit for bit (its value, prox
 * and dual norm run the same operations). An unpenalised group makes the rescaled residual
 * feasible only when its gradient is exactly zero, so the certificate then falls back to the
 * feasible point {@code t = 0} (honest, but uninformative): prefer small positive weights when a
 * tight certificate is needed.
 */
public final class WeightedGroupL2Penalty implements Penalty {
    private final double beta;
    private final int groupSize;
    private final double[] weights;

    /**
     * @param beta      finite and {@code > 0}
     * @param groupSize {@code d >= 1}
     * @param weights   {@code w_g >= 0}, finite, one per group (copied)
     */
    public WeightedGroupL2Penalty(double beta, int groupSize, double[] weights) {
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta = " + beta + ": expected a finite number > 0");
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size = " + groupSize + ": expected >= 1");
        }
        for (int g = 0; g < weights.length; g++) {
            if (!(weights[g] >= 0) || !Double.isFinite(weights[g])) {
                throw new IllegalArgumentException("group weight w[" + g + "] = " + weights[g]
                        + ": weights must be finite and >= 0 (0 leaves a group unpenalised)");
            }
        }
        this.beta = beta;
        this.groupSize = groupSize;
        this.weights = weights.clone();
    }

    @Override
    public double beta() {
        return beta;
    }

    @Override
    public int groupSize() {
        return groupSize;
    }

    @Override
    public WeightedGroupL2Penalty withBeta(double b) {
        return new WeightedGroupL2Penalty(b, groupSize, weights);
    }

    /** {@code w_g}. */
    public double weight(int g) {
        return weights[g];
    }

    /** A copy of the weights. */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public void checkGroups(int groups) {
        if (weights.length != groups) {
            throw new IllegalArgumentException("group weights have " + weights.length + " values, but the problem has c*n = "
                    + groups + " groups: pass an array of shape (c, n)");
        }
    }

    @Override
    public double groupThreshold(int g) {
        return beta * weights[g];
    }

    /** {@code beta sum_g w_g ||z_g||}; with all weights 1, the bits of {@link GroupL2Penalty#value}. */
    @Override
    public double value(double[] Z) {
        double s = 0;
        for (int o = 0, g = 0; o < Z.length; o += groupSize, g++) {
            double w = weights[g];
            s += w == 1.0 ? Vec.norm2(Z, o, groupSize) : w * Vec.norm2(Z, o, groupSize);
        }
        return beta * s;
    }

    /** With all weights 1, the bits of {@link GroupL2Penalty#dualNorm}. */
    @Override
    public double dualNorm(double[] G) {
        double m = 0;
        for (int o = 0, g = 0; o < G.length; o += groupSize, g++) {
            double norm = Vec.norm2(G, o, groupSize);
            double w = weights[g];
            m = Math.max(m, w == 1.0 ? norm : w == 0 ? (norm == 0 ? 0 : Double.POSITIVE_INFINITY) : norm / w);
        }
        return m;
    }

    @Override
    public double groupDual(double norm, int g) {
        double w = weights[g];
        return w == 1.0 ? norm : w == 0 ? (norm == 0 ? 0 : Double.POSITIVE_INFINITY) : norm / w;
    }

    @Override
    public String toString() {
        return "WeightedGroupL2Penalty[beta=" + beta + ", d=" + groupSize + ", groups=" + weights.length + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedGroupL2Penalty p && p.beta == beta && p.groupSize == groupSize
                && Arrays.equals(p.weights, weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + Double.hashCode(beta);
    }
}

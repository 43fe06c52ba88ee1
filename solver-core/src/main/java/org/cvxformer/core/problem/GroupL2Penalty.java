package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Vec;

/**
 * The group-lasso penalty {@code beta * sum_{l,k} ||z_lk||_2} of math.md section 2, over
 * consecutive groups of {@code groupSize} entries (one group = token row {@code k} of class
 * {@code l}, in the parameter layout of {@link Design}). Its dual norm is the largest group
 * norm, {@code max_{lk} ||g_lk||_2}.
 */
public final class GroupL2Penalty implements Penalty {
    private final double beta;
    private final int groupSize;

    /**
     * @param beta      the regularisation strength, finite and {@code > 0}
     * @param groupSize {@code d}, at least 1
     */
    public GroupL2Penalty(double beta, int groupSize) {
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta = " + beta + ": expected a finite number > 0");
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size = " + groupSize + ": expected >= 1");
        }
        this.beta = beta;
        this.groupSize = groupSize;
    }

    @Override
    public double beta() {
        return beta;
    }

    /** {@code d}. */
    @Override
    public int groupSize() {
        return groupSize;
    }

    @Override
    public GroupL2Penalty withBeta(double b) {
        return new GroupL2Penalty(b, groupSize);
    }

    /** {@code beta}, the same for every group. */
    @Override
    public double groupThreshold(int g) {
        return beta;
    }

    @Override
    public double value(double[] Z) {
        double s = 0;
        for (int o = 0; o < Z.length; o += groupSize) {
            s += Vec.norm2(Z, o, groupSize);
        }
        return beta * s;
    }

    @Override
    public void prox(double[] V, double step) {
        double tau = step * beta;
        for (int o = 0; o < V.length; o += groupSize) {
            groupSoftThreshold(V, o, groupSize, tau);
        }
    }

    @Override
    public double groupDual(double norm, int g) {
        return norm;
    }

    /** {@code max_{lk} ||g_lk||_2}. */
    @Override
    public double dualNorm(double[] G) {
        double m = 0;
        for (int o = 0; o < G.length; o += groupSize) {
            m = Math.max(m, Vec.norm2(G, o, groupSize));
        }
        return m;
    }

    /**
     * Group soft-thresholding, in place on one group:
     * {@code prox_{tau ||.||_2}(v) = max(0, 1 - tau/||v||) v} (math.md section 6).
     * Returns the norm of the result.
     */
    public static double groupSoftThreshold(double[] v, int offset, int len, double tau) {
        double norm = Vec.norm2(v, offset, len);
        if (norm <= tau) {
            java.util.Arrays.fill(v, offset, offset + len, 0.0);
            return 0;
        }
        double scale = 1 - tau / norm;
        for (int j = 0; j < len; j++) {
            v[offset + j] *= scale;
        }
        return norm - tau;
    }

    @Override
    public String toString() {
        return "GroupL2Penalty[beta=" + beta + ", d=" + groupSize + "]";
    }
}

package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Vec;

/**
 * A group-separable penalty {@code beta * Omega(Z)}, {@code Omega(Z) = sum_g w_g ||z_g||_2} over
 * consecutive groups of {@link #groupSize()} entries, with everything a solver or the certifier
 * needs of it (skglm's penalty interface): the prox of one group, the radius of each group's
 * dual ball, the dual norm and the dual rescaling that define the dual feasible set
 * {@code ||(A^T U)_g|| <= beta w_g} (math.md section 3), and the distance to the subdifferential
 * (the stationarity residual of math.md section 5). A new penalty of this family is one class.
 */
public interface Penalty {
    /** {@code beta}. */
    double beta();

    /** {@code d}, the entries per group. */
    int groupSize();

    /** The same penalty with another {@code beta}. */
    Penalty withBeta(double beta);

    /** {@code beta w_g}: the prox threshold per unit step and the radius of group {@code g}'s dual ball. */
    double groupThreshold(int g);

    /** Rejects a penalty that does not fit {@code c * n} groups (one line saying why). */
    default void checkGroups(int groups) {
    }

    /** {@code beta * Omega(Z)}. */
    default double value(double[] Z) {
        int d = groupSize();
        double s = 0;
        for (int o = 0, g = 0; o < Z.length; o += d, g++) {
            double t = groupThreshold(g);
            if (t != 0) {
                s += t * Vec.norm2(Z, o, d);
            }
        }
        return s;
    }

    /**
     * In place on group {@code g} (offset {@code g * d}): {@code v <- prox_{step beta w_g ||.||}(v)}
     * (group soft-thresholding, math.md section 6). Returns the norm of the result.
     */
    default double proxGroup(double[] V, int g, double step) {
        return GroupL2Penalty.groupSoftThreshold(V, g * groupSize(), groupSize(), step * groupThreshold(g));
    }

    /** In place: {@code V <- prox_{step * beta * Omega}(V)}, group by group. */
    default void prox(double[] V, double step) {
        for (int g = 0; g < V.length / groupSize(); g++) {
            proxGroup(V, g, step);
        }
    }

    /**
     * The contribution of group {@code g} with {@code ||g_g|| = norm} to {@link #dualNorm}:
     * {@code beta * norm / (beta w_g)}; for an unpenalised group ({@code w_g = 0}) 0 when the
     * norm is 0 and {@code +infinity} otherwise (its dual constraint is {@code g_g = 0}).
     */
    default double groupDual(double norm, int g) {
        double t = groupThreshold(g);
        if (t == 0) {
            return norm == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return beta() * norm / t;
    }

    /**
     * The dual norm scaled to {@code beta}: {@code max_g beta ||G_g|| / (beta w_g)}, so that
     * {@code U} is dual feasible exactly when {@code dualNorm(A^T U) <= beta}.
     */
    default double dualNorm(double[] G) {
        int d = groupSize();
        double m = 0;
        for (int o = 0, g = 0; o < G.length; o += d, g++) {
            m = Math.max(m, groupDual(Vec.norm2(G, o, d), g));
        }
        return m;
    }

    /**
     * The dual rescaling of math.md section 4: the largest {@code t <= 1} with {@code t U}
     * feasible when {@code G = A^T U}, {@code t = min(1, beta / dualNorm(G))} (0 when an
     * unpenalised group has a non-zero gradient: the honest, if weak, feasible point is then 0).
     */
    default double dualRescaling(double[] G) {
        return rescalingOfDualNorm(dualNorm(G));
    }

    /** {@link #dualRescaling} from a dual norm already computed: {@code min(1, beta / dualNorm)}. */
    default double rescalingOfDualNorm(double dualNorm) {
        return dualNorm > beta() ? beta() / dualNorm : 1.0;
    }

    /**
     * {@code dist(-g_g, beta w_g d||z_g||)}: {@code ||g_g + beta w_g z_g/||z_g|| ||} when
     * {@code z_g != 0}, else {@code max(0, ||g_g|| - beta w_g)} (math.md section 5, absolute).
     */
    default double subdifferentialDistance(double[] G, double[] Z, int g) {
        int d = groupSize();
        int o = g * d;
        double t = groupThreshold(g);
        double zn = Vec.norm2(Z, o, d);
        if (zn > 0) {
            double scale = t / zn;
            double acc = 0;
            for (int j = 0; j < d; j++) {
                double r = G[o + j] + scale * Z[o + j];
                acc += r * r;
            }
            return Math.sqrt(acc);
        }
        return Math.max(0, Vec.norm2(G, o, d) - t);
    }

    /** The norms {@code ||z_g||_2} of every group, in group order {@code g = l*n + k}. */
    default double[] groupNorms(double[] Z) {
        int d = groupSize();
        double[] r = new double[Z.length / d];
        for (int g = 0; g < r.length; g++) {
            r[g] = Vec.norm2(Z, g * d, d);
        }
        return r;
    }
}

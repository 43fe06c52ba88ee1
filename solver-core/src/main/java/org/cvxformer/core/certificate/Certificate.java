package org.cvxformer.core.certificate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The optimality certificate of a primal point {@code Z} (math.md sections 4-5): primal and
 * dual values, duality gap, the three KKT residuals with the group attaining each, and the
 * active groups (the model's token selection). Built only by {@link Certifier}, which no solver
 * owns, so every solver is judged the same way. Immutable.
 *
 * <p>{@code gap <= eps} certifies {@code P(Z) - min P <= eps}, whatever produced {@code Z}.
 */
public final class Certificate {
    private final double primal;
    private final double dual;
    private final double beta;
    private final double betaMax;
    private final KktResidual stationarity;
    private final KktResidual dualFeasibility;
    private final KktResidual complementarySlackness;
    private final int classes;
    private final int tokens;
    private final double[] zNorms;
    private final double[] gradientNorms;
    private final double[] stationarityByGroup;
    private final String dualSource;

    Certificate(double primal, double dual, double beta, double betaMax, KktResidual stationarity,
            KktResidual dualFeasibility, KktResidual complementarySlackness, int classes, int tokens,
            double[] zNorms, double[] gradientNorms, double[] stationarityByGroup, String dualSource) {
        this.primal = primal;
        this.dual = dual;
        this.beta = beta;
        this.betaMax = betaMax;
        this.stationarity = stationarity;
        this.dualFeasibility = dualFeasibility;
        this.complementarySlackness = complementarySlackness;
        this.classes = classes;
        this.tokens = tokens;
        this.zNorms = zNorms.clone();
        this.gradientNorms = gradientNorms.clone();
        this.stationarityByGroup = stationarityByGroup.clone();
        this.dualSource = dualSource;
    }

    /** {@code P(Z)}. */
    public double primal() {
        return primal;
    }

    /** The best dual value {@code D(U)} found for a feasible {@code U}. */
    public double dual() {
        return dual;
    }

    /** {@code P(Z) - D(U) >= 0}: a bound on the suboptimality of {@code Z}. */
    public double gap() {
        return primal - dual;
    }

    /** {@code gap / max(P(Z), 1e-300)} (math.md section 4). */
    public double relativeGap() {
        return gap() / Math.max(primal, 1e-300);
    }

    public double beta() {
        return beta;
    }

    public double betaMax() {
        return betaMax;
    }

    /** Stationarity residual, relative to beta. */
    public KktResidual stationarity() {
        return stationarity;
    }

    /** Dual feasibility residual of {@code U0 = grad F(S)} before rescaling, relative to beta. */
    public KktResidual dualFeasibility() {
        return dualFeasibility;
    }

    /** Complementary slackness over the active groups, relative to beta. */
    public KktResidual complementarySlackness() {
        return complementarySlackness;
    }

    /** Which dual point gave {@link #dual()}. */
    public String dualSource() {
        return dualSource;
    }

    public int classes() {
        return classes;
    }

    public int tokens() {
        return tokens;
    }

    /** {@code ||z_lk||_2} for class {@code l}, token {@code k}. */
    public double groupNorm(int l, int k) {
        return zNorms[l * tokens + k];
    }

    /** {@code ||g_lk||_2}, the gradient block norm, for class {@code l}, token {@code k}. */
    public double gradientNorm(int l, int k) {
        return gradientNorms[l * tokens + k];
    }

    /** All group norms {@code ||z_lk||}, as a {@code c x n} row-major array (a copy). */
    public double[] groupNorms() {
        return zNorms.clone();
    }

    /** The groups with {@code z_lk != 0}, in group order. */
    public List<Group> activeGroups() {
        List<Group> r = new ArrayList<>();
        for (int g = 0; g < zNorms.length; g++) {
            if (zNorms[g] > 0) {
                r.add(Group.ofIndex(g, tokens));
            }
        }
        return r;
    }

    /** The number of active groups. */
    public int activeCount() {
        int a = 0;
        for (double v : zNorms) {
            if (v > 0) {
                a++;
            }
        }
        return a;
    }

    /** Active token positions of each class: {@code result[l]} lists the {@code k} with {@code z_lk != 0}. */
    public int[][] activeTokensByClass() {
        int[][] r = new int[classes][];
        for (int l = 0; l < classes; l++) {
            int[] tmp = new int[tokens];
            int m = 0;
            for (int k = 0; k < tokens; k++) {
                if (zNorms[l * tokens + k] > 0) {
                    tmp[m++] = k;
                }
            }
            r[l] = Arrays.copyOf(tmp, m);
        }
        return r;
    }

    /**
     * The {@code count} groups with the largest KKT violation: the stationarity residual of
     * math.md section 5 (which for a zero group is its dual-feasibility violation), relative to
     * beta, largest first; ties in group order.
     */
    public List<KktResidual> worstGroups(int count) {
        Integer[] order = new Integer[stationarityByGroup.length];
        for (int g = 0; g < order.length; g++) {
            order[g] = g;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer g) -> -stationarityByGroup[g]).thenComparingInt(g -> g));
        List<KktResidual> r = new ArrayList<>();
        for (int q = 0; q < Math.min(count, order.length); q++) {
            r.add(new KktResidual(stationarityByGroup[order[q]], Group.ofIndex(order[q], tokens)));
        }
        return r;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "Certificate[primal=%.12g, dual=%.12g, gap=%.3e, rel=%.3e, stationarity=%.3e, dualFeas=%.3e, cs=%.3e, active=%d/%d]",
                primal, dual, gap(), relativeGap(), stationarity.value(), dualFeasibility.value(),
                complementarySlackness.value(), activeCount(), zNorms.length);
    }
}

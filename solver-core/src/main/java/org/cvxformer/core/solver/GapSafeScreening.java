package org.cvxformer.core.solver;

import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.TokenBlocks;

/**
 * GAP safe screening for groups (Ndiaye, Fercoq, Gramfort, Salmon, JMLR 2017; math.md
 * section 6): with a feasible dual point {@code U}, {@code gap = P(Z) - D(U)} and radius
 * {@code r = sqrt(2 gap / N)}, group {@code (l,k)} is zero at the optimum when
 * {@code ||(A^T U)_lk|| + r sigma_max(A_k) < beta}.
 *
 * <p>Why {@code sqrt(2 gap / N)}: under math.md's averaged scaling both duals are
 * {@code N}-strongly concave (squared: {@code D(U) = -(N/2)||U||^2 - <U,Y>}; softmax:
 * {@code D(U) = (1/N) sum_i H(N u_i + e_{y_i})}, Hessian {@code -N Diag(1/q_i) <= -N I} as
 * {@code q_il <= 1}). For the dual optimum {@code U*} and any feasible {@code U}, first-order
 * optimality of {@code U*} on the convex feasible set and strong concavity give
 * {@code D(U*) - D(U) >= (N/2) ||U - U*||_F^2}, and {@code D(U*) = min P <= P(Z)}; hence
 * {@code ||U - U*||_F <= sqrt(2 (P(Z) - D(U)) / N)}. Then
 * {@code ||(A^T U*)_lk|| <= ||(A^T U)_lk|| + sigma_max(A_k) ||U - U*||_F}, and by the KKT
 * conditions ({@code U* = grad F(S*)}, math.md section 5) {@code ||(A^T U*)_lk|| < beta}
 * forces {@code z*_lk = 0}. {@code sigma_max(A_k)} is the upper bound of
 * {@link TokenBlocks#sigmaMaxSquaredBound(int)}, so rounding cannot make the test unsafe.
 */
public final class GapSafeScreening {
    private GapSafeScreening() {
    }

    /**
     * Relative allowance for rounding in a computed gap {@code P - D}: both are sums over the
     * {@code N} samples, whose computed values can be off by about {@code N u |value|}
     * ({@code u = 1.1e-16}); 1e-12 covers {@code N} up to about 10^4 in the worst case (and far more
     * in practice) and changes the radius negligibly ({@code sqrt(2e-12 |P| / N)}).
     */
    static final double GAP_ROUNDING = 1e-12;

    /**
     * An upper bound on the exact gap from computed {@code P} and {@code D}: a computed gap that is
     * zero or slightly negative (as at {@code beta = beta_max} from {@code Z = 0}, where the exact
     * gap is 0) is not discarded but replaced by the rounding allowance, so the test stays safe and
     * still screens. Non-finite values give {@code NaN} (nothing is screened).
     */
    static double roundedUpGap(double primal, double dual) {
        if (!Double.isFinite(primal) || !Double.isFinite(dual)) {
            return Double.NaN;
        }
        return Math.max(primal - dual, 0) + GAP_ROUNDING * (Math.abs(primal) + Math.abs(dual));
    }

    /** The safe radius {@code sqrt(2 gap / N)} (0 for a negative gap from rounding). */
    public static double radius(Problem pb, double gap) {
        return Math.sqrt(2 * Math.max(gap, 0) / pb.samples());
    }

    /**
     * Marks in {@code screened} (length {@code c*n}) the groups proven zero at the optimum, from
     * {@code G = A^T U} of a feasible {@code U} and {@code gap = P(Z) - D(U)}. Returns how many
     * groups were newly marked.
     */
    public static int screen(Problem pb, double gap, double[] G, boolean[] screened) {
        if (!(gap >= 0) || !Double.isFinite(gap)) {
            return 0;
        }
        TokenBlocks B = pb.tokenBlocks();
        int n = pb.tokens(), d = pb.features();
        double rad = radius(pb, gap);
        int count = 0;
        for (int g = 0; g < screened.length; g++) {
            if (!screened[g] && Vec.norm2(G, g * d, d) + rad * Math.sqrt(B.sigmaMaxSquaredBound(g % n)) < pb.penalty().groupThreshold(g)) {
                screened[g] = true;
                count++;
            }
        }
        return count;
    }

    /** The groups proven zero at the optimum from the point {@code Z} and the feasible dual point {@code U}. */
    public static boolean[] safeZeros(Problem pb, double[] Z, DualPoint U) {
        DualPoint feasible = Certifier.dualPoint(pb, U.u(), U.source()); // rescaled again, never trusted
        double[] G = new double[pb.parameterCount()];
        pb.design().transposeMultiply(feasible.u(), pb.classes(), G);
        boolean[] s = new boolean[pb.groupCount()];
        screen(pb, pb.primal(Z) - feasible.value(), G, s);
        return s;
    }

    /**
     * The sequential GAP safe rule along a path (Ndiaye, Fercoq, Gramfort, Salmon, JMLR 2017,
     * sequential screening with warm start): the groups proven zero at the optimum of {@code pb}
     * (the new {@code beta'}) from {@code zPrev}, any point, typically the solution at the
     * previous, larger beta. The dual point is the residual {@code U0 = grad F(A W_prev)} rescaled
     * into the feasible set <em>of {@code beta'}</em> (math.md section 4) and the gap is
     * {@code P_{beta'}(Z_prev) - D(U)}, both at the new beta.
     *
     * <p>Proof of safety. (i) {@code U = t U0}, {@code t = min(1, beta'/max_lk ||(A^T U0)_lk||)},
     * has {@code ||(A^T U)_lk|| <= beta'} for all groups and, as {@code t <= 1}, stays in
     * {@code dom F*} (softmax: {@code q_i = t p_i + (1-t) e_{y_i}} is in the simplex), so it is
     * feasible at {@code beta'}; (ii) {@code D} does not depend on beta, so
     * {@code gap' = P_{beta'}(Z_prev) - D(U) >= min P_{beta'} - D(U) = D(U*_{beta'}) - D(U) >= (N/2) ||U - U*_{beta'}||_F^2},
     * hence the sphere of radius {@code sqrt(2 gap' / N)} about {@code U} holds the dual optimum
     * at {@code beta'} and the test of {@link #screen} applies as in the class comment. The
     * computed gap is rounded up ({@link #roundedUpGap}) so that rounding cannot shrink the sphere.
     *
     * <p>Both "at {@code beta'}" matter: the previous dual point, or this residual scaled for the
     * previous beta, can have {@code ||(A^T U)_lk||} up to {@code beta > beta'} (infeasible now),
     * and the previous gap bounds the distance to {@code U*_beta}, not to {@code U*_{beta'}}.
     *
     * @param pb    the problem at the new beta
     * @param zPrev the starting point (length {@code c*n*d}); {@code null} means {@code Z = 0}
     * @return the groups (length {@code c*n}) proven zero at the optimum of {@code pb}
     */
    public static boolean[] sequential(Problem pb, double[] zPrev) {
        double[] z = zPrev == null ? new double[pb.parameterCount()] : zPrev;
        pb.checkParameters(z, "previous Z");
        double[] S = pb.scores(z);
        double[] U = new double[S.length];
        double F = pb.loss().valueAndGradient(S, pb.targets(), U);
        double[] G = new double[pb.parameterCount()];
        pb.design().transposeMultiply(U, pb.classes(), G);
        double gn = pb.penalty().dualNorm(G);
        double t = pb.penalty().rescalingOfDualNorm(gn);
        for (int p = 0; p < U.length; p++) {
            U[p] *= t;
        }
        for (int p = 0; p < G.length; p++) {
            G[p] *= t;
        }
        double primal = F + pb.penalty().value(z);
        double dual = pb.loss().dual(U, pb.targets());
        boolean[] s = new boolean[pb.groupCount()];
        screen(pb, roundedUpGap(primal, dual), G, s);
        return s;
    }
}

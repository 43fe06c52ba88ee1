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
        double beta = pb.beta();
        int count = 0;
        for (int g = 0; g < screened.length; g++) {
            if (!screened[g] && Vec.norm2(G, g * d, d) + rad * Math.sqrt(B.sigmaMaxSquaredBound(g % n)) < beta) {
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
}

package org.cvxformer.core.solver;

import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Problem;

/**
 * Problems whose tokens repeat: every token block {@code A_k} of the design equals the first,
 * {@code A_0}, to within {@link #RELATIVE_DIFFERENCE} (relative Frobenius norm). A convex stack's
 * head meets this: its position mixer learns equal rows, so every position of the head's input
 * carries the same vector (mod-division p = 97, grokking protocol, epochs 100 and 200: the other
 * three positions differ from the first by 7e-7 to 1.2e-5; docs/head-certificate.md). The mixer
 * {@code W1} (n x n) then has rank one: singular values 1.14, 5.5e-6, 4.6e-6, 1.3e-7 at epoch 100
 * of the paper protocol's Convex run.
 *
 * <p>Why it matters. With {@code A_k = A_0} the scores depend on {@code v_l = sum_k z_lk} only, and
 * {@code sum_k ||z_lk|| >= ||v_l||} with equality for every split of {@code v_l} into parallel
 * pieces, so the optimum is a whole face of splits; with nearly equal blocks it is unique but sits
 * at the end of directions of curvature {@code ~ ||A_k - A_0||^2}. First-order methods stall along
 * them, and so does the certificate: the rescaled residual is infeasible by about the blocks'
 * relative difference (FISTA: 1.35e-6 after 60 s, 754 iterations, on the epoch-200 head).
 *
 * <p>What is done (a warm start; the certificate is the full problem's, as always). The merged
 * problem {@code min F(A_0 V) + beta sum_l ||v_l||} (one token, well conditioned) is solved first,
 * then each class's {@code v_l} is put on the token {@code k} whose gradient block
 * {@code ||(A^T grad F)_{lk}||} is largest there, the one whose zero-group condition would fail
 * first, and the others are left at zero. On the epoch-200 head this start reached 5.9e-7 in 69
 * FISTA iterations (5.4 s, beside a training run) against 1.35e-6 in 754 from the Adam head.
 *
 * <p>Only for dense designs with {@code n > 1} and a uniform penalty (every group's threshold
 * {@code beta}: with weights the merged problem is not the full one's restriction).
 */
final class RepeatedTokens {
    /**
     * Largest {@code max_k ||A_k - A_0||_F / ||A_0||_F} for which the tokens count as repeated. The
     * measured heads repeat to 7e-7 - 1.2e-5 at epochs 100-200 (grokking protocol); after 2054
     * epochs of the paper protocol the mixer's second singular value is 1.1e-3 of its first, so
     * those heads repeat to about that (not measured on the head inputs); within 1e-2 the merged scores are within about 1% of any split's, a start worth at
     * most half the time. A judgment, not a measured optimum: the merge only ever changes the start.
     */
    static final double RELATIVE_DIFFERENCE = 1e-2;

    /** The merged problem is solved to this fraction of the requested tolerance. */
    static final double TOLERANCE_FRACTION = 0.5;

    /** Fraction of the time limit the merged problem may take. */
    static final double TIME_FRACTION = 0.5;

    private RepeatedTokens() {
    }

    /**
     * {@code max_k ||A_k - A_0||_F / ||A_0||_F} over the tokens, or {@code +infinity} when the merge
     * does not apply (one token, a sparse design, a non-uniform penalty, {@code A_0 = 0}); the
     * tokens repeat when it is at most {@link #RELATIVE_DIFFERENCE}. One pass over the design.
     */
    static double difference(Problem pb) {
        Design a = pb.design();
        int N = pb.samples(), n = pb.tokens(), d = pb.features();
        if (n < 2 || a.isSparse()) {
            return Double.POSITIVE_INFINITY;
        }
        for (int g = 0; g < pb.groupCount(); g++) {
            if (pb.penalty().groupThreshold(g) != pb.beta()) {
                return Double.POSITIVE_INFINITY;
            }
        }
        double base = 0;
        double[] diff = new double[n];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < d; j++) {
                double x0 = a.get(i, 0, j);
                base += x0 * x0;
                for (int k = 1; k < n; k++) {
                    double e = a.get(i, k, j) - x0;
                    diff[k] += e * e;
                }
            }
        }
        double worst = 0;
        for (double v : diff) {
            worst = Math.max(worst, v);
        }
        return base > 0 ? Math.sqrt(worst / base) : Double.POSITIVE_INFINITY;
    }

    /** {@code min F(A_0 V) + beta sum_l ||v_l||}: the first token's block, the same targets, loss and beta. */
    static Problem merged(Problem pb) {
        int N = pb.samples(), d = pb.features();
        double[] x0 = new double[N * d];
        Design a = pb.design();
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < d; j++) {
                x0[i * d + j] = a.get(i, 0, j);
            }
        }
        return new Problem(Designs.of(x0, N, 1, d), pb.targets(), pb.loss(), pb.beta());
    }

    /** {@code v_l = sum_k z_lk}: a start for the merged problem from one of the full problem. */
    static double[] mergedStart(Problem pb, double[] z) {
        int c = pb.classes(), n = pb.tokens(), d = pb.features();
        double[] v = new double[c * d];
        for (int l = 0; l < c; l++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < d; j++) {
                    v[l * d + j] += z[(l * n + k) * d + j];
                }
            }
        }
        return v;
    }

    /**
     * The full problem's start from the merged solution {@code v}: {@code z_lk = v_l} for the token
     * {@code k} with the largest {@code ||(A^T grad F(A_0 V))_{lk}||}, zero for the others.
     */
    static double[] spread(Problem pb, double[] v) {
        int c = pb.classes(), n = pb.tokens(), d = pb.features();
        double[] z = new double[pb.parameterCount()];
        for (int l = 0; l < c; l++) {
            System.arraycopy(v, l * d, z, l * n * d, d); // token 0: the merged problem's scores exactly
        }
        double[] G = new double[pb.parameterCount()];
        pb.design().transposeMultiply(pb.residual(z), c, G);
        double[] out = new double[z.length];
        for (int l = 0; l < c; l++) {
            int best = 0;
            double bestNorm = -1;
            for (int k = 0; k < n; k++) {
                double norm = Vec.norm2(G, (l * n + k) * d, d);
                if (norm > bestNorm) {
                    bestNorm = norm;
                    best = k;
                }
            }
            System.arraycopy(v, l * d, out, (l * n + best) * d, d);
        }
        return out;
    }
}

package org.cvxformer.core.solver;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Dual extrapolation (Massias, Gramfort, Salmon, ICML 2018; JMLR 2020 for GLMs): keeps the last
 * {@code K+1} snapshots of the scores {@code S = A W} (class-major) and combines them as
 * {@code S_acc = sum_i c_i S^{t+1-i}}, {@code c = (D^T D)^{-1} 1 / 1^T (D^T D)^{-1} 1}, with
 * {@code D} the {@code K} consecutive differences (Anderson-type extrapolation of the VAR
 * process followed by the scores of coordinate descent).
 *
 * <p>The scores are extrapolated, not {@code U}, so that {@code grad F(S_acc)} is a point of
 * the loss's dual domain for softmax too ({@code N u_i + e_{y_i}} is a softmax, hence in the
 * simplex); for squared loss {@code U} is affine in {@code S} and the two coincide. The result
 * is only a candidate: callers rescale it into the feasible set (math.md section 4).
 */
final class DualExtrapolation {
    private final int K;
    private final Deque<double[]> snaps = new ArrayDeque<>();

    DualExtrapolation(int depth) {
        this.K = depth;
    }

    void clear() {
        snaps.clear();
    }

    void push(double[] s) {
        if (K == 0) {
            return;
        }
        double[] copy = snaps.size() > K ? snaps.pollFirst() : new double[s.length];
        System.arraycopy(s, 0, copy, 0, s.length);
        snaps.addLast(copy);
    }

    /** The extrapolated scores, or {@code null} without enough snapshots or for a singular system. */
    double[] extrapolate() {
        if (K == 0 || snaps.size() < K + 1) {
            return null;
        }
        double[][] s = snaps.toArray(new double[0][]);
        int len = s[0].length;
        double[][] D = new double[K][len];
        for (int a = 0; a < K; a++) {
            for (int p = 0; p < len; p++) {
                D[a][p] = s[a + 1][p] - s[a][p];
            }
        }
        double[][] M = new double[K][K + 1];
        double scale = 0;
        for (int a = 0; a < K; a++) {
            for (int b = a; b < K; b++) {
                double v = 0;
                for (int p = 0; p < len; p++) {
                    v += D[a][p] * D[b][p];
                }
                M[a][b] = v;
                M[b][a] = v;
            }
            scale = Math.max(scale, M[a][a]);
            M[a][K] = 1;
        }
        if (!(scale > 0)) {
            return null;
        }
        for (int a = 0; a < K; a++) {
            M[a][a] += 1e-12 * scale; // tiny ridge: the differences become collinear near convergence
        }
        double[] z = solve(M, K);
        if (z == null) {
            return null;
        }
        double sum = 0;
        for (double v : z) {
            sum += v;
        }
        if (!(Math.abs(sum) > 0) || !Double.isFinite(sum)) {
            return null;
        }
        double[] out = new double[len];
        for (int a = 0; a < K; a++) {
            double ca = z[a] / sum;
            double[] sa = s[a + 1];
            for (int p = 0; p < len; p++) {
                out[p] += ca * sa[p];
            }
        }
        for (double v : out) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return out;
    }

    /** Gaussian elimination with partial pivoting on the augmented {@code K x (K+1)} system. */
    private static double[] solve(double[][] M, int K) {
        for (int col = 0; col < K; col++) {
            int piv = col;
            for (int r = col + 1; r < K; r++) {
                if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) {
                    piv = r;
                }
            }
            if (M[piv][col] == 0 || !Double.isFinite(M[piv][col])) {
                return null;
            }
            double[] t = M[piv];
            M[piv] = M[col];
            M[col] = t;
            for (int r = col + 1; r < K; r++) {
                double f = M[r][col] / M[col][col];
                for (int q = col; q <= K; q++) {
                    M[r][q] -= f * M[col][q];
                }
            }
        }
        double[] z = new double[K];
        for (int r = K - 1; r >= 0; r--) {
            double v = M[r][K];
            for (int q = r + 1; q < K; q++) {
                v -= M[r][q] * z[q];
            }
            z[r] = v / M[r][r];
        }
        return z;
    }
}

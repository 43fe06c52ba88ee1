package org.cvxformer.core.linalg;

import java.util.List;

/**
 * Extrapolation of a converging vector sequence from its last {@code K+1} terms (Massias,
 * Gramfort, Salmon, ICML 2018, "Celer", section 3; an Anderson-type scheme for sequences that
 * follow a vector autoregressive process, as the residuals and scores of proximal gradient and
 * coordinate descent do near the optimum):
 * <pre>
 *   D = [x_{t-K+1} - x_{t-K}, ..., x_t - x_{t-1}],   z = (D^T D)^{-1} 1,   c = z / (1^T z),
 *   x_acc = sum_{q=1..K} c_q x_{t-K+q}
 * </pre>
 * Used for dual points by the certificate's dual search (on residuals) and by bcd (on scores).
 * The result is only a candidate: callers map it into the dual domain and rescale it into the
 * feasible set (math.md section 4) before it certifies anything.
 */
public final class Extrapolation {
    /** Ridge added to {@code D^T D}, relative to its largest diagonal entry: the differences become collinear near convergence. */
    public static final double RIDGE = 1e-12;

    private Extrapolation() {
    }

    /**
     * The extrapolated vector from the last {@code K+1} entries of {@code seq} (oldest first), or
     * {@code null} when there are too few, the differences vanish, or the system is singular.
     */
    public static double[] extrapolate(List<double[]> seq, int K) {
        if (K < 1 || seq.size() < K + 1) {
            return null;
        }
        int first = seq.size() - K - 1;
        int len = seq.get(first).length;
        double[][] D = new double[K][len];
        for (int a = 0; a < K; a++) {
            double[] newer = seq.get(first + a + 1);
            double[] older = seq.get(first + a);
            for (int p = 0; p < len; p++) {
                D[a][p] = newer[p] - older[p];
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
        if (!(scale > 0) || !Double.isFinite(scale)) {
            return null;
        }
        for (int a = 0; a < K; a++) {
            M[a][a] += RIDGE * scale;
        }
        double[] z = solveAugmented(M, K, scale);
        if (z == null) {
            return null;
        }
        double sum = 0;
        for (double v : z) {
            sum += v;
        }
        if (!(Math.abs(sum) > 1e-300) || !Double.isFinite(sum)) {
            return null;
        }
        double[] out = new double[len];
        for (int a = 0; a < K; a++) {
            double ca = z[a] / sum;
            double[] xa = seq.get(first + a + 1);
            for (int p = 0; p < len; p++) {
                out[p] += ca * xa[p];
            }
        }
        for (double v : out) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return out;
    }

    /** Gaussian elimination with partial pivoting on {@code [M | b]} ({@code K x (K+1)}); {@code null} if singular. */
    private static double[] solveAugmented(double[][] M, int K, double scale) {
        for (int col = 0; col < K; col++) {
            int piv = col;
            for (int r = col + 1; r < K; r++) {
                if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) {
                    piv = r;
                }
            }
            if (!(Math.abs(M[piv][col]) > 1e-14 * scale)) {
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

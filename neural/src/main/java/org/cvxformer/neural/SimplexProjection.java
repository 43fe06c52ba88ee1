package org.cvxformer.neural;

import java.util.Arrays;

/**
 * Euclidean projection onto the probability simplex {@code {w : w >= 0, sum w = 1}} (Duchi, Shalev-Shwartz,
 * Singer, Chandra 2008, Fig. 1): sort descending, find the largest {@code rho} with
 * {@code u_rho - (sum_{j<=rho} u_j - 1) / rho > 0}, set {@code theta = (sum_{j<=rho} u_j - 1)/rho} and
 * {@code w = max(v - theta, 0)}.
 */
public final class SimplexProjection {
    private SimplexProjection() {
    }

    /** Projects {@code v[off .. off+len)} in place. */
    public static void project(double[] v, int off, int len) {
        if (len <= 0) {
            throw new IllegalArgumentException("len = " + len);
        }
        double[] u = Arrays.copyOfRange(v, off, off + len);
        Arrays.sort(u); // ascending; walk from the end
        double cum = 0.0;
        double theta = 0.0;
        for (int r = 1; r <= len; r++) {
            double ur = u[len - r];
            cum += ur;
            double t = (cum - 1.0) / r;
            if (ur - t > 0) {
                theta = t;
            }
        }
        for (int i = 0; i < len; i++) {
            v[off + i] = Math.max(v[off + i] - theta, 0.0);
        }
    }

    /** Projects each of the {@code rows} rows of the row-major {@code rows x cols} matrix at {@code off}. */
    public static void projectRows(double[] v, int off, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            project(v, off + r * cols, cols);
        }
    }
}

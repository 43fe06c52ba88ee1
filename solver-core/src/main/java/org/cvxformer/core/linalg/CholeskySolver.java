package org.cvxformer.core.linalg;

import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * A factored symmetric positive definite matrix (ojAlgo's Cholesky, kept behind this class so the
 * solvers read as the mathematics), solving {@code M X = B} for many right-hand sides at once.
 */
public final class CholeskySolver {
    private final int m;
    private final Cholesky<Double> chol;

    /** Factors the {@code m x m} row-major SPD matrix {@code spd}. */
    public CholeskySolver(double[] spd, int m) {
        if (spd.length != (long) m * m) {
            throw new IllegalArgumentException("matrix has " + spd.length + " entries, expected " + m + "x" + m);
        }
        this.m = m;
        R064Store store = R064Store.FACTORY.make(m, m);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                store.set(r, c, spd[r * m + c]);
            }
        }
        this.chol = Cholesky.R064.make(store);
        if (!chol.decompose(store) || !chol.isSPD()) {
            throw new IllegalStateException("Cholesky factorisation failed: the matrix is not positive definite (m = " + m + ")");
        }
    }

    /** Solves {@code M X = B} for {@code B} of shape {@code m x cols}, row-major; returns {@code X} in the same layout. */
    public double[] solve(double[] b, int cols) {
        if (b.length != (long) m * cols) {
            throw new IllegalArgumentException("right-hand side has " + b.length + " entries, expected " + m + "x" + cols);
        }
        R064Store rhs = R064Store.FACTORY.make(m, cols);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < cols; c++) {
                rhs.set(r, c, b[r * cols + c]);
            }
        }
        MatrixStore<Double> x = chol.getSolution(rhs);
        double[] out = new double[m * cols];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = x.doubleValue(r, c);
            }
        }
        return out;
    }
}

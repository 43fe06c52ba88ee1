package org.cvxformer.core.linalg;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.R064Store;

/**
 * Largest eigenvalues of symmetric positive semidefinite operators: {@code sigma_max(A)^2}
 * gives the Lipschitz constant of the gradient (math.md section 2).
 *
 * <p>The only place solver-core touches ojAlgo's decompositions for this, so the rest of the
 * core reads as the mathematics.
 */
public final class Spectral {
    private Spectral() {
    }

    /** A symmetric linear operator {@code out = M x} on vectors of a fixed dimension. */
    @FunctionalInterface
    public interface SymmetricOperator {
        void apply(double[] x, double[] out);
    }

    /**
     * Largest eigenvalue of a dense symmetric {@code m x m} matrix given row-major, by ojAlgo's
     * symmetric eigenvalue decomposition (exact up to rounding).
     */
    public static double largestEigenvalue(double[] symmetric, int m) {
        if (symmetric.length != (long) m * m) {
            throw new IllegalArgumentException("matrix has " + symmetric.length + " entries, expected " + m + "x" + m);
        }
        if (m == 0) {
            return 0;
        }
        R064Store store = R064Store.FACTORY.make(m, m);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                store.set(r, c, symmetric[r * m + c]);
            }
        }
        Eigenvalue<Double> evd = Eigenvalue.R064.make(m, true);
        // values only: no eigenvectors (tridiagonal QL without accumulating the rotations)
        if (!evd.computeValuesOnly(store)) {
            throw new IllegalStateException("symmetric eigenvalue decomposition failed (m = " + m + ")");
        }
        double[] re = new double[m];
        evd.getEigenvalues(re, java.util.Optional.empty());
        double max = 0;
        for (double v : re) {
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * Largest eigenvalue of a PSD operator by power iteration from a seeded random start.
     * Converges from below; iteration stops when the Rayleigh quotient changes by less than
     * {@code relTol} relative, or after {@code maxIter} steps. Callers that need an upper bound
     * must add their own safety margin (FISTA's backtracking corrects an underestimate).
     */
    public static double powerIteration(SymmetricOperator op, int dim, int maxIter, double relTol, long seed) {
        if (dim == 0) {
            return 0;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[dim];
        for (int j = 0; j < dim; j++) {
            x[j] = rng.nextDouble() - 0.5;
        }
        double[] y = new double[dim];
        double lambda = 0;
        double nx = Vec.norm2(x, 0, dim);
        for (int it = 0; it < maxIter; it++) {
            for (int j = 0; j < dim; j++) {
                x[j] /= nx;
            }
            op.apply(x, y);
            double rq = Vec.dot(x, y);
            double ny = Vec.norm2(y, 0, dim);
            if (ny == 0) {
                return 0;
            }
            double[] t = x;
            x = y;
            y = t;
            nx = ny;
            if (it > 2 && Math.abs(rq - lambda) <= relTol * Math.abs(rq)) {
                return Math.max(rq, ny);
            }
            lambda = rq;
        }
        return Math.max(lambda, nx);
    }

    /**
     * Singular values (descending) of the row-major {@code rows x cols} matrix at {@code p[off..]},
     * by ojAlgo's SVD (values only).
     */
    public static double[] singularValues(double[] p, int off, int rows, int cols) {
        R064Store m = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, p[off + i * cols + j]);
            }
        }
        SingularValue<Double> svd = SingularValue.R064.make(m);
        if (!svd.computeValuesOnly(m)) {
            throw new IllegalStateException("SVD failed");
        }
        double[] s = new double[Math.min(rows, cols)];
        svd.getSingularValues(s);
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.abs(sorted[s.length - 1 - i]);
        }
        return s;
    }

}

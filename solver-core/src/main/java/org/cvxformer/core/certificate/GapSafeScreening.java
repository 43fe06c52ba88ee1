package org.cvxformer.core.certificate;

import org.cvxformer.core.linalg.Spectral;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Problem;

/**
 * The GAP safe test (Ndiaye, Fercoq, Gramfort, Salmon, JMLR 2017; math.md section 6): with a
 * feasible {@code U} and a primal point with gap {@code G}, the dual optimum lies within
 * {@code r = sqrt(2 G / N)} of {@code U} (the dual is {@code N}-strongly concave under
 * math.md's scaling, section 3), so group {@code (l,k)} is zero at every optimum when
 * {@code ||(A^T U)_lk|| + r sigma_max(A_k) < beta}. It proves zeros only; no dual test proves a
 * group non-zero.
 */
public final class GapSafeScreening {
    private GapSafeScreening() {
    }

    /**
     * Upper bounds on {@code sigma_max(A_k)} for each token {@code k}: exact (largest eigenvalue of
     * the {@code d x d} diagonal block of the Gram matrix) when the Gram matrix is cheap, else the
     * Frobenius norm of {@code A_k} (always an upper bound, so the test stays safe).
     */
    public static double[] tokenSpectralBounds(Design A) {
        int n = A.tokens();
        int d = A.features();
        int nd = n * d;
        double[] out = new double[n];
        double[] gram = A.gramIfCheap(Problem.GRAM_WORK_LIMIT);
        for (int k = 0; k < n; k++) {
            if (gram != null) {
                double[] block = new double[d * d];
                for (int a = 0; a < d; a++) {
                    System.arraycopy(gram, (k * d + a) * nd + k * d, block, a * d, d);
                }
                // tiny relative margin: the eigen solver's rounding must not make the bound unsafe
                out[k] = Math.sqrt(Math.max(0, Spectral.largestEigenvalue(block, d)) * (1 + 1e-10));
            } else {
                double s = 0;
                for (int i = 0; i < A.samples(); i++) {
                    for (int j = 0; j < d; j++) {
                        double v = A.get(i, k, j);
                        s += v * v;
                    }
                }
                out[k] = Math.sqrt(s);
            }
        }
        return out;
    }

    /**
     * Which groups the test proves zero at the optimum, for the feasible dual point {@code U}
     * and the gap {@code gap} of some primal point against it.
     */
    public static boolean[] provablyZero(Problem pb, DualPoint U, double gap, double[] tokenSigma) {
        int c = pb.classes();
        int n = pb.tokens();
        int d = pb.features();
        double[] G = new double[pb.parameterCount()];
        pb.design().transposeMultiply(U.u(), c, G);
        double r = Math.sqrt(2 * Math.max(gap, 0) / pb.samples());
        boolean[] zero = new boolean[c * n];
        for (int g = 0; g < c * n; g++) {
            double norm = Vec.norm2(G, g * d, d);
            zero[g] = norm + r * tokenSigma[g % n] < pb.beta();
        }
        return zero;
    }
}

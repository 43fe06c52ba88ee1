package org.cvxformer.core.problem;

/**
 * The data-fitting term {@code F(S) = (1/N) sum_i loss(s_i, y_i)} of math.md section 2, with
 * what the solvers and the certificate need of it: value, gradient, Fenchel conjugate
 * {@code F*(U) = (1/N) sum_i loss*(N u_i, y_i)} (math.md section 3) and the curvature bound
 * that gives the Lipschitz constant {@code L = curvature * sigma_max(A)^2 / N}.
 *
 * <p>Scores {@code S} and dual variables {@code U} are {@code N x c}, row-major.
 */
public interface Loss {
    /** The CLI name: {@code squared} or {@code softmax}. */
    String name();

    /** {@code F(S)}. */
    double value(double[] S, Targets Y);

    /** Writes {@code U = grad F(S)} (row {@code i} is {@code grad loss(s_i, y_i) / N}) and returns {@code F(S)}. */
    double valueAndGradient(double[] S, Targets Y, double[] U);

    /** {@code F*(U)}; {@code +infinity} outside the conjugate's domain. */
    double conjugate(double[] U, Targets Y);

    /** The dual objective {@code D(U) = -F*(U)} (math.md section 3). */
    default double dual(double[] U, Targets Y) {
        return -conjugate(U, Y);
    }

    /**
     * A bound on the spectral norm of the Hessian of {@code loss(., y)}: 1 for squared loss,
     * 1/2 for softmax cross-entropy (seeds/003: {@code ||Diag(p) - p p^T||_2 <= 1/2}).
     */
    double curvature();

    /**
     * True when the Hessian of {@code F} is constant (squared loss): the global Lipschitz
     * constant is then also the local one, and adaptive step sizes have nothing to find.
     */
    default boolean hasConstantCurvature() {
        return false;
    }

    /** Rejects targets this loss cannot use, with a one-line reason. */
    void checkTargets(Targets Y);

    /** The loss named {@code squared} or {@code softmax}. */
    static Loss byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("loss is missing: expected squared or softmax");
        }
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "squared" -> SquaredLoss.INSTANCE;
            case "softmax", "cross-entropy", "crossentropy" -> SoftmaxLoss.INSTANCE;
            default -> throw new IllegalArgumentException("loss '" + name + "' is unknown: expected squared or softmax");
        };
    }
}

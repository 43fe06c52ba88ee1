package org.cvxformer.core.problem;

/**
 * A separable penalty {@code beta * Omega(Z)} with what proximal solvers and the dual need:
 * value, proximal operator, and the dual norm {@code Omega^*} that defines the dual feasible set
 * {@code Omega^*(A^T U) <= beta} (math.md section 3).
 */
public interface Penalty {
    /** {@code beta}. */
    double beta();

    /** {@code beta * Omega(Z)}. */
    double value(double[] Z);

    /** In place: {@code V <- prox_{step * beta * Omega}(V)}. */
    void prox(double[] V, double step);

    /** {@code Omega^*(G)}; {@code U} is dual feasible when {@code dualNorm(A^T U) <= beta}. */
    double dualNorm(double[] G);
}

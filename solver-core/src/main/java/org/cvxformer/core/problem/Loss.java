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

    /**
     * One block of a pass over the scores, rows {@code from..to-1}: row {@code r} of the block
     * arrays is sample {@code from + r}. Writes {@code terms[r] = loss(s_i, y_i)} (not divided
     * by {@code N}) and, when {@code U != null}, row {@code r} of {@code U} as
     * {@code grad loss(s_i, y_i) / N}, with {@code N = Y.samples()}. {@code U} may be {@code S}
     * itself (the gradient overwrites the scores). Every row is computed on its own, so a pass
     * in blocks gives the same terms as one pass over all rows ({@link ScoreStream}).
     */
    void rowValues(double[] S, Targets Y, int from, int to, double[] U, double[] terms);

    /**
     * One block of the conjugate: {@code terms[r] = loss*(N u_i, y_i)} for rows {@code from..to-1}
     * of a block of {@code U}; {@code +infinity} for a row outside the conjugate's domain.
     */
    void rowConjugates(double[] U, Targets Y, int from, int to, double[] terms);

    /** {@code F(S)}: the terms of {@link #rowValues} summed in row order, divided by {@code N}. */
    default double value(double[] S, Targets Y) {
        double[] terms = new double[Y.samples()];
        rowValues(S, Y, 0, Y.samples(), null, terms);
        return ScoreStream.sumInOrder(0, terms, terms.length) / Y.samples();
    }

    /** Writes {@code U = grad F(S)} (row {@code i} is {@code grad loss(s_i, y_i) / N}) and returns {@code F(S)}. */
    default double valueAndGradient(double[] S, Targets Y, double[] U) {
        double[] terms = new double[Y.samples()];
        rowValues(S, Y, 0, Y.samples(), U, terms);
        return ScoreStream.sumInOrder(0, terms, terms.length) / Y.samples();
    }

    /** {@code F*(U) = (1/N) sum_i loss*(N u_i, y_i)}; {@code +infinity} outside the conjugate's domain. */
    default double conjugate(double[] U, Targets Y) {
        double[] terms = new double[Y.samples()];
        rowConjugates(U, Y, 0, Y.samples(), terms);
        return ScoreStream.sumInOrder(0, terms, terms.length) / Y.samples();
    }

    /** The dual objective {@code D(U) = -F*(U)} (math.md section 3). */
    default double dual(double[] U, Targets Y) {
        return -conjugate(U, Y);
    }

    /**
     * {@code grad D(U)} of the dual objective {@code D(U) = -F*(U)} in the variables {@code U}
     * ({@code N x c}, row-major), for dual ascent (certificate.DualSearch), or {@code null} when
     * the loss does not provide it (the dual search then skips its ascent steps; every other
     * dual candidate still applies).
     */
    default double[] dualGradient(double[] U, Targets Y) {
        return null;
    }

    /**
     * True when {@code F(S) = (1/2N) ||S - Y||_F^2} exactly (squared loss): ADMM's W-update is then
     * a linear system with one matrix for all classes (solver.SquaredSystem); any other loss gets
     * the iterative update.
     */
    default boolean isUnitSquaredResidual() {
        return false;
    }

    /**
     * Moves {@code U} into the domain of the conjugate in place (nothing to do when the domain is
     * the whole space, as for squared loss), so that an affine combination of dual points that
     * left it slightly (dual extrapolation, an ascent step) can be valued honestly.
     */
    default void intoDualDomain(double[] U, Targets Y) {
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

    /**
     * The loss's state for coordinate methods on class-major scores ({@code St[l*N + i] = s_il},
     * bcd and prox-newton), or {@code null} when the loss has none; those solvers then refuse it
     * with one line ({@code Solver#refusal}). A new loss gains them by returning one.
     */
    default CoordinateScores coordinateScores(int samples, int classes) {
        return null;
    }

    /**
     * What a coordinate method updates as single scores change: whatever per-sample state the
     * loss keeps (softmax: the log-sum-exp of each row), the residual of one class and the
     * change of the loss.
     */
    interface CoordinateScores {
        /** Recomputes the per-sample state exactly from the class-major scores {@code St}. */
        void refresh(double[] St);

        /** {@code r_i = (grad F(S))_{il}} for class {@code l} and every sample {@code i}. */
        void residual(double[] St, double[] Yt, int l, double[] r);

        /** {@code St[l*N + i] += ds}, updating the state; returns the change of {@code N * F}. */
        double add(double[] St, double[] Yt, int l, int i, double ds);

        /**
         * A bound on the Hessian block of one class, {@code d^2 loss / ds_l^2} over every score
         * vector: {@code p_l (1 - p_l) <= 1/4} for softmax, 1 for squared loss.
         */
        double classCurvature();
    }

    /**
     * The weight {@code gamma} of the Hessian of one sample's loss in its scores when it has the
     * form {@code H_i = Diag(a_i) - gamma a_i a_i^T} (softmax: {@code a_i = p_i}, gamma = 1,
     * seeds/003; squared: {@code a_i = 1}, gamma = 0), the model prox-newton builds its quadratic
     * on; {@code NaN} when the loss has no such form (prox-newton then refuses it).
     */
    default double hessianRankOneWeight() {
        return Double.NaN;
    }

    /**
     * The diagonal {@code a} of that form, class-major ({@code aT[l*N + i] = a_il}), from the
     * row-major gradient {@code U = grad F(S)} at the same scores ({@link #hessianRankOneWeight}).
     */
    default void hessianDiagonal(double[] U, Targets Y, double[] aT) {
        throw new UnsupportedOperationException("loss '" + name() + "' has no Hessian of the form Diag(a) - gamma a a^T");
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

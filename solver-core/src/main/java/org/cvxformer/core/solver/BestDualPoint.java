package org.cvxformer.core.solver;

import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Penalty;
import org.cvxformer.core.problem.Problem;

/**
 * The best feasible dual point a solver has seen, from the residuals it offers. A residual
 * {@code U = grad F(A Z)} with {@code G = A^T U} is rescaled into the dual feasible set by the
 * penalty's dual rescaling {@code t = min(1, beta / dualNorm(G))} (math.md section 4) and kept when
 * {@code D(t U)} beats the best so far. The certifier rescales and re-evaluates whatever a solver
 * hands it, so this is the solver's own running lower bound, not the certificate.
 *
 * <p>Held in one place because three solvers (bcd, newton-cg, prox-newton) wrote the same
 * rescale-evaluate-keep loop; FISTA's streamed scores keep the point as {@code (y, t)} instead and
 * do not use it.
 */
final class BestDualPoint {
    private final Problem pb;
    private final Loss loss;
    private final Penalty pen;
    private double[] u;
    private double[] scaledGradient;
    private double value = Double.NEGATIVE_INFINITY;
    private String source;
    private double lastScale = Double.NaN;

    BestDualPoint(Problem pb) {
        this.pb = pb;
        this.loss = pb.loss();
        this.pen = pb.penalty();
    }

    /**
     * Offers the residual {@code U} ({@code G = A^T U}, {@code dualNorm} its penalty dual norm; both
     * read, not kept): {@code t U} replaces the best point when its dual value is larger. The scaled
     * gradient {@code t G} of the kept point is held too, for GAP safe screening. Returns true when
     * kept.
     */
    boolean offer(double[] U, double[] G, double dualNorm, String from) {
        double t = pen.rescalingOfDualNorm(dualNorm);
        lastScale = t;
        double[] ut = new double[U.length];
        for (int q = 0; q < U.length; q++) {
            ut[q] = t * U[q];
        }
        double d = loss.dual(ut, pb.targets());
        if (!(d > value)) {
            return false;
        }
        value = d;
        u = ut;
        double[] gt = new double[G.length];
        for (int q = 0; q < G.length; q++) {
            gt[q] = t * G[q];
        }
        scaledGradient = gt;
        source = from;
        return true;
    }

    /** {@code D} at the best point, {@code -inf} before any offer was kept. */
    double value() {
        return value;
    }

    /** {@code t G} of the best point (the caller must not write it), null before any was kept. */
    double[] scaledGradient() {
        return scaledGradient;
    }

    /** The rescaling {@code t} of the last offer, kept or not (NaN before any). */
    double lastScale() {
        return lastScale;
    }

    /** The best point for {@link SolverShell#finish}, null when none was kept. */
    DualPoint candidate() {
        return u == null ? null : new DualPoint(u, value, source);
    }
}

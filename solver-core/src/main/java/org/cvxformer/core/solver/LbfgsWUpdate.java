package org.cvxformer.core.solver;

import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Problem;

/**
 * ADMM's W-update for a smooth loss without a closed form (softmax): an inexact minimisation of
 * <pre>
 *   phi(W) = F(A W) + (rho/2) ||W - X||_F^2,      X = V - Lambda   (Boyd et al. 2011, 6.4.2)
 * </pre>
 * by limited-memory BFGS (Nocedal and Wright 2006, algorithm 7.4: the two-loop recursion with
 * the initial scaling {@code gamma = s^T y / y^T y}), warm-started at the previous {@code W}.
 * {@code phi} is smooth and {@code rho}-strongly convex, so every curvature pair has
 * {@code s^T y >= rho ||s||^2 > 0} and the direction is always one of descent.
 *
 * <p><b>The pairs survive from one ADMM iteration to the next.</b> With
 * {@code grad phi(W) = A^T grad F(A W) + rho (W - X)}, a step {@code s} changes the gradient by
 * {@code y = y_F + rho s}, {@code y_F = A^T grad F(A (W + s)) - A^T grad F(A W)}: the loss part
 * {@code y_F} depends neither on {@code X} (which moves every iteration) nor on {@code rho}
 * (which residual balancing changes). So the pairs {@code (s, y_F)} are stored, and
 * {@code rho s} is added when they are used: they stay exact curvature information for the
 * current subproblem, and a warm-started update needs one or two steps instead of a cold
 * quasi-Newton start each time.
 *
 * <p><b>Cost of a step: two products</b>, as one FISTA iteration. The direction {@code d} costs
 * {@code A d}; the Armijo backtracking line search on {@code phi(W + t d)} then runs on the scores
 * {@code S + t A d} alone (an exponential per score, no product); the gradient at the accepted
 * point is one {@code A^T U}. Scores, loss gradient and {@code A^T U} at {@code W} are kept
 * between calls, so a call starts without a product.
 */
final class LbfgsWUpdate {
    /** Curvature pairs kept (Nocedal and Wright 2006 recommend 3 to 20; 8 costs 16 parameter-sized arrays). */
    static final int MEMORY = 8;

    /** Sufficient-decrease constant of the Armijo line search. */
    static final double ARMIJO = 1e-4;

    /**
     * Slack in the sufficient-decrease test, relative to {@code max(1, |phi|)}, for rounding alone
     * (as {@link Fista#DECREASE_SLACK}): near the optimum the decrease of a good step is below the
     * resolution of {@code phi}, and without it the line search would reject every step there and
     * leave ADMM at a fixed point of an unsolved subproblem.
     */
    static final double ROUNDING_SLACK = 1e-13;

    /** Halvings of the step before the line search gives up (the floating-point limit is reached). */
    static final int MAX_HALVINGS = 40;

    private final Problem pb;
    private final int c;
    private final int P;
    /** Scores {@code A W}, loss gradient {@code grad F(A W)} and {@code A^T grad F(A W)} at the current W. */
    private final double[] S;
    private final double[] U;
    private final double[] gF;
    private double F;
    private final double[] Ad;
    private final double[] trial;
    private final double[][] s = new double[MEMORY][];
    private final double[][] yF = new double[MEMORY][];
    private final double[] alpha = new double[MEMORY];
    /** {@code s_i^T (y_F,i + rho s_i)} of each pair, for the two-loop recursion. */
    private final double[] sy = new double[MEMORY];
    private final double[] grad;
    private final double[] d;
    private int pairs;
    private int newest = -1;
    /** Steps taken over all calls (for the solver's message). */
    private int steps;
    /** A curvature bound for the first, pair-less step: {@code d = -grad phi / (L + rho)}. */
    private final double L;

    /** Starts at {@code W} (one {@code A W} and one {@code A^T U}). */
    LbfgsWUpdate(Problem pb, double[] W, double L) {
        this.pb = pb;
        this.c = pb.classes();
        this.P = pb.parameterCount();
        int M = pb.samples() * c;
        this.S = pb.scores(W);
        this.U = new double[M];
        this.gF = new double[P];
        this.Ad = new double[M];
        this.trial = new double[M];
        this.grad = new double[P];
        this.d = new double[P];
        this.L = L;
        this.F = pb.loss().valueAndGradient(S, pb.targets(), U);
        pb.design().transposeMultiply(U, c, gF);
    }

    /** {@code N x c} arrays held: scores, loss gradient, {@code A d} and the line search's trial scores. */
    static final int SCORE_ARRAYS = 4;

    /** Steps taken over all calls so far. */
    int steps() {
        return steps;
    }

    /**
     * Takes L-BFGS steps on {@code phi} from {@code W} (updated in place; it must be the point of
     * the previous call or of the constructor) until {@code ||grad phi||_F <= tolerance} or
     * {@code maxSteps} steps. Returns the gradient norm reached.
     */
    double apply(double[] V, double[] Lam, double rho, double[] W, int maxSteps, double tolerance) {
        double gnorm = gradient(V, Lam, rho, W, grad);
        for (int step = 0; step < maxSteps && gnorm > tolerance; step++) {
            direction(grad, rho, d);
            double slope = Vec.dot(grad, d);
            if (!(slope < 0)) {
                // cannot happen with s^T y > 0 except by rounding: fall back to the gradient
                for (int p = 0; p < P; p++) {
                    d[p] = -grad[p] / (L + rho);
                }
                slope = Vec.dot(grad, d);
            }
            pb.design().multiply(d, c, Ad);
            // phi(W + t d) = F(S + t A d) + (rho/2) (||W - X||^2 + 2 t <W - X, d> + t^2 ||d||^2)
            double wx2 = 0;
            double wxd = 0;
            double dd = 0;
            for (int p = 0; p < P; p++) {
                double r = W[p] - (V[p] - Lam[p]);
                wx2 += r * r;
                wxd += r * d[p];
                dd += d[p] * d[p];
            }
            double phi0 = F + 0.5 * rho * wx2;
            double t = 1;
            double Ft = Double.NaN;
            boolean accepted = false;
            for (int h = 0; h < MAX_HALVINGS; h++) {
                for (int q = 0; q < trial.length; q++) {
                    trial[q] = S[q] + t * Ad[q];
                }
                Ft = pb.loss().value(trial, pb.targets());
                double phit = Ft + 0.5 * rho * (wx2 + 2 * t * wxd + t * t * dd);
                if (phit <= phi0 + ARMIJO * t * slope + ROUNDING_SLACK * Math.max(1, Math.abs(phi0))) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                break; // no decrease representable along d: W is as good as this subproblem gets
            }
            // accept: W += t d, S = trial, new loss gradient and A^T U (the step's second product)
            int slot = (newest + 1) % MEMORY;
            double[] sk = s[slot] == null ? new double[P] : s[slot];
            double[] yk = yF[slot] == null ? new double[P] : yF[slot];
            for (int p = 0; p < P; p++) {
                sk[p] = t * d[p];
                W[p] += sk[p];
                yk[p] = -gF[p];
            }
            System.arraycopy(trial, 0, S, 0, S.length);
            F = pb.loss().valueAndGradient(S, pb.targets(), U);
            pb.design().transposeMultiply(U, c, gF);
            for (int p = 0; p < P; p++) {
                yk[p] += gF[p];
            }
            s[slot] = sk;
            yF[slot] = yk;
            newest = slot;
            pairs = Math.min(pairs + 1, MEMORY);
            steps++;
            gnorm = gradient(V, Lam, rho, W, grad);
        }
        return gnorm;
    }

    /** {@code grad phi(W) = A^T grad F(A W) + rho (W - V + Lambda)} into {@code grad}; returns its norm. */
    private double gradient(double[] V, double[] Lam, double rho, double[] W, double[] grad) {
        double sq = 0;
        for (int p = 0; p < P; p++) {
            grad[p] = gF[p] + rho * (W[p] - V[p] + Lam[p]);
            sq += grad[p] * grad[p];
        }
        return Math.sqrt(sq);
    }

    /**
     * {@code d = -H grad} by the two-loop recursion over the stored pairs, each used as
     * {@code (s, y_F + rho s)}; without pairs, {@code d = -grad / (L + rho)}.
     */
    private void direction(double[] grad, double rho, double[] d) {
        System.arraycopy(grad, 0, d, 0, P);
        if (pairs == 0) {
            scale(-1 / (L + rho), d);
            return;
        }
        for (int j = 0; j < pairs; j++) {
            int i = Math.floorMod(newest - j, MEMORY);
            sy[i] = Vec.dot(s[i], yF[i]) + rho * Vec.dot(s[i], s[i]);
            double a = Vec.dot(s[i], d) / sy[i];
            alpha[i] = a;
            // d -= a (yF + rho s)
            for (int p = 0; p < P; p++) {
                d[p] -= a * (yF[i][p] + rho * s[i][p]);
            }
        }
        int k = newest;
        double yy = 0;
        for (int p = 0; p < P; p++) {
            double y = yF[k][p] + rho * s[k][p];
            yy += y * y;
        }
        scale(sy[k] / yy, d);
        for (int j = pairs - 1; j >= 0; j--) {
            int i = Math.floorMod(newest - j, MEMORY);
            double yd = 0;
            for (int p = 0; p < P; p++) {
                yd += (yF[i][p] + rho * s[i][p]) * d[p];
            }
            double b = yd / sy[i];
            for (int p = 0; p < P; p++) {
                d[p] += (alpha[i] - b) * s[i][p];
            }
        }
        scale(-1, d);
    }

    private static void scale(double f, double[] v) {
        for (int p = 0; p < v.length; p++) {
            v[p] *= f;
        }
    }
}

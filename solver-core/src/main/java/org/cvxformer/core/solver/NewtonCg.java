package org.cvxformer.core.solver;

import java.util.Locale;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Penalty;
import org.cvxformer.core.problem.Problem;

/**
 * Truncated Newton (Newton-CG; Nocedal and Wright, Numerical Optimization, 2006, Algorithm 7.1)
 * on the active set, with a proximal-gradient step between Newton steps to change the active set.
 *
 * <p>On the groups with {@code z_g != 0} (and every unpenalised group) the primal
 * {@code P(Z) = F(A W) + sum_g t_g ||z_g||} ({@code t_g = beta w_g}) is twice differentiable, with
 * gradient {@code g_g = (A^T grad F)_g + t_g u_g}, {@code u_g = z_g / ||z_g||}, and Hessian
 * {@code A^T H A + Diag_g(t_g (I - u_g u_g^T) / ||z_g||)} (damped by {@code mu I}, {@code mu} proportional to {@code ||g||}: {@link #DAMPING}), where {@code H} is block diagonal over
 * samples with {@code H_i = (1/N)(Diag(a_i) - gamma a_i a_i^T)} ({@link Loss#hessianRankOneWeight},
 * {@link Loss#hessianDiagonal}; softmax: {@code a_i = p_i}, gamma = 1). One Newton step solves
 * {@code Hess d = -g} on the active groups by conjugate gradients, each product costing one
 * {@code A V} and one {@code A^T U}, stopped at {@code ||r|| <= eta ||g||} with the forcing term
 * {@code eta = min(1/2, sqrt(||g|| / ||g_0||))} (superlinear, Eisenstat and Walker 1996) or after
 * {@link #MAX_CG} products, then a backtracking Armijo search on {@code P} itself along {@code d}
 * (scores {@code S + t A d}, no further products).
 *
 * <p>Before each Newton step one proximal-gradient step with a backtracked local step (kept only
 * if it does not raise {@code P}) lets zero groups whose gradient exceeds their threshold in,
 * and sets to zero the active groups that have shrunk to below about {@code (t_g - ||G_g||) / L}; a
 * fixed point of the pair is a KKT point, and the certificate is the rescaled residual
 * (math.md section 4) as for every solver.
 *
 * <p>Why it is here: on a problem where first-order methods crawl because the loss is nearly flat
 * (a separable training set, tiny beta) but the active set is known, Newton converges in a few
 * steps. On the merged head problem of a convex stack (N = 4656, d = 128, c = 97, beta = 1e-4,
 * every group active; docs/head-certificate.md) a NumPy prototype went from relative gap 0.22 to
 * 1.6e-7 in 4 Newton steps and 228 products, where FISTA needed about 1,100 iterations for 8e-7.
 * It is not for degenerate problems (a face of optima): on the full head problem, whose four
 * positions repeat, the same steps made the gap worse ({@link RepeatedTokens} handles that).
 */
public final class NewtonCg implements Solver {
    /** Conjugate-gradient iterations (Hessian products) per Newton step at most. */
    static final int MAX_CG = 100;

    /** The damping {@code mu = DAMPING * L * ||g|| / ||g_0||} added to the Hessian ({@code L} the cheap Lipschitz estimate). */
    static final double DAMPING = 1e-3;

    /** Smallest line-search step before declaring the floating-point limit reached. */
    static final double MIN_STEP = 1e-10;

    @Override
    public String name() {
        return "newton-cg";
    }

    /**
     * The CG stopping rule {@code ||r|| <= eta ||g||}: the superlinear
     * {@code eta = min(1/2, sqrt(||g|| / ||g_0||))} (Eisenstat and Walker 1996), but never
     * tighter than the step needs for the tolerance. Near the optimum the gap falls like
     * {@code ||g||^2}, and an inexact Newton step leaves {@code ||g+|| <~ eta ||g||}, so
     * {@code eta = (1/2) sqrt(tol / gap)} already brings the gap from {@code gap} to about
     * {@code tol / 4}. Without this floor the last step solved its system to {@code eta ~ 1e-3}
     * and overshot (one-hot p = 211: relative gap 8.8e-10 where 1e-6 was asked).
     */
    static double forcingTerm(double gradientRatio, double relativeGap, double tolerance) {
        double superlinear = Math.min(0.5, Math.sqrt(gradientRatio));
        double enough = relativeGap > tolerance ? 0.5 * Math.sqrt(tolerance / relativeGap) : 0.5;
        return Math.min(0.5, Math.max(superlinear, enough));
    }

    /** Needs the Hessian form {@code Diag(a) - gamma a a^T}; holds 6 arrays of {@code N x c}. */
    @Override
    public String refusal(Problem pb) {
        return Solvers.hessianFormRefusal(name(), pb, 6);
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        Solvers.require(this, pb);
        SolverShell run = new SolverShell(name(), pb, cfg, listener);
        return new Run(pb, cfg, run).solve();
    }

    /** The state of one solve and its parts: gradient, proximal step, Hessian product, CG, line search. */
    private static final class Run {
        final Problem pb;
        final SolverConfig cfg;
        final SolverShell shell;
        final Loss loss;
        final Penalty pen;
        final Design A;
        final int N, c, d, P, groups;
        final double gamma;
        final double[] z, S, U, G, grad, aT, aR, dS, Hd, norms;
        final boolean[] active;
        double Fz;
        /** The proximal step's local curvature estimate ({@link #proxStep}); NaN before the first. */
        double L = Double.NaN;
        final BestDualPoint best;
        int products;

        Run(Problem pb, SolverConfig cfg, SolverShell shell) {
            this.pb = pb;
            this.best = new BestDualPoint(pb);
            this.cfg = cfg;
            this.shell = shell;
            this.loss = pb.loss();
            this.pen = pb.penalty();
            this.A = pb.design();
            this.N = pb.samples();
            this.c = pb.classes();
            this.d = pb.features();
            this.P = pb.parameterCount();
            this.groups = pb.groupCount();
            this.gamma = loss.hessianRankOneWeight();
            this.z = cfg.initial() != null ? cfg.initial().clone() : new double[P];
            pb.checkParameters(z, "initial Z");
            this.S = pb.scores(z);
            this.U = new double[N * c];
            this.G = new double[P];
            this.grad = new double[P];
            this.aT = new double[N * c];
            this.aR = new double[N * c];
            this.dS = new double[N * c];
            this.Hd = new double[N * c];
            this.norms = new double[groups];
            this.active = new boolean[groups];
        }

        SolverResult solve() {
            SolverShell.Stop stop;
            int it = 0;
            double g0 = Double.NaN;
            while (true) {
                double Pz = gradientAt();
                stop = shell.evaluate(it, Pz, best.value(), z);
                if (stop == null && it >= cfg.maxIterations()) {
                    stop = new SolverShell.Stop(Status.ITERATION_LIMIT, "reached the iteration limit " + cfg.maxIterations()
                            + " (Newton steps)");
                }
                if (stop != null) {
                    break;
                }
                it++;
                if (proxStep(Pz)) {
                    Pz = gradientAt();
                }
                double gn = activeGradient();
                if (Double.isNaN(g0)) {
                    g0 = gn;
                }
                if (gn == 0) {
                    continue; // the proximal step changes the active set, or the shell stops on the gap
                }
                // damping proportional to ||g|| (Li, Fukushima, Qi, Yamashita 2004): a singular Hessian
                // (softmax's shift invariance on one-hot tokens) otherwise gives CG a huge null-space
                // component; it vanishes at the optimum, so the fast local convergence stays. Scaled
                // by the curvature estimate so that it does not depend on the data's units.
                double mu = DAMPING * pb.lipschitzEstimate() * Math.min(1, gn / g0);
                double gap = Math.max(0, (Pz - best.value()) / Math.max(Pz, 1e-300));
                double[] dir = conjugateGradient(forcingTerm(gn / g0, gap, cfg.tolerance()) * gn, mu);
                if (!lineSearch(dir, Pz)) {
                    stop = new SolverShell.Stop(Status.APPROXIMATE, "line search found no decrease at relative gap "
                            + fmt(gap) + " (floating-point limit)");
                    break;
                }
            }
            DualPoint cand = best.candidate();
            int act = 0;
            for (boolean b : active) {
                act += b ? 1 : 0;
            }
            return shell.finish(stop, z, cand, it, String.format(Locale.ROOT, "%d Newton steps, %d Hessian products, %d/%d "
                    + "groups active", it, products, act, groups));
        }

        /** {@code U = grad F(S)}, {@code G = A^T U}, the rescaled-residual dual point; returns {@code P(Z)}. */
        double gradientAt() {
            Fz = loss.valueAndGradient(S, pb.targets(), U);
            A.transposeMultiply(U, c, G);
            double Pz = Fz + pen.value(z);
            best.offer(U, G, pen.dualNorm(G), "rescaled-residual");
            return Pz;
        }

        /**
         * One proximal-gradient step {@code prox(Z - G / L, 1 / L)} with a backtracked local
         * constant: {@code L} halves before each step and doubles until the quadratic upper bound
         * {@code F(V) <= F(Z) + <G, V - Z> + (L/2) ||V - Z||^2} holds (Beck and Teboulle 2009),
         * never above the cheap global estimate. A global step is too short to zero a group
         * whose gradient is close to its threshold; the local one is not. Kept (scores refreshed)
         * when it does not raise {@code P}; true when kept.
         */
        boolean proxStep(double Pz) {
            double Lmax = pb.lipschitzEstimate();
            L = Double.isNaN(L) ? Lmax : Math.min(Lmax, L / 2);
            double[] v = new double[P];
            double[] Sv = null;
            double Fv = Double.NaN;
            for (int tries = 0; tries < 60; tries++) {
                for (int q = 0; q < P; q++) {
                    v[q] = z[q] - G[q] / L;
                }
                pen.prox(v, 1 / L);
                Sv = pb.scores(v);
                Fv = loss.value(Sv, pb.targets());
                double lin = 0, sq = 0;
                for (int q = 0; q < P; q++) {
                    double e = v[q] - z[q];
                    lin += G[q] * e;
                    sq += e * e;
                }
                if (Fv <= Fz + lin + 0.5 * L * sq + 1e-15 * Math.abs(Fz) || L >= Lmax) {
                    break;
                }
                L = Math.min(Lmax, 2 * L);
            }
            double Pv = Fv + pen.value(v);
            if (!(Pv <= Pz)) {
                return false;
            }
            System.arraycopy(v, 0, z, 0, P);
            System.arraycopy(Sv, 0, S, 0, S.length);
            return true;
        }

        /** The active set, the Hessian weights at {@code S} and the gradient on the active groups; returns its norm. */
        double activeGradient() {
            loss.hessianDiagonal(U, pb.targets(), aT);
            for (int i = 0; i < N; i++) {
                for (int l = 0; l < c; l++) {
                    aR[i * c + l] = aT[l * N + i];
                }
            }
            double acc = 0;
            for (int g = 0; g < groups; g++) {
                int o = g * d;
                double t = pen.groupThreshold(g);
                norms[g] = Vec.norm2(z, o, d);
                active[g] = norms[g] > 0 || t == 0;
                for (int j = 0; j < d; j++) {
                    double r = 0;
                    if (active[g]) {
                        r = G[o + j] + (norms[g] > 0 ? t * z[o + j] / norms[g] : 0);
                    }
                    grad[o + j] = r;
                    acc += r * r;
                }
            }
            return Math.sqrt(acc);
        }

        /** {@code out = (Hess + mu I) v} on the active groups (zero elsewhere); {@code v} is zero off them. */
        void hessianTimes(double[] v, double[] out, double mu) {
            products++;
            A.multiply(v, c, dS);
            double invN = 1.0 / N;
            // rows split over the threads: each row on its own, so the bits do not depend on them
            Parallel.forRange(N, 3L * N * c, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    int o = i * c;
                    double w = 0;
                    if (gamma != 0) {
                        for (int l = 0; l < c; l++) {
                            w += aR[o + l] * dS[o + l];
                        }
                        w *= gamma;
                    }
                    for (int l = 0; l < c; l++) {
                        Hd[o + l] = aR[o + l] * (dS[o + l] - w) * invN;
                    }
                }
            });
            A.transposeMultiply(Hd, c, out);
            for (int g = 0; g < groups; g++) {
                int o = g * d;
                if (!active[g]) {
                    java.util.Arrays.fill(out, o, o + d, 0.0);
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    out[o + j] += mu * v[o + j];
                }
                double t = pen.groupThreshold(g);
                if (t == 0 || norms[g] == 0) {
                    continue;
                }
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += z[o + j] * v[o + j];
                }
                double s = t / norms[g], k = dot / (norms[g] * norms[g]);
                for (int j = 0; j < d; j++) {
                    out[o + j] += s * (v[o + j] - k * z[o + j]);
                }
            }
        }

        /** CG on {@code (Hess + mu I) x = -grad} from {@code x = 0} until {@code ||r|| <= tol} or {@link #MAX_CG} products. */
        double[] conjugateGradient(double tol, double mu) {
            double[] x = new double[P], r = new double[P], p = new double[P], q = new double[P];
            for (int k = 0; k < P; k++) {
                r[k] = -grad[k];
                p[k] = r[k];
            }
            double rr = Vec.dot(r, 0, r, 0, P);
            for (int k = 0; k < MAX_CG && Math.sqrt(rr) > tol; k++) {
                hessianTimes(p, q, mu);
                double pq = Vec.dot(p, 0, q, 0, P);
                if (!(pq > 0)) {
                    if (k == 0) {
                        System.arraycopy(r, 0, x, 0, P); // no curvature seen: the steepest-descent direction
                    }
                    break;
                }
                double alpha = rr / pq;
                for (int m = 0; m < P; m++) {
                    x[m] += alpha * p[m];
                    r[m] -= alpha * q[m];
                }
                double rrNew = Vec.dot(r, 0, r, 0, P);
                double beta = rrNew / rr;
                rr = rrNew;
                for (int m = 0; m < P; m++) {
                    p[m] = r[m] + beta * p[m];
                }
            }
            return x;
        }

        /**
         * Armijo backtracking on {@code P} along {@code dir}; a group that the step would carry
         * through zero ({@code <z_g, z_g + t d_g> <= 0}) is set to zero instead, as orthant-wise
         * methods do (Andrew and Gao 2007), since there the penalty's smooth model is void. Scores
         * are {@code S + t A dir} without such a group, recomputed with one. True when a step was taken.
         */
        boolean lineSearch(double[] dir, double Pz) {
            A.multiply(dir, c, dS);
            double slope = Vec.dot(grad, 0, dir, 0, P);
            if (!(slope < 0)) {
                return false;
            }
            double armijo = cfg.tuning().newtonArmijo();
            double[] zt = new double[P], St = new double[S.length];
            for (double t = 1; t >= MIN_STEP; t *= 0.5) {
                boolean projected = false;
                for (int g = 0; g < groups; g++) {
                    int o = g * d;
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        zt[o + j] = z[o + j] + t * dir[o + j];
                        dot += z[o + j] * zt[o + j];
                    }
                    if (norms[g] > 0 && pen.groupThreshold(g) > 0 && dot <= 0) {
                        java.util.Arrays.fill(zt, o, o + d, 0.0);
                        projected = true;
                    }
                }
                if (projected) {
                    A.multiply(zt, c, St);
                } else {
                    for (int q = 0; q < St.length; q++) {
                        St[q] = S[q] + t * dS[q];
                    }
                }
                double change = 0;
                for (int q = 0; q < P; q++) {
                    change += grad[q] * (zt[q] - z[q]);
                }
                double Pt = loss.value(St, pb.targets()) + pen.value(zt);
                if (Pt <= Pz + armijo * Math.min(change, 0) + 1e-15 * Math.abs(Pz)) {
                    System.arraycopy(zt, 0, z, 0, P);
                    if (t == 1 && !projected) {
                        System.arraycopy(pb.scores(z), 0, S, 0, S.length); // from scratch: no drift of S + dS
                    } else {
                        System.arraycopy(St, 0, S, 0, S.length);
                    }
                    return true;
                }
            }
            return false;
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}

package org.cvxformer.core.solver;

import java.util.Locale;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.problem.Problem;

/**
 * ADMM for the split {@code Z = V} (Boyd, Parikh, Chu, Peleato, Eckstein 2011, section 6.4.2,
 * group lasso; math.md section 6), scaled form:
 * <pre>
 *   W   &lt;- argmin_W F(A W) + (rho/2) ||W - V + Lambda||^2
 *   V   &lt;- prox_{(beta/rho) sum ||.||}(W + Lambda)        (group soft-thresholding)
 *   Lambda &lt;- Lambda + W - V
 * </pre>
 * <ul>
 *   <li>Squared loss: the W-update is the linear system {@code (A^T A / N + rho I) W = A^T Y / N
 *       + rho (V - Lambda)}, whose matrix is shared by all {@code c} classes and is factored by
 *       Cholesky in one of two sizes, the smaller ({@link SquaredSystem}):
 *       <ul>
 *         <li>{@code N >= n d}: the {@code nd x nd} matrix {@code A^T A / N + rho I}; an
 *             iteration is a pair of triangular solves with {@code c} columns.</li>
 *         <li>{@code N < n d}: the {@code N x N} matrix {@code K = I + A A^T / (N rho)}, through
 *             the matrix-inversion lemma (Woodbury; Boyd et al. 2011, section 4.2.4)
 *             {@code (rho I + A^T A / N)^{-1} = (1/rho) [I - A^T (N rho I + A A^T)^{-1} A]},
 *             which with {@code X = V - Lambda} gives
 *             {@code W = X + A^T K^{-1} (Y - A X) / (N rho)}: an iteration is one {@code A} and
 *             one {@code A^T} product and a pair of {@code N x N} triangular solves with
 *             {@code c} columns. Forming {@code A A^T} costs {@code N^2 nd / 2} instead of
 *             {@code N (nd)^2 / 2}, factoring it {@code N^3 / 3} instead of {@code (nd)^3 / 3}.</li>
 *       </ul>
 *       The factor is recomputed only when rho changes (residual balancing). The Gram matrix and
 *       the last few factors (by rho) are kept by this instance for the next solve on the same
 *       design, so a beta path through {@link Problem#withBeta} solved with one instance forms
 *       the Gram matrix once and, since every solve starts at the same rho, factors it again only
 *       for new values of rho. When neither Gram matrix is cheap to form
 *       ({@link Problem#GRAM_WORK_LIMIT}), the linearised update below is used instead.</li>
 *   <li>Softmax loss (and squared loss when neither Gram matrix is cheap): no closed form, so
 *       the W-update, a smooth and {@code rho}-strongly convex problem, is solved inexactly by a
 *       few warm-started L-BFGS steps whose curvature pairs carry over from one iteration to the
 *       next ({@link LbfgsWUpdate}; two products per step). It stops at
 *       {@link SolverConfig.Tuning#admmInnerSteps} steps, or earlier once
 *       {@code ||grad phi|| <= } {@link #INNER_FRACTION} {@code min(r_dual, rho r_primal)} of the
 *       previous iteration, so the subproblems are solved more accurately as ADMM converges
 *       (inexact ADMM with errors tied to the residuals, Eckstein and Bertsekas 1992). The
 *       linearised update it replaces (one gradient step per iteration) was 60x behind FISTA on
 *       mod-division p = 97 (issue 13).</li>
 * </ul>
 * Residual balancing (Boyd et al. 3.4.1, mu = 10, tau = 2) adapts rho. The iteration is fast
 * ADMM with restart (Goldstein, O'Donoghue, Setzer, Baraniuk 2014): Nesterov momentum on
 * {@code (V, Lambda)}, dropped whenever the combined residual stops falling or rho changes. The certificate is
 * evaluated at the sparse iterate {@code V}; the ADMM primal and dual residuals
 * {@code ||W - V||_F} and {@code rho ||V^k - V^{k-1}||_F} are reported in the message, with the
 * W-update used. An instance can be shared between threads: a solve borrows the cached system,
 * and concurrent solves on the same design each build their own.
 */
public final class Admm implements Solver {
    /**
     * The W-update's L-BFGS stops once its gradient norm is below this fraction of the smaller
     * ADMM residual ({@code r_dual} or {@code rho r_primal}, both in gradient units) of the
     * previous iteration.
     */
    static final double INNER_FRACTION = 0.1;

    /**
     * Fast ADMM's restart test (Goldstein et al. 2014, algorithm 8, their eta = 0.999): the
     * momentum continues while the combined residual falls by at least this factor.
     */
    static final double RESTART_ETA = 0.999;

    /**
     * Changes of rho by residual balancing after which rho stays fixed: ADMM converges for any
     * fixed rho, and with momentum a rho that keeps oscillating stalled the wide squared-loss test
     * (AdmmMatrixInversionLemmaTest) at 6.5e-6 with 548 rebalancings.
     */
    static final int MAX_REBALANCES = 20;

    /** The squared-loss system of the last solve, kept for the next solve on the same design. */
    private SquaredSystem cached;

    @Override
    public String name() {
        return "admm";
    }

    /**
     * Holds its scores and residuals as {@code N x c} arrays: the two of the certificate check at
     * V, two of the warm start, and {@link LbfgsWUpdate#SCORE_ARRAYS} of the smooth W-update.
     */
    @Override
    public String refusal(Problem pb) {
        return Solvers.scoreArraysRefusal(name(), pb, 4 + LbfgsWUpdate.SCORE_ARRAYS);
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        Solvers.require(this, pb);
        // the shared shell: clock, limits, history, stall detection, status rule, certificate
        SolverShell run = new SolverShell(name(), pb, cfg, listener);
        int c = pb.classes();
        int P = pb.parameterCount();
        int M = pb.samples() * c;
        double[] V = cfg.initial() != null ? cfg.initial() : new double[P];
        pb.checkParameters(V, "initial Z");
        double[] W = V.clone();
        double[] Lam = new double[P];
        double[] Vprev = new double[P];
        SolverConfig.Tuning tu = cfg.tuning();
        boolean squared = pb.loss().isUnitSquaredResidual();
        SquaredSystem system = squared ? borrowSystem(pb) : null;
        // rho is set from the curvature scale; L-BFGS adapts to the actual curvature, so a few
        // power steps suffice when the update is iterative (issue 13: setup is cheap)
        double Lraw = system != null ? pb.lipschitz() : pb.lipschitzEstimate();
        double L = Lraw > 0 ? Lraw : 1.0;
        double rho = Math.max(tu.admmRho() * L, 1e-12);
        SquaredSystem.WUpdate wUpdate = system != null ? system.bind(pb.targets()) : null;
        int factorisationsBefore = system != null ? system.factorisations() : 0;
        int reusesBefore = system != null ? system.reuses() : 0;
        if (cfg.initial() != null) {
            double[] S = new double[M];
            double[] U = new double[M];
            double[] G = new double[P];
            // Start the scaled multiplier at its KKT value for the warm start,
            // Lambda = -grad_W F(A V) / rho, so that an optimal warm start is a fixed point.
            pb.design().multiply(V, c, S);
            pb.loss().valueAndGradient(S, pb.targets(), U);
            pb.design().transposeMultiply(U, c, G);
            for (int p = 0; p < P; p++) {
                Lam[p] = -G[p] / rho;
            }
        }
        LbfgsWUpdate smooth = wUpdate == null ? new LbfgsWUpdate(pb, W, L) : null;
        double bestP = Double.POSITIVE_INFINITY;
        double[] bestV = V.clone();
        DualPoint bestDual = null;
        SolverShell.Stop stop = null;
        double rPrimal = Double.NaN;
        double rDual = Double.NaN;
        double[] Vh = V.clone();
        double[] Lh = Lam.clone();
        double[] Lprev = new double[P];
        double alpha = 1;
        double combinedPrev = Double.POSITIVE_INFINITY;
        int restarts = 0;
        int rebalances = 0;
        int k = 0;
        while (k < cfg.maxIterations()) {
            k++;
            // W-update at the extrapolated (Vh, Lh) (fast ADMM; equal to (V, Lambda) after a restart)
            if (wUpdate != null) {
                wUpdate.apply(Vh, Lh, rho, W);
            } else {
                // first iteration: no residuals yet, so the full number of steps
                double innerTol = k == 1 ? 0 : INNER_FRACTION * Math.min(rDual, rho * rPrimal);
                smooth.apply(Vh, Lh, rho, W, tu.admmInnerSteps(), innerTol);
            }
            // V-update and multiplier, from the extrapolated point
            System.arraycopy(V, 0, Vprev, 0, P);
            System.arraycopy(Lam, 0, Lprev, 0, P);
            for (int p = 0; p < P; p++) {
                V[p] = W[p] + Lh[p];
            }
            pb.penalty().prox(V, 1.0 / rho);
            double rr = 0;
            double ss = 0;
            for (int p = 0; p < P; p++) {
                double d = W[p] - V[p];
                Lam[p] = Lh[p] + d;
                rr += d * d;
                double e = V[p] - Vh[p];
                ss += e * e;
            }
            rPrimal = Math.sqrt(rr);
            rDual = rho * Math.sqrt(ss);
            // Fast ADMM with restart (Goldstein, O'Donoghue, Setzer, Baraniuk 2014, algorithm 8):
            // Nesterov momentum on (V, Lambda) while the combined residual
            // ||Lambda - Lh||^2 + ||V - Vh||^2 falls by the factor RESTART_ETA, else restart
            // (Lambda - Lh = W - V, so its square is rr)
            double combined = rr + ss;
            if (combined < RESTART_ETA * combinedPrev) {
                double alphaNew = 0.5 * (1 + Math.sqrt(1 + 4 * alpha * alpha));
                double m = (alpha - 1) / alphaNew;
                for (int p = 0; p < P; p++) {
                    Vh[p] = V[p] + m * (V[p] - Vprev[p]);
                    Lh[p] = Lam[p] + m * (Lam[p] - Lprev[p]);
                }
                alpha = alphaNew;
                combinedPrev = combined;
            } else {
                alpha = 1;
                System.arraycopy(V, 0, Vh, 0, P);
                System.arraycopy(Lam, 0, Lh, 0, P);
                combinedPrev = combinedPrev / RESTART_ETA;
                restarts++;
            }

            boolean check = k % tu.admmGapEvery() == 0 || k == 1 || k == cfg.maxIterations();
            if (check || run.outOfTime()) {
                double[] Sv = pb.scores(V);
                double[] Uv = new double[M];
                double Pv = pb.loss().valueAndGradient(Sv, pb.targets(), Uv) + pb.penalty().value(V);
                if (!Double.isFinite(Pv)) {
                    stop = new SolverShell.Stop(Status.FAILED, "a non-finite objective appeared at iteration " + k
                            + " (returning the best finite iterate)");
                    break;
                }
                if (Pv < bestP) {
                    bestP = Pv;
                    System.arraycopy(V, 0, bestV, 0, P);
                }
                DualPoint dp = Certifier.dualPoint(pb, Uv, "rescaled-residual at V");
                if (bestDual == null || dp.value() > bestDual.value()) {
                    bestDual = dp;
                }
                stop = run.evaluate(k, bestP, bestDual.value(), bestV);
                if (stop != null) {
                    break;
                }
            }
            // residual balancing (Boyd et al. 2011, 3.4.1); the scaled multiplier rescales with rho
            // (a change of rho restarts the momentum: the extrapolation mixed multipliers of one scale)
            boolean rebalanced = false;
            if (rebalances >= MAX_REBALANCES) {
                // rho is fixed from here on (convergence needs rho constant eventually; Boyd et al. 2011, 3.4.1)
            } else if (rPrimal > tu.admmMu() * rDual) {
                rho *= tu.admmTau();
                scale(Lam, 1 / tu.admmTau());
                rebalanced = true;
            } else if (rDual > tu.admmMu() * rPrimal) {
                rho /= tu.admmTau();
                scale(Lam, tu.admmTau());
                rebalanced = true;
            }
            if (rebalanced) {
                rebalances++;
                alpha = 1;
                System.arraycopy(V, 0, Vh, 0, P);
                System.arraycopy(Lam, 0, Lh, 0, P);
                combinedPrev = Double.POSITIVE_INFINITY;
            }
        }
        if (stop == null) {
            stop = run.iterationLimit();
        }
        String update;
        if (system != null) {
            update = String.format(Locale.ROOT, "Cholesky W-update on the %s (%d factorisations, %d reused)",
                    system.kind().description(), system.factorisations() - factorisationsBefore,
                    system.reuses() - reusesBefore);
            keepSystem(system);
        } else {
            update = String.format(Locale.ROOT, "L-BFGS W-update (%d steps in all%s)", smooth.steps(),
                    squared ? "; neither A^T A nor A A^T is cheap to form" : "");
        }
        return run.finish(stop, bestV, bestDual, k, String.format(Locale.ROOT,
                "ADMM residuals primal %.3e, dual %.3e; rho %.4g; %d momentum restarts; %s", rPrimal, rDual, rho, restarts,
                update));
    }

    /**
     * The squared-loss system for {@code pb}'s design: the cached one if it belongs to this
     * design (taken out of the cache for the duration of the solve), else a new one, or
     * {@code null} when neither Gram matrix is cheap.
     */
    private SquaredSystem borrowSystem(Problem pb) {
        synchronized (this) {
            if (cached != null && cached.design() == pb.design()) {
                SquaredSystem s = cached;
                cached = null;
                return s;
            }
        }
        return SquaredSystem.choose(pb.design(), Problem.GRAM_WORK_LIMIT);
    }

    private synchronized void keepSystem(SquaredSystem s) {
        cached = s;
    }

    private static void scale(double[] v, double f) {
        for (int p = 0; p < v.length; p++) {
            v[p] *= f;
        }
    }
}

package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.certificate.Certificate;
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
 *   <li>Softmax loss: no closed form, so the W-update is linearised (one gradient step on the
 *       augmented Lagrangian with step {@code 1/(L + rho)}, L from math.md section 2): a standard
 *       inexact ADMM that keeps each iteration at one {@code A W} and one {@code A^T U}; an
 *       inner Newton solve would cost more per iteration than it saves on these problems.</li>
 * </ul>
 * Residual balancing (Boyd et al. 3.4.1, mu = 10, tau = 2) adapts rho. The certificate is
 * evaluated at the sparse iterate {@code V}; the ADMM primal and dual residuals
 * {@code ||W - V||_F} and {@code rho ||V^k - V^{k-1}||_F} are reported in the message, with the
 * W-update used. An instance can be shared between threads: a solve borrows the cached system,
 * and concurrent solves on the same design each build their own.
 */
public final class Admm implements Solver {

    /** The squared-loss system of the last solve, kept for the next solve on the same design. */
    private SquaredSystem cached;

    @Override
    public String name() {
        return "admm";
    }

    /** Holds its scores and residuals as {@code N x c} arrays (5 of them at most). */
    @Override
    public String refusal(Problem pb) {
        return Solvers.scoreArraysRefusal(name(), pb, 5);
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        Solvers.require(this, pb);
        long t0 = System.nanoTime();
        int c = pb.classes();
        int P = pb.parameterCount();
        int M = pb.samples() * c;
        double[] V = cfg.initial() != null ? cfg.initial() : new double[P];
        pb.checkParameters(V, "initial Z");
        double[] W = V.clone();
        double[] Lam = new double[P];
        double[] Vprev = new double[P];
        double L = pb.lipschitz() > 0 ? pb.lipschitz() : 1.0;
        SolverConfig.Tuning tu = cfg.tuning();
        double rho = Math.max(tu.admmRho() * L, 1e-12);
        boolean squared = pb.loss().name().equals("squared");
        SquaredSystem system = squared ? borrowSystem(pb) : null;
        SquaredSystem.WUpdate wUpdate = system != null ? system.bind(pb.targets()) : null;
        int factorisationsBefore = system != null ? system.factorisations() : 0;
        int reusesBefore = system != null ? system.reuses() : 0;
        double[] S = new double[M];
        double[] U = new double[M];
        double[] G = new double[P];
        if (cfg.initial() != null) {
            // Start the scaled multiplier at its KKT value for the warm start,
            // Lambda = -grad_W F(A V) / rho, so that an optimal warm start is a fixed point.
            pb.design().multiply(V, c, S);
            pb.loss().valueAndGradient(S, pb.targets(), U);
            pb.design().transposeMultiply(U, c, G);
            for (int p = 0; p < P; p++) {
                Lam[p] = -G[p] / rho;
            }
        }
        double bestP = Double.POSITIVE_INFINITY;
        double[] bestV = V.clone();
        DualPoint bestDual = null;
        List<IterationRecord> history = new ArrayList<>();
        Status status = Status.ITERATION_LIMIT;
        StallDetector stall = new StallDetector(cfg.stallIterations());
        String message = "reached the iteration limit " + cfg.maxIterations();
        double rPrimal = Double.NaN;
        double rDual = Double.NaN;
        int k = 0;
        int lastRecorded = 0;
        while (k < cfg.maxIterations()) {
            k++;
            // W-update
            if (wUpdate != null) {
                wUpdate.apply(V, Lam, rho, W);
            } else {
                pb.design().multiply(W, c, S);
                pb.loss().valueAndGradient(S, pb.targets(), U);
                pb.design().transposeMultiply(U, c, G);
                double step = 1.0 / (L + rho);
                for (int p = 0; p < P; p++) {
                    W[p] -= step * (G[p] + rho * (W[p] - V[p] + Lam[p]));
                }
            }
            // V-update and multiplier
            System.arraycopy(V, 0, Vprev, 0, P);
            for (int p = 0; p < P; p++) {
                V[p] = W[p] + Lam[p];
            }
            pb.penalty().prox(V, 1.0 / rho);
            double rr = 0;
            double ss = 0;
            for (int p = 0; p < P; p++) {
                double d = W[p] - V[p];
                Lam[p] += d;
                rr += d * d;
                double e = V[p] - Vprev[p];
                ss += e * e;
            }
            rPrimal = Math.sqrt(rr);
            rDual = rho * Math.sqrt(ss);

            boolean check = k % tu.admmGapEvery() == 0 || k == 1 || k == cfg.maxIterations();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (check || seconds >= cfg.maxSeconds()) {
                double[] Sv = pb.scores(V);
                double[] Uv = new double[M];
                double Pv = pb.loss().valueAndGradient(Sv, pb.targets(), Uv) + pb.penalty().value(V);
                if (!Double.isFinite(Pv)) {
                    status = Status.FAILED;
                    message = "a non-finite objective appeared at iteration " + k;
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
                double gap = bestP - bestDual.value();
                IterationRecord rec = new IterationRecord(k, seconds, bestP, bestDual.value(), gap);
                if (k - lastRecorded >= cfg.historyEvery()) {
                    lastRecorded = k;
                    history.add(rec);
                    listener.onIteration(rec, bestV);
                }
                if (rec.relativeGap() <= cfg.tolerance()) {
                    status = Status.OPTIMAL;
                    message = String.format(Locale.ROOT, "relative duality gap %.3e <= tolerance %.3e", rec.relativeGap(),
                            cfg.tolerance());
                    break;
                }
                String stalled = stall.update(bestP, bestDual.value());
                if (stalled != null) {
                    status = Status.APPROXIMATE;
                    message = stalled;
                    break;
                }
                if (seconds >= cfg.maxSeconds()) {
                    status = Status.TIME_LIMIT;
                    message = "reached the time limit of " + cfg.maxSeconds() + " s";
                    break;
                }
            }
            // residual balancing (Boyd et al. 2011, 3.4.1); the scaled multiplier rescales with rho
            if (rPrimal > tu.admmMu() * rDual) {
                rho *= tu.admmTau();
                scale(Lam, 1 / tu.admmTau());
            } else if (rDual > tu.admmMu() * rPrimal) {
                rho /= tu.admmTau();
                scale(Lam, tu.admmTau());
            }
        }
        Certificate cert = Certifier.certify(pb, bestV, bestDual);
        status = SolverShell.status(status, cert.relativeGap(), cfg.tolerance());
        String update;
        if (system != null) {
            update = String.format(Locale.ROOT, "Cholesky W-update on the %s (%d factorisations, %d reused)",
                    system.kind().description(), system.factorisations() - factorisationsBefore,
                    system.reuses() - reusesBefore);
            keepSystem(system);
        } else {
            update = squared ? "linearised W-update (neither A^T A nor A A^T is cheap to form)" : "linearised W-update";
        }
        message += String.format(Locale.ROOT, "; ADMM residuals primal %.3e, dual %.3e; rho %.4g; %s", rPrimal, rDual,
                rho, update);
        return new SolverResult(name(), bestV, cert, status, k, (System.nanoTime() - t0) * 1e-9, history, message);
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

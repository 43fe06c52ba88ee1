package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.linalg.CholeskySolver;
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
 *       + rho (V - Lambda)}, whose matrix is shared by all {@code c} classes: factored once by
 *       Cholesky and refactored only when rho changes (residual balancing), reused across a beta
 *       path through {@link Problem#withBeta} (the Gram matrix is recomputed per solve, the
 *       factor per rho). When the Gram matrix is too expensive to form, the linearised update
 *       below is used instead.</li>
 *   <li>Softmax loss: no closed form, so the W-update is linearised (one gradient step on the
 *       augmented Lagrangian with step {@code 1/(L + rho)}, L from math.md section 2): a standard
 *       inexact ADMM that keeps each iteration at one {@code A W} and one {@code A^T U}; an
 *       inner Newton solve would cost more per iteration than it saves on these problems.</li>
 * </ul>
 * Residual balancing (Boyd et al. 3.4.1, mu = 10, tau = 2) adapts rho. The certificate is
 * evaluated at the sparse iterate {@code V}; the ADMM primal and dual residuals
 * {@code ||W - V||_F} and {@code rho ||V^k - V^{k-1}||_F} are reported in the message.
 */
public final class Admm implements Solver {
    static final double MU = 10;
    static final double TAU = 2;
    static final int CHECK_EVERY = 5;

    @Override
    public String name() {
        return "admm";
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        long t0 = System.nanoTime();
        int c = pb.classes();
        int nd = pb.tokens() * pb.features();
        int P = pb.parameterCount();
        int M = pb.samples() * c;
        int N = pb.samples();
        double beta = pb.beta();
        double[] V = cfg.initial() != null ? cfg.initial() : new double[P];
        pb.checkParameters(V, "initial Z");
        double[] W = V.clone();
        double[] Lam = new double[P];
        double[] Vprev = new double[P];
        double L = pb.lipschitz() > 0 ? pb.lipschitz() : 1.0;
        double rho = Math.max(L, 1e-12);
        boolean squared = pb.loss().name().equals("squared");
        double[] gram = squared ? pb.design().gramIfCheap(Problem.GRAM_WORK_LIMIT) : null;
        double[] aty = null;
        CholeskySolver chol = null;
        double cholRho = Double.NaN;
        if (gram != null) {
            // A^T Y / N in the (nd x c) layout
            double[] Y = new double[M];
            for (int i = 0; i < N; i++) {
                for (int l = 0; l < c; l++) {
                    Y[i * c + l] = pb.targets().get(i, l) / N;
                }
            }
            double[] g = new double[P];
            pb.design().transposeMultiply(Y, c, g);
            aty = toColumns(g, c, nd);
        }
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
        String message = "reached the iteration limit " + cfg.maxIterations();
        double rPrimal = Double.NaN;
        double rDual = Double.NaN;
        int k = 0;
        int lastRecorded = 0;
        int refactors = 0;
        while (k < cfg.maxIterations()) {
            k++;
            // W-update
            if (gram != null) {
                if (chol == null || rho != cholRho) {
                    double[] m = new double[nd * nd];
                    for (int p = 0; p < m.length; p++) {
                        m[p] = gram[p] / N;
                    }
                    for (int q = 0; q < nd; q++) {
                        m[q * nd + q] += rho;
                    }
                    chol = new CholeskySolver(m, nd);
                    cholRho = rho;
                    refactors++;
                }
                double[] rhs = aty.clone();
                for (int l = 0; l < c; l++) {
                    for (int q = 0; q < nd; q++) {
                        rhs[q * c + l] += rho * (V[l * nd + q] - Lam[l * nd + q]);
                    }
                }
                fromColumns(chol.solve(rhs, c), W, c, nd);
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

            boolean check = k % CHECK_EVERY == 0 || k == 1 || k == cfg.maxIterations();
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
                if (seconds >= cfg.maxSeconds()) {
                    status = Status.TIME_LIMIT;
                    message = "reached the time limit of " + cfg.maxSeconds() + " s";
                    break;
                }
            }
            // residual balancing (Boyd et al. 2011, 3.4.1); the scaled multiplier rescales with rho
            if (rPrimal > MU * rDual) {
                rho *= TAU;
                scale(Lam, 1 / TAU);
            } else if (rDual > MU * rPrimal) {
                rho /= TAU;
                scale(Lam, TAU);
            }
        }
        Certificate cert = Certifier.certify(pb, bestV, bestDual);
        if (status != Status.OPTIMAL && status != Status.FAILED && cert.relativeGap() <= cfg.tolerance()) {
            status = Status.OPTIMAL;
        }
        message += String.format(Locale.ROOT, "; ADMM residuals primal %.3e, dual %.3e; rho %.4g; %s W-update%s", rPrimal,
                rDual, rho, gram != null ? "Cholesky" : "linearised", gram != null ? " (" + refactors + " factorisations)" : "");
        return new SolverResult(name(), bestV, cert, status, k, (System.nanoTime() - t0) * 1e-9, history, message);
    }

    private static void scale(double[] v, double f) {
        for (int p = 0; p < v.length; p++) {
            v[p] *= f;
        }
    }

    /** Parameter layout (c x nd) to the (nd x c) right-hand-side layout. */
    private static double[] toColumns(double[] z, int c, int nd) {
        double[] r = new double[z.length];
        for (int l = 0; l < c; l++) {
            for (int q = 0; q < nd; q++) {
                r[q * c + l] = z[l * nd + q];
            }
        }
        return r;
    }

    private static void fromColumns(double[] x, double[] z, int c, int nd) {
        for (int l = 0; l < c; l++) {
            for (int q = 0; q < nd; q++) {
                z[l * nd + q] = x[q * c + l];
            }
        }
    }
}

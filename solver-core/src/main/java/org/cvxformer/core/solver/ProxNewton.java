package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.linalg.Spectral;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.GroupL2Penalty;
import org.cvxformer.core.problem.Penalty;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.TokenBlocks;

/**
 * Proximal Newton (glmnet; skglm's GroupProxNewton) for the group-lasso primal.
 *
 * <p>At the current point {@code Z} (scores {@code S}, probabilities {@code p_i}) the smooth
 * part is replaced by its exact second-order model
 * {@code F + <G, D> + (1/2N) sum_i (A_i D)^T H_i (A_i D)} with {@code H_i = Diag(p_i) - p_i p_i^T}
 * (softmax, coupling the classes) or {@code H_i = I} (squared; the model is then exact and one
 * outer step suffices up to the inner accuracy). The penalised model
 * {@code Q(D) = model(D) + beta sum ||z_lk + D_lk||} is minimised inexactly by cyclic group
 * coordinate descent: group {@code (l,k)} takes a proximal step on the model with the block
 * curvature {@code lambda_max((1/N) A_k^T Diag(p_il (1 - p_il)) A_k)} (exact for sparse blocks,
 * where that {@code d x d} matrix is cheap, and diagonal for one-hot tokens; for dense blocks the
 * bound {@code min(trace, max_i p_il(1-p_il) sigma_max(A_k)^2) / N}). The model gradient of a
 * block is {@code A_k^T r} with {@code r_i = u_il + p_il (dS_il - sum_m p_im dS_im) / N},
 * {@code dS = A D} maintained incrementally with {@code w_i = sum_m p_im dS_im}, so a block
 * costs {@code O(N + nnz(A_k))}. Then a backtracking (Armijo) line search on {@code P} along
 * {@code D}. Stops on the certified gap (rescaled residual at {@code Z}; {@link Certifier}
 * makes the final certificate).
 *
 * <p>The subproblems run over the non-zero groups and the zero groups with
 * {@code ||g_lk|| > beta / 2}: a group left out has {@code ||g_lk|| < beta}, i.e. satisfies its
 * zero-group KKT condition, so a fixed point of the restricted iteration is optimal (and the
 * gap certifies it either way). GAP safe screening (see {@link BlockCoordinateDescent} for the
 * radius) removes groups for good. An iteration is one Newton step.
 */
public final class ProxNewton implements Solver {
    /** Smallest line-search step before declaring the floating-point limit reached. */
    static final double MIN_STEP = 1e-10;

    /** Block widths up to this get an exact eigendecomposition for their curvature; wider ones a power iteration. */
    static final int EXACT_EIGEN_LIMIT = 32;

    /** Margin on a power-iteration estimate of a block curvature (it converges from below). */
    static final double POWER_MARGIN = 1.05;

    /** An inner epoch whose model decrease is below this fraction of the first epoch's ends the subproblem. */
    static final double INNER_RELATIVE_PROGRESS = 1e-3;

    @Override
    public String name() {
        return "prox-newton";
    }

    /** Holds its scores and residuals as {@code N x c} arrays (7 of them at most). */
    @Override
    public String refusal(Problem pb) {
        return Solvers.hessianFormRefusal(name(), pb, 7);
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        Solvers.require(this, pb);
        // the shared shell: clock, limits, history, stall detection, status rule, certificate
        SolverShell run = new SolverShell(name(), pb, cfg, listener);
        SolverConfig.Tuning tu = cfg.tuning();
        Loss loss = pb.loss();
        // the model's Hessian per sample, Diag(a_i) - gamma a_i a_i^T (Loss#hessianRankOneWeight)
        double gamma = loss.hessianRankOneWeight();
        boolean constantCurvature = loss.hasConstantCurvature();
        Design A = pb.design();
        Penalty pen = pb.penalty();
        TokenBlocks B = pb.tokenBlocks();
        int N = pb.samples(), n = pb.tokens(), d = pb.features(), c = pb.classes();
        int groups = c * n, P = pb.parameterCount();
        double beta = pb.beta();
        double[] z = cfg.initial() != null ? cfg.initial() : new double[P];
        pb.checkParameters(z, "initial Z");
        double[] sigma2Step = new double[n];
        for (int k = 0; k < n; k++) {
            sigma2Step[k] = B.sigmaMaxSquaredStep(k);
        }
        boolean[] screened = new boolean[groups];
        double[] S = pb.scores(z);
        double[] U = new double[N * c];
        double[] G = new double[P];
        double[] aT = new double[N * c]; // class-major a_il of the Hessian form (softmax: p_il)
        double[] Ut = new double[N * c]; // class-major u_il
        double[] dSt = new double[N * c]; // class-major A D
        double[] w = new double[N];
        double[] D = new double[P];
        double[] r = new double[N];
        double[] blk = new double[d];
        double[] v = new double[d];
        double[] step = new double[d];
        double[] ds = new double[N];
        int[] touched = new int[N];
        boolean[] mark = new boolean[N];
        double[] Lb = new double[groups];
        double[] H = B.cheapWeightedGram() ? new double[d * d] : null;
        double[] wts = new double[N];

        BestDualPoint best = new BestDualPoint(pb);
        SolverShell.Stop stop;
        int it = 0;
        int innerTotal = 0;
        int screenedCount = 0;
        while (true) {
            double F = loss.valueAndGradient(S, pb.targets(), U);
            A.transposeMultiply(U, c, G);
            double Pz = F + pen.value(z);
            double gn = pen.dualNorm(G);
            boolean improved = best.offer(U, G, gn, "rescaled-residual");
            double gap = Pz - best.value();
            double rel = gap / Math.max(Pz, 1e-300);
            stop = run.evaluate(it, Pz, best.value(), z);
            if (stop == null && it >= cfg.maxIterations()) {
                stop = new SolverShell.Stop(Status.ITERATION_LIMIT, "reached the iteration limit " + cfg.maxIterations()
                        + " (Newton steps)");
            }
            if (stop != null) {
                break;
            }
            it++;
            // GAP safe screening with the current residual when it is the best dual point
            if (tu.screening() && improved) {
                screenedCount += GapSafeScreening.screen(pb, gap, best.scaledGradient(), screened);
            }
            // class-major residuals and Hessian diagonal at the current point
            for (int i = 0; i < N; i++) {
                for (int l = 0; l < c; l++) {
                    Ut[l * N + i] = U[i * c + l];
                }
            }
            loss.hessianDiagonal(U, pb.targets(), aT);
            // working set and block curvatures
            List<Integer> ws = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                if (screened[g]) {
                    continue;
                }
                if (Vec.norm2(z, g * d, d) > 0 || Vec.norm2(G, g * d, d) > 0.5 * beta) {
                    ws.add(g);
                    Lb[g] = blockCurvature(B, g / n, g % n, constantCurvature ? loss.curvature() : Double.NaN, gamma, aT, N, d, H,
                            wts, sigma2Step);
                }
            }
            // screened groups that are still non-zero enter the direction as -z (set to zero)
            java.util.Arrays.fill(D, 0.0);
            java.util.Arrays.fill(dSt, 0.0);
            java.util.Arrays.fill(w, 0.0);
            for (int g = 0; g < groups; g++) {
                if (screened[g] && Vec.norm2(z, g * d, d) > 0) {
                    for (int j = 0; j < d; j++) {
                        step[j] = -z[g * d + j];
                    }
                    applyDirection(B, g / n, g % n, g * d, d, step, D, dSt, w, aT, gamma, N, ds, touched, mark);
                }
            }
            // inner coordinate descent on the penalised quadratic model
            double first = -1;
            for (int e = 0; e < tu.newtonInnerEpochs(); e++) {
                innerTotal++;
                double progress = 0;
                for (int g : ws) {
                    int l = g / n, k = g % n, off = g * d;
                    double L = Lb[g];
                    if (!(L > 0)) {
                        continue;
                    }
                    int lo = l * N;
                    double invN = 1.0 / N;
                    // gradient of the model for class l: U + H dS / N, (H dS)_il = a_il (dS_il - w_i)
                    for (int i = 0; i < N; i++) {
                        r[i] = Ut[lo + i] + aT[lo + i] * (dSt[lo + i] - w[i]) * invN;
                    }
                    B.transposeMultiply(k, r, 0, blk, 0);
                    for (int j = 0; j < d; j++) {
                        v[j] = z[off + j] + D[off + j] - blk[j] / L;
                    }
                    GroupL2Penalty.groupSoftThreshold(v, 0, d, pen.groupThreshold(g) / L);
                    double ch = 0;
                    for (int j = 0; j < d; j++) {
                        step[j] = v[j] - z[off + j] - D[off + j];
                        ch += step[j] * step[j];
                    }
                    if (ch == 0) {
                        continue;
                    }
                    progress += 0.5 * L * ch;
                    applyDirection(B, l, k, off, d, step, D, dSt, w, aT, gamma, N, ds, touched, mark);
                }
                // Stop when an epoch changes the model far less than the first one did. Not
                // relative to the duality gap: near the optimum the gap is dominated by the dual
                // point's lag (first order in ||Z - Z*||, the primal error is second order), so
                // a gap-relative rule stopped the subproblems after about 2 epochs and Newton
                // converged only linearly (97 steps against 11 on mod-division p = 97).
                if (first < 0) {
                    first = progress;
                }
                if (progress <= INNER_RELATIVE_PROGRESS * first) {
                    break;
                }
            }
            // backtracking line search on P along D
            double lin = 0;
            for (int q = 0; q < P; q++) {
                lin += G[q] * D[q];
            }
            double[] zt = new double[P];
            for (int q = 0; q < P; q++) {
                zt[q] = z[q] + D[q];
            }
            double pred = lin + pen.value(zt) - pen.value(z);
            double t = 1;
            double[] St = new double[N * c];
            boolean accepted = false;
            while (t >= MIN_STEP) {
                for (int q = 0; q < P; q++) {
                    zt[q] = z[q] + t * D[q];
                }
                for (int i = 0; i < N; i++) {
                    for (int l = 0; l < c; l++) {
                        St[i * c + l] = S[i * c + l] + t * dSt[l * N + i];
                    }
                }
                double Pt = loss.value(St, pb.targets()) + pen.value(zt);
                if (Pt <= Pz + tu.newtonArmijo() * t * Math.min(pred, 0) + 1e-15 * Math.abs(Pz)) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                stop = new SolverShell.Stop(Status.APPROXIMATE, "line search found no decrease at relative gap " + fmt(rel)
                        + " (floating-point limit)");
                break;
            }
            System.arraycopy(zt, 0, z, 0, P);
            if (t == 1 && !constantCurvature) {
                S = pb.scores(z); // recompute from scratch: no drift from the incremental S + t dS (a quadratic loss keeps it)
            } else {
                System.arraycopy(St, 0, S, 0, S.length);
            }
        }
        DualPoint cand = best.candidate();
        return run.finish(stop, z, cand, it, String.format(Locale.ROOT, "%d Newton steps, %d inner epochs, %d/%d groups "
                + "screened", it, innerTotal, screenedCount, groups));
    }

    /** {@code D_g += step}, {@code dS_{:,l} += A_k step} and {@code w_i += gamma a_il (A_k step)_i}. */
    private static void applyDirection(TokenBlocks B, int l, int k, int off, int d, double[] step, double[] D,
            double[] dSt, double[] w, double[] aT, double gamma, int N, double[] ds, int[] touched,
            boolean[] mark) {
        for (int j = 0; j < d; j++) {
            D[off + j] += step[j];
        }
        int m = B.multiplyTouched(k, step, 0, ds, touched, mark);
        int lo = l * N;
        for (int q = 0; q < m; q++) {
            int i = touched[q];
            double x = ds[i];
            dSt[lo + i] += x;
            if (gamma != 0) {
                w[i] += gamma * aT[lo + i] * x;
            }
            ds[i] = 0;
            mark[i] = false;
        }
    }

    /**
     * An upper bound on the largest eigenvalue of the model's diagonal block of group (l, k):
     * {@code constant * sigma_max(A_k)^2 / N} for a loss of constant curvature, otherwise from the
     * weights {@code a_il (1 - gamma a_il)}, the (l, l) entries of the samples' Hessians.
     */
    private static double blockCurvature(TokenBlocks B, int l, int k, double constant, double gamma, double[] aT, int N,
            int d, double[] H, double[] wts, double[] sigma2Step) {
        if (!Double.isNaN(constant)) {
            return constant * sigma2Step[k] / N;
        }
        double wmax = 0;
        for (int i = 0; i < N; i++) {
            double a = aT[l * N + i];
            wts[i] = Math.max(0, a * (1 - gamma * a));
            wmax = Math.max(wmax, wts[i]);
        }
        double crude = wmax * sigma2Step[k] / N;
        if (H == null) {
            // dense block: trace bound sum_i w_i ||x_ik||^2 would need a pass over the block; the
            // max bound is as cheap and tight when the weights are even
            return crude;
        }
        B.weightedGram(k, wts, H);
        boolean diagonal = true;
        double dmax = 0;
        for (int a = 0; a < d && diagonal; a++) {
            for (int b = 0; b < d; b++) {
                if (a != b && H[a * d + b] != 0) {
                    diagonal = false;
                    break;
                }
            }
            dmax = Math.max(dmax, H[a * d + a]);
        }
        double ev;
        if (diagonal) {
            ev = dmax;
        } else if (d <= EXACT_EIGEN_LIMIT) {
            ev = Spectral.largestEigenvalue(H, d);
        } else {
            // an estimate, not a bound: a step it makes too long is caught by the line search
            ev = POWER_MARGIN * Spectral.powerIteration((x, out) -> {
                for (int a = 0; a < d; a++) {
                    out[a] = Vec.dot(H, a * d, x, 0, d);
                }
            }, d, 100, 1e-6, 0x5eed);
        }
        return Math.min(crude, ev * (1 + 1e-10) / N);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}

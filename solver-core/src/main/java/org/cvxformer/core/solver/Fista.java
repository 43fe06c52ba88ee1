package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.GroupL2Penalty;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;

/**
 * FISTA (Beck and Teboulle 2009) with backtracking on the Lipschitz constant and adaptive
 * restart by the gradient scheme of O'Donoghue and Candes 2015, for the group-lasso primal of
 * math.md section 2. Step {@code 1/L} with {@code L = curvature sigma_max(A)^2 / N}
 * (math.md section 2); backtracking only matters when {@code sigma_max} is estimated.
 *
 * <p>One {@code A W} and one {@code A^T U} per iteration: scores are tracked linearly
 * ({@code S_y = S_x + m (S_x - S_x')}), and the gradient at the extrapolated point doubles as a
 * dual candidate (rescaled into the feasible set, math.md section 4), so the duality gap is
 * known at every iteration for free. Near the tolerance the residual at the iterate itself is
 * also tried. The final certificate is computed by {@link Certifier}.
 */
public final class Fista implements Solver {
    /** Slack in the sufficient-decrease test, relative to {@code max(1, |F|)}, for rounding alone. */
    static final double DECREASE_SLACK = 1e-13;

    /**
     * With an exact Lipschitz constant no backtracking test is needed, so the objective and the
     * dual point (an exp and a log per score) are evaluated only every this many iterations:
     * the gradient at the extrapolated point is then the only transcendental pass per iteration.
     */
    static final int CHECK_EVERY = 5;

    @Override
    public String name() {
        return "fista";
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        long t0 = System.nanoTime();
        Design A = pb.design();
        Loss loss = pb.loss();
        Targets Y = pb.targets();
        GroupL2Penalty pen = pb.penalty();
        int c = pb.classes();
        int P = pb.parameterCount();
        int M = pb.samples() * c;
        double beta = pb.beta();

        double[] x = cfg.initial() != null ? cfg.initial() : new double[P];
        pb.checkParameters(x, "initial Z");
        double[] Sx = pb.scores(x);
        double[] y = x.clone();
        double[] Sy = Sx.clone();
        double[] xNew = new double[P];
        double[] SxNew = new double[M];
        double[] U = new double[M];
        double[] Ut = new double[M];
        double[] G = new double[P];

        double L = pb.lipschitz();
        if (!(L > 0)) {
            L = 1.0; // A = 0: F is constant in W and any step is exact
        }
        double tk = 1;
        double bestDual = Double.NEGATIVE_INFINITY;
        double[] bestU = null;
        String bestUSource = null;
        double Fx = loss.value(Sx, Y);
        double bestP = Fx + pen.value(x);
        double[] bestX = x.clone();
        List<IterationRecord> history = new ArrayList<>();
        Status status = Status.ITERATION_LIMIT;
        String message = "reached the iteration limit " + cfg.maxIterations();
        int stall = 0;
        int backtracks = 0;
        int restarts = 0;
        int k = 0;
        IterationRecord last = null;

        boolean exactL = pb.sigmaMaxIsExact();
        boolean forceCheck = false;
        int lastRecorded = 0;
        while (k < cfg.maxIterations()) {
            k++;
            boolean check = !exactL || forceCheck || k % CHECK_EVERY == 0 || k == 1 || k == cfg.maxIterations();
            forceCheck = false;
            double Fy = loss.valueAndGradient(Sy, Y, U);
            A.transposeMultiply(U, c, G);

            // The gradient at y, rescaled, is a feasible dual point (math.md section 4).
            boolean dualMoved = false;
            if (check) {
                double gnorm = pen.dualNorm(G);
                double t = gnorm > beta ? beta / gnorm : 1.0;
                for (int p = 0; p < M; p++) {
                    Ut[p] = t * U[p];
                }
                double D = loss.dual(Ut, Y);
                if (D > bestDual) {
                    dualMoved = D - bestDual > 1e-15 * Math.abs(D);
                    bestDual = D;
                    bestU = Ut.clone();
                    bestUSource = "rescaled-residual at extrapolated point";
                }
            }

            // Proximal step with backtracking (skipped when L is exact).
            double FxNew = Double.NaN;
            while (true) {
                double step = 1.0 / L;
                for (int p = 0; p < P; p++) {
                    xNew[p] = y[p] - step * G[p];
                }
                pen.prox(xNew, step);
                A.multiply(xNew, c, SxNew);
                if (exactL && !check) {
                    break;
                }
                FxNew = loss.value(SxNew, Y);
                if (exactL) {
                    break;
                }
                double lin = 0;
                double sq = 0;
                for (int p = 0; p < P; p++) {
                    double dlt = xNew[p] - y[p];
                    lin += G[p] * dlt;
                    sq += dlt * dlt;
                }
                if (FxNew <= Fy + lin + 0.5 * L * sq + DECREASE_SLACK * Math.max(1, Math.abs(Fy))
                        || !Double.isFinite(FxNew)) {
                    break;
                }
                L *= cfg.backtrackFactor();
                backtracks++;
            }
            if (check) {
                double PxNew = FxNew + pen.value(xNew);
                if (!Double.isFinite(PxNew) || !Double.isFinite(bestDual)) {
                    status = Status.FAILED;
                    message = "a non-finite objective appeared at iteration " + k + " (returning the best finite iterate)";
                    break;
                }
                boolean primalMoved = PxNew < bestP - 1e-15 * Math.abs(bestP);
                if (PxNew < bestP) {
                    bestP = PxNew;
                    System.arraycopy(xNew, 0, bestX, 0, P);
                }
                double relGap = (bestP - bestDual) / Math.max(bestP, 1e-300);
                if (relGap <= 10 * cfg.tolerance() && relGap > cfg.tolerance()) {
                    // Close to the tolerance: also try the residual at the best iterate, which
                    // may certify it a few iterations earlier than the extrapolated point would.
                    DualPoint own = Certifier.dualPoint(pb, pb.residual(bestX), "rescaled-residual at iterate");
                    if (own.value() > bestDual) {
                        bestDual = own.value();
                        bestU = own.u();
                        bestUSource = own.source();
                        relGap = (bestP - bestDual) / Math.max(bestP, 1e-300);
                    }
                }

                double seconds = (System.nanoTime() - t0) * 1e-9;
                last = new IterationRecord(k, seconds, bestP, bestDual, bestP - bestDual);
                if (k - lastRecorded >= cfg.historyEvery()) {
                    lastRecorded = k;
                    history.add(last);
                    listener.onIteration(last, bestX);
                }
                if (relGap <= cfg.tolerance()) {
                    status = Status.OPTIMAL;
                    message = "relative duality gap " + fmt(relGap) + " <= tolerance " + fmt(cfg.tolerance());
                    break;
                }
                stall = (primalMoved || dualMoved) ? 0 : stall + 1;
                if (stall >= cfg.stallIterations()) {
                    status = Status.APPROXIMATE;
                    message = "no progress in " + stall + " iterations at relative gap " + fmt(relGap)
                            + " (floating-point limit)";
                    break;
                }
                if (seconds >= cfg.maxSeconds()) {
                    status = Status.TIME_LIMIT;
                    message = "reached the time limit of " + cfg.maxSeconds() + " s";
                    break;
                }
            } else if ((System.nanoTime() - t0) * 1e-9 >= cfg.maxSeconds()) {
                forceCheck = true; // evaluate the next iterate, then stop at the time limit
            }

            // Momentum, with the gradient-scheme restart: drop it when it points uphill.
            double dotRestart = 0;
            for (int p = 0; p < P; p++) {
                dotRestart += (y[p] - xNew[p]) * (xNew[p] - x[p]);
            }
            if (cfg.restart() && dotRestart > 0) {
                tk = 1;
                System.arraycopy(xNew, 0, y, 0, P);
                System.arraycopy(SxNew, 0, Sy, 0, M);
                restarts++;
            } else {
                double tNew = 0.5 * (1 + Math.sqrt(1 + 4 * tk * tk));
                double m = (tk - 1) / tNew;
                for (int p = 0; p < P; p++) {
                    y[p] = xNew[p] + m * (xNew[p] - x[p]);
                }
                for (int p = 0; p < M; p++) {
                    Sy[p] = SxNew[p] + m * (SxNew[p] - Sx[p]);
                }
                tk = tNew;
            }
            double[] swap = x;
            x = xNew;
            xNew = swap;
            swap = Sx;
            Sx = SxNew;
            SxNew = swap;
        }
        if (last != null && (history.isEmpty() || history.get(history.size() - 1).iteration() != last.iteration())) {
            history.add(last);
            listener.onIteration(last, bestX);
        }
        DualPoint candidate = bestU == null ? null : new DualPoint(bestU, bestDual, bestUSource);
        Certificate cert = Certifier.certify(pb, bestX, candidate);
        if (status == Status.ITERATION_LIMIT || status == Status.TIME_LIMIT || status == Status.APPROXIMATE) {
            if (cert.relativeGap() <= cfg.tolerance()) {
                status = Status.OPTIMAL; // the independent certificate is at least as tight
            }
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        message += String.format(java.util.Locale.ROOT, "; L = %.6g, %d backtracks, %d restarts", L, backtracks, restarts);
        return new SolverResult(name(), bestX, cert, status, k, seconds, history, message);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3e", v);
    }
}

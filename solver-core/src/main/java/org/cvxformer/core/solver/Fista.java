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

    /** Start of the message of a run stopped by a probe's hand-over. */
    static final String HANDED_OVER = "handed over";

    /**
     * Relative gap below which adaptive steps give way to the global constant. On small random
     * softmax problems solved to 1e-11 (SolversTest) the adaptive scheme stalled near 1e-10 with
     * hundreds of backtracks (the curvature estimate oscillating around the local one), while
     * the fixed global step converges steadily; so the last digits are polished with it.
     */
    static final double ADAPTIVE_FLOOR = 1e-9;

    /**
     * Checks (of {@link #CHECK_EVERY} iterations each, or one near the tolerance) without the gap
     * halving after which adaptive steps also give way to the global constant: on the
     * planted-softmax fixture solved to 1e-10 the adaptive scheme crawled at 1.2e-9 for
     * thousands of iterations (PathScreeningTest), just above {@link #ADAPTIVE_FLOOR}.
     */
    static final int ADAPTIVE_PATIENCE = 40;

    @Override
    public String name() {
        return "fista";
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        return solve(pb, cfg, listener, 0, null);
    }

    /**
     * As {@link #solve(Problem, SolverConfig, IterationListener)}, but after iteration
     * {@code probeAt} asks {@code handOver} about the best iterate so far and stops there (status
     * {@link Status#ITERATION_LIMIT}, message starting {@link #HANDED_OVER}) when it says yes.
     * Lets {@link AutoSolver} probe without losing FISTA's momentum and step size when it
     * decides to keep FISTA.
     */
    SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener, int probeAt,
            java.util.function.Predicate<double[]> handOver) {
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

        double Lglobal = pb.lipschitz();
        if (!(Lglobal > 0)) {
            Lglobal = 1.0; // A = 0: F is constant in W and any step is exact
        }
        boolean exactL = pb.sigmaMaxIsExact();
        // Adaptive steps (Scheinberg, Goldfarb and Bai 2014): the global constant bounds the
        // softmax Hessian by 1/2, but near uniform predictions over c classes its local norm is
        // about 1/c, so steps up to ~c/2 times longer are safe there. Squared loss has nothing
        // to gain (its Hessian is constant).
        double decrease = cfg.tuning().fistaStepDecrease();
        boolean adaptive = decrease < 1 && !loss.hasConstantCurvature();
        double L = Lglobal;
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
        double lastRelGap = Double.POSITIVE_INFINITY;
        double minL = Lglobal;
        boolean primalMovedSinceCheck = false;
        double gapAtLastHalving = Double.POSITIVE_INFINITY;
        int checksSinceHalving = 0;

        boolean forceCheck = false;
        int lastRecorded = 0;
        while (k < cfg.maxIterations()) {
            k++;
            // The dual value costs a log per score: evaluate it every few iterations, and at every
            // iteration once the gap is within 10x of the tolerance.
            boolean check = forceCheck || k % CHECK_EVERY == 0 || k == 1 || k == cfg.maxIterations()
                    || lastRelGap <= 10 * cfg.tolerance();
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

            // Proximal step with backtracking; no test is needed at the exact global constant.
            double FxNew = Double.NaN;
            boolean backtracked = false;
            while (true) {
                FxNew = Double.NaN;
                boolean needTest = !(exactL && L >= Lglobal);
                double step = 1.0 / L;
                for (int p = 0; p < P; p++) {
                    xNew[p] = y[p] - step * G[p];
                }
                pen.prox(xNew, step);
                A.multiply(xNew, c, SxNew);
                if (!needTest && !check) {
                    break;
                }
                FxNew = loss.value(SxNew, Y);
                if (!needTest) {
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
                if (exactL) {
                    L = Math.min(L, Lglobal);
                }
                backtracks++;
                backtracked = true;
            }
            minL = Math.min(minL, L);
            boolean primalMoved = false;
            if (!Double.isNaN(FxNew)) {
                double PxNew = FxNew + pen.value(xNew);
                if (!Double.isFinite(PxNew)) {
                    status = Status.FAILED;
                    message = "a non-finite objective appeared at iteration " + k + " (returning the best finite iterate)";
                    break;
                }
                primalMoved = PxNew < bestP - 1e-15 * Math.abs(bestP);
                primalMovedSinceCheck |= primalMoved;
                if (PxNew < bestP) {
                    bestP = PxNew;
                    System.arraycopy(xNew, 0, bestX, 0, P);
                }
            }
            if (check) {
                if (!Double.isFinite(bestDual)) {
                    status = Status.FAILED;
                    message = "a non-finite dual objective appeared at iteration " + k + " (returning the best finite iterate)";
                    break;
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
                lastRelGap = relGap;
                if (relGap <= 0.5 * gapAtLastHalving) {
                    gapAtLastHalving = relGap;
                    checksSinceHalving = 0;
                } else {
                    checksSinceHalving++;
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
                stall = (primalMovedSinceCheck || dualMoved) ? 0 : stall + 1;
                primalMovedSinceCheck = false;
                if (stall >= cfg.stallIterations()) {
                    status = Status.APPROXIMATE;
                    message = "no progress in " + stall + " checks at relative gap " + fmt(relGap)
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
            // Next step size: try a shorter curvature estimate after a step that needed no
            // backtracking; theta = L_next / L enters the momentum update below (SGB 2014).
            if (adaptive && (lastRelGap <= ADAPTIVE_FLOOR || checksSinceHalving >= ADAPTIVE_PATIENCE)) {
                // polish the last digits, or get out of a crawl, with the global constant
                // (see ADAPTIVE_FLOOR and ADAPTIVE_PATIENCE)
                adaptive = false;
                L = Math.max(L, Lglobal);
            }
            double Lnext = adaptive && !backtracked ? L * decrease : L;
            double theta = Lnext / L;
            L = Lnext;

            if (k == probeAt && handOver != null && handOver.test(bestX)) {
                status = Status.ITERATION_LIMIT;
                message = HANDED_OVER + " after " + k + " iterations";
                if (last == null || last.iteration() != k) {
                    double seconds = (System.nanoTime() - t0) * 1e-9;
                    last = new IterationRecord(k, seconds, bestP, bestDual, bestP - bestDual);
                }
                break;
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
                double tNew = 0.5 * (1 + Math.sqrt(1 + 4 * theta * tk * tk));
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
        message += String.format(java.util.Locale.ROOT, "; L = %.6g (global %.6g, smallest %.6g), %d backtracks, %d restarts",
                L, Lglobal, minL, backtracks, restarts);
        return new SolverResult(name(), bestX, cert, status, k, seconds, history, message);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3e", v);
    }
}

package org.cvxformer.core.solver;

import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Penalty;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.ScoreStream;

/**
 * FISTA (Beck and Teboulle 2009) with backtracking on the Lipschitz constant and adaptive
 * restart by the gradient scheme of O'Donoghue and Candes 2015, for the group-lasso primal of
 * math.md section 2. Step {@code 1/L} with {@code L = curvature sigma_max(A)^2 / N}
 * (math.md section 2); backtracking only matters when {@code sigma_max} is estimated.
 *
 * <p>Scores are streamed ({@link ScoreStream}): no {@code N x c} array is held, so memory grows
 * with the parameters and the data (issue 13: p = 997 in a 4 GB heap). Per iteration one pass
 * at the extrapolated point gives {@code F}, the gradient and {@code A^T U}; one pass at the new
 * iterate gives the value for the backtracking test (skipped at the exact constant of squared
 * loss). The gradient at the extrapolated point doubles as a dual candidate (rescaled into the
 * feasible set, math.md section 4; one more pass every {@link #CHECK_EVERY} iterations). Near the
 * tolerance the residual at the iterate itself is also tried. The final certificate is computed
 * by {@link Certifier} through {@link SolverShell}.
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
        return new Run(pb, cfg, listener).solve(probeAt, handOver);
    }

    /**
     * One solve: the iterates, the step size and the best primal and dual values, with one method
     * per part of an iteration ({@link #dualCandidate}, {@link #proxStep}, {@link #check},
     * {@link #nextStepSize}, {@link #momentum}). The shell ({@link SolverShell}) owns the clock,
     * limits, history, status and certificate.
     */
    private final class Run {
        final Problem pb;
        final SolverConfig cfg;
        final SolverShell run;
        final Penalty pen;
        final ScoreStream stream;
        final int P;
        final double decrease;
        boolean adaptive;
        final double Lglobal;
        final boolean exactL;
        final Scores scores;

        double[] x;
        final double[] y;
        double[] xNew;
        final double[] G;
        double L;
        double tk = 1;
        double bestDual = Double.NEGATIVE_INFINITY;
        double[] bestDualAt;
        double bestDualScale = Double.NaN;
        String bestUSource;
        double bestP;
        final double[] bestX;
        int backtracks;
        int restarts;
        double lastRelGap = Double.POSITIVE_INFINITY;
        double minL;
        double gapAtLastHalving = Double.POSITIVE_INFINITY;
        int checksSinceHalving;

        Run(Problem pb, SolverConfig cfg, IterationListener listener) {
            this.pb = pb;
            this.cfg = cfg;
            this.run = new SolverShell(name(), pb, cfg, listener);
            Loss loss = pb.loss();
            this.pen = pb.penalty();
            this.stream = cfg.tuning().streamBlockRows() > 0 ? new ScoreStream(pb, cfg.tuning().streamBlockRows())
                    : new ScoreStream(pb);
            this.P = pb.parameterCount();
            this.x = cfg.initial() != null ? cfg.initial().clone() : new double[P];
            pb.checkParameters(x, "initial Z");
            this.y = x.clone();
            this.xNew = new double[P];
            this.G = new double[P];
            // Squared loss: the exact constant (cheap through the Gram matrix when that is small),
            // so no sufficient-decrease test is needed. Softmax: steps adapt and backtrack, so a
            // few power steps suffice to start (issue 13: setup is cheap; the certificate never
            // depends on L).
            this.decrease = cfg.tuning().fistaStepDecrease();
            this.adaptive = decrease < 1 && !loss.hasConstantCurvature();
            double l0 = adaptive ? pb.lipschitzEstimate() : pb.lipschitz();
            // A = 0: F is constant in W and any step is exact
            this.Lglobal = l0 > 0 ? l0 : 1.0;
            this.exactL = !adaptive && pb.sigmaMaxIsExact();
            // Adaptive steps (Scheinberg, Goldfarb and Bai 2014): the global constant bounds the
            // softmax Hessian by 1/2, but near uniform predictions over c classes its local norm is
            // about 1/c, so steps up to ~c/2 times longer are safe there.
            this.L = Lglobal;
            this.minL = Lglobal;
            this.scores = new Scores(pb, stream, x, cfg.tuning().streamBlockRows() == 0);
            this.bestP = scores.valueAt(x) + pen.value(x);
            this.bestX = x.clone();
        }

        SolverResult solve(int probeAt, java.util.function.Predicate<double[]> handOver) {
            SolverShell.Stop stop = null;
            int k = 0;
            boolean forceCheck = false;
            while (k < cfg.maxIterations()) {
                k++;
                // The dual value costs a pass with a log per score: evaluate it every few
                // iterations, and at every iteration once the gap is within 10x of the tolerance.
                boolean check = forceCheck || k % CHECK_EVERY == 0 || k == 1 || k == cfg.maxIterations()
                        || lastRelGap <= 10 * cfg.tolerance();
                forceCheck = false;
                double Fy = scores.gradientAtY(y, G);
                if (check) {
                    dualCandidate();
                }
                boolean backtracked = proxStep(Fy, check);
                boolean bestIsNew = false;
                if (!Double.isNaN(FxNew)) {
                    double PxNew = FxNew + pen.value(xNew);
                    if (!Double.isFinite(PxNew)) {
                        stop = new SolverShell.Stop(Status.FAILED, "a non-finite objective appeared at iteration " + k
                                + " (returning the best finite iterate)");
                        break;
                    }
                    if (PxNew < bestP) {
                        bestP = PxNew;
                        System.arraycopy(xNew, 0, bestX, 0, P);
                        bestIsNew = true;
                    }
                }
                if (check) {
                    stop = check(k, bestIsNew);
                    if (stop != null) {
                        break;
                    }
                } else if (run.outOfTime()) {
                    forceCheck = true; // evaluate the next iterate, then stop at the time limit
                }
                double theta = nextStepSize(backtracked);
                if (k == probeAt && handOver != null && handOver.test(bestX)) {
                    stop = new SolverShell.Stop(Status.ITERATION_LIMIT, HANDED_OVER + " after " + k + " iterations");
                    if (run.last() == null || run.last().iteration() != k) {
                        run.evaluate(k, bestP, bestDual, bestX);
                    }
                    break;
                }
                momentum(theta);
            }
            if (stop == null) {
                stop = run.iterationLimit();
            }
            DualPoint candidate = bestDualAt == null ? null
                    : DualPoint.residualAt(pb, bestDualAt, bestDualScale, bestDual, bestUSource);
            String details = String.format(java.util.Locale.ROOT,
                    "L = %.6g (start %.6g%s, smallest %.6g), %d backtracks, %d restarts, %s",
                    L, Lglobal, exactL ? ", exact" : "", minL, backtracks, restarts,
                    scores.tracked ? "scores tracked in memory (N c fits one block)" : "streamed in blocks of " + stream.blockRows() + " rows");
            return run.finish(stop, bestX, candidate, k, details);
        }

        /** The gradient at y, rescaled, is a feasible dual point (math.md section 4): kept if it is the best. */
        private void dualCandidate() {
            double gnorm = pen.dualNorm(G);
            double t = pen.rescalingOfDualNorm(gnorm);
            double D = scores.dualAtY(y, t);
            if (D > bestDual) {
                bestDual = D;
                bestDualAt = y.clone();
                bestDualScale = t;
                bestUSource = "rescaled-residual at extrapolated point";
            }
        }

        /** {@code F(xNew)} of the last {@link #proxStep}, NaN when it was not evaluated. */
        double FxNew;

        /**
         * The proximal step {@code xNew = prox(y - G / L)} with backtracking on {@code L}; no test
         * is needed at the exact global constant. Sets {@link #FxNew}; returns whether it backtracked.
         */
        private boolean proxStep(double Fy, boolean check) {
            boolean backtracked = false;
            while (true) {
                FxNew = Double.NaN;
                boolean needTest = !(exactL && L >= Lglobal);
                double step = 1.0 / L;
                for (int p = 0; p < P; p++) {
                    xNew[p] = y[p] - step * G[p];
                }
                pen.prox(xNew, step);
                scores.track(xNew);
                if (!needTest && !check) {
                    break;
                }
                FxNew = scores.valueAtNew(xNew);
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
            return backtracked;
        }

        /**
         * The gap at a check: near the tolerance the residual at the best iterate is tried too;
         * tracks the halving of the gap for {@link #nextStepSize}; returns the shell's stop or null.
         */
        private SolverShell.Stop check(int k, boolean bestIsNew) {
            double relGap = (bestP - bestDual) / Math.max(bestP, 1e-300);
            if (relGap <= 10 * cfg.tolerance() && relGap > cfg.tolerance() && Double.isFinite(bestDual)) {
                // Close to the tolerance: also try the residual at the best iterate, which
                // may certify it a few iterations earlier than the extrapolated point would.
                // With tracked scores and the best iterate just found, its scores are at hand
                // and this costs one A^T U; otherwise a streamed residual (three products).
                double[] own = scores.tracked && bestIsNew ? scores.residualDualAtNew(pen) : null;
                String ownSource = "rescaled-residual at iterate";
                if (own == null) {
                    DualPoint dp = Certifier.residualDualPoint(pb, bestX, ownSource);
                    own = new double[] {dp.value(), dp.scale()};
                }
                if (own[0] > bestDual) {
                    bestDual = own[0];
                    bestDualAt = bestX.clone();
                    bestDualScale = own[1];
                    bestUSource = ownSource;
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
            return run.evaluate(k, bestP, bestDual, bestX);
        }

        /**
         * The next step size: a shorter curvature estimate after a step that needed no
         * backtracking; returns {@code theta = L_next / L}, which enters the momentum (SGB 2014).
         */
        private double nextStepSize(boolean backtracked) {
            if (adaptive && (lastRelGap <= ADAPTIVE_FLOOR || checksSinceHalving >= ADAPTIVE_PATIENCE)) {
                // polish the last digits, or get out of a crawl, with the starting constant
                // (see ADAPTIVE_FLOOR and ADAPTIVE_PATIENCE); backtracking still guards it
                adaptive = false;
                L = Math.max(L, Lglobal);
            }
            double Lnext = adaptive && !backtracked ? L * decrease : L;
            double theta = Lnext / L;
            L = Lnext;
            return theta;
        }

        /** Momentum, with the gradient-scheme restart: dropped when it points uphill. */
        private void momentum(double theta) {
            double dotRestart = 0;
            for (int p = 0; p < P; p++) {
                dotRestart += (y[p] - xNew[p]) * (xNew[p] - x[p]);
            }
            if (cfg.restart() && dotRestart > 0) {
                tk = 1;
                System.arraycopy(xNew, 0, y, 0, P);
                scores.restart();
                restarts++;
            } else {
                double tNew = 0.5 * (1 + Math.sqrt(1 + 4 * theta * tk * tk));
                double m = (tk - 1) / tNew;
                for (int p = 0; p < P; p++) {
                    y[p] = xNew[p] + m * (xNew[p] - x[p]);
                }
                scores.momentum(m);
                tk = tNew;
            }
            double[] swap = x;
            x = xNew;
            xNew = swap;
            scores.swap();
        }
    }

    /**
     * The scores of FISTA's points. Streamed ({@link ScoreStream}) in general: each pass
     * recomputes {@code A W} block by block, so nothing {@code N x c} is held. When all the scores
     * fit in one block ({@code N c <= ScoreStream.BLOCK_ENTRIES}, at most 8 MiB per array) and no
     * block size is forced, they are instead held and tracked linearly,
     * {@code S_y = S_x' + m (S_x' - S_x)}, which saves one {@code A W} per iteration (on a dense
     * design a third of the multiply-adds). Both modes are independent of the thread count; the
     * streamed mode is also bit-for-bit independent of the block size on sparse and token-table
     * designs (StreamedFistaTest). Which mode ran is named in the result's message.
     */
    private static final class Scores {
        final boolean tracked;
        private final ScoreStream stream;
        private final Problem pb;
        private double[] sx;
        private double[] sy;
        private double[] sxNew;
        private double[] u;

        Scores(Problem pb, ScoreStream stream, double[] x, boolean mayTrack) {
            this.pb = pb;
            this.stream = stream;
            this.tracked = mayTrack && (long) pb.samples() * pb.classes() <= ScoreStream.BLOCK_ENTRIES;
            if (tracked) {
                sx = pb.scores(x);
                sy = sx.clone();
                sxNew = new double[sx.length];
                u = new double[sx.length];
            }
        }

        /** {@code F(A x)} for the starting point. */
        double valueAt(double[] x) {
            return tracked ? pb.loss().value(sx, pb.targets()) : stream.value(x);
        }

        /** {@code F(A y)} and {@code G = A^T grad F(A y)}. */
        double gradientAtY(double[] y, double[] G) {
            if (!tracked) {
                return stream.valueAndGradient(y, G);
            }
            double f = pb.loss().valueAndGradient(sy, pb.targets(), u);
            pb.design().transposeMultiply(u, pb.classes(), G);
            return f;
        }

        /** {@code D(t grad F(A y))}, after {@link #gradientAtY} at the same {@code y}. */
        double dualAtY(double[] y, double t) {
            if (!tracked) {
                return stream.scaledResidualDual(y, t);
            }
            double[] ut = new double[u.length];
            for (int p = 0; p < ut.length; p++) {
                ut[p] = t * u[p];
            }
            return pb.loss().dual(ut, pb.targets());
        }

        /**
         * Tracked mode, after {@link #valueAtNew}: the rescaled residual at the trial point from
         * its held scores, {@code U0 = grad F(S_x')}, {@code t} by the penalty's dual rescaling of
         * {@code A^T U0} (the one product), and {@code {D(t U0), t}}.
         */
        double[] residualDualAtNew(Penalty pen) {
            double[] u0 = new double[sxNew.length];
            pb.loss().valueAndGradient(sxNew, pb.targets(), u0);
            double[] g0 = new double[pb.parameterCount()];
            pb.design().transposeMultiply(u0, pb.classes(), g0);
            double t = pen.dualRescaling(g0);
            for (int p = 0; p < u0.length; p++) {
                u0[p] *= t;
            }
            return new double[] {pb.loss().dual(u0, pb.targets()), t};
        }

        /** Records the trial point's scores (tracked mode: its one {@code A W}). */
        void track(double[] xNew) {
            if (tracked) {
                pb.design().multiply(xNew, pb.classes(), sxNew);
            }
        }

        /** {@code F(A x')} of the trial point. */
        double valueAtNew(double[] xNew) {
            return tracked ? pb.loss().value(sxNew, pb.targets()) : stream.value(xNew);
        }

        void restart() {
            if (tracked) {
                System.arraycopy(sxNew, 0, sy, 0, sy.length);
            }
        }

        void momentum(double m) {
            if (tracked) {
                for (int p = 0; p < sy.length; p++) {
                    sy[p] = sxNew[p] + m * (sxNew[p] - sx[p]);
                }
            }
        }

        void swap() {
            if (tracked) {
                double[] t = sx;
                sx = sxNew;
                sxNew = t;
            }
        }
    }
}

package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Problem;

/**
 * Every tuning constant of the solvers, in one documented immutable place. Build with
 * {@link #defaults()} and the {@code with...} methods; invalid values throw
 * {@link IllegalArgumentException} naming the value and what was expected.
 *
 * @param tolerance         stop when the certified relative duality gap is at most this (default 1e-6)
 * @param maxIterations     iteration limit (default 100 000)
 * @param maxSeconds        wall-clock limit in seconds (default: none)
 * @param historyEvery      record a history row (and call the listener) every this many iterations (default 1)
 * @param restart           FISTA adaptive restart, gradient scheme of O'Donoghue and Candes 2015 (default on)
 * @param backtrackFactor   FISTA: factor by which L grows when the sufficient-decrease test fails (default 2)
 * @param stallIterations   stop with {@link Status#APPROXIMATE} after this many consecutive iterations
 *                          in which neither the best primal nor the best dual value moved by more than
 *                          1e-15 relative: floating point allows no further progress (default 500)
 * @param initial           warm start {@code Z} (length {@code c*n*d}), or {@code null} for zero
 * @param tuning            the constants of the bcd, admm and prox-newton solvers ({@link Tuning#defaults()})
 * @param screened          groups proven zero at the optimum before the solve starts (length {@code c*n},
 *                          group {@code (l,k)} at index {@code l*n + k}), or {@code null} for none; for
 *                          example from the sequential GAP safe rule along a path
 *                          ({@link GapSafeScreening#sequential}). Set it with {@link #withScreened}, which
 *                          checks the length against the problem. {@code bcd} starts with these groups
 *                          zero and never updates them (honoured even when {@link Tuning#screening()} is
 *                          off: that flag governs the solver's own screening); the other solvers ignore
 *                          it, which is safe because the groups are zero at the optimum anyway. The
 *                          set must be proven: a group wrongly marked keeps {@code bcd}'s certified gap
 *                          (computed over all groups) open, so the solve never reports a wrong optimum.
 */
public record SolverConfig(double tolerance, int maxIterations, double maxSeconds, int historyEvery,
        boolean restart, double backtrackFactor, int stallIterations, double[] initial, Tuning tuning,
        boolean[] screened) {

    /** The configuration without groups screened at start. */
    public SolverConfig(double tolerance, int maxIterations, double maxSeconds, int historyEvery,
            boolean restart, double backtrackFactor, int stallIterations, double[] initial, Tuning tuning) {
        this(tolerance, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial,
                tuning, null);
    }

    /** The configuration without solver tuning (uses {@link Tuning#defaults()}). */
    public SolverConfig(double tolerance, int maxIterations, double maxSeconds, int historyEvery,
            boolean restart, double backtrackFactor, int stallIterations, double[] initial) {
        this(tolerance, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial,
                Tuning.defaults());
    }

    /**
     * Constants of FISTA's adaptive step, the block coordinate descent ({@code bcd}), ADMM ({@code admm}) and proximal
     * Newton ({@code prox-newton}) solvers. Immutable; build with {@link #defaults()} and the
     * {@code with...} methods.
     *
     * @param workingSetStart       bcd: groups in the first working set (then doubled each outer
     *                              iteration, celer/skglm style; always at least twice the active groups) (16)
     * @param gapEvery              bcd / prox-newton inner solvers: epochs between inner duality-gap checks (10)
     * @param innerTolerance        bcd: inner problems are solved to this fraction of the current outer gap (0.3, as celer)
     * @param extrapolationDepth    dual extrapolation (Massias, Gramfort, Salmon 2018): number K of
     *                              differences of score snapshots combined; 0 disables it (5)
     * @param screening             GAP safe screening (Ndiaye et al. 2017, math.md section 6) on/off (true)
     * @param softmaxBlockCurvature bcd: curvature bound of softmax for a block of one class. The
     *                              (l,l) diagonal block of {@code Diag(p) - p p^T} is
     *                              {@code p_l (1 - p_l) <= 1/4}, so 1/4 is valid for a single-class
     *                              group; the full-Hessian bound 1/2 of math.md section 2 is also valid
     *                              but twice as conservative (0.25)
     * @param admmRho               admm: initial penalty parameter rho, relative to the Lipschitz
     *                              constant {@code L} of the loss ({@code rho = admmRho * L}) (1)
     * @param admmMu                admm: residual balancing threshold mu (Boyd et al. 2011, 3.4.1) (10)
     * @param admmTau               admm: residual balancing factor tau (Boyd et al. 2011, 3.4.1) (2)
     * @param admmGapEvery          admm: iterations between certified-gap checks at V (5)
     * @param newtonInnerEpochs     prox-newton: maximum coordinate-descent epochs per quadratic subproblem (30)
     * @param newtonArmijo          prox-newton: sufficient-decrease constant of the backtracking line search (1e-4)
     * @param fistaStepDecrease     fista: factor applied to the curvature estimate L after a step that
     *                              needed no backtracking, so steps grow towards the local curvature
     *                              (Scheinberg, Goldfarb, Bai 2014); 1 keeps the global constant. Not
     *                              used for squared loss, whose curvature is constant (0.8)
     * @param streamBlockRows       FISTA: rows per block of the streamed scores (ScoreStream); 0 (the
     *                              default) for {@code BLOCK_ENTRIES / c}, a function of the shape only,
     *                              never of the thread count. Results on sparse and token-table designs
     *                              do not depend on it at all (bit for bit)
     * @param admmInnerSteps        admm, smooth loss without a closed-form W-update (softmax): at most
     *                              this many warm-started L-BFGS steps per W-update ({@link LbfgsWUpdate}),
     *                              fewer once the subproblem's gradient is below a tenth of the ADMM
     *                              residuals. On mod-division p = 61 (one-hot, beta = 0.01 beta_max, to
     *                              1e-6) 1, 2 and 5 steps all took 285 ADMM iterations, in 4.0, 6.5 and
     *                              8.1 s: the curvature pairs carried between iterations make one step
     *                              enough (1)
     */
    public record Tuning(int workingSetStart, int gapEvery, double innerTolerance, int extrapolationDepth,
            boolean screening, double softmaxBlockCurvature, double admmRho, double admmMu, double admmTau,
            int admmGapEvery, int newtonInnerEpochs, double newtonArmijo, double fistaStepDecrease, int streamBlockRows,
            int admmInnerSteps) {
        public Tuning {
            if (workingSetStart < 1) {
                throw new IllegalArgumentException("working set start = " + workingSetStart + ": expected >= 1");
            }
            if (gapEvery < 1 || admmGapEvery < 1) {
                throw new IllegalArgumentException("gap check interval must be >= 1");
            }
            if (!(innerTolerance > 0 && innerTolerance < 1)) {
                throw new IllegalArgumentException("inner tolerance = " + innerTolerance + ": expected in (0, 1)");
            }
            if (extrapolationDepth < 0 || extrapolationDepth > 20) {
                throw new IllegalArgumentException("extrapolation depth = " + extrapolationDepth + ": expected 0..20");
            }
            if (!(softmaxBlockCurvature >= 0.25) || Double.isInfinite(softmaxBlockCurvature)) {
                throw new IllegalArgumentException("softmax block curvature = " + softmaxBlockCurvature
                        + ": expected a finite number >= 1/4 (the bound on p(1-p))");
            }
            if (!(admmRho > 0) || !(admmMu > 1) || !(admmTau > 1) || Double.isInfinite(admmRho)) {
                throw new IllegalArgumentException("admm: expected rho > 0, mu > 1, tau > 1");
            }
            if (newtonInnerEpochs < 1 || !(newtonArmijo > 0 && newtonArmijo < 0.5)) {
                throw new IllegalArgumentException("prox-newton: expected inner epochs >= 1 and Armijo constant in (0, 1/2)");
            }
            if (admmInnerSteps < 1) {
                throw new IllegalArgumentException("admm inner steps = " + admmInnerSteps + ": expected >= 1");
            }
            if (streamBlockRows < 0) {
                throw new IllegalArgumentException("stream block rows = " + streamBlockRows
                        + ": expected >= 1, or 0 for the default (ScoreStream.BLOCK_ENTRIES / c)");
            }
            if (!(fistaStepDecrease > 0 && fistaStepDecrease <= 1)) {
                throw new IllegalArgumentException("fista step decrease = " + fistaStepDecrease
                        + ": expected a factor in (0, 1] (1 keeps the global Lipschitz constant)");
            }
        }

        /** The documented defaults. */
        public static Tuning defaults() {
            return new Tuning(16, 10, 0.3, 5, true, 0.25, 1.0, 10, 2, 5, 30, 1e-4, 0.8, 0, 1);
        }

        public Tuning withWorkingSetStart(int v) {
            return new Tuning(v, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withGapEvery(int v) {
            return new Tuning(workingSetStart, v, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withInnerTolerance(double v) {
            return new Tuning(workingSetStart, gapEvery, v, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withExtrapolationDepth(int v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, v, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withScreening(boolean v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, v, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withSoftmaxBlockCurvature(double v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, v, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withAdmmRho(double v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, v, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withAdmmBalancing(double mu, double tau) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, mu, tau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withAdmmGapEvery(int v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, v, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withNewtonInnerEpochs(int v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, v, newtonArmijo, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }

        public Tuning withFistaStepDecrease(double v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, v, streamBlockRows, admmInnerSteps);
        }

        /** Rows per block of the streamed scores; 0 for {@link org.cvxformer.core.problem.ScoreStream#defaultBlockRows}. */
        public Tuning withStreamBlockRows(int v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, v, admmInnerSteps);
        }

        public Tuning withAdmmInnerSteps(int v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, newtonArmijo, fistaStepDecrease, streamBlockRows, v);
        }

        public Tuning withNewtonArmijo(double v) {
            return new Tuning(workingSetStart, gapEvery, innerTolerance, extrapolationDepth, screening, softmaxBlockCurvature, admmRho, admmMu, admmTau, admmGapEvery, newtonInnerEpochs, v, fistaStepDecrease, streamBlockRows, admmInnerSteps);
        }
    }

    public SolverConfig {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance = " + tolerance + ": expected a finite number >= 0");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("max iterations = " + maxIterations + ": expected >= 1");
        }
        if (!(maxSeconds > 0)) {
            throw new IllegalArgumentException("max seconds = " + maxSeconds + ": expected a number > 0");
        }
        if (historyEvery < 1) {
            throw new IllegalArgumentException("history interval = " + historyEvery + ": expected >= 1");
        }
        if (!(backtrackFactor > 1) || Double.isInfinite(backtrackFactor)) {
            throw new IllegalArgumentException("backtracking factor = " + backtrackFactor + ": expected a finite number > 1");
        }
        if (stallIterations < 1) {
            throw new IllegalArgumentException("stall iterations = " + stallIterations + ": expected >= 1");
        }
        if (screened != null && screened.length == 0) {
            throw new IllegalArgumentException("screened groups: an array of length 0: expected one entry per group "
                    + "(c*n >= 1), or null for none");
        }
        initial = initial == null ? null : initial.clone();
        tuning = tuning == null ? Tuning.defaults() : tuning;
        screened = screened == null ? null : screened.clone();
    }

    /** Tolerance 1e-6, 100 000 iterations, no time limit, history every iteration, restart on. */
    public static SolverConfig defaults() {
        return new SolverConfig(1e-6, 100_000, Double.POSITIVE_INFINITY, 1, true, 2.0, 500, null);
    }

    @Override
    public double[] initial() {
        return initial == null ? null : initial.clone();
    }

    /** A copy of the groups proven zero at start, or {@code null} for none. */
    @Override
    public boolean[] screened() {
        return screened == null ? null : screened.clone();
    }

    /**
     * A copy of the groups proven zero at start, checked against {@code pb}, or {@code null} for
     * none. For solvers: a configuration may be reused with another problem.
     *
     * @throws IllegalArgumentException if the length is not {@code pb.groupCount()}
     */
    public boolean[] screenedFor(Problem pb) {
        checkScreenedLength(screened, pb.groupCount());
        return screened();
    }

    private static void checkScreenedLength(boolean[] s, int groups) {
        if (s != null && s.length != groups) {
            throw new IllegalArgumentException("screened groups: an array of length " + s.length
                    + ": expected the group count c*n = " + groups);
        }
    }

    public SolverConfig withTolerance(double t) {
        return new SolverConfig(t, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial, tuning, screened);
    }

    public SolverConfig withMaxIterations(int k) {
        return new SolverConfig(tolerance, k, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial, tuning, screened);
    }

    public SolverConfig withMaxSeconds(double s) {
        return new SolverConfig(tolerance, maxIterations, s, historyEvery, restart, backtrackFactor, stallIterations, initial, tuning, screened);
    }

    public SolverConfig withHistoryEvery(int k) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, k, restart, backtrackFactor, stallIterations, initial, tuning, screened);
    }

    public SolverConfig withRestart(boolean r) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, historyEvery, r, backtrackFactor, stallIterations, initial, tuning, screened);
    }

    public SolverConfig withTuning(Tuning t) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial, t, screened);
    }

    public SolverConfig withInitial(double[] z) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, z, tuning, screened);
    }

    /**
     * This configuration with the groups of {@code pb} proven zero at start ({@code null}: none);
     * see {@link #screened()}.
     *
     * @throws IllegalArgumentException if {@code screened.length != pb.groupCount()}, naming both
     */
    public SolverConfig withScreened(Problem pb, boolean[] screened) {
        checkScreenedLength(screened, pb.groupCount());
        return new SolverConfig(tolerance, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor,
                stallIterations, initial, tuning, screened);
    }
}

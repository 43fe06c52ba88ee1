package org.cvxformer.core.solver;

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
 */
public record SolverConfig(double tolerance, int maxIterations, double maxSeconds, int historyEvery,
        boolean restart, double backtrackFactor, int stallIterations, double[] initial) {

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
        initial = initial == null ? null : initial.clone();
    }

    /** Tolerance 1e-6, 100 000 iterations, no time limit, history every iteration, restart on. */
    public static SolverConfig defaults() {
        return new SolverConfig(1e-6, 100_000, Double.POSITIVE_INFINITY, 1, true, 2.0, 500, null);
    }

    @Override
    public double[] initial() {
        return initial == null ? null : initial.clone();
    }

    public SolverConfig withTolerance(double t) {
        return new SolverConfig(t, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial);
    }

    public SolverConfig withMaxIterations(int k) {
        return new SolverConfig(tolerance, k, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, initial);
    }

    public SolverConfig withMaxSeconds(double s) {
        return new SolverConfig(tolerance, maxIterations, s, historyEvery, restart, backtrackFactor, stallIterations, initial);
    }

    public SolverConfig withHistoryEvery(int k) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, k, restart, backtrackFactor, stallIterations, initial);
    }

    public SolverConfig withRestart(boolean r) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, historyEvery, r, backtrackFactor, stallIterations, initial);
    }

    public SolverConfig withInitial(double[] z) {
        return new SolverConfig(tolerance, maxIterations, maxSeconds, historyEvery, restart, backtrackFactor, stallIterations, z);
    }
}

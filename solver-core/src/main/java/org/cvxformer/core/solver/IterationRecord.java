package org.cvxformer.core.solver;

/**
 * One row of a solver's history: iteration, seconds since the start, primal value, best dual
 * value so far, and the gap between them (a valid bound on suboptimality at that iterate).
 */
public record IterationRecord(int iteration, double seconds, double primal, double dual, double gap) {
    /** {@code gap / max(primal, 1e-300)}. */
    public double relativeGap() {
        return gap / Math.max(primal, 1e-300);
    }
}

package org.cvxformer.core.solver;

/**
 * Called by solvers every {@link SolverConfig#historyEvery()} iterations and at the end. The
 * array {@code z} is the solver's live iterate: read it, do not keep or modify it.
 */
@FunctionalInterface
public interface IterationListener {
    void onIteration(IterationRecord record, double[] z);

    /** A listener that does nothing. */
    IterationListener NONE = (r, z) -> { };
}

package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Problem;

/** A method for the convex primal of math.md section 2. */
public interface Solver {
    /** The CLI name, e.g. {@code fista}. */
    String name();

    /** Solves {@code problem}; never throws for non-convergence (see {@link Status}). */
    SolverResult solve(Problem problem, SolverConfig config, IterationListener listener);

    /** {@link #solve(Problem, SolverConfig, IterationListener)} without a listener. */
    default SolverResult solve(Problem problem, SolverConfig config) {
        return solve(problem, config, IterationListener.NONE);
    }
}

package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Problem;

/** A method for the convex primal of math.md section 2. */
public interface Solver {
    /** The CLI name, e.g. {@code fista}. */
    String name();

    /** Solves {@code problem}; never throws for non-convergence (see {@link Status}). */
    SolverResult solve(Problem problem, SolverConfig config, IterationListener listener);

    /**
     * Why this solver cannot run on {@code problem} (a loss it lacks the operations for, or
     * more memory than the heap has), as one line saying what to do instead; {@code null} when
     * it can. {@link #solve} refuses with {@link IllegalArgumentException} carrying this line,
     * and {@link AutoSolver} never picks a solver that refuses. The default: no requirement.
     */
    default String refusal(Problem problem) {
        return null;
    }

    /** {@link #solve(Problem, SolverConfig, IterationListener)} without a listener. */
    default SolverResult solve(Problem problem, SolverConfig config) {
        return solve(problem, config, IterationListener.NONE);
    }
}

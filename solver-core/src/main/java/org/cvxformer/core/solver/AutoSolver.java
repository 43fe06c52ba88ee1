package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SoftmaxLoss;

/**
 * Picks a solver by loss and shape and says which in {@link SolverResult#message()}.
 *
 * <p>Measured on modular division p = 97, softmax, beta = 0.01 beta_max, tol 1e-6
 * ({@code SolverTimings}): bcd (with working sets and backtracking block steps) beat FISTA by
 * about 20x on one-hot (sparse) and about 10x on the dense Gaussian embedding, and beat
 * prox-newton on both (prox-newton's dense block curvature bound is crude). So:
 *
 * <ul>
 * <li>every design and loss: {@code bcd}; the exception is a dense softmax problem with very
 * few groups and samples (at most {@link #NEWTON_MAX_WORK} multiply-adds per pass), where the
 * Newton model's exact class coupling pays off: {@code prox-newton}.</li>
 * </ul>
 */
public final class AutoSolver implements Solver {
    /** Largest {@code storedEntries * c} of a dense softmax problem sent to prox-newton. */
    public static final long NEWTON_MAX_WORK = 200_000L;

    @Override
    public String name() {
        return "auto";
    }

    /** The solver {@code auto} delegates to for {@code pb}. */
    public static Solver choose(Problem pb) {
        long work = pb.design().storedEntries() * pb.classes();
        if (pb.loss() instanceof SoftmaxLoss && !pb.design().isSparse() && work <= NEWTON_MAX_WORK) {
            return new ProxNewton();
        }
        return new BlockCoordinateDescent();
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        Solver s = choose(pb);
        SolverResult r = s.solve(pb, cfg, listener);
        String why = "auto picked " + s.name() + " (" + pb.loss().name() + " loss, "
                + (pb.design().isSparse() ? "sparse" : "dense") + " design, " + pb.groupCount() + " groups)";
        return new SolverResult(name(), r.z(), r.certificate(), r.status(), r.iterations(), r.seconds(),
                r.history(), why + "; " + r.message());
    }
}

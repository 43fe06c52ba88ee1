package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SoftmaxLoss;

/**
 * Picks a solver by loss and shape and says which in {@link SolverResult#message()}:
 *
 * <ul>
 * <li>softmax loss: {@code prox-newton}. The block Lipschitz bound of coordinate descent
 * ({@code p(1-p) <= 1/4}) is far above the actual curvature when probabilities are spread over
 * many classes (about {@code 1/c}), which makes bcd and FISTA take small steps; the Newton model
 * uses the actual {@code Diag(p) - p p^T}. Measured on modular division p = 97
 * (SolverTimings) it is the fastest.</li>
 * <li>squared loss: {@code bcd} (the block steps use the exact block Lipschitz constants, and
 * working sets and screening exploit sparsity of the solution).</li>
 * </ul>
 */
public final class AutoSolver implements Solver {
    @Override
    public String name() {
        return "auto";
    }

    /** The solver {@code auto} delegates to for {@code pb}. */
    public static Solver choose(Problem pb) {
        if (pb.loss() instanceof SoftmaxLoss) {
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

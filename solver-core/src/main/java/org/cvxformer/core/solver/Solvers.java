package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Problem;

import java.util.List;
import java.util.Locale;

/** The solvers by CLI name. */
public final class Solvers {
    private Solvers() {
    }

    /**
     * Fraction of the maximum heap a solver may plan to fill with {@code N x c} arrays; the
     * rest is for the data, the parameters and the JVM.
     */
    public static final double HEAP_FRACTION = 0.6;

    /**
     * The memory requirement of a solver that holds {@code arrays} score-sized ({@code N x c})
     * arrays: a refusal line when they do not fit in {@link #HEAP_FRACTION} of the heap, else
     * {@code null}.
     */
    static String scoreArraysRefusal(String solver, Problem pb, int arrays) {
        long need = arrays * pb.scoreMatrixBytes();
        long heap = Runtime.getRuntime().maxMemory();
        if (need <= HEAP_FRACTION * heap) {
            return null;
        }
        return String.format(Locale.ROOT, "%s holds %d arrays of N x c = %d x %d doubles (%.1f GB), more than %.0f%% of the "
                + "%.1f GB heap: use --solver fista (streams the scores) or raise -Xmx", solver, arrays, pb.samples(),
                pb.classes(), need / 1e9, 100 * HEAP_FRACTION, heap / 1e9);
    }

    /**
     * The refusal of a Newton-type solver that models the Hessian as {@code Diag(a) - gamma a a^T}
     * ({@link org.cvxformer.core.problem.Loss#hessianRankOneWeight}) and holds {@code arrays}
     * score-sized arrays, or {@code null}.
     */
    static String hessianFormRefusal(String solver, Problem pb, int arrays) {
        if (Double.isNaN(pb.loss().hessianRankOneWeight())) {
            return solver + " needs a Hessian of the form Diag(a) - gamma a a^T, which loss '" + pb.loss().name()
                    + "' does not provide: use --solver fista";
        }
        return scoreArraysRefusal(solver, pb, arrays);
    }

    /** Throws the solver's {@link Solver#refusal} as an {@link IllegalArgumentException}, if any. */
    static void require(Solver s, Problem pb) {
        String why = s.refusal(pb);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Names accepted by {@link #byName(String)}. */
    public static List<String> names() {
        return List.of("fista", "bcd", "prox-newton", "newton-cg", "admm", "auto");
    }

    /** The solver called {@code name}. */
    public static Solver byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "fista" -> new Fista();
            case "bcd" -> new BlockCoordinateDescent();
            case "prox-newton", "proxnewton", "newton" -> new ProxNewton();
            case "newton-cg", "newtoncg" -> new NewtonCg();
            case "admm" -> new Admm();
            case "auto" -> new AutoSolver();
            default -> throw new IllegalArgumentException("solver '" + name + "' is unknown: expected one of " + names());
        };
    }
}

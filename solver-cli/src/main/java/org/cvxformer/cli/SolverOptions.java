package org.cvxformer.cli;

import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.solver.SolverConfig;
import picocli.CommandLine.Option;

/** Options shared by every command that runs a solver. */
public final class SolverOptions {
    @Option(names = "--solver", defaultValue = "auto", paramLabel = "NAME",
            description = "Solver: auto, fista, bcd, prox-newton or admm (default: ${DEFAULT-VALUE}; auto says which it picked).")
    String solver;

    @Option(names = "--tol", defaultValue = "1e-6", paramLabel = "T",
            description = "Stop when the certified relative duality gap is <= T (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--max-iter", defaultValue = "100000", paramLabel = "K",
            description = "Iteration limit (default: ${DEFAULT-VALUE}); exit code 3 if reached first.")
    int maxIterations;

    @Option(names = "--max-seconds", paramLabel = "S",
            description = "Wall-clock limit for the solver in seconds (default: none); exit code 3 if reached first.")
    Double maxSeconds;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the linear algebra (default: all cores). Results do not depend on it.")
    Integer threads;

    /** The solver configuration these options describe. */
    SolverConfig config() {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        SolverConfig c = SolverConfig.defaults().withTolerance(tolerance).withMaxIterations(maxIterations);
        if (maxSeconds != null) {
            if (!(maxSeconds > 0)) {
                throw new IllegalArgumentException("--max-seconds = " + maxSeconds + ": expected a number > 0");
            }
            c = c.withMaxSeconds(maxSeconds);
        }
        return c;
    }
}

package org.cvxformer.cli;

import java.util.Iterator;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.Solvers;
import picocli.CommandLine.Option;

/** Options shared by every command that runs a solver. */
public final class SolverOptions {
    /** The solver names, read from {@link Solvers#names()} so that the help cannot drift from the registry. */
    static final class SolverNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Solvers.names().iterator();
        }
    }

    // the help listed five names while the registry held six (newton-cg was missing): the list is now the registry's
    @Option(names = "--solver", defaultValue = "auto", paramLabel = "NAME", completionCandidates = SolverNames.class,
            description = "Solver: one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; auto says which it picked).")
    String solver;

    @Option(names = "--tol", defaultValue = "1e-6", paramLabel = "T",
            description = "Stop when the certified relative duality gap is <= T (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--max-iter", defaultValue = "100000", paramLabel = "K",
            description = "Iteration limit >= 1 (default: ${DEFAULT-VALUE}; " + Limits.RULE + "); exit code 3 if reached first.")
    int maxIterations;

    @Option(names = "--max-seconds", paramLabel = "S",
            description = "Wall-clock limit in seconds, > 0 (default: none; " + Limits.RULE + "); exit code 3 if a solver "
                    + "reaches it first. Neural training: the budget of this session (a --resume gets a fresh one).")
    Double maxSeconds;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the linear algebra (default: all cores). Results do not depend on it.")
    Integer threads;

    /** The solver configuration these options describe. */
    SolverConfig config() {
        if (threads != null) {
            Parallel.setThreads(Limits.count("--threads", threads));
        }
        SolverConfig c = SolverConfig.defaults().withTolerance(tolerance).withMaxIterations(Limits.count("--max-iter", maxIterations));
        if (maxSeconds != null) {
            c = c.withMaxSeconds(Limits.seconds("--max-seconds", maxSeconds));
        }
        return c;
    }
}

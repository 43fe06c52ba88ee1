package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.problem.Problem;

/**
 * What every solver shares around its step: the clock, the limits, the history and listener,
 * stall detection ({@link StallDetector}), the status rule and the final certificate. A solver
 * body calls {@link #evaluate} whenever it knows a primal and a dual value, and {@link #finish}
 * once; the rule for OPTIMAL / APPROXIMATE is then the same for all of them:
 *
 * <ul>
 * <li>a non-finite value ends {@link Status#FAILED} (the best finite iterate is returned);</li>
 * <li>otherwise the independent certificate ({@link Certifier}) decides: relative gap {@code <= tol} is
 * {@link Status#OPTIMAL}, whatever stopped the loop;</li>
 * <li>a loop that believed it was optimal but whose certificate says otherwise ends
 * {@link Status#APPROXIMATE}; a limit or stall keeps its status.</li>
 * </ul>
 */
final class SolverShell {
    /** Why a loop stopped. */
    record Stop(Status status, String message) {
    }

    private final String solver;
    private final Problem pb;
    private final SolverConfig cfg;
    private final IterationListener listener;
    private final long t0 = System.nanoTime();
    private final List<IterationRecord> history = new ArrayList<>();
    private final StallDetector stall;
    private IterationRecord last;
    private int lastRecorded = Integer.MIN_VALUE / 2;

    SolverShell(String solver, Problem pb, SolverConfig cfg, IterationListener listener) {
        this(solver, pb, cfg, listener, cfg.stallIterations());
    }

    /**
     * A shell whose stall detection waits {@code stallPatience} evaluations (a solver that
     * evaluates once per outer iteration, as bcd, needs fewer than one that evaluates every step).
     */
    SolverShell(String solver, Problem pb, SolverConfig cfg, IterationListener listener, int stallPatience) {
        this.solver = solver;
        this.pb = pb;
        this.cfg = cfg;
        this.listener = listener;
        this.stall = new StallDetector(stallPatience);
    }

    /** Seconds since the shell was made. */
    double seconds() {
        return (System.nanoTime() - t0) * 1e-9;
    }

    /** True when the wall-clock limit has passed. */
    boolean outOfTime() {
        return seconds() >= cfg.maxSeconds();
    }

    /**
     * Records iteration {@code k} with the best primal and dual values so far (history every
     * {@link SolverConfig#historyEvery()} iterations) and returns why to stop, or {@code null}:
     * a non-finite value, the tolerance, a stall, the time limit, in that order.
     */
    Stop evaluate(int k, double primal, double dual, double[] z) {
        double sec = seconds();
        last = new IterationRecord(k, sec, primal, dual, primal - dual);
        if (k - lastRecorded >= cfg.historyEvery()) {
            lastRecorded = k;
            history.add(last);
            listener.onIteration(last, z);
        }
        if (!Double.isFinite(primal) || !Double.isFinite(dual)) {
            return new Stop(Status.FAILED, "a non-finite " + (Double.isFinite(primal) ? "dual" : "primal")
                    + " objective appeared at iteration " + k + " (returning the best finite iterate)");
        }
        double rel = last.relativeGap();
        if (rel <= cfg.tolerance()) {
            return new Stop(Status.OPTIMAL, "relative duality gap " + fmt(rel) + " <= tolerance " + fmt(cfg.tolerance()));
        }
        String why = stall.update(primal, dual);
        if (why != null) {
            return new Stop(Status.APPROXIMATE, why);
        }
        if (sec >= cfg.maxSeconds()) {
            return new Stop(Status.TIME_LIMIT, "reached the time limit of " + cfg.maxSeconds() + " s");
        }
        return null;
    }

    /** The last evaluated record, or {@code null}. */
    IterationRecord last() {
        return last;
    }

    /** The recorded history so far (a copy). */
    List<IterationRecord> history() {
        return new ArrayList<>(history);
    }

    /** The iteration-limit stop. */
    Stop iterationLimit() {
        return new Stop(Status.ITERATION_LIMIT, "reached the iteration limit " + cfg.maxIterations());
    }

    /**
     * Certifies {@code z} (with the solver's best dual candidate, rechecked), applies the status
     * rule and builds the result; the last evaluated record always closes the history.
     */
    SolverResult finish(Stop stop, double[] z, DualPoint candidate, int iterations, String details) {
        if (last != null && (history.isEmpty() || history.get(history.size() - 1).iteration() != last.iteration())) {
            history.add(last);
            listener.onIteration(last, z);
        }
        Certificate cert = Certifier.certify(pb, z, candidate);
        Status status = status(stop.status(), cert.relativeGap(), cfg.tolerance());
        String message = stop.message() + (details == null || details.isEmpty() ? "" : "; " + details);
        return new SolverResult(solver, z, cert, status, iterations, seconds(), history, message);
    }

    /** The status rule (see the class comment). */
    static Status status(Status loop, double certifiedRelativeGap, double tolerance) {
        if (loop == Status.FAILED) {
            return Status.FAILED; // a non-finite value is reported even when the best iterate is certified
        }
        if (certifiedRelativeGap <= tolerance) {
            return Status.OPTIMAL;
        }
        return loop == Status.OPTIMAL ? Status.APPROXIMATE : loop;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}

package org.cvxformer.core.solver;

import java.util.List;
import org.cvxformer.core.certificate.Certificate;

/**
 * What a solve returns, as an immutable value: the point, its certificate (computed by
 * {@link org.cvxformer.core.certificate.Certifier}, not by the solver), the status, the work
 * done and the history of the iterates.
 */
public final class SolverResult {
    private final String solver;
    private final double[] z;
    private final Certificate certificate;
    private final Status status;
    private final int iterations;
    private final double seconds;
    private final List<IterationRecord> history;
    private final String message;

    public SolverResult(String solver, double[] z, Certificate certificate, Status status, int iterations,
            double seconds, List<IterationRecord> history, String message) {
        this.solver = solver;
        this.z = z.clone();
        this.certificate = certificate;
        this.status = status;
        this.iterations = iterations;
        this.seconds = seconds;
        this.history = List.copyOf(history);
        this.message = message;
    }

    /** The solver's name, e.g. {@code fista}. */
    public String solver() {
        return solver;
    }

    /** A copy of {@code Z}, flat {@code c*n*d} (layout of {@link org.cvxformer.core.problem.Design}). */
    public double[] z() {
        return z.clone();
    }

    public Certificate certificate() {
        return certificate;
    }

    public Status status() {
        return status;
    }

    /** True when the certified relative gap reached the tolerance. */
    public boolean converged() {
        return status.converged();
    }

    public int iterations() {
        return iterations;
    }

    /** Wall-clock seconds spent in the solver, certificate included. */
    public double seconds() {
        return seconds;
    }

    /** The recorded iterates (every {@link SolverConfig#historyEvery()} iterations, and the last). */
    public List<IterationRecord> history() {
        return history;
    }

    /** A one-line account of why the solver stopped. */
    public String message() {
        return message;
    }
}

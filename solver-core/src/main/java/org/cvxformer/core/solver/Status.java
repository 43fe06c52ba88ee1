package org.cvxformer.core.solver;

/** How a solve ended. Not converging is a status, not an exception. */
public enum Status {
    /** The certified relative duality gap reached the tolerance. */
    OPTIMAL,
    /** Stopped because no further progress was possible in floating point; the certificate says how close. */
    APPROXIMATE,
    /** The iteration limit came first; the certified gap is still a valid bound. */
    ITERATION_LIMIT,
    /** The wall-clock limit came first; the certified gap is still a valid bound. */
    TIME_LIMIT,
    /** A non-finite value appeared; the returned point is the last finite one. */
    FAILED;

    /** True only for {@link #OPTIMAL}. */
    public boolean converged() {
        return this == OPTIMAL;
    }
}

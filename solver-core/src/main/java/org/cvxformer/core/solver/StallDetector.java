package org.cvxformer.core.solver;

import java.util.Locale;

/**
 * The one rule, shared by every solver, for "the gap cannot improve in floating point": the
 * solve then ends with {@link Status#APPROXIMATE} and its certificate, never with an exception
 * and never by running on to the iteration limit.
 *
 * <p>Two signs, checked at every gap evaluation:
 * <ol>
 * <li>the relative gap is at most {@link #ROUNDING_GAP}: primal and dual values are sums of
 * {@code N} rounded terms, so a gap this small is rounding noise and no tolerance below it can
 * be certified (regression: {@code --tol 0} ran 100,000 Newton steps, 70 s, after the gap
 * reached 1e-16; {@code StallDetectorTest.tolZeroStopsAtRoundingGap_newtonRanToIterationLimit});</li>
 * <li>neither the best primal nor the best dual value moved by more than {@link #MOVE}
 * relative for {@link SolverConfig#stallIterations()} consecutive evaluations.</li>
 * </ol>
 */
final class StallDetector {
    /**
     * Relative gap treated as zero: 64 ulps of 1 (1.4e-14). The certified values of a problem
     * with thousands of samples carry rounding errors of this order, so the gap can shrink no
     * further in double precision.
     */
    static final double ROUNDING_GAP = 64 * Math.ulp(1.0);

    /** Smallest relative change of the best primal or dual value that counts as progress. */
    static final double MOVE = 1e-15;

    private final int patience;
    private double bestPrimal = Double.POSITIVE_INFINITY;
    private double bestDual = Double.NEGATIVE_INFINITY;
    private int quiet;

    StallDetector(int patience) {
        this.patience = patience;
    }

    /**
     * Records one gap evaluation (the best primal and dual values so far) and returns why the
     * solve cannot progress, or {@code null} to go on. Call it only when the gap is above the
     * tolerance.
     */
    String update(double primal, double dual) {
        double rel = (primal - dual) / Math.max(primal, 1e-300);
        if (rel <= ROUNDING_GAP) {
            return String.format(Locale.ROOT, "relative gap %.3e is at floating-point resolution (<= %.1e): "
                    + "no smaller gap can be certified", rel, ROUNDING_GAP);
        }
        boolean moved = Double.isInfinite(bestPrimal) || Double.isInfinite(bestDual)
                || primal < bestPrimal - MOVE * Math.abs(bestPrimal) || dual > bestDual + MOVE * Math.abs(bestDual);
        bestPrimal = Math.min(bestPrimal, primal);
        bestDual = Math.max(bestDual, dual);
        quiet = moved ? 0 : quiet + 1;
        if (quiet >= patience) {
            return String.format(Locale.ROOT, "no progress in %d gap evaluations at relative gap %.3e (floating-point limit)",
                    quiet, rel);
        }
        return null;
    }
}

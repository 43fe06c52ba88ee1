package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.problem.Problem;

/**
 * Picks a solver and says which (and why) in {@link SolverResult#message()}.
 *
 * <p>Measurements on modular division p = 97, softmax, beta = 0.01 beta_max, tol 1e-6: on the
 * training half that {@code cvxformer train} solves, where 193 of 194 groups are active, FISTA
 * (with adaptive steps) needs 61 iterations and 1.1-1.4 s, bcd 260 epochs and 40 s. On all 9303
 * examples, whose optimum has 1-2 active groups, the two are even (1.38 s and 1.36 s); before
 * FISTA had adaptive steps bcd beat it 13x there. Coordinate descent pays off when the solution
 * is very sparse, and the data at {@code Z = 0} do not tell (54% of the groups are violated at
 * zero in the sparse case). So auto probes:
 *
 * <p>FISTA, which after {@link #PROBE_ITERATIONS} iterations hands over to {@code bcd}
 * (warm-started at its best iterate) when at most {@link #SPARSE_FRACTION} of the groups are
 * active there and bcd fits in the heap ({@link Solver#refusal}), and else just goes on: the same
 * run, so the momentum and the adaptive step size are kept.
 *
 * <p>prox-newton is no longer picked (issue 13): it was chosen for small dense softmax problems,
 * where FISTA with adaptive steps measured 2.6-5x faster ({@code train --features gaussian --p 13}:
 * fista 1.7 s, prox-newton 6.0 s; {@code --features fastfood-cvx --p 23}: 1.4 s against 3.5 s,
 * loaded machine; the planted-softmax fixture 0.25 s against 0.37 s). The decision table is
 * pinned on small instances of each kind by {@code AutoSolverTest.decisionTable}.
 *
 * <p>Before all this, a problem whose tokens repeat ({@link RepeatedTokens}: a convex stack's head)
 * is first solved merged into one token (by {@link NewtonCg} when the loss allows it), and the full
 * problem is then solved from that start by the first-order rule above (Newton-CG on the full,
 * degenerate problem made the gap worse: see NewtonCg).
 *
 * <p>Otherwise, when {@link NewtonCg} accepts the problem (a loss with the Hessian form
 * {@code Diag(a) - gamma a a^T}, and its {@code N x c} arrays fit in the heap), auto runs it, and
 * the probe above is only the fallback. Measured whole process, to 1e-6, on the issue-13 instances
 * (Intel Xeon, 2 cores, idle, 2026-12-03; docs/issue13/): newton-cg took 6-10 Newton steps
 * everywhere and was 1.5-2x faster than FISTA on dense softmax (N = 20000, d = 64, c = 10:
 * 3.3 s against 4.8 s; c = 20: 5.6 s against 11.6 s), 11x at beta = 0.001 beta_max (3.1 s against
 * 35.3 s, 1307 FISTA iterations), 5x on one-hot p = 97 at 0.001 (1.3 s against 6.7 s), and even
 * (within 0.3 s, the JVM's start dominating) on the small one-hot instances, the sparse optimum of
 * all 9312 pairs included (bcd 0.95 s, newton-cg 1.17 s, fista 1.24 s). Its cost: on one-hot
 * data at beta = 0.01 beta_max it is no faster (p = 211: 5.3 s against FISTA's 4.1 s of solve) and
 * holds twice the memory. At worst newton-cg took 1.4x FISTA's time, and FISTA at worst 11x
 * newton-cg's (dense, beta = 0.001; table: docs/issue13/README.md). A Newton-CG run that
 * ends short of the tolerance for a reason other than a limit (its line search found no
 * decrease) hands its point to the first-order rule with the time that is left.
 */
public final class AutoSolver implements Solver {
    /** FISTA iterations of the sparsity probe. */
    public static final int PROBE_ITERATIONS = 30;

    /** Largest fraction of active groups after the probe for which bcd is chosen. */
    public static final double SPARSE_FRACTION = 0.05;

    private final int probeIterations;
    private final double sparseFraction;
    private final boolean newtonFirst;

    /** The documented defaults {@link #PROBE_ITERATIONS} and {@link #SPARSE_FRACTION}. */
    public AutoSolver() {
        this(PROBE_ITERATIONS, SPARSE_FRACTION, true);
    }

    /**
     * Other probe settings, for tests; {@code newtonFirst = false} leaves out the Newton-CG rule,
     * so that the first-order rule it falls back to can be tested on small problems, which
     * Newton-CG would always take.
     */
    AutoSolver(int probeIterations, double sparseFraction, boolean newtonFirst) {
        if (probeIterations < 1 || !(sparseFraction >= 0 && sparseFraction <= 1)) {
            throw new IllegalArgumentException("probe iterations = " + probeIterations + ", sparse fraction = "
                    + sparseFraction + ": expected >= 1 and a fraction in [0, 1]");
        }
        this.probeIterations = probeIterations;
        this.sparseFraction = sparseFraction;
        this.newtonFirst = newtonFirst;
    }

    @Override
    public String name() {
        return "auto";
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        double repeat = RepeatedTokens.difference(pb);
        if (repeat <= RepeatedTokens.RELATIVE_DIFFERENCE) {
            return solveMergedFirst(pb, cfg, listener, repeat);
        }
        NewtonCg newton = new NewtonCg();
        if (newtonFirst && newton.refusal(pb) == null) {
            return solveByNewton(newton, pb, cfg, listener);
        }
        return solveFirstOrder(pb, cfg, listener);
    }

    /**
     * {@link NewtonCg}, and if it stops short of the tolerance for a reason other than a limit
     * (status {@link Status#APPROXIMATE} or {@link Status#FAILED}), the first-order rule from its
     * point with the time and iterations left.
     */
    private SolverResult solveByNewton(NewtonCg newton, Problem pb, SolverConfig cfg, IterationListener listener) {
        SolverResult r = newton.solve(pb, cfg, listener);
        String why = "auto picked newton-cg (the loss has the Hessian form and its N x c arrays fit)";
        boolean limit = r.status() == Status.TIME_LIMIT || r.status() == Status.ITERATION_LIMIT;
        double left = cfg.maxSeconds() - r.seconds();
        if (r.status().converged() || limit || !(left > 0) || r.iterations() >= cfg.maxIterations()) {
            return relabel(r, why, 0, 0, List.of());
        }
        SolverConfig rest = cfg.withInitial(r.z()).withMaxIterations(Math.max(1, cfg.maxIterations() - r.iterations()))
                .withMaxSeconds(left);
        double offset = r.seconds();
        SolverResult f = solveFirstOrder(pb, rest, (rec, z) -> listener.onIteration(shift(rec, r.iterations(), offset), z));
        return relabel(f, why + ", which stopped " + r.status() + " at relative gap "
                + String.format(Locale.ROOT, "%.1e", r.certificate().relativeGap()) + ", then the first-order rule from its point",
                r.iterations(), offset,
                r.history());
    }

    /**
     * The merged one-token problem to {@link RepeatedTokens#TOLERANCE_FRACTION} of the tolerance in
     * at most {@link RepeatedTokens#TIME_FRACTION} of the time, then the full problem from
     * {@link RepeatedTokens#spread} of its solution. History, iterations and certificate are the
     * full problem's; the seconds include the merged solve.
     */
    private SolverResult solveMergedFirst(Problem pb, SolverConfig cfg, IterationListener listener, double repeat) {
        long t0 = System.nanoTime();
        Problem merged = RepeatedTokens.merged(pb);
        SolverConfig mc = cfg.withTolerance(cfg.tolerance() * RepeatedTokens.TOLERANCE_FRACTION)
                .withMaxSeconds(cfg.maxSeconds() * RepeatedTokens.TIME_FRACTION)
                .withInitial(cfg.initial() == null ? null : RepeatedTokens.mergedStart(pb, cfg.initial()));
        // the merged problem is not degenerate, only flat: Newton-CG's ground (see NewtonCg)
        NewtonCg newton = new NewtonCg();
        SolverResult m = newton.refusal(merged) == null ? newton.solve(merged, mc, IterationListener.NONE)
                : solveFirstOrder(merged, mc, IterationListener.NONE);
        double[] start = RepeatedTokens.spread(pb, m.z());
        double offset = (System.nanoTime() - t0) * 1e-9;
        SolverConfig rest = cfg.withInitial(start).withMaxSeconds(Math.max(1e-3, cfg.maxSeconds() - offset));
        SolverResult r = solveFirstOrder(pb, rest, (rec, z) -> listener.onIteration(shift(rec, 0, offset), z));
        String why = String.format(Locale.ROOT, "auto solved the tokens merged first (they repeat to within %.1e; %s, %d "
                + "iterations, %.2f s, relative gap %.1e, %s), then the full problem from that start", repeat, m.solver(),
                m.iterations(), offset, m.certificate().relativeGap(), m.status());
        return relabel(r, why, 0, offset, List.of());
    }

    /** The FISTA probe, then bcd for a sparse iterate or FISTA going on (the rule of the class comment). */
    private SolverResult solveFirstOrder(Problem pb, SolverConfig cfg, IterationListener listener) {
        // One FISTA run that, after the probe iterations, hands over to bcd if the iterate is
        // sparse, and otherwise simply goes on (keeping its momentum and step size).
        int groups = pb.groupCount();
        int probeIters = Math.min(probeIterations, cfg.maxIterations());
        // bcd holds N x c scores: at scale (p = 997: 4 GB each) it is refused and fista goes on
        Solver bcd = new BlockCoordinateDescent();
        String bcdRefusal = bcd.refusal(pb);
        if (bcdRefusal != null) {
            probeIters = cfg.maxIterations();
        }
        double[] activeAtProbe = {Double.NaN};
        // no hand-over when the iteration limit leaves nothing for bcd
        SolverResult probe = new Fista().solve(pb, cfg, listener, probeIters < cfg.maxIterations() ? probeIters : 0, z -> {
            int active = 0;
            for (double norm : pb.penalty().groupNorms(z)) {
                if (norm > 0) {
                    active++;
                }
            }
            activeAtProbe[0] = (double) active / groups;
            return activeAtProbe[0] <= sparseFraction;
        });
        boolean handedOver = probe.message().startsWith(Fista.HANDED_OVER);
        String seen = Double.isNaN(activeAtProbe[0]) ? ""
                : String.format(Locale.ROOT, " (%.0f%% of %d groups active after %d iterations)", 100 * activeAtProbe[0],
                        groups, probeIters);
        if (!handedOver) {
            String why = bcdRefusal != null ? "auto kept fista (bcd refused: " + bcdRefusal + ")" : "auto kept fista" + seen;
            return relabel(probe, why, 0, 0, List.of());
        }
        Solver s = bcd;
        double offset = probe.seconds();
        SolverConfig rest = cfg.withInitial(probe.z()).withMaxIterations(Math.max(1, cfg.maxIterations() - probe.iterations()))
                .withMaxSeconds(Math.max(1e-3, cfg.maxSeconds() - offset));
        SolverResult r = s.solve(pb, rest, (rec, z) -> listener.onIteration(shift(rec, probe.iterations(), offset), z));
        return relabel(r, "auto picked bcd after a FISTA probe" + seen, probe.iterations(), offset, probe.history());
    }

    private static IterationRecord shift(IterationRecord r, int iterations, double seconds) {
        return new IterationRecord(r.iteration() + iterations, r.seconds() + seconds, r.primal(), r.dual(), r.gap());
    }

    private SolverResult relabel(SolverResult r, String why, int iterOffset, double secOffset, List<IterationRecord> before) {
        List<IterationRecord> h = new ArrayList<>(before);
        for (IterationRecord rec : r.history()) {
            h.add(shift(rec, iterOffset, secOffset));
        }
        return new SolverResult(name(), r.z(), r.certificate(), r.status(), r.iterations() + iterOffset,
                r.seconds() + secOffset, h, why + "; " + r.message());
    }
}

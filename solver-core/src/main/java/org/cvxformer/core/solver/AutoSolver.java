package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SoftmaxLoss;

/**
 * Picks a solver and says which (and why) in {@link SolverResult#message()}.
 *
 * <p>Measurements on modular division p = 97, softmax, beta = 0.01 beta_max, tol 1e-6: on all
 * 9312 examples, whose optimum has 1-2 active groups, bcd beat FISTA about 13x (one-hot) and
 * 11x (dense Gaussian embedding). On the training half that {@code cvxformer train} solves,
 * where 193 of 194 groups are active, FISTA beat bcd about 7x (4.8 s against 33 s). Coordinate
 * descent pays off when the solution is sparse, and the data at {@code Z = 0} do not tell (54%
 * of the groups are violated at zero in the sparse case). So auto probes:
 *
 * <ol>
 * <li>a dense softmax problem with very few groups and samples (at most
 * {@link #NEWTON_MAX_WORK} multiply-adds per pass): {@code prox-newton}, whose exact class
 * coupling pays off there;</li>
 * <li>otherwise {@link #PROBE_ITERATIONS} FISTA iterations; if they do not already certify the
 * tolerance, the rest is solved from the probe's point by {@code bcd} when at most
 * {@link #SPARSE_FRACTION} of the groups are active in it, else by {@code fista}.</li>
 * </ol>
 */
public final class AutoSolver implements Solver {
    /** Largest {@code storedEntries * c} of a dense softmax problem sent to prox-newton. */
    public static final long NEWTON_MAX_WORK = 200_000L;

    /** FISTA iterations of the sparsity probe. */
    public static final int PROBE_ITERATIONS = 30;

    /** Largest fraction of active groups after the probe for which bcd is chosen. */
    public static final double SPARSE_FRACTION = 0.25;

    @Override
    public String name() {
        return "auto";
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        long work = pb.design().storedEntries() * pb.classes();
        if (pb.loss() instanceof SoftmaxLoss && !pb.design().isSparse() && work <= NEWTON_MAX_WORK) {
            SolverResult r = new ProxNewton().solve(pb, cfg, listener);
            return relabel(r, "auto picked prox-newton (dense softmax, " + work + " multiply-adds per pass)", 0, 0, List.of());
        }
        int probeIters = Math.min(PROBE_ITERATIONS, cfg.maxIterations());
        SolverResult probe = new Fista().solve(pb, cfg.withMaxIterations(probeIters), listener);
        if (probe.converged() || probe.status() == Status.FAILED || probeIters == cfg.maxIterations()
                || probe.seconds() >= cfg.maxSeconds()) {
            return relabel(probe, "auto: the FISTA probe finished the job", 0, 0, List.of());
        }
        double active = (double) probe.certificate().activeCount() / pb.groupCount();
        Solver s = active <= SPARSE_FRACTION ? new BlockCoordinateDescent() : new Fista();
        double offset = probe.seconds();
        SolverConfig rest = cfg.withInitial(probe.z()).withMaxIterations(cfg.maxIterations() - probe.iterations())
                .withMaxSeconds(Math.max(1e-3, cfg.maxSeconds() - offset));
        SolverResult r = s.solve(pb, rest, (rec, z) -> listener.onIteration(shift(rec, probe.iterations(), offset), z));
        String why = String.format(Locale.ROOT, "auto picked %s after a %d-iteration FISTA probe (%.0f%% of %d groups active)",
                s.name(), probe.iterations(), 100 * active, pb.groupCount());
        return relabel(r, why, probe.iterations(), offset, probe.history());
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

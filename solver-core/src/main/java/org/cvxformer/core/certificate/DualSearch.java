package org.cvxformer.core.certificate;

import java.util.ArrayList;
import java.util.List;
import org.cvxformer.core.linalg.Extrapolation;
import org.cvxformer.core.problem.Problem;

/**
 * Cheap searches for a better feasible dual point at a fixed primal point {@code Z}, for
 * certifying a candidate that came from anywhere (math.md section 4: "any feasible U may be
 * kept; better dual points give tighter certificates"). Every candidate is rescaled into the
 * feasible set and evaluated by {@link Certifier#dualPoint}; none is trusted.
 *
 * <ol>
 *   <li>{@code rescaled-residual}: {@code grad F(A W)} at {@code Z}, rescaled (math.md section 4).</li>
 *   <li>{@code proximal-continuation}: the rescaled residuals of a few proximal-gradient steps
 *       started at {@code Z} (step {@code 1/L}), best one kept.</li>
 *   <li>{@code dual-extrapolation}: the extrapolated residual of those steps (Massias, Gramfort,
 *       Salmon, ICML 2018: weights {@code c = z / 1^T z} with {@code (R^T R) z = 1}, R the
 *       differences of the last K+1 residuals), rescaled.</li>
 *   <li>{@code dual-ascent}: from the best point so far, projected-gradient-style ascent on
 *       {@code D}: a step along {@code grad D} (zero-sum per row for softmax, so {@code q} stays
 *       on the simplex's affine hull), then rescaling into the feasible set; a step is kept only
 *       if it raises {@code D}, else the step size halves.</li>
 * </ol>
 */
public final class DualSearch {
    /** Number of proximal-gradient steps whose residuals are tried and extrapolated. */
    public static final int CONTINUATION_STEPS = 10;
    /** Number of dual-ascent trials. */
    public static final int ASCENT_STEPS = 30;

    private DualSearch() {
    }

    /** The result: every candidate tried (in order) and the best. */
    public record Outcome(List<DualPoint> candidates, DualPoint best) {
    }

    /** Runs the searches above at {@code Z}. */
    public static Outcome search(Problem pb, double[] Z) {
        pb.checkParameters(Z, "Z");
        List<DualPoint> cands = new ArrayList<>();
        int M = pb.samples() * pb.classes();
        int P = pb.parameterCount();
        double[] U0 = pb.residual(Z);
        DualPoint best = Certifier.dualPoint(pb, U0, Certifier.RESCALED_RESIDUAL);
        cands.add(best);

        // Proximal-gradient continuation from Z, keeping the residual of each step.
        double L = pb.lipschitz() > 0 ? pb.lipschitz() : 1.0;
        double[] x = Z.clone();
        double[] G = new double[P];
        List<double[]> residuals = new ArrayList<>();
        residuals.add(U0);
        DualPoint bestCont = null;
        for (int t = 0; t < CONTINUATION_STEPS; t++) {
            double[] U = residuals.get(residuals.size() - 1);
            pb.design().transposeMultiply(U, pb.classes(), G);
            for (int p = 0; p < P; p++) {
                x[p] -= G[p] / L;
            }
            pb.penalty().prox(x, 1.0 / L);
            double[] Un = pb.residual(x);
            residuals.add(Un);
            DualPoint dp = Certifier.dualPoint(pb, Un, "proximal-continuation");
            if (bestCont == null || dp.value() > bestCont.value()) {
                bestCont = dp;
            }
        }
        if (bestCont != null) {
            cands.add(bestCont);
            if (bestCont.value() > best.value()) {
                best = bestCont;
            }
        }
        double[] extrapolated = extrapolate(residuals, Math.min(5, residuals.size() - 1));
        if (extrapolated != null) {
            pb.loss().intoDualDomain(extrapolated, pb.targets());
            DualPoint dp = Certifier.dualPoint(pb, extrapolated, "dual-extrapolation");
            cands.add(dp);
            if (dp.value() > best.value()) {
                best = dp;
            }
        }

        // Dual ascent with rescaling, from the best point so far.
        DualPoint cur = best;
        double eta = 1.0 / pb.samples(); // D is N-strongly concave: 1/N is the natural step scale
        for (int t = 0; t < ASCENT_STEPS; t++) {
            double[] u = cur.u();
            double[] g = pb.loss().dualGradient(u, pb.targets());
            if (g == null) {
                break; // the loss gives no dual gradient: no ascent
            }
            double[] trial = new double[M];
            for (int p = 0; p < M; p++) {
                trial[p] = u[p] + eta * g[p];
            }
            pb.loss().intoDualDomain(trial, pb.targets());
            DualPoint dp = Certifier.dualPoint(pb, trial, "dual-ascent");
            if (dp.value() > cur.value()) {
                cur = dp;
                eta *= 1.5;
            } else {
                eta *= 0.5;
            }
        }
        if (cur != best) {
            cands.add(cur);
            if (cur.value() > best.value()) {
                best = cur;
            }
        }
        return new Outcome(List.copyOf(cands), best);
    }

    /**
     * Extrapolation of the last {@code K+1} residuals (Massias et al. 2018, {@link Extrapolation}):
     * {@code null} when the linear system is singular or there are too few residuals.
     */
    static double[] extrapolate(List<double[]> r, int K) {
        if (K < 2) {
            return null;
        }
        return Extrapolation.extrapolate(r, K);
    }
}

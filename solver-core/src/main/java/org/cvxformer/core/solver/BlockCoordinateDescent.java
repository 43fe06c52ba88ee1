package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.GroupL2Penalty;
import org.cvxformer.core.problem.Penalty;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.TokenBlocks;

/**
 * Block coordinate descent over the groups {@code (l,k)} (math.md section 6) with working sets,
 * GAP safe screening and dual extrapolation, in the style of celer / skglm.
 *
 * <ul>
 * <li><b>Block step.</b> Group {@code (l,k)} takes the proximal gradient step
 * {@code z_lk <- prox_{beta/L_k ||.||}(z_lk - g_lk / L_k)} with
 * {@code L_k = curvature sigma_max(A_k)^2 / N}, {@code g_lk = A_k^T (grad F(S))_{:,l}}.
 * Curvature is 1 for squared loss; for softmax the block of one class has Hessian
 * {@code (1/N) sum_i p_il (1 - p_il) x_ik x_ik^T <= (1/4) A_k^T A_k / N}, so
 * {@link SolverConfig.Tuning#softmaxBlockCurvature()} (1/4 by default) is a valid bound
 * (math.md's 1/2 is the bound for the whole class-coupled Hessian, valid too but twice as
 * conservative). The step decreases {@code P} monotonically. The scores {@code S = A W} are
 * updated incrementally through the columns of token {@code k} only ({@link TokenBlocks}), so a
 * step costs {@code O(nnz(A_k))} plus {@code O(N)} for the residual of class {@code l}.</li>
 * <li><b>Working set.</b> Outer iterations compute the full gradient and the certified gap,
 * then solve the problem restricted to a working set of groups by cyclic BCD to a fraction
 * {@link SolverConfig.Tuning#innerTolerance()} of that gap (inner gap checked every
 * {@link SolverConfig.Tuning#gapEvery()} epochs). The working set holds every non-zero group and
 * the zero groups with the largest {@code ||g_lk|| / beta}; its size starts at
 * {@link SolverConfig.Tuning#workingSetStart()} and doubles at each outer iteration.</li>
 * <li><b>GAP safe screening</b> (Ndiaye, Fercoq, Gramfort, Salmon 2017). Both duals are
 * {@code N}-strongly concave under math.md's averaged scaling (squared: Hessian {@code -N I};
 * softmax: {@code D(U) = (1/N) sum_i H(N u_i + e_{y_i})} has Hessian
 * {@code -N Diag(1/q_i) <= -N I} since {@code q_il <= 1}). With {@code U*} the dual optimum,
 * optimality of {@code U*} over the convex feasible set gives, for any feasible {@code U},
 * {@code D(U*) - D(U) >= (N/2) ||U - U*||_F^2}; and {@code D(U*) <= P(Z)}, so
 * {@code ||U - U*||_F <= sqrt(2 (P(Z) - D(U)) / N) = r}. Then
 * {@code ||(A^T U*)_lk|| <= ||(A^T U)_lk|| + sigma_max(A_k) ||U_{:,l} - U*_{:,l}|| <= ||(A^T U)_lk|| + r sigma_max(A_k)},
 * and {@code ||(A^T U*)_lk|| < beta} forces {@code z*_lk = 0} by the KKT conditions (math.md
 * section 5; {@code U* = grad F(S*)}). So math.md's radius {@code r = sqrt(2 gap / N)} is right
 * for this scaling (it would be {@code sqrt(2 gap)} for the summed loss of the seeds, whose dual
 * is only 1-strongly concave in the correspondingly scaled variable). Screened groups are set
 * to zero and skipped for the rest of the solve; {@code sigma_max(A_k)} is an upper bound
 * ({@link TokenBlocks#sigmaMaxSquaredBound(int)}).</li>
 * <li><b>Groups screened at start</b> ({@link SolverConfig#screened()}, e.g. from the sequential
 * rule {@link GapSafeScreening#sequential} along a path): set to zero in the starting point and
 * treated as screened from the first outer iteration. The outer gap is still computed over all
 * groups and the result is certified by {@link Certifier}, so a wrongly marked group would show
 * as an open gap, never as a false optimum.</li>
 * <li><b>Dual candidates.</b> The rescaled residual at the current point, and the rescaled
 * residual at the extrapolated scores ({@link DualExtrapolation}); the best feasible one is
 * passed to {@link Certifier}, which recomputes the certificate independently.</li>
 * </ul>
 *
 * <p>An "iteration" is one epoch over the current working set. Coordinate updates are
 * sequential, so results do not depend on the thread count (the full products use
 * {@link org.cvxformer.core.linalg.Parallel}, which is deterministic). History rows are recorded at
 * every outer iteration.
 */
public final class BlockCoordinateDescent implements Solver {
    /** Smallest trial step constant of a softmax block step, as a fraction of its bound {@code L_k}. */
    static final double MIN_STEP_FRACTION = 1e-6;

    /** Outer iterations without any progress of the best primal or dual value before giving up. */
    static final int OUTER_STALL = 5;

    @Override
    public String name() {
        return "bcd";
    }

    /** Holds its scores and residuals as {@code N x c} arrays (4 of them at most). */
    @Override
    public String refusal(Problem pb) {
        String loss = ScoreState.unsupported(pb.loss(), name());
        if (loss != null) {
            return loss;
        }
        return Solvers.scoreArraysRefusal(name(), pb, 4);
    }

    @Override
    public SolverResult solve(Problem pb, SolverConfig cfg, IterationListener listener) {
        Solvers.require(this, pb);
        return new Run(pb, cfg, listener).run();
    }

    private final class Run {
        final Problem pb;
        final SolverConfig cfg;
        final SolverConfig.Tuning tu;
        final IterationListener listener;
        final SolverShell shell;
        final Design A;
        final Loss loss;
        final Penalty pen;
        final TokenBlocks B;
        final int N, n, d, c, groups, P;
        final double beta;
        final double[] Lk;
        final double[] Lcur;
        long backtracks;
        final double[] z;
        final ScoreState st;
        final boolean constantCurvature;
        final boolean[] screened;
        final int screenedAtStart;
        final double[] r, grad, v, delta, ds;
        final int[] touched;
        final boolean[] mark;
        final DualExtrapolation extrap;
        int epochs;
        final BestDualPoint best;
        double[] extrapU; // unscaled residual at the last extrapolated scores, for the outer loop

        Run(Problem pb, SolverConfig cfg, IterationListener listener) {
            this.pb = pb;
            this.cfg = cfg;
            this.tu = cfg.tuning();
            this.listener = listener;
            this.best = new BestDualPoint(pb);
            // the shared shell: clock, limits, history, stall detection (per outer iteration), status rule, certificate
            this.shell = new SolverShell(name(), pb, cfg, listener, OUTER_STALL);
            this.A = pb.design();
            this.loss = pb.loss();
            this.pen = pb.penalty();
            this.N = pb.samples();
            this.n = pb.tokens();
            this.d = pb.features();
            this.c = pb.classes();
            this.groups = c * n;
            this.P = pb.parameterCount();
            this.beta = pb.beta();
            double[] init = cfg.initial();
            this.z = init != null ? init : new double[P];
            pb.checkParameters(z, "initial Z");
            this.st = new ScoreState(pb, z);
            this.constantCurvature = pb.loss().hasConstantCurvature();
            this.B = pb.tokenBlocks();
            // the loss's bound on a one-class block; for a loss of varying curvature the tuning
            // may only raise it (SolverConfig.Tuning#softmaxBlockCurvature)
            double curv = constantCurvature ? st.classCurvature()
                    : Math.max(st.classCurvature(), tu.softmaxBlockCurvature());
            this.Lk = new double[n];
            for (int k = 0; k < n; k++) {
                Lk[k] = curv * B.sigmaMaxSquaredStep(k) / N;
            }
            this.Lcur = new double[groups];
            for (int g = 0; g < groups; g++) {
                Lcur[g] = 2 * Lk[g % n];
            }
            boolean[] given = cfg.screenedFor(pb);
            this.screened = given != null ? given : new boolean[groups];
            this.r = new double[N];
            this.grad = new double[d];
            this.v = new double[d];
            this.delta = new double[d];
            this.ds = new double[N];
            this.touched = new int[N];
            this.mark = new boolean[N];
            this.extrap = new DualExtrapolation(tu.extrapolationDepth());
            // Groups proven zero before the solve (SolverConfig#screened): zero them in the starting
            // point (a warm start may hold them non-zero) and never update them.
            int atStart = 0;
            for (int g = 0; g < groups; g++) {
                if (screened[g]) {
                    setGroup(g, null);
                    atStart++;
                }
            }
            this.screenedAtStart = atStart;
        }

        SolverResult run() {
            double[] U = new double[N * c];
            double[] G = new double[P];
            SolverShell.Stop stop;
            int wsSize = Math.min(groups, tu.workingSetStart());
            int outer = 0;
            int screenedCount = screenedAtStart;
            while (true) {
                outer++;
                double F = st.gradient(st.St, pb, U);
                A.transposeMultiply(U, c, G);
                double Pz = F + pen.value(z);
                best.offer(U, G, pen.dualNorm(G), "rescaled-residual");
                if (extrapU != null) {
                    double[] Ge = new double[P];
                    A.transposeMultiply(extrapU, c, Ge);
                    best.offer(extrapU, Ge, pen.dualNorm(Ge), "rescaled-residual at extrapolated scores");
                    extrapU = null;
                }
                double gap = Pz - best.value();
                stop = shell.evaluate(epochs, Pz, best.value(), z);
                if (stop == null && epochs >= cfg.maxIterations()) {
                    stop = new SolverShell.Stop(Status.ITERATION_LIMIT, "reached the iteration limit " + cfg.maxIterations()
                            + " (epochs)");
                }
                if (stop != null) {
                    break;
                }

                if (tu.screening()) {
                    screenedCount += screen(gap);
                }
                int[] ws = workingSet(G, wsSize);
                inner(ws, tu.innerTolerance() * gap);
                wsSize = Math.min(groups, 2 * Math.max(wsSize, ws.length));
            }
            return shell.finish(stop, z, best.candidate(), epochs, String.format(Locale.ROOT,
                    "%d outer iterations, %d epochs, %d/%d groups screened (%d given at start), %d backtracks",
                    outer, epochs, screenedCount, groups, screenedAtStart, backtracks));
        }

        /** GAP safe screening with the best dual point; returns the number of newly screened groups. */
        int screen(double gap) {
            if (best.scaledGradient() == null) {
                return 0;
            }
            boolean[] before = screened.clone();
            int count = GapSafeScreening.screen(pb, gap, best.scaledGradient(), screened);
            for (int g = 0; g < groups; g++) {
                if (screened[g] && !before[g]) {
                    setGroup(g, null);
                }
            }
            return count;
        }

        /** The working set: non-zero groups first, then zero groups by decreasing {@code ||g||}; sorted by index. */
        int[] workingSet(double[] G, int size) {
            List<Integer> cand = new ArrayList<>();
            double[] prio = new double[groups];
            int active = 0;
            for (int g = 0; g < groups; g++) {
                if (screened[g]) {
                    continue;
                }
                cand.add(g);
                if (Vec.norm2(z, g * d, d) > 0) {
                    prio[g] = Double.POSITIVE_INFINITY;
                    active++;
                } else {
                    prio[g] = pen.groupDual(Vec.norm2(G, g * d, d), g) / beta;
                }
            }
            int m = Math.min(cand.size(), Math.max(size, 2 * active));
            cand.sort((a, b) -> {
                int cmp = Double.compare(prio[b], prio[a]);
                return cmp != 0 ? cmp : Integer.compare(a, b);
            });
            int[] ws = new int[m];
            for (int q = 0; q < m; q++) {
                ws[q] = cand.get(q);
            }
            Arrays.sort(ws);
            return ws;
        }

        /** Cyclic BCD on the working set until its gap is at most {@code absTol} (or the limits). */
        void inner(int[] ws, double absTol) {
            extrap.clear();
            double[] Uin = new double[N * c];
            while (true) {
                for (int g : ws) {
                    if (!screened[g]) {
                        step(g);
                    }
                }
                epochs++;
                extrap.push(st.St);
                boolean last = epochs >= cfg.maxIterations() || shell.outOfTime();
                if (epochs % tu.gapEvery() == 0 || last) {
                    st.refresh();
                    double F = st.gradient(st.St, pb, Uin);
                    double Pin = F + pen.value(z);
                    double D = restrictedDual(Uin, ws);
                    double[] se = extrap.extrapolate();
                    if (se != null) {
                        double[] Ue = new double[N * c];
                        st.gradient(se, pb, Ue);
                        double De = restrictedDual(Ue, ws);
                        if (De > D) {
                            D = De;
                        }
                        extrapU = Ue;
                    }
                    if (Pin - D <= absTol || last) {
                        return;
                    }
                }
            }
        }

        /** {@code D(t U)} with {@code t} rescaling {@code U} into the working-set problem's feasible set. */
        double restrictedDual(double[] U, int[] ws) {
            double[] col = new double[N];
            double[] blk = new double[d];
            int lastClass = -1;
            double gmax = 0;
            for (int g : ws) {
                int l = g / n;
                int k = g % n;
                if (l != lastClass) {
                    for (int i = 0; i < N; i++) {
                        col[i] = U[i * c + l];
                    }
                    lastClass = l;
                }
                B.transposeMultiply(k, col, 0, blk, 0);
                gmax = Math.max(gmax, pen.groupDual(Vec.norm2(blk, 0, d), g));
            }
            double t = pen.rescalingOfDualNorm(gmax);
            double[] Ut = new double[U.length];
            for (int p = 0; p < U.length; p++) {
                Ut[p] = t * U[p];
            }
            return loss.dual(Ut, pb.targets());
        }

        /**
         * One proximal block step on group {@code g}. Squared loss: step {@code 1/L_k}. Softmax: the
         * global bound {@code L_k} (curvature 1/4) is often far above the local curvature
         * ({@code p_il(1-p_il)} is about {@code 1/c} when probabilities are spread), so the step
         * starts from half the constant that last succeeded on this group and backtracks
         * (doubling, never above {@code L_k}, which always passes) until the sufficient-decrease
         * test {@code F(new) <= F + <g, delta> + (L/2) ||delta||^2} holds, with {@code F}'s
         * change computed exactly from the incremental log-sum-exp updates. Every accepted step
         * decreases {@code P}.
         */
        void step(int g) {
            int l = g / n;
            int k = g % n;
            int off = g * d;
            double Lmax = Lk[k];
            if (!(Lmax > 0)) {
                setGroup(g, null); // A_k = 0: the group does not affect F, so 0 minimises its penalty
                return;
            }
            st.residual(l, r);
            B.transposeMultiply(k, r, 0, grad, 0);
            // Floor the trial constant: halving it after every successful step let it underflow to 0
            // on groups whose steps always pass (zero gradient), and then grad / 0 = NaN never passed
            // the test while doubling 0 stayed 0: an endless loop (regression test
            // BcdRegressionTest.stepConstantUnderflowHung_modDivisionP7).
            // constant curvature: the bound is the local constant, so there is nothing to adapt
            double L = constantCurvature ? Lmax : Math.min(Lmax, Math.max(0.5 * Lcur[g], MIN_STEP_FRACTION * Lmax));
            while (true) {
                for (int j = 0; j < d; j++) {
                    v[j] = z[off + j] - grad[j] / L;
                }
                GroupL2Penalty.groupSoftThreshold(v, 0, d, pen.groupThreshold(g) / L);
                if (L >= Lmax) {
                    setGroup(g, v);
                    break;
                }
                double lin = 0, sq = 0;
                for (int j = 0; j < d; j++) {
                    double dl = v[j] - z[off + j];
                    lin += grad[j] * dl;
                    sq += dl * dl;
                }
                double dF = setGroup(g, v) / N;
                if (dF <= lin + 0.5 * L * sq + 1e-15 * (Math.abs(lin) + 1e-300)) {
                    break;
                }
                for (int j = 0; j < d; j++) {
                    v[j] = z[off + j] - delta[j];
                }
                setGroup(g, v); // revert
                backtracks++;
                L = Math.min(Lmax, 2 * L);
            }
            Lcur[g] = L;
        }

        /**
         * Sets group {@code g} to {@code value} ({@code null}: zero), updating the scores; returns
         * the change of {@code N * F}. Leaves the applied change in {@code delta}.
         */
        double setGroup(int g, double[] value) {
            int l = g / n;
            int k = g % n;
            int off = g * d;
            boolean any = false;
            for (int j = 0; j < d; j++) {
                double nv = value == null ? 0.0 : value[j];
                delta[j] = nv - z[off + j];
                any |= delta[j] != 0;
                z[off + j] = nv;
            }
            if (!any || !(Lk[k] > 0)) {
                return 0;
            }
            int m = B.multiplyTouched(k, delta, 0, ds, touched, mark);
            double dF = 0;
            for (int q = 0; q < m; q++) {
                int i = touched[q];
                double x = ds[i];
                if (x != 0) {
                    dF += st.add(l, i, x);
                }
                ds[i] = 0;
                mark[i] = false;
            }
            return dF;
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}

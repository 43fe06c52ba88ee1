package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Spectral;

/**
 * The convex primal of math.md section 2,
 * {@code P(Z) = F(A W) + beta sum_{l,k} ||z_lk||_2}: a {@link Design}, {@link Targets}, a
 * {@link Loss} and a {@link Penalty} (the {@link GroupL2Penalty} unless given). Immutable; the quantities that depend only on
 * the data ({@link #betaMax()}, {@link #lipschitz()}) are computed once and shared by
 * {@link #withBeta(double)}, so a regularisation path pays for them once.
 */
public final class Problem {
    /** Gram matrices costing more multiply-adds than this are not formed; power iteration is used instead. */
    public static final long GRAM_WORK_LIMIT = 400_000_000L;

    private final Design design;
    private final Targets targets;
    private final Loss loss;
    private final Penalty penalty;
    private final DataConstants constants;

    /** Cached data-only quantities, shared between problems that differ only in beta. */
    private static final class DataConstants {
        private volatile double betaMax = Double.NaN;
        private volatile double sigmaMaxSquared = Double.NaN;
        private volatile double sigmaEstimate = Double.NaN;
        private volatile boolean sigmaExact;
        private volatile TokenBlocks tokenBlocks;
    }

    /**
     * @throws IllegalArgumentException when the shapes disagree, beta is not a finite number
     *                                  {@code > 0}, or the loss cannot use the targets
     */
    public Problem(Design design, Targets targets, Loss loss, double beta) {
        this(design, targets, loss, new GroupL2Penalty(beta, design.features()));
    }

    /**
     * The primal with any group penalty of {@link Penalty}'s family (e.g. the
     * {@link WeightedGroupL2Penalty}); its group size must be {@code d} and it must fit the
     * {@code c n} groups.
     */
    public Problem(Design design, Targets targets, Loss loss, Penalty penalty) {
        this(design, targets, loss, penalty, new DataConstants());
        if (penalty.groupSize() != design.features()) {
            throw new IllegalArgumentException("the penalty's groups have " + penalty.groupSize()
                    + " entries, but a token has d = " + design.features() + " features");
        }
        penalty.checkGroups(targets.classes() * design.tokens());
        if (design.samples() != targets.samples()) {
            throw new IllegalArgumentException("X has N = " + design.samples() + " samples but y has "
                    + targets.samples() + ": they must have the same first dimension");
        }
        loss.checkTargets(targets);
    }

    private Problem(Design design, Targets targets, Loss loss, Penalty penalty, DataConstants constants) {
        this.design = design;
        this.targets = targets;
        this.loss = loss;
        this.penalty = penalty;
        this.constants = constants;
    }

    /** The same data and loss with another beta; cached constants are shared. */
    public Problem withBeta(double beta) {
        return new Problem(design, targets, loss, penalty.withBeta(beta), constants);
    }

    public Design design() {
        return design;
    }

    public Targets targets() {
        return targets;
    }

    public Loss loss() {
        return loss;
    }

    public Penalty penalty() {
        return penalty;
    }

    public double beta() {
        return penalty.beta();
    }

    /** {@code N}. */
    public int samples() {
        return design.samples();
    }

    /** {@code n}. */
    public int tokens() {
        return design.tokens();
    }

    /** {@code d}. */
    public int features() {
        return design.features();
    }

    /** {@code c}. */
    public int classes() {
        return targets.classes();
    }

    /** {@code c*n*d}, the length of a parameter array. */
    public int parameterCount() {
        return classes() * tokens() * features();
    }

    /** {@code c*n}, the number of groups. */
    public int groupCount() {
        return classes() * tokens();
    }

    /** {@code S = A W}, a new {@code N x c} array (small problems only: see {@link ScoreStream}). */
    public double[] scores(double[] Z) {
        double[] S = new double[samples() * classes()];
        design.multiply(Z, classes(), S);
        return S;
    }

    /**
     * {@code U0 = grad F(S)} at {@code S = A W}, a new {@code N x c} array: the residual that
     * math.md section 4 rescales into a dual point.
     */
    public double[] residual(double[] Z) {
        double[] S = scores(Z);
        double[] U = new double[S.length];
        loss.valueAndGradient(S, targets, U);
        return U;
    }

    /** {@code P(Z) = F(A W) + beta sum ||z_lk||}, streamed ({@link ScoreStream}: no {@code N x c} array). */
    public double primal(double[] Z) {
        return new ScoreStream(this).value(Z) + penalty.value(Z);
    }

    /**
     * Bytes a streamed first-order solve of this problem needs (FISTA, the certificate): the
     * design and targets, {@link #PARAMETER_ARRAYS} parameter-sized arrays and one
     * {@link ScoreStream} pass's work arrays. No {@code N x c} term: the scores are streamed.
     * Solvers that hold the scores ({@code bcd}, {@code prox-newton}, {@code admm}) need
     * {@link #scoreMatrixBytes()} times a few more.
     */
    public long estimatedBytes() {
        long nc = (long) samples() * classes();
        // FISTA holds five N x c arrays instead of streaming when they fit one block (Fista.Scores)
        long tracked = nc <= ScoreStream.BLOCK_ENTRIES ? 5 * 8L * nc : 0;
        return design.bytes() + targets.bytes() + 8L * PARAMETER_ARRAYS * parameterCount()
                + new ScoreStream(this).workBytes() + tracked;
    }

    /**
     * Parameter-sized arrays a streamed FISTA solve holds at once: iterate, previous iterate,
     * extrapolated point, gradient, best iterate, the transposed W and accumulator inside the
     * products, and the certifier's copies.
     */
    public static final int PARAMETER_ARRAYS = 10;

    /** Bytes of one {@code N x c} array of doubles (scores, residuals, a dual point). */
    public long scoreMatrixBytes() {
        return 8L * samples() * classes();
    }

    /**
     * {@code beta_max = max_{lk} ||(A^T grad F(0))_{lk}||_2} (math.md section 4): for
     * {@code beta >= beta_max}, {@code Z = 0} is optimal.
     */
    public double betaMax() {
        double b = constants.betaMax;
        if (Double.isNaN(b)) {
            // the first pass over the data: compile the SIMD bodies first (timing only, see Warmup)
            Warmup.ifLarge(samples(), tokens() * features(), classes(), design.storedEntries());
            double[] G = new double[parameterCount()];
            new ScoreStream(this).valueAndGradient(new double[parameterCount()], G);
            // over the penalised groups: an unpenalised group's dual constraint (g = 0) does not
            // scale with beta, so it cannot define beta_max
            b = 0;
            int d = features();
            for (int g = 0; g < groupCount(); g++) {
                double v = penalty.groupDual(org.cvxformer.core.linalg.Vec.norm2(G, g * d, d), g);
                if (Double.isFinite(v)) {
                    b = Math.max(b, v);
                }
            }
            constants.betaMax = b;
        }
        return b;
    }

    /** {@code sigma_max(A)^2}: exact through the Gram matrix when that is cheap, else by power iteration. */
    public double sigmaMaxSquared() {
        double s = constants.sigmaMaxSquared;
        if (Double.isNaN(s)) {
            double[] gram = design.gramIfCheap(GRAM_WORK_LIMIT);
            if (gram != null) {
                s = Spectral.largestEigenvalue(gram, design.columns());
                constants.sigmaExact = true;
            } else {
                s = Spectral.powerIteration(design::gramApply, design.columns(), 300, 1e-7, 0x5eedL);
                constants.sigmaExact = false;
            }
            constants.sigmaMaxSquared = s;
        }
        return s;
    }

    /**
     * A cheap estimate of {@code sigma_max(A)^2} for solvers whose step adapts and backtracks
     * (issue 13, "setup is cheap"): {@link #ESTIMATE_POWER_STEPS} power-iteration steps on
     * {@code A^T A}, each one {@code A x} and one {@code A^T s} with a single column. The
     * Rayleigh quotient is a lower bound of {@code sigma_max^2}; backtracking raises the step's
     * constant where the bound is too low, and no certificate depends on it. When the exact
     * value is already known it is returned.
     */
    public double sigmaMaxSquaredEstimate() {
        double s = constants.sigmaMaxSquared;
        if (!Double.isNaN(s)) {
            return s;
        }
        double e = constants.sigmaEstimate;
        if (Double.isNaN(e)) {
            e = Spectral.powerIteration(design::gramApply, design.columns(), ESTIMATE_POWER_STEPS, 1e-3, 0x5eedL);
            constants.sigmaEstimate = e;
        }
        return e;
    }

    /**
     * Power-iteration steps of {@link #sigmaMaxSquaredEstimate()}. Only a starting point: FISTA's
     * adaptive steps then shrink the constant far below the global bound (dense N = 20000,
     * n d = 512, c = 10: start 0.65, smallest 0.018) and backtracking raises it where needed, so
     * precision buys nothing; each step is two products with one column, which on a dense design
     * cost as much as a fifth of an iteration.
     */
    public static final int ESTIMATE_POWER_STEPS = 8;

    /** {@code curvature * sigmaMaxSquaredEstimate() / N}: the cheap starting Lipschitz constant. */
    public double lipschitzEstimate() {
        return loss.curvature() * sigmaMaxSquaredEstimate() / samples();
    }

    /** True when {@link #sigmaMaxSquared()} came from an exact eigenvalue decomposition. */
    public boolean sigmaMaxIsExact() {
        sigmaMaxSquared();
        return constants.sigmaExact;
    }

    /**
     * The Lipschitz constant of {@code grad_W F(A W)}: {@code curvature * sigma_max(A)^2 / N}
     * (math.md section 2; curvature 1/2 for softmax by seeds/003).
     */
    public double lipschitz() {
        return loss.curvature() * sigmaMaxSquared() / samples();
    }

    /**
     * The per-token column blocks {@code A_k} with their spectral bounds (math.md section 6),
     * built on first use and shared by {@link #withBeta(double)}.
     */
    public TokenBlocks tokenBlocks() {
        TokenBlocks b = constants.tokenBlocks;
        if (b == null) {
            synchronized (constants) {
                b = constants.tokenBlocks;
                if (b == null) {
                    b = TokenBlocks.of(design);
                    constants.tokenBlocks = b;
                }
            }
        }
        return b;
    }

    /** Rejects a parameter array of the wrong length or with non-finite entries. */
    public void checkParameters(double[] Z, String what) {
        if (Z.length != parameterCount()) {
            throw new IllegalArgumentException(what + " has " + Z.length + " values, expected c*n*d = "
                    + classes() + "*" + tokens() + "*" + features() + " = " + parameterCount());
        }
        for (int p = 0; p < Z.length; p++) {
            if (!Double.isFinite(Z[p])) {
                int nd = tokens() * features();
                throw new IllegalArgumentException(what + "[" + p / nd + ", " + (p % nd) / features() + ", "
                        + p % features() + "] = " + Z[p] + ": every entry must be finite");
            }
        }
    }

    @Override
    public String toString() {
        return "Problem[N=" + samples() + ", n=" + tokens() + ", d=" + features() + ", c=" + classes()
                + ", loss=" + loss.name() + ", beta=" + beta() + ", " + design.layout() + "]";
    }
}

package org.cvxformer.core.certificate;

import org.cvxformer.core.problem.ScoreStream;

import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Penalty;
import org.cvxformer.core.problem.Problem;

/**
 * Computes certificates (math.md sections 4-5) for any primal point, independently of how it
 * was found. Solvers may offer a dual candidate they met on the way; the certifier checks and
 * rescales it itself, so a solver cannot make its own answer look better than it is.
 */
public final class Certifier {
    /** Source name of the dual point built from the residual at {@code Z} itself. */
    public static final String RESCALED_RESIDUAL = "rescaled-residual";

    private Certifier() {
    }

    /** The certificate of {@code Z} using only the rescaled residual at {@code Z}. */
    public static Certificate certify(Problem problem, double[] Z) {
        return certify(problem, Z, null);
    }

    /**
     * The certificate of {@code Z}: primal value, the better of the rescaled residual at
     * {@code Z} and {@code candidate} (rescaled again into the feasible set), and KKT residuals.
     *
     * @param candidate a dual point {@code U} from elsewhere, or {@code null}; its value is
     *                  recomputed here, never trusted
     */
    public static Certificate certify(Problem problem, double[] Z, DualPoint candidate) {
        problem.checkParameters(Z, "Z");
        int N = problem.samples();
        int c = problem.classes();
        int n = problem.tokens();
        int d = problem.features();
        int groups = c * n;
        double beta = problem.beta();

        // streamed (no N x c array): F(A W) and G = A^T grad F(A W) in one pass
        ScoreStream stream = new ScoreStream(problem);
        double[] G = new double[Z.length];
        double f = stream.valueAndGradient(Z, G);
        double primal = f + problem.penalty().value(Z);

        double[] zNorms = new double[groups];
        double[] gNorms = new double[groups];
        double[] stat = new double[groups];
        double statMax = 0, feasMax = 0, csMax = 0;
        int statArg = -1, feasArg = -1, csArg = -1;
        Penalty pen = problem.penalty();
        for (int g = 0; g < groups; g++) {
            int o = g * d;
            double zn = Vec.norm2(Z, o, d);
            double gn = Vec.norm2(G, o, d);
            double thr = pen.groupThreshold(g); // beta w_g: beta for the plain group lasso
            zNorms[g] = zn;
            gNorms[g] = gn;
            // dist(-g_lk, beta w d||z_lk||): || g_lk + beta w z_lk / ||z_lk|| || or max(0, ||g_lk|| - beta w)
            double s = pen.subdifferentialDistance(G, Z, g) / beta;
            if (zn > 0) {
                double cs = Math.abs(gn - thr) / beta;
                if (cs > csMax || csArg < 0) {
                    csMax = cs;
                    csArg = g;
                }
            }
            stat[g] = s;
            if (s > statMax || statArg < 0) {
                statMax = s;
                statArg = g;
            }
            double feas = Math.max(0, gn - thr) / beta;
            if (feas > feasMax || feasArg < 0) {
                feasMax = feas;
                feasArg = g;
            }
        }

        double t0 = pen.dualRescaling(G);
        DualPoint best = DualPoint.residualAt(problem, Z, t0, stream.scaledResidualDual(Z, t0), RESCALED_RESIDUAL);
        if (candidate != null) {
            DualPoint other = candidate.isResidual()
                    ? residualDualPoint(problem, candidate.residualPoint(), candidate.source())
                    : dualPoint(problem, candidate.u(), candidate.source());
            if (other.value() > best.value()) {
                best = other;
            }
        }
        return new Certificate(primal, best.value(), beta, problem.betaMax(),
                new KktResidual(statMax, Group.ofIndex(statArg, n)),
                new KktResidual(feasMax, Group.ofIndex(feasArg, n)),
                csArg < 0 ? KktResidual.none() : new KktResidual(csMax, Group.ofIndex(csArg, n)),
                c, n, zNorms, gNorms, stat, best.source());
    }

    /**
     * The feasible dual point obtained from any {@code U} by rescaling (math.md section 4, step 2):
     * {@code t = min(1, beta / max_{lk} ||(A^T U)_{lk}||)}, {@code U <- t U}.
     */
    public static DualPoint dualPoint(Problem problem, double[] U, String source) {
        double[] G = new double[problem.parameterCount()];
        problem.design().transposeMultiply(U, problem.classes(), G);
        return rescale(problem, U, problem.penalty().dualNorm(G), source);
    }

    /**
     * The rescaled residual at {@code W} (math.md section 4), streamed: {@code U0 = grad F(A W)},
     * {@code t = min(1, beta / max_{lk} ||(A^T U0)_{lk}||)}, value {@code D(t U0)}; held in the
     * residual form of {@link DualPoint}, so nothing {@code N x c} is formed.
     */
    public static DualPoint residualDualPoint(Problem problem, double[] W, String source) {
        ScoreStream stream = new ScoreStream(problem);
        double[] G = new double[problem.parameterCount()];
        stream.valueAndGradient(W, G);
        double t = problem.penalty().dualRescaling(G);
        return DualPoint.residualAt(problem, W, t, stream.scaledResidualDual(W, t), source);
    }

    private static DualPoint rescale(Problem problem, double[] U, double dualNorm, String source) {
        double t = problem.penalty().rescalingOfDualNorm(dualNorm);
        double[] scaled = new double[U.length];
        for (int p = 0; p < U.length; p++) {
            scaled[p] = t * U[p];
        }
        return new DualPoint(scaled, problem.loss().dual(scaled, problem.targets()), source);
    }

    /** {@code P(Z) - D(U)} for a feasible {@code U}. */
    public static double dualityGap(Problem problem, double[] Z, DualPoint U) {
        return problem.primal(Z) - U.value();
    }
}

package org.cvxformer.neural;

/**
 * The seed paper's "multihead convex transformer" (seeds/004 section 5.2; Ergen et al., "Convexifying
 * Transformers"): {@link NonconvexTransformer} with each attention sub-layer (and its layer norm and
 * residual) replaced by the convex block {@code H -> W1 H W2}, where H is the layer input (n x d),
 * {@code W1} is n x n with rows kept in the probability simplex by Euclidean projection after every
 * optimizer step ({@link #project()}), and {@code W2} is d x d. The MLP sub-layer, final layer norm and
 * readout are as in the nonconvex model.
 *
 * <p>Penalty on {@code W2} ({@code beta}, default 1e-4), added to the mean cross-entropy:
 * <ul>
 *   <li>{@link Penalty#GROUP} (default): {@code beta * sum_j ||W2[:, j]||_2}, the sum of the l2 norms
 *   of the columns (the input weights of each output feature). This is the group penalty of the
 *   convex primal (seeds/004 eq. 5, {@code beta sum_k ||z_k||_2}, one group per linear functional of
 *   the d input features), which the nonconvex factorised form with {@code beta/2 (||w2||^2 +
 *   ||w3||^2)} reduces to. Its gradient at a zero column is taken as 0.</li>
 *   <li>{@link Penalty#FROBENIUS}: {@code beta/2 ||W2||_F^2}, the squared-norm form of the paper's
 *   experimental loss.</li>
 * </ul>
 * Train with plain {@link Adam} and L2 weight decay 1e-6, lr 1e-3, batch 32.
 */
public final class ConvexStack extends StackTransformer {
    /** The form of the {@code beta} penalty on each block's W2. */
    public enum Penalty { GROUP, FROBENIUS }

    private final double beta;
    private final Penalty penalty;

    public ConvexStack(NetConfig cfg, double beta, Penalty penalty, long seed) {
        super(cfg, true, seed);
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta = " + beta);
        }
        this.beta = beta;
        this.penalty = penalty;
    }

    /** Default penalty: group, beta 1e-4. */
    public ConvexStack(NetConfig cfg, long seed) {
        this(cfg, 1e-4, Penalty.GROUP, seed);
    }

    public double beta() {
        return beta;
    }

    public Penalty penaltyKind() {
        return penalty;
    }

    @Override
    protected double penalty(double[] p, double[] grad) {
        if (beta == 0) {
            return 0;
        }
        double total = 0;
        for (int l = 0; l < layers; l++) {
            int o = oW2[l];
            if (penalty == Penalty.FROBENIUS) {
                for (int i = 0; i < d * d; i++) {
                    total += 0.5 * beta * p[o + i] * p[o + i];
                    grad[o + i] += beta * p[o + i];
                }
            } else {
                for (int j = 0; j < d; j++) {
                    double ss = 0;
                    for (int i = 0; i < d; i++) {
                        double w = p[o + i * d + j];
                        ss += w * w;
                    }
                    double norm = Math.sqrt(ss);
                    total += beta * norm;
                    if (norm > 0) {
                        for (int i = 0; i < d; i++) {
                            grad[o + i * d + j] += beta * p[o + i * d + j] / norm;
                        }
                    }
                }
            }
        }
        return total;
    }
}

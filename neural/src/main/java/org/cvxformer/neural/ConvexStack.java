package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.List;

/**
 * The seed paper's "multihead convex transformer" (seeds/004 section 5.2; Ergen et al.,
 * "Convexifying Transformers"): {@link NonconvexTransformer} with each attention sub-layer (and its
 * layer norm and residual) replaced by the convex block {@code H -> drop(W1 H W2)}
 * ({@link ConvexMix}: {@code W1} n x n with simplex rows, {@code W2} d x d, penalty {@code beta} on
 * {@code W2}, default group 1e-4). The MLP sub-layer, final layer norm and readout are as in the
 * nonconvex model:
 * <pre>
 *   x_0 = E[tokens] + P
 *   per layer:  x' = drop(W1 x W2)                         {@link ConvexMix}, {@link Dropout}
 *                    (x replaced by phi_cvx(x) in the kernel variant, {@link #withKernel})
 *               x  = x' + drop(MLP(LN2(x')))               {@link Residual}({@link LayerNorm}, {@link Mlp})
 *   logits = LNf(x[n-1]) R + r
 * </pre>
 * Train with plain {@link Adam} and L2 weight decay 1e-6, lr 1e-3, batch 32.
 */
public final class ConvexStack extends Network {
    /** The form of the {@code beta} penalty on each block's W2 (see {@link ConvexMix}). */
    public enum Penalty { GROUP, FROBENIUS }

    private final double beta;
    private final Penalty penalty;

    public ConvexStack(NetConfig cfg, double beta, Penalty penalty, long seed) {
        this(cfg, beta, penalty, spec(cfg, beta, penalty, Double.NaN, 0), seed);
    }

    private ConvexStack(NetConfig cfg, double beta, Penalty penalty, Spec spec, long seed) {
        super(cfg, spec, seed);
        this.beta = beta;
        this.penalty = penalty;
    }

    /**
     * The seed paper's "convex kernel" model (seeds/004 section 4, Table 1): this stack with the
     * preconditioning {@code phi_cvx} ({@link KernelPreconditioning}, width d to d, bandwidth
     * {@code sigma}, its own seed per layer from {@code kernelSeed}) on the input of each convex
     * block.
     */
    public static ConvexStack withKernel(NetConfig cfg, double beta, Penalty penalty, double sigma, long kernelSeed,
            long seed) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("sigma = " + sigma + ": expected > 0");
        }
        return new ConvexStack(cfg, beta, penalty, spec(cfg, beta, penalty, sigma, kernelSeed), seed);
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

    /** The blocks; {@code sigma} NaN: no preconditioning. */
    static Spec spec(NetConfig cfg, double beta, Penalty penalty, double sigma, long kernelSeed) {
        Params pp = new Params();
        int n = cfg.seqLen(), d = cfg.dModel();
        List<Block> b = new ArrayList<>();
        b.add(new Embedding(pp, cfg.vocab(), n, d));
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "layer" + l + ".";
            if (!Double.isNaN(sigma)) {
                b.add(new KernelPreconditioning(d, d, sigma, kernelSeed + l));
            }
            b.add(new ConvexMix(pp, p + "convex", n, d, beta, penalty));
            b.add(new Dropout(pp, cfg.dropout(), d));
            b.add(new Residual(pp, cfg.dropout(), d, new LayerNorm(pp, p + "ln2", d),
                    new Mlp(pp, p + "mlp", d, 4 * d)));
        }
        b.add(new LastPosition(n, d));
        b.add(new LayerNorm(pp, "lnf", d));
        b.add(new Linear(pp, "readout", d, cfg.classes(), true));
        return new Spec(pp, b);
    }
}

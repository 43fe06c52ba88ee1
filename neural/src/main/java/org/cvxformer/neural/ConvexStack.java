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
        super(cfg, spec(cfg, beta, penalty), seed);
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

    static Spec spec(NetConfig cfg, double beta, Penalty penalty) {
        Params pp = new Params();
        int n = cfg.seqLen(), d = cfg.dModel();
        List<Block> b = new ArrayList<>();
        b.add(new Embedding(pp, cfg.vocab(), n, d));
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "layer" + l + ".";
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

package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.List;

/**
 * The common grokking transformer (Power et al. 2022), pre-LN as GPT-2 (it trains stably without a
 * schedule beyond warm-up):
 * <pre>
 *   x_0 = E[tokens] + P                                   {@link Embedding}
 *   per layer:  x' = x  + drop(Attn(LN1(x)))              {@link Residual}({@link LayerNorm}, {@link SoftmaxAttention})
 *               x  = x' + drop(relu(LN2(x') A1 + b1) A2 + b2)   {@link Residual}({@link LayerNorm}, {@link Mlp}), width 4d
 *   logits = LNf(x[n-1]) R + r                            {@link LastPosition}, {@link LayerNorm}, {@link Linear}
 * </pre>
 * Attention projections have no biases; MLP and readout do. Train with {@link AdamW} (lr 1e-3,
 * betas 0.9/0.98, weight decay 1, 10 warm-up steps).
 */
public final class NonconvexTransformer extends Network {
    public NonconvexTransformer(NetConfig cfg, long seed) {
        super(cfg, spec(cfg), seed);
    }

    static Spec spec(NetConfig cfg) {
        Params pp = new Params();
        int n = cfg.seqLen(), d = cfg.dModel();
        List<Block> b = new ArrayList<>();
        b.add(new Embedding(pp, cfg.vocab(), n, d));
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "layer" + l + ".";
            b.add(new Residual(pp, cfg.dropout(), d, new LayerNorm(pp, p + "ln1", d),
                    new SoftmaxAttention(pp, p + "attn", n, d)));
            b.add(new Residual(pp, cfg.dropout(), d, new LayerNorm(pp, p + "ln2", d),
                    new Mlp(pp, p + "mlp", d, 4 * d)));
        }
        b.add(new LastPosition(n, d));
        b.add(new LayerNorm(pp, "lnf", d));
        b.add(new Linear(pp, "readout", d, cfg.classes(), true));
        return new Spec(pp, b);
    }
}

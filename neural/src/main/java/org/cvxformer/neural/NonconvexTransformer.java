package org.cvxformer.neural;

/**
 * The common grokking transformer (Power et al. 2022): token and position embeddings, {@code L}
 * pre-LN blocks of single-head causal softmax self-attention and a ReLU MLP (width 4d), each with a
 * residual connection and dropout, a final layer norm and a linear readout of the last position. See
 * {@link StackTransformer} for the exact equations. Train with {@link AdamW} (lr 1e-3, betas
 * 0.9/0.98, weight decay 1, 10 warm-up steps).
 */
public final class NonconvexTransformer extends StackTransformer {
    public NonconvexTransformer(NetConfig cfg, long seed) {
        super(cfg, false, seed);
    }
}

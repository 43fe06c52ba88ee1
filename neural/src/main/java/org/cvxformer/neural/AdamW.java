package org.cvxformer.neural;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019), as PyTorch {@code AdamW}: each step
 * first shrinks the decayed entries by {@code 1 - lr_t * wd}, then applies the Adam update. See
 * {@link Adam} for the warm-up and which parameters are decayed.
 */
public final class AdamW extends Adam {
    public AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, int warmup) {
        super(lr, beta1, beta2, eps, weightDecay, warmup, true);
    }

    /** The grokking defaults: lr 1e-3, betas 0.9/0.98, eps 1e-8, weight decay 1, 10 warm-up steps. */
    public static AdamW defaults() {
        return new AdamW(1e-3, 0.9, 0.98, 1e-8, 1.0, 10);
    }
}

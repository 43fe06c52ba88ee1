package org.cvxformer.neural;

/**
 * What one forward (and backward) pass over a batch shares between its blocks: the kernels, the
 * parameters and gradient in the pass's precision (offsets as in {@link Model#blocks()}), the
 * tokens, and whether (and with which seed) dropout is on.
 */
public final class Pass {
    final Arith ar;
    final Buf params;
    final Buf grad;
    final int[] tokens;
    /** First sample of this pass in {@link #tokens}. */
    final int s0;
    final int samples;
    final boolean train;
    final long seed;

    Pass(Arith ar, Buf params, Buf grad, int[] tokens, int s0, int samples, boolean train, long seed) {
        this.ar = ar;
        this.params = params;
        this.grad = grad;
        this.tokens = tokens;
        this.s0 = s0;
        this.samples = samples;
        this.train = train;
        this.seed = seed;
    }

    /** Seed of dropout site {@code site} in this pass. */
    long siteSeed(int site) {
        long z = seed ^ (0x632BE59BD9B4E019L * (site + 1));
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        return z ^ (z >>> 33);
    }
}

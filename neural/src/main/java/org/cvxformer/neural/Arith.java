package org.cvxformer.neural;

/**
 * The element-wise, reduction and matrix kernels the blocks are written in, on {@link Buf}s of one
 * precision ({@link #F32} or {@link #F64}). Matrices are row-major; a batch of {@code S} samples of
 * {@code n} positions is {@code R = S n} rows.
 *
 * <p>Determinism: a kernel either writes disjoint rows (or samples) per thread, or, where it sums
 * over rows (bias and layer-norm parameter gradients, {@code W1}'s gradient, the embedding
 * scatter), sums them in row order on one thread; matrix products go through
 * {@link org.cvxformer.core.linalg.Gemm#gemmParallel}, whose sums have a fixed order. Dropout masks
 * are drawn in fixed chunks of {@link #MASK_CHUNK} entries, each from its own generator seeded by
 * (seed, chunk). So every result is bit-identical whatever the thread count.
 */
public abstract class Arith {
    /** float32 kernels. */
    public static final Arith F32 = new Arith32();
    /** float64 kernels. */
    public static final Arith F64 = new Arith64();

    /** Entries of a dropout mask drawn from one generator. */
    static final int MASK_CHUNK = 4096;
    /** Layer-norm epsilon (PyTorch's default). */
    public static final double LN_EPS = 1e-5;

    public static Arith of(Precision p) {
        return p == Precision.FLOAT32 ? F32 : F64;
    }

    public abstract Precision precision();

    /** A zeroed buffer of {@code len} entries. */
    public abstract Buf alloc(int len);

    /** {@code b} if it is of this precision and holds at least {@code len} entries, else a new one. */
    public final Buf ensure(Buf b, int len) {
        if (b != null && b.isFloat() == (precision() == Precision.FLOAT32) && b.length() >= len) {
            return b;
        }
        return alloc(Math.max(len, 1));
    }

    /** {@code dst[0, len) = src[0, len)} rounded to this precision (a no-op when {@code dst} wraps {@code src}). */
    public abstract void load(double[] src, Buf dst, int len);

    /** {@code dst[dOff + i] = src[sOff + i]} for {@code i < len}, widened to double. */
    public abstract void store(Buf src, int sOff, double[] dst, int dOff, int len);

    /** {@code C (+)= op(A) op(B)}: {@link org.cvxformer.core.linalg.Gemm#gemmParallel}'s conventions. */
    public abstract void gemm(boolean ta, boolean tb, int m, int n, int k, Buf a, int ao, int lda, Buf b, int bo,
            int ldb, boolean acc, Buf c, int co, int ldc);

    public abstract void zero(Buf x, int len);

    /** {@code y[i, :] += p[bo, bo + n)} for {@code i < rows}, then {@code max(y, 0)} if {@code relu} (one pass). */
    public abstract void biasAct(Buf y, int rows, int n, Buf p, int bo, boolean relu);

    /** {@code g[i] = 0} where {@code h[i] <= 0} (ReLU's backward, from its output). */
    public abstract void reluBackward(Buf g, Buf h, int len);

    /** {@code gp[bo + j] += sum_i g[i, j]}, rows summed in order. */
    public abstract void colSum(Buf g, int rows, int n, Buf gp, int bo);

    /** {@code x[s n + t, :] = E[tokens[(s0 + s) n + t], :] + P[t, :]}: token plus position embedding. */
    public abstract void embed(int[] tokens, int s0, int samples, int n, int d, Buf p, int eo, int po, Buf x);

    /** Adds {@code gx}'s rows into the rows of {@code E} and {@code P} they were read from, in row order. */
    public abstract void embedBackward(int[] tokens, int s0, int samples, int n, int d, Buf gx, Buf gp, int eo,
            int po);

    /**
     * Layer norm of each row of width {@code d}: {@code y = gamma (x - mean) rstd + beta},
     * {@code rstd = 1 / sqrt(var + eps)} (biased variance; Ba et al. 2016), saving {@code xhat}
     * and {@code rstd} for the backward pass.
     */
    public abstract void layerNorm(Buf x, int rows, int d, Buf p, int go, int bo, Buf y, Buf xhat, Buf rstd);

    /**
     * Backward of {@link #layerNorm}: {@code gx = rstd (gy gamma - mean(gy gamma) - xhat mean(gy gamma xhat))}
     * (overwritten), {@code ggamma += sum_rows gy xhat}, {@code gbeta += sum_rows gy}.
     */
    public abstract void layerNormBackward(Buf gy, int rows, int d, Buf p, int go, int bo, Buf xhat, Buf rstd,
            Buf gp, Buf gx);

    /** An inverted-dropout mask: each entry 0 with probability {@code rate}, else {@code 1 / (1 - rate)}. */
    public abstract void dropoutMask(Buf mask, int len, double rate, long seed);

    /** {@code out = x + y * mask} ({@code x} or {@code mask} may be null: then 0, resp. 1). */
    public abstract void addMul(Buf x, Buf y, Buf mask, Buf out, int len);

    /**
     * Per sample, causal softmax attention: {@code A = softmax(Q K^T / sqrt(d) + causal mask)}
     * (zeros above the diagonal), {@code C = A V}; Q, K, V, C are {@code R x d}, A is {@code S x n x n}.
     */
    public abstract void attention(Buf q, Buf k, Buf v, int samples, int n, int d, Buf a, Buf c);

    /** Backward of {@link #attention}: {@code gq, gk, gv} overwritten. */
    public abstract void attentionBackward(Buf q, Buf k, Buf v, Buf a, Buf gc, int samples, int n, int d, Buf gq,
            Buf gk, Buf gv);

    /** Per sample, {@code T = W1 H} with {@code W1} the {@code n x n} matrix at {@code p[mo..]}. */
    public abstract void mix(Buf p, int mo, Buf h, int samples, int n, int d, Buf t);

    /** Backward of {@link #mix}: {@code gW1 += sum_s gT_s H_s^T} (samples in order), {@code gH = W1^T gT} (overwritten). */
    public abstract void mixBackward(Buf p, int mo, Buf h, Buf gt, int samples, int n, int d, Buf gp, Buf gh);

    /** {@code out[s, :] = x[s n + n - 1, :]}: the last position of each sample. */
    public abstract void gatherLast(Buf x, int samples, int n, int d, Buf out);

    /** {@code gx[s n + n - 1, :] = g[s, :]}, every other row zero. */
    public abstract void scatterLast(Buf g, int samples, int n, int d, Buf gx);

    /**
     * {@code sum_i CE(softmax(logits_i), labels[l0 + i])} (in double), overwriting the logits with
     * {@code scale (softmax - onehot)}, the gradient of {@code scale} times that sum.
     */
    public abstract double softmaxCrossEntropy(Buf logits, int rows, int c, int[] labels, int l0, double scale);

    /** The generator for chunk {@code chunk} of a mask with seed {@code seed} (SplitMix-style mixing). */
    static Rng maskRng(long seed, int chunk) {
        long z = seed + 0x9E3779B97F4A7C15L * (chunk + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return new Rng(z ^ (z >>> 27));
    }
}

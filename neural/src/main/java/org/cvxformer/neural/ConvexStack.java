package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The seed paper's "multihead convex transformer" (seeds/004 section 5.2; Ergen et al.,
 * "Convexifying Transformers"): {@link NonconvexTransformer} with each attention sub-layer (and its
 * layer norm and residual) replaced by the convex block {@code H -> drop(W1 H W2)}
 * ({@link ConvexMix}: {@code W1} n x n with simplex rows, {@code W2} d x d, penalty {@code beta} on
 * {@code W2}, default group 1e-4). The MLP sub-layer and final layer norm are as in the nonconvex
 * model; the last convex block outputs the class logits, as the paper says ({@link ConvexHead}), so
 * {@code layers} counts the convex blocks, head included:
 * <pre>
 *   x_0 = E[tokens] + P
 *   per layer l < layers - 1:  x' = drop(W1 [V_l] x W2)            {@link ConvexMix}, {@link Dropout}
 *                              x  = x' + drop(MLP(LN2(x')))        {@link Residual}({@link LayerNorm}, {@link Mlp})
 *   H = LNf(x);  logits_i = sum_k w1_k ([V_head] H_i)_k W2        {@link ConvexHead}
 * </pre>
 * {@code [V]}: with a kernel ({@code convex-stack-kernel}), the fixed matrix of the convex kernel
 * preconditioning phi_cvx on the input of each convex block ({@link KernelPreconditioning}; seeds/004
 * eq. 9). Parameter names: {@code layer<l>.convex.w1/w2} and {@code head.convex.w1/w2}.
 * Train with plain {@link Adam} and L2 weight decay 1e-6, lr 1e-3, batch 32.
 */
public final class ConvexStack extends Network {
    /** The form of the {@code beta} penalty on each block's W2 (see {@link ConvexMix}). */
    public enum Penalty { GROUP, FROBENIUS }

    private final double beta;
    private final Penalty penalty;

    public ConvexStack(NetConfig cfg, double beta, Penalty penalty, long seed) {
        this(cfg, beta, penalty, seed, null);
    }

    /**
     * @param kernels null (no preconditioning), or for convex block {@code b} ({@code 0 .. layers-2}
     *                the layers, {@code layers - 1} the head) its {@code d x d} preconditioning matrix
     *                ({@link KernelPreconditioning})
     */
    public ConvexStack(NetConfig cfg, double beta, Penalty penalty, long seed, IntFunction<double[]> kernels) {
        super(cfg, spec(cfg, beta, penalty, kernels), seed);
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

    static Spec spec(NetConfig cfg, double beta, Penalty penalty, IntFunction<double[]> kernels) {
        if (cfg.layers() < 1) {
            throw new IllegalArgumentException("a convex stack has layers >= 1 convex blocks (the last is the head), got "
                    + cfg.layers());
        }
        Params pp = new Params();
        int n = cfg.seqLen(), d = cfg.dModel();
        List<Block> b = new ArrayList<>();
        b.add(new Embedding(pp, cfg.vocab(), n, d));
        for (int l = 0; l < cfg.layers() - 1; l++) {
            String p = "layer" + l + ".";
            if (kernels != null) {
                b.add(new KernelPreconditioning(p + "kernel", kernels.apply(l), d, d));
            }
            b.add(new ConvexMix(pp, p + "convex", n, d, beta, penalty));
            b.add(new Dropout(pp, cfg.dropout(), d));
            b.add(new Residual(pp, cfg.dropout(), d, new LayerNorm(pp, p + "ln2", d),
                    new Mlp(pp, p + "mlp", d, 4 * d)));
        }
        b.add(new LayerNorm(pp, "lnf", d));
        if (kernels != null) {
            b.add(new KernelPreconditioning("head.kernel", kernels.apply(cfg.layers() - 1), d, d));
        }
        b.add(new ConvexHead(pp, "head.convex", n, d, cfg.classes(), beta, penalty));
        return new Spec(pp, b);
    }

    /** The last block: the convex head. */
    public ConvexHead head() {
        return (ConvexHead) modules().get(modules().size() - 1);
    }

    /** True when the convex blocks' inputs are preconditioned ({@code convex-stack-kernel}). */
    public boolean hasKernel() {
        return modules().stream().anyMatch(m -> m instanceof KernelPreconditioning);
    }

    /**
     * The head's input {@code H_i} ({@code n x d}, after any preconditioning) for {@code count}
     * samples, as {@code count x n x d} doubles: every block before the head, in evaluation mode
     * (no dropout), in float64 whatever {@link #precision()} (the certificate is computed in
     * double), {@link Network#EVAL_CHUNK} samples per pass.
     */
    public double[] headInputs(int[] tokens, int count) {
        int n = cfg.seqLen(), d = cfg.dModel();
        List<Block> below = modules().subList(0, modules().size() - 1);
        double[] out = new double[Math.multiplyExact(Math.multiplyExact(count, n), d)];
        Buf p = Buf.of(parameters());
        for (int s0 = 0; s0 < count; s0 += EVAL_CHUNK) {
            int s = Math.min(EVAL_CHUNK, count - s0);
            Pass ps = new Pass(Arith.F64, p, null, tokens, s0, s, false, 0);
            Buf x = null;
            int rows = 0;
            for (Block blk : below) {
                x = blk.forward(ps, x, rows);
                rows = blk.outRows(rows, s);
            }
            System.arraycopy(x.d, 0, out, s0 * n * d, s * n * d);
        }
        return out;
    }
}

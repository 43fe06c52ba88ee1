package org.cvxformer.neural;

import java.util.Arrays;
import java.util.List;

/**
 * A {@link Model} that is a list of {@link Block}s run in order, then the mean cross-entropy of
 * the last block's output (the logits). Which blocks it lists is the whole difference between
 * {@link NonconvexTransformer} and {@link ConvexStack}.
 *
 * <p>Precision: the master parameters (what optimizers update and checkpoints store) are always
 * {@code double[]}. In {@link Precision#FLOAT32} (the default) a float copy of them is refreshed
 * once per call, forward and backward run in float on the float kernels, and the float gradient is
 * widened into the caller's {@code double[]} at the end; in {@link Precision#FLOAT64} the blocks
 * read the master parameters and write the caller's gradient directly. Penalties are added in
 * double on the master parameters either way.
 *
 * <p>Parallelism and determinism: a batch runs as one pass, each kernel splitting rows, samples or
 * output tiles over {@link org.cvxformer.core.linalg.Parallel} with every sum in an order that does
 * not depend on the split (see {@link Arith}), so results are bit-identical whatever the thread
 * count; dropout masks depend only on the seed handed to {@link #lossAndGradient} and the site.
 */
public class Network implements Model {
    /** Samples per forward pass in evaluation ({@link #logits}). */
    public static final int EVAL_CHUNK = 512;

    /** The blocks of a network and the parameter layout they declared while being built. */
    public record Spec(Params params, List<Block> blocks) {
        public Spec {
            blocks = List.copyOf(blocks);
        }
    }

    protected final NetConfig cfg;
    private final List<Block> modules;
    private final List<ParamBlock> paramBlocks;
    private final double[] params;
    private Arith ar = Arith.F32;
    private Buf p32;
    private Buf g32;
    private Buf p64;
    private Buf g64;

    protected Network(NetConfig cfg, Spec spec, long seed) {
        this.cfg = cfg;
        this.modules = spec.blocks();
        this.paramBlocks = spec.params().blocks();
        this.params = new double[spec.params().size()];
        initialise(new Rng(seed));
    }

    /** Embeddings N(0,1); weight matrices N(0, 1/fan_in); LN gains 1; biases 0; simplex rows near 1/n. */
    private void initialise(Rng rng) {
        for (ParamBlock pb : paramBlocks) {
            int o = pb.offset();
            switch (pb.kind()) {
                case MATRIX -> {
                    double std = pb.name().endsWith("_emb") ? 1.0 : 1.0 / Math.sqrt(pb.rows());
                    for (int i = 0; i < pb.size(); i++) {
                        params[o + i] = std * rng.nextGaussian();
                    }
                }
                case VECTOR -> Arrays.fill(params, o, pb.end(), pb.name().endsWith(".gain") ? 1.0 : 0.0);
                case SIMPLEX -> {
                    for (int i = 0; i < pb.size(); i++) {
                        params[o + i] = (1.0 + 0.1 * rng.nextGaussian()) / pb.cols();
                    }
                    SimplexProjection.projectRows(params, o, pb.rows(), pb.cols());
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    public NetConfig config() {
        return cfg;
    }

    /** The blocks, in forward order. */
    public List<Block> modules() {
        return modules;
    }

    public Precision precision() {
        return ar.precision();
    }

    /** Sets the arithmetic of the forward and backward passes (workspaces are re-made on the next call). */
    public void setPrecision(Precision p) {
        this.ar = Arith.of(p);
    }

    @Override
    public int parameterCount() {
        return params.length;
    }

    @Override
    public double[] parameters() {
        return params;
    }

    @Override
    public List<ParamBlock> blocks() {
        return paramBlocks;
    }

    @Override
    public int seqLen() {
        return cfg.seqLen();
    }

    @Override
    public int vocab() {
        return cfg.vocab();
    }

    @Override
    public int classes() {
        return cfg.classes();
    }

    @Override
    public void project() {
        for (Block b : modules) {
            b.project(params);
        }
    }

    /** The parameters in the pass's precision: a float copy refreshed now, or the master array itself. */
    private Buf passParams() {
        if (ar.precision() == Precision.FLOAT64) {
            if (p64 == null) {
                p64 = Buf.of(params);
            }
            return p64;
        }
        p32 = ar.ensure(p32, params.length);
        ar.load(params, p32, params.length);
        return p32;
    }

    private Buf passGrad(double[] grad) {
        if (ar.precision() == Precision.FLOAT64) {
            if (g64 == null || g64.d != grad) {
                g64 = Buf.of(grad);
            }
            return g64;
        }
        g32 = ar.ensure(g32, params.length);
        return g32;
    }

    private Buf forward(Pass ps) {
        Buf x = null;
        int rows = 0;
        for (Block b : modules) {
            x = b.forward(ps, x, rows);
            rows = b.outRows(rows, ps.samples);
        }
        return x;
    }

    @Override
    public double lossAndGradient(int[] tokens, int[] labels, int batch, double[] grad, long dropoutSeed,
            boolean train) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch = " + batch);
        }
        if (grad.length != params.length) {
            throw new IllegalArgumentException("gradient of length " + grad.length + " for " + params.length
                    + " parameters");
        }
        Buf p = passParams();
        Buf g = passGrad(grad);
        ar.zero(g, params.length);
        Pass ps = new Pass(ar, p, g, tokens, 0, batch, train, dropoutSeed);
        Buf logits = forward(ps);
        double scale = 1.0 / batch;
        double loss = ar.softmaxCrossEntropy(logits, batch, cfg.classes(), labels, 0, scale) * scale;
        Buf gy = logits;
        for (int i = modules.size() - 1; i >= 0; i--) {
            gy = modules.get(i).backward(ps, gy);
        }
        ar.store(g, 0, grad, 0, params.length);
        for (Block b : modules) {
            loss += b.penalty(params, grad);
        }
        return loss;
    }

    @Override
    public void logits(int[] tokens, int batch, double[] out) {
        Buf p = passParams();
        int c = cfg.classes();
        for (int s0 = 0; s0 < batch; s0 += EVAL_CHUNK) {
            int s = Math.min(EVAL_CHUNK, batch - s0);
            Buf z = forward(new Pass(ar, p, null, tokens, s0, s, false, 0));
            ar.store(z, 0, out, s0 * c, s * c);
        }
    }
}

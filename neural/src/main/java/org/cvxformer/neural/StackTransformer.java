package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.cvxformer.core.linalg.Parallel;

/**
 * The shared implementation of {@link NonconvexTransformer} and {@link ConvexStack}: a decoder-only
 * stack over sequences of length n read out at the last position.
 *
 * <p>Architecture (pre-LN, as GPT-2; chosen because it trains stably without a learning-rate
 * schedule beyond warm-up):
 * <pre>
 *   x_0 = E[tokens] + P                                   (token + position embeddings)
 *   per layer:  nonconvex:  x' = x + drop(Attn(LN1(x)))   Attn(a) = softmax(aWq (aWk)^T/sqrt(d) + causal) aWv Wo
 *               convex:     x' = drop(W1 x W2)            W1 (n x n) rows in the simplex; no softmax, LN or skip
 *               both:       x  = x' + drop(relu(LN2(x') A1 + b1) A2 + b2)   (MLP width 4d)
 *   logits = LNf(x[n-1]) R + r
 * </pre>
 * Attention projections have no biases; MLP and readout do. Dropout (inverted, rate p) acts on each
 * residual-branch output.
 *
 * <p>Parallelism and determinism: a batch is cut into a fixed number of contiguous chunks of samples
 * ({@link #CHUNKS}, or the batch size if smaller), which depends only on the batch size. Each chunk runs
 * forward and backward into its own partial gradient buffer, with its dropout masks drawn from a
 * generator seeded by (step seed, chunk index); chunks are distributed over threads by
 * {@link Parallel}, and the partial gradients are summed in chunk order. Results are therefore
 * bit-identical whatever the thread count.
 */
public abstract class StackTransformer implements Model {
    /** Fixed number of chunks a batch is split into (independent of the thread count). */
    public static final int CHUNKS = 8;
    /** Samples per chunk in evaluation ({@link #logits}). */
    private static final int EVAL_CHUNK = 256;

    protected final NetConfig cfg;
    protected final boolean convex;
    protected final int n;
    protected final int d;
    protected final int f;
    protected final int c;
    protected final int layers;
    private final double[] params;
    private final List<ParamBlock> blocks;
    /** Same layout as params; holds the transposes of the matrices used in {@code G W^T}. */
    private final double[] paramsT;
    private final List<ParamBlock> transposed = new ArrayList<>();

    // parameter offsets
    protected final int oTok;
    protected final int oPos;
    protected final int[] oLn1g;
    protected final int[] oLn1b;
    protected final int[] oWq;
    protected final int[] oWk;
    protected final int[] oWv;
    protected final int[] oWo;
    protected final int[] oMix;
    protected final int[] oW2;
    protected final int[] oLn2g;
    protected final int[] oLn2b;
    protected final int[] oA1;
    protected final int[] oB1;
    protected final int[] oA2;
    protected final int[] oB2;
    protected final int oLnfg;
    protected final int oLnfb;
    protected final int oR;
    protected final int oRb;

    private Work[] works = new Work[0];
    private double[][] partial = new double[0][];

    protected StackTransformer(NetConfig cfg, boolean convex, long seed) {
        this.cfg = cfg;
        this.convex = convex;
        this.n = cfg.seqLen();
        this.d = cfg.dModel();
        this.f = 4 * cfg.dModel();
        this.c = cfg.classes();
        this.layers = cfg.layers();
        List<ParamBlock> b = new ArrayList<>();
        int[] off = {0};
        oTok = add(b, off, "tok_emb", cfg.vocab(), d, ParamBlock.Kind.MATRIX);
        oPos = add(b, off, "pos_emb", n, d, ParamBlock.Kind.MATRIX);
        oLn1g = new int[layers];
        oLn1b = new int[layers];
        oWq = new int[layers];
        oWk = new int[layers];
        oWv = new int[layers];
        oWo = new int[layers];
        oMix = new int[layers];
        oW2 = new int[layers];
        oLn2g = new int[layers];
        oLn2b = new int[layers];
        oA1 = new int[layers];
        oB1 = new int[layers];
        oA2 = new int[layers];
        oB2 = new int[layers];
        for (int l = 0; l < layers; l++) {
            String p = "layer" + l + ".";
            if (!convex) {
                oLn1g[l] = add(b, off, p + "ln1.gain", 1, d, ParamBlock.Kind.VECTOR);
                oLn1b[l] = add(b, off, p + "ln1.bias", 1, d, ParamBlock.Kind.VECTOR);
                oWq[l] = add(b, off, p + "attn.wq", d, d, ParamBlock.Kind.MATRIX);
                oWk[l] = add(b, off, p + "attn.wk", d, d, ParamBlock.Kind.MATRIX);
                oWv[l] = add(b, off, p + "attn.wv", d, d, ParamBlock.Kind.MATRIX);
                oWo[l] = add(b, off, p + "attn.wo", d, d, ParamBlock.Kind.MATRIX);
            } else {
                oMix[l] = add(b, off, p + "convex.w1", n, n, ParamBlock.Kind.SIMPLEX);
                oW2[l] = add(b, off, p + "convex.w2", d, d, ParamBlock.Kind.MATRIX);
            }
            oLn2g[l] = add(b, off, p + "ln2.gain", 1, d, ParamBlock.Kind.VECTOR);
            oLn2b[l] = add(b, off, p + "ln2.bias", 1, d, ParamBlock.Kind.VECTOR);
            oA1[l] = add(b, off, p + "mlp.w1", d, f, ParamBlock.Kind.MATRIX);
            oB1[l] = add(b, off, p + "mlp.b1", 1, f, ParamBlock.Kind.VECTOR);
            oA2[l] = add(b, off, p + "mlp.w2", f, d, ParamBlock.Kind.MATRIX);
            oB2[l] = add(b, off, p + "mlp.b2", 1, d, ParamBlock.Kind.VECTOR);
        }
        oLnfg = add(b, off, "lnf.gain", 1, d, ParamBlock.Kind.VECTOR);
        oLnfb = add(b, off, "lnf.bias", 1, d, ParamBlock.Kind.VECTOR);
        oR = add(b, off, "readout.w", d, c, ParamBlock.Kind.MATRIX);
        oRb = add(b, off, "readout.b", 1, c, ParamBlock.Kind.VECTOR);
        this.blocks = Collections.unmodifiableList(b);
        this.params = new double[off[0]];
        this.paramsT = new double[off[0]];
        for (ParamBlock pb : b) {
            if (pb.kind() == ParamBlock.Kind.MATRIX && !pb.name().endsWith("_emb")) {
                transposed.add(pb);
            }
        }
        initialise(new Rng(seed));
    }

    private static int add(List<ParamBlock> b, int[] off, String name, int rows, int cols,
                           ParamBlock.Kind kind) {
        int o = off[0];
        b.add(new ParamBlock(name, o, rows, cols, kind));
        off[0] += rows * cols;
        return o;
    }

    /** Embeddings N(0,1); weight matrices N(0, 1/fan_in); LN gains 1; biases 0; simplex rows near 1/n. */
    private void initialise(Rng rng) {
        for (ParamBlock pb : blocks) {
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
        return blocks;
    }

    @Override
    public int seqLen() {
        return n;
    }

    @Override
    public int vocab() {
        return cfg.vocab();
    }

    @Override
    public int classes() {
        return c;
    }

    @Override
    public void project() {
        for (ParamBlock pb : blocks) {
            if (pb.kind() == ParamBlock.Kind.SIMPLEX) {
                SimplexProjection.projectRows(params, pb.offset(), pb.rows(), pb.cols());
            }
        }
    }

    /** Penalty added to the loss (convex stack's beta term); adds its gradient to {@code grad}. */
    protected double penalty(double[] p, double[] grad) {
        return 0.0;
    }

    // ------------------------------------------------------------------ workspace

    private final class Work {
        final int cap;
        final double[][] x;
        final double[][] ln1y;
        final double[][] ln1h;
        final double[][] ln1r;
        final double[][] q;
        final double[][] k;
        final double[][] v;
        final double[][] att;
        final double[][] ctx;
        final double[][] mask1;
        final double[][] x1;
        final double[][] ln2y;
        final double[][] ln2h;
        final double[][] ln2r;
        final double[][] h;
        final double[][] mask2;
        final double[] tmp;
        final double[] last;
        final double[] fy;
        final double[] fh;
        final double[] fr;
        final double[] logits;
        final double[] gx;
        final double[] gx1;
        final double[] ga;
        final double[] gq;
        final double[] gk;
        final double[] gv;
        final double[] gh;
        final double[] glast;
        final double[] gfy;

        Work(int cap, boolean train) {
            this.cap = cap;
            int r = cap * n;
            int rd = r * d;
            x = new double[layers + 1][rd];
            ln1y = mats(convex ? 0 : rd);
            ln1h = mats(convex ? 0 : rd);
            ln1r = mats(convex ? 0 : r);
            q = mats(convex ? 0 : rd);
            k = mats(convex ? 0 : rd);
            v = mats(convex ? 0 : rd);
            att = mats(convex ? 0 : cap * n * n);
            ctx = mats(rd);
            mask1 = mats(train && cfg.dropout() > 0 ? rd : 0);
            x1 = mats(rd);
            ln2y = mats(rd);
            ln2h = mats(rd);
            ln2r = mats(r);
            h = mats(r * f);
            mask2 = mats(train && cfg.dropout() > 0 ? rd : 0);
            tmp = new double[Math.max(rd, r * f)];
            last = new double[cap * d];
            fy = new double[cap * d];
            fh = new double[cap * d];
            fr = new double[cap];
            logits = new double[cap * c];
            int g = train ? 1 : 0;
            gx = new double[g * rd];
            gx1 = new double[g * rd];
            ga = new double[g * rd];
            gq = new double[g * rd];
            gk = new double[g * rd];
            gv = new double[g * rd];
            gh = new double[g * r * f];
            glast = new double[g * cap * d];
            gfy = new double[g * cap * d];
        }

        private double[][] mats(int size) {
            return new double[layers][size];
        }
    }

    private Work[] trainWorks = new Work[0];

    // synchronized: chunks run on several threads and the first calls grow the shared arrays;
    // unsynchronized, one thread could read a slot from an array another had just replaced
    // (a NullPointerException seen in a p = 97 convex-stack run)
    private synchronized Work trainWork(int chunk, int cap) {
        if (trainWorks.length < CHUNKS) {
            trainWorks = Arrays.copyOf(trainWorks, CHUNKS);
        }
        Work w = trainWorks[chunk];
        if (w == null || w.cap < cap) {
            w = new Work(cap, true);
            trainWorks[chunk] = w;
        }
        return w;
    }

    private synchronized Work evalWork(int chunk) {
        if (works.length < CHUNKS) {
            works = Arrays.copyOf(works, CHUNKS);
        }
        if (works[chunk] == null) {
            works[chunk] = new Work(EVAL_CHUNK, false);
        }
        return works[chunk];
    }

    // ------------------------------------------------------------------ forward

    private static void fillMask(double[] mask, int len, double p, Rng rng) {
        double keep = 1.0 / (1.0 - p);
        for (int i = 0; i < len; i++) {
            mask[i] = rng.nextDouble() < p ? 0.0 : keep;
        }
    }

    /** Forward for samples [s0, s0 + S) into {@code w.logits}; masks drawn from {@code rng} if non-null. */
    private void forward(Work w, int[] tokens, int s0, int s, Rng rng) {
        final double[] p = params;
        int r = s * n;
        int rd = r * d;
        boolean drop = rng != null && cfg.dropout() > 0;
        Layers.embedForward(tokens, s0, s, n, d, p, oTok, oPos, w.x[0]);
        for (int l = 0; l < layers; l++) {
            double[] x = w.x[l];
            double[] x1 = w.x1[l];
            double[] o = w.tmp;
            if (!convex) {
                Layers.layerNormForward(x, 0, r, d, p, oLn1g[l], oLn1b[l], w.ln1y[l], 0, w.ln1h[l], 0,
                        w.ln1r[l], 0);
                Layers.denseForward(w.ln1y[l], 0, r, d, p, oWq[l], -1, d, w.q[l], 0);
                Layers.denseForward(w.ln1y[l], 0, r, d, p, oWk[l], -1, d, w.k[l], 0);
                Layers.denseForward(w.ln1y[l], 0, r, d, p, oWv[l], -1, d, w.v[l], 0);
                Layers.attentionForward(w.q[l], w.k[l], w.v[l], s, n, d, w.att[l], w.ctx[l]);
                Layers.denseForward(w.ctx[l], 0, r, d, p, oWo[l], -1, d, o, 0);
            } else {
                Layers.mixForward(p, oMix[l], x, s, n, d, w.ctx[l]);
                Layers.denseForward(w.ctx[l], 0, r, d, p, oW2[l], -1, d, o, 0);
            }
            if (drop) {
                fillMask(w.mask1[l], rd, cfg.dropout(), rng);
                for (int i = 0; i < rd; i++) {
                    o[i] *= w.mask1[l][i];
                }
            }
            if (!convex) {
                for (int i = 0; i < rd; i++) {
                    x1[i] = x[i] + o[i];
                }
            } else {
                System.arraycopy(o, 0, x1, 0, rd);
            }
            Layers.layerNormForward(x1, 0, r, d, p, oLn2g[l], oLn2b[l], w.ln2y[l], 0, w.ln2h[l], 0,
                    w.ln2r[l], 0);
            double[] h = w.h[l];
            Layers.denseForward(w.ln2y[l], 0, r, d, p, oA1[l], oB1[l], f, h, 0);
            for (int i = 0, e = r * f; i < e; i++) {
                if (h[i] < 0) {
                    h[i] = 0.0;
                }
            }
            double[] xn = w.x[l + 1];
            Layers.denseForward(h, 0, r, f, p, oA2[l], oB2[l], d, xn, 0);
            if (drop) {
                fillMask(w.mask2[l], rd, cfg.dropout(), rng);
                for (int i = 0; i < rd; i++) {
                    xn[i] = x1[i] + xn[i] * w.mask2[l][i];
                }
            } else {
                for (int i = 0; i < rd; i++) {
                    xn[i] += x1[i];
                }
            }
        }
        double[] xl = w.x[layers];
        for (int i = 0; i < s; i++) {
            System.arraycopy(xl, (i * n + n - 1) * d, w.last, i * d, d);
        }
        Layers.layerNormForward(w.last, 0, s, d, p, oLnfg, oLnfb, w.fy, 0, w.fh, 0, w.fr, 0);
        Layers.denseForward(w.fy, 0, s, d, p, oR, oRb, c, w.logits, 0);
    }

    /** Backward from {@code w.logits} (holding dLoss/dlogits) into {@code g} (accumulated). */
    private void backward(Work w, int[] tokens, int s0, int s, boolean drop, double[] g) {
        final double[] p = params;
        final double[] pt = paramsT;
        int r = s * n;
        int rd = r * d;
        Arrays.fill(w.gfy, 0, s * d, 0.0);
        Layers.denseBackward(w.fy, 0, s, d, pt, oR, oR, oRb, c, w.logits, 0, g, w.gfy, 0);
        Arrays.fill(w.glast, 0, s * d, 0.0);
        Layers.layerNormBackward(w.gfy, 0, s, d, p, oLnfg, oLnfb, w.fh, 0, w.fr, 0, g, w.glast, 0);
        double[] gx = w.gx;
        Arrays.fill(gx, 0, rd, 0.0);
        for (int i = 0; i < s; i++) {
            System.arraycopy(w.glast, i * d, gx, (i * n + n - 1) * d, d);
        }
        for (int l = layers - 1; l >= 0; l--) {
            // x_{l+1} = x1 + drop(MLP(LN2(x1)))
            double[] gm = w.ga;
            if (drop) {
                double[] m2 = w.mask2[l];
                for (int i = 0; i < rd; i++) {
                    gm[i] = gx[i] * m2[i];
                }
            } else {
                System.arraycopy(gx, 0, gm, 0, rd);
            }
            double[] h = w.h[l];
            int rf = r * f;
            Arrays.fill(w.gh, 0, rf, 0.0);
            Layers.denseBackward(h, 0, r, f, pt, oA2[l], oA2[l], oB2[l], d, gm, 0, g, w.gh, 0);
            for (int i = 0; i < rf; i++) {
                if (h[i] <= 0) {
                    w.gh[i] = 0.0;
                }
            }
            double[] gln = w.gq;
            Arrays.fill(gln, 0, rd, 0.0);
            Layers.denseBackward(w.ln2y[l], 0, r, d, pt, oA1[l], oA1[l], oB1[l], f, w.gh, 0, g, gln, 0);
            double[] gx1 = w.gx1;
            System.arraycopy(gx, 0, gx1, 0, rd);
            Layers.layerNormBackward(gln, 0, r, d, p, oLn2g[l], oLn2b[l], w.ln2h[l], 0, w.ln2r[l], 0,
                    g, gx1, 0);
            // x1 = [x +] drop(o)
            double[] go = w.ga;
            if (drop) {
                double[] m1 = w.mask1[l];
                for (int i = 0; i < rd; i++) {
                    go[i] = gx1[i] * m1[i];
                }
            } else {
                System.arraycopy(gx1, 0, go, 0, rd);
            }
            if (!convex) {
                double[] gc = w.gv; // reuse as dL/dctx, then gv is cleared below
                double[] gctx = w.tmp;
                Arrays.fill(gctx, 0, rd, 0.0);
                Layers.denseBackward(w.ctx[l], 0, r, d, pt, oWo[l], oWo[l], -1, d, go, 0, g, gctx, 0);
                Arrays.fill(w.gq, 0, rd, 0.0);
                Arrays.fill(w.gk, 0, rd, 0.0);
                Arrays.fill(gc, 0, rd, 0.0);
                Layers.attentionBackward(w.q[l], w.k[l], w.v[l], w.att[l], gctx, s, n, d, w.gq, w.gk, gc);
                double[] ga = w.ga;
                Arrays.fill(ga, 0, rd, 0.0);
                Layers.denseBackward(w.ln1y[l], 0, r, d, pt, oWq[l], oWq[l], -1, d, w.gq, 0, g, ga, 0);
                Layers.denseBackward(w.ln1y[l], 0, r, d, pt, oWk[l], oWk[l], -1, d, w.gk, 0, g, ga, 0);
                Layers.denseBackward(w.ln1y[l], 0, r, d, pt, oWv[l], oWv[l], -1, d, gc, 0, g, ga, 0);
                // gx = gx1 + LN1^T ga
                System.arraycopy(gx1, 0, gx, 0, rd);
                Layers.layerNormBackward(ga, 0, r, d, p, oLn1g[l], oLn1b[l], w.ln1h[l], 0, w.ln1r[l], 0,
                        g, gx, 0);
            } else {
                double[] gt = w.tmp;
                Arrays.fill(gt, 0, rd, 0.0);
                Layers.denseBackward(w.ctx[l], 0, r, d, pt, oW2[l], oW2[l], -1, d, go, 0, g, gt, 0);
                Arrays.fill(gx, 0, rd, 0.0);
                Layers.mixBackward(p, oMix[l], w.x[l], gt, s, n, d, g, gx);
            }
        }
        Layers.embedBackward(tokens, s0, s, n, d, gx, oTok, oPos, g);
    }

    private void refreshTransposes() {
        for (ParamBlock pb : transposed) {
            Layers.transpose(params, pb.offset(), pb.rows(), pb.cols(), paramsT, pb.offset());
        }
    }

    private static int chunkStart(int batch, int chunks, int i) {
        return (int) ((long) batch * i / chunks);
    }

    @Override
    public double lossAndGradient(int[] tokens, int[] labels, int batch, double[] grad,
                                  long dropoutSeed, boolean train) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch = " + batch);
        }
        int chunks = Math.min(CHUNKS, batch);
        int cap = (batch + chunks - 1) / chunks;
        int pc = params.length;
        if (partial.length < chunks || partial[0].length != pc) {
            partial = new double[CHUNKS][pc];
        }
        refreshTransposes();
        double[] losses = new double[chunks];
        double scale = 1.0 / batch;
        boolean drop = train && cfg.dropout() > 0;
        long work = (long) batch * n * (long) pc * 6;
        Parallel.forRange(chunks, work, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                int s0 = chunkStart(batch, chunks, ch);
                int s = chunkStart(batch, chunks, ch + 1) - s0;
                Work w = trainWork(ch, cap);
                double[] g = partial[ch];
                Arrays.fill(g, 0.0);
                Rng rng = drop ? new Rng(dropoutSeed ^ (0x632BE59BD9B4E019L * (ch + 1))) : null;
                forward(w, tokens, s0, s, rng);
                losses[ch] = Layers.softmaxCrossEntropy(w.logits, s, c, labels, s0, scale);
                backward(w, tokens, s0, s, drop, g);
            }
        });
        Parallel.forRange(pc, (long) pc * chunks, (from, to) -> {
            for (int i = from; i < to; i++) {
                double sum = partial[0][i];
                for (int ch = 1; ch < chunks; ch++) {
                    sum += partial[ch][i];
                }
                grad[i] = sum;
            }
        });
        double loss = 0;
        for (int ch = 0; ch < chunks; ch++) {
            loss += losses[ch];
        }
        loss *= scale;
        return loss + penalty(params, grad);
    }

    @Override
    public void logits(int[] tokens, int batch, double[] out) {
        int per = CHUNKS * EVAL_CHUNK;
        for (int b0 = 0; b0 < batch; b0 += per) {
            int nb = Math.min(per, batch - b0);
            int chunks = (nb + EVAL_CHUNK - 1) / EVAL_CHUNK;
            final int base = b0;
            Parallel.forRange(chunks, (long) nb * n * params.length * 2, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    int s0 = base + ch * EVAL_CHUNK;
                    int s = Math.min(EVAL_CHUNK, batch - s0);
                    Work w = evalWork(ch);
                    forward(w, tokens, s0, s, null);
                    System.arraycopy(w.logits, 0, out, s0 * c, s * c);
                }
            });
        }
    }
}

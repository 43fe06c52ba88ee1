package org.cvxformer.neural;

/**
 * Causal multi-head self-attention without biases (Vaswani et al. 2017, section 3.2.2):
 * {@code Y = concat_h(softmax(X Wq_h (X Wk_h)^T / sqrt(d_h) + causal) X Wv_h) Wo}, per sample of n
 * positions, head {@code h} being columns {@code [h d_h, (h + 1) d_h)} of the projections,
 * {@code d_h = d / heads}. One head is the grokking model's attention.
 */
public final class SoftmaxAttention implements Block {
    private final ParamBlock wq;
    private final ParamBlock wk;
    private final ParamBlock wv;
    private final ParamBlock wo;
    private final int n;
    private final int d;
    private final int heads;
    private Buf x;
    private Buf q;
    private Buf k;
    private Buf v;
    private Buf att;
    private Buf ctx;
    private Buf y;
    private Buf gctx;
    private Buf gq;
    private Buf gk;
    private Buf gv;
    private Buf gx;
    private int rows;
    private int samples;

    /** Single-head attention. */
    public SoftmaxAttention(Params pp, String name, int n, int d) {
        this(pp, name, n, d, 1);
    }

    public SoftmaxAttention(Params pp, String name, int n, int d, int heads) {
        if (heads < 1 || d % heads != 0) {
            throw new IllegalArgumentException("heads = " + heads + ": expected a divisor of the width " + d);
        }
        this.heads = heads;
        this.wq = pp.matrix(name + ".wq", d, d);
        this.wk = pp.matrix(name + ".wk", d, d);
        this.wv = pp.matrix(name + ".wv", d, d);
        this.wo = pp.matrix(name + ".wo", d, d);
        this.n = n;
        this.d = d;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        Buf p = ps.params;
        this.x = x;
        this.rows = rows;
        this.samples = rows / n;
        int rd = rows * d;
        q = ar.ensure(q, rd);
        k = ar.ensure(k, rd);
        v = ar.ensure(v, rd);
        ctx = ar.ensure(ctx, rd);
        y = ar.ensure(y, rd);
        att = ar.ensure(att, samples * heads * n * n);
        ar.gemm(false, false, rows, d, d, x, 0, d, p, wq.offset(), d, false, q, 0, d);
        ar.gemm(false, false, rows, d, d, x, 0, d, p, wk.offset(), d, false, k, 0, d);
        ar.gemm(false, false, rows, d, d, x, 0, d, p, wv.offset(), d, false, v, 0, d);
        ar.attention(q, k, v, samples, n, d, heads, att, ctx);
        ar.gemm(false, false, rows, d, d, ctx, 0, d, p, wo.offset(), d, false, y, 0, d);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        Buf p = ps.params;
        Buf g = ps.grad;
        int rd = rows * d;
        gctx = ar.ensure(gctx, rd);
        gq = ar.ensure(gq, rd);
        gk = ar.ensure(gk, rd);
        gv = ar.ensure(gv, rd);
        gx = ar.ensure(gx, rd);
        ar.gemm(true, false, d, d, rows, ctx, 0, d, gy, 0, d, true, g, wo.offset(), d);
        ar.gemm(false, true, rows, d, d, gy, 0, d, p, wo.offset(), d, false, gctx, 0, d);
        ar.attentionBackward(q, k, v, att, gctx, samples, n, d, heads, gq, gk, gv);
        ar.gemm(true, false, d, d, rows, x, 0, d, gq, 0, d, true, g, wq.offset(), d);
        ar.gemm(true, false, d, d, rows, x, 0, d, gk, 0, d, true, g, wk.offset(), d);
        ar.gemm(true, false, d, d, rows, x, 0, d, gv, 0, d, true, g, wv.offset(), d);
        ar.gemm(false, true, rows, d, d, gq, 0, d, p, wq.offset(), d, false, gx, 0, d);
        ar.gemm(false, true, rows, d, d, gk, 0, d, p, wk.offset(), d, true, gx, 0, d);
        ar.gemm(false, true, rows, d, d, gv, 0, d, p, wv.offset(), d, true, gx, 0, d);
        return gx;
    }
}

package org.cvxformer.neural;

/**
 * Single-head causal self-attention without biases (Vaswani et al. 2017):
 * {@code Y = softmax(X Wq (X Wk)^T / sqrt(d) + causal) X Wv Wo}, per sample of n positions.
 */
public final class SoftmaxAttention implements Block {
    private final ParamBlock wq;
    private final ParamBlock wk;
    private final ParamBlock wv;
    private final ParamBlock wo;
    private final int n;
    private final int d;
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

    public SoftmaxAttention(Params pp, String name, int n, int d) {
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
        att = ar.ensure(att, samples * n * n);
        ar.gemm(false, false, rows, d, d, x, 0, d, p, wq.offset(), d, false, q, 0, d);
        ar.gemm(false, false, rows, d, d, x, 0, d, p, wk.offset(), d, false, k, 0, d);
        ar.gemm(false, false, rows, d, d, x, 0, d, p, wv.offset(), d, false, v, 0, d);
        ar.attention(q, k, v, samples, n, d, att, ctx);
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
        ar.attentionBackward(q, k, v, att, gctx, samples, n, d, gq, gk, gv);
        ar.gemm(true, false, d, d, rows, x, 0, d, gq, 0, d, true, g, wq.offset(), d);
        ar.gemm(true, false, d, d, rows, x, 0, d, gk, 0, d, true, g, wk.offset(), d);
        ar.gemm(true, false, d, d, rows, x, 0, d, gv, 0, d, true, g, wv.offset(), d);
        ar.gemm(false, true, rows, d, d, gq, 0, d, p, wq.offset(), d, false, gx, 0, d);
        ar.gemm(false, true, rows, d, d, gk, 0, d, p, wk.offset(), d, true, gx, 0, d);
        ar.gemm(false, true, rows, d, d, gv, 0, d, p, wv.offset(), d, true, gx, 0, d);
        return gx;
    }
}

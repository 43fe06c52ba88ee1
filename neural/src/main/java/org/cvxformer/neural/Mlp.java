package org.cvxformer.neural;

/** {@code Y = relu(X A1 + b1) A2 + b2}, {@code A1} (d x f), {@code A2} (f x d); bias and ReLU in one pass. */
public final class Mlp implements Block {
    private final ParamBlock a1;
    private final ParamBlock b1;
    private final ParamBlock a2;
    private final ParamBlock b2;
    private final int d;
    private final int f;
    private Buf x;
    private Buf h;
    private Buf y;
    private Buf gh;
    private Buf gx;
    private int rows;

    public Mlp(Params pp, String name, int d, int f) {
        this.a1 = pp.matrix(name + ".w1", d, f);
        this.b1 = pp.vector(name + ".b1", f);
        this.a2 = pp.matrix(name + ".w2", f, d);
        this.b2 = pp.vector(name + ".b2", d);
        this.d = d;
        this.f = f;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        Buf p = ps.params;
        this.x = x;
        this.rows = rows;
        h = ar.ensure(h, rows * f);
        y = ar.ensure(y, rows * d);
        ar.gemm(false, false, rows, f, d, x, 0, d, p, a1.offset(), f, false, h, 0, f);
        ar.biasAct(h, rows, f, p, b1.offset(), true);
        ar.gemm(false, false, rows, d, f, h, 0, f, p, a2.offset(), d, false, y, 0, d);
        ar.biasAct(y, rows, d, p, b2.offset(), false);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        Buf p = ps.params;
        Buf g = ps.grad;
        gh = ar.ensure(gh, rows * f);
        gx = ar.ensure(gx, rows * d);
        ar.gemm(true, false, f, d, rows, h, 0, f, gy, 0, d, true, g, a2.offset(), d);
        ar.colSum(gy, rows, d, g, b2.offset());
        ar.gemm(false, true, rows, f, d, gy, 0, d, p, a2.offset(), d, false, gh, 0, f);
        ar.reluBackward(gh, h, rows * f);
        ar.gemm(true, false, d, f, rows, x, 0, d, gh, 0, f, true, g, a1.offset(), f);
        ar.colSum(gh, rows, f, g, b1.offset());
        ar.gemm(false, true, rows, d, f, gh, 0, f, p, a1.offset(), f, false, gx, 0, d);
        return gx;
    }
}

package org.cvxformer.neural;

/** {@code Y = X W + b}, {@code W} (in x out), bias optional; the readout. */
public final class Linear implements Block {
    private final ParamBlock w;
    private final ParamBlock b;
    private final int in;
    private final int out;
    private Buf x;
    private Buf y;
    private Buf gx;
    private int rows;

    public Linear(Params pp, String name, int in, int out, boolean bias) {
        this.w = pp.matrix(name + ".w", in, out);
        this.b = bias ? pp.vector(name + ".b", out) : null;
        this.in = in;
        this.out = out;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        this.x = x;
        this.rows = rows;
        y = ps.ar.ensure(y, rows * out);
        ps.ar.gemm(false, false, rows, out, in, x, 0, in, ps.params, w.offset(), out, false, y, 0, out);
        if (b != null) {
            ps.ar.biasAct(y, rows, out, ps.params, b.offset(), false);
        }
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        // gW += X^T gY, gb += colsum gY, gX = gY W^T (transposes read in place by the packed kernel)
        ar.gemm(true, false, in, out, rows, x, 0, in, gy, 0, out, true, ps.grad, w.offset(), out);
        if (b != null) {
            ar.colSum(gy, rows, out, ps.grad, b.offset());
        }
        gx = ar.ensure(gx, rows * in);
        ar.gemm(false, true, rows, in, out, gy, 0, out, ps.params, w.offset(), out, false, gx, 0, in);
        return gx;
    }
}

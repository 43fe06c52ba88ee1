package org.cvxformer.neural;

/** {@code y = gamma (x - mean) / sqrt(var + eps) + beta} over each row of width d ({@link Arith#layerNorm}). */
public final class LayerNorm implements Block {
    private final ParamBlock gain;
    private final ParamBlock bias;
    private final int d;
    private Buf y;
    private Buf xhat;
    private Buf rstd;
    private Buf gx;
    private int rows;

    public LayerNorm(Params pp, String name, int d) {
        this.gain = pp.vector(name + ".gain", d);
        this.bias = pp.vector(name + ".bias", d);
        this.d = d;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        this.rows = rows;
        y = ar.ensure(y, rows * d);
        xhat = ar.ensure(xhat, rows * d);
        rstd = ar.ensure(rstd, rows);
        ar.layerNorm(x, rows, d, ps.params, gain.offset(), bias.offset(), y, xhat, rstd);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        gx = ps.ar.ensure(gx, rows * d);
        ps.ar.layerNormBackward(gy, rows, d, ps.params, gain.offset(), bias.offset(), xhat, rstd, ps.grad, gx);
        return gx;
    }
}

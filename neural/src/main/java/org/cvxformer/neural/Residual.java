package org.cvxformer.neural;

import java.util.List;

/**
 * A residual branch with dropout on its output: {@code y = x + drop(f(x))}, {@code f} the
 * composition of {@code inner} (a pre-LN sub-layer lists its {@link LayerNorm} first; GPT-2's
 * arrangement). The dropout and the addition are one pass, forward and backward.
 */
public final class Residual implements Block {
    private final List<Block> inner;
    private final double rate;
    private final int width;
    private final int site;
    private Buf mask;
    private Buf y;
    private Buf gb;
    private Buf gx;
    private boolean on;
    private int len;

    public Residual(Params pp, double rate, int width, Block... inner) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout = " + rate + ": expected [0, 1)");
        }
        this.inner = List.of(inner);
        this.rate = rate;
        this.width = width;
        this.site = pp.dropoutSite();
    }

    public List<Block> inner() {
        return inner;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        Buf b = x;
        for (Block blk : inner) {
            b = blk.forward(ps, b, rows);
        }
        len = rows * width;
        on = ps.train && rate > 0;
        y = ar.ensure(y, len);
        if (on) {
            mask = ar.ensure(mask, len);
            ar.dropoutMask(mask, len, rate, ps.siteSeed(site));
        }
        ar.addMul(x, b, on ? mask : null, y, len);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        Buf g = gy;
        if (on) {
            gb = ar.ensure(gb, len);
            ar.addMul(null, gy, mask, gb, len);
            g = gb;
        }
        for (int i = inner.size() - 1; i >= 0; i--) {
            g = inner.get(i).backward(ps, g);
        }
        gx = ar.ensure(gx, len);
        ar.addMul(gy, g, null, gx, len);
        return gx;
    }

    @Override
    public double penalty(double[] params, double[] grad) {
        double s = 0;
        for (Block b : inner) {
            s += b.penalty(params, grad);
        }
        return s;
    }

    @Override
    public void project(double[] params) {
        for (Block b : inner) {
            b.project(params);
        }
    }
}

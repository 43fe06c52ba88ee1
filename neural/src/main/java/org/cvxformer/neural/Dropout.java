package org.cvxformer.neural;

/**
 * Inverted dropout at rate p in training ({@code y = x m}, each entry of {@code m} 0 with
 * probability p, else {@code 1/(1-p)}; Srivastava et al. 2014); the identity in evaluation. Each
 * instance is its own site: its masks come from the pass's seed and the site index only.
 */
public final class Dropout implements Block {
    private final double rate;
    private final int width;
    private final int site;
    private Buf mask;
    private Buf y;
    private Buf gx;
    private boolean on;
    private int len;

    public Dropout(Params pp, double rate, int width) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout = " + rate + ": expected [0, 1)");
        }
        this.rate = rate;
        this.width = width;
        this.site = pp.dropoutSite();
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        on = ps.train && rate > 0;
        if (!on) {
            return x;
        }
        len = rows * width;
        mask = ps.ar.ensure(mask, len);
        y = ps.ar.ensure(y, len);
        ps.ar.dropoutMask(mask, len, rate, ps.siteSeed(site));
        ps.ar.addMul(null, x, mask, y, len);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        if (!on) {
            return gy;
        }
        gx = ps.ar.ensure(gx, len);
        ps.ar.addMul(null, gy, mask, gx, len);
        return gx;
    }
}

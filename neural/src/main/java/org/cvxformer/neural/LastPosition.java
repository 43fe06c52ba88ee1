package org.cvxformer.neural;

/** The readout position: row {@code n - 1} of each sample's {@code n x d} block. */
public final class LastPosition implements Block {
    private final int n;
    private final int d;
    private Buf y;
    private Buf gx;
    private int samples;

    public LastPosition(int n, int d) {
        this.n = n;
        this.d = d;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        samples = rows / n;
        y = ps.ar.ensure(y, samples * d);
        ps.ar.gatherLast(x, samples, n, d, y);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        gx = ps.ar.ensure(gx, samples * n * d);
        ps.ar.scatterLast(gy, samples, n, d, gx);
        return gx;
    }

    @Override
    public int outRows(int rows, int samples) {
        return rows / n;
    }
}

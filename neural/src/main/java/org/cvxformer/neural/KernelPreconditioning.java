package org.cvxformer.neural;

import org.cvxformer.datasets.FastfoodCvx;

/**
 * The seed paper's convex kernel preconditioning on each row (position) of its input
 * (seeds/004 section 4, eq. 9; math.md section 7):
 * {@code phi_cvx(x) = (1 / (sigma sqrt(D))) S H G_chi Pi H B x}, the fixed random Fastfood map of
 * {@link FastfoodCvx} ({@code d -> D}, no trainable parameters). The map is linear, so it is
 * materialised once as the {@code d x D} matrix {@code Phi} whose row {@code t} is
 * {@code phi(e_t)}: forward {@code Y = X Phi}, backward {@code gX = gY Phi^T}, both on the packed
 * matrix kernel (for d = 128 a dense product beats the O(D log d) transform per row, which does
 * not vectorise).
 */
public final class KernelPreconditioning implements Block {
    private final int d;
    private final int features;
    private final Buf phi32;
    private final Buf phi64;
    private Buf y;
    private Buf gx;
    private int rows;

    /** {@code d} inputs, {@code features} = D outputs, bandwidth {@code sigma}, the map's {@code seed}. */
    public KernelPreconditioning(int d, int features, double sigma, long seed) {
        FastfoodCvx ff = new FastfoodCvx(d, features, sigma, seed);
        this.d = d;
        this.features = features;
        double[] phi = new double[d * features];
        double[] e = new double[d];
        double[] row = new double[features];
        for (int t = 0; t < d; t++) {
            e[t] = 1;
            ff.apply(e, row);
            e[t] = 0;
            System.arraycopy(row, 0, phi, t * features, features);
        }
        float[] f = new float[phi.length];
        for (int i = 0; i < phi.length; i++) {
            f[i] = (float) phi[i];
        }
        this.phi64 = Buf.of(phi);
        this.phi32 = Buf.of(f);
    }

    private Buf phi(Arith ar) {
        return ar.precision() == Precision.FLOAT32 ? phi32 : phi64;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        this.rows = rows;
        y = ps.ar.ensure(y, rows * features);
        ps.ar.gemm(false, false, rows, features, d, x, 0, d, phi(ps.ar), 0, features, false, y, 0, features);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        gx = ps.ar.ensure(gx, rows * d);
        ps.ar.gemm(false, true, rows, d, features, gy, 0, features, phi(ps.ar), 0, features, false, gx, 0, d);
        return gx;
    }
}

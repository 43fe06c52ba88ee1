package org.cvxformer.neural;

/**
 * The seed paper's convex attention block (seeds/004 section 5.2; Ergen et al., "Convexifying
 * Transformers"): {@code H -> W1 H W2} per sample, {@code H} the block input ({@code n x d}),
 * {@code W1} ({@code n x n}) with rows kept in the probability simplex by Euclidean projection after
 * every optimizer step ({@link #project}), {@code W2} ({@code d x d}), with the penalty
 * {@code beta} on {@code W2}:
 * <ul>
 *   <li>{@link ConvexStack.Penalty#GROUP}: {@code beta sum_j ||W2[:, j]||_2} (the group penalty of
 *   the convex primal, seeds/004 eq. 5; its gradient at a zero column is taken as 0);</li>
 *   <li>{@link ConvexStack.Penalty#FROBENIUS}: {@code beta/2 ||W2||_F^2}.</li>
 * </ul>
 */
public final class ConvexMix implements Block {
    private final ParamBlock w1;
    private final ParamBlock w2;
    private final int n;
    private final int d;
    private final double beta;
    private final ConvexStack.Penalty penalty;
    private Buf x;
    private Buf t;
    private Buf y;
    private Buf gt;
    private Buf gx;
    private int rows;

    public ConvexMix(Params pp, String name, int n, int d, double beta, ConvexStack.Penalty penalty) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta = " + beta + ": expected >= 0");
        }
        this.w1 = pp.simplex(name + ".w1", n, n);
        this.w2 = pp.matrix(name + ".w2", d, d);
        this.n = n;
        this.d = d;
        this.beta = beta;
        this.penalty = penalty;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        this.x = x;
        this.rows = rows;
        t = ar.ensure(t, rows * d);
        y = ar.ensure(y, rows * d);
        ar.mix(ps.params, w1.offset(), x, rows / n, n, d, t);
        ar.gemm(false, false, rows, d, d, t, 0, d, ps.params, w2.offset(), d, false, y, 0, d);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        gt = ar.ensure(gt, rows * d);
        gx = ar.ensure(gx, rows * d);
        ar.gemm(true, false, d, d, rows, t, 0, d, gy, 0, d, true, ps.grad, w2.offset(), d);
        ar.gemm(false, true, rows, d, d, gy, 0, d, ps.params, w2.offset(), d, false, gt, 0, d);
        ar.mixBackward(ps.params, w1.offset(), x, gt, rows / n, n, d, ps.grad, gx);
        return gx;
    }

    @Override
    public double penalty(double[] p, double[] grad) {
        return w2Penalty(penalty, beta, p, grad, w2.offset(), d, d);
    }

    /**
     * The {@code beta} penalty on a row-major {@code rows x cols} matrix W2 at {@code p[o..]}, its
     * gradient added to {@code grad}: {@code beta sum_j ||W2[:, j]||_2} (group, one group per
     * output column; subgradient 0 at a zero column) or {@code (beta/2) ||W2||_F^2} (Frobenius).
     * Shared by {@link ConvexMix} and {@link ConvexHead}.
     */
    static double w2Penalty(ConvexStack.Penalty kind, double beta, double[] p, double[] grad, int o, int rows, int cols) {
        if (beta == 0) {
            return 0;
        }
        double total = 0;
        if (kind == ConvexStack.Penalty.FROBENIUS) {
            for (int i = 0; i < rows * cols; i++) {
                total += 0.5 * beta * p[o + i] * p[o + i];
                grad[o + i] += beta * p[o + i];
            }
            return total;
        }
        for (int j = 0; j < cols; j++) {
            double norm = columnNorm(p, o, rows, cols, j);
            total += beta * norm;
            if (norm > 0) {
                for (int i = 0; i < rows; i++) {
                    grad[o + i * cols + j] += beta * p[o + i * cols + j] / norm;
                }
            }
        }
        return total;
    }

    /** {@code ||W[:, j]||_2} of the row-major {@code rows x cols} matrix at {@code p[o..]}. */
    static double columnNorm(double[] p, int o, int rows, int cols, int j) {
        double ss = 0;
        for (int i = 0; i < rows; i++) {
            double w = p[o + i * cols + j];
            ss += w * w;
        }
        return Math.sqrt(ss);
    }

    @Override
    public void project(double[] params) {
        SimplexProjection.projectRows(params, w1.offset(), n, n);
    }
}

package org.cvxformer.neural;

/**
 * The convex stack's last block, which outputs the class logits (seeds/004 section 5.2: "the last
 * block outputs the class logits"; math.md section 8): per sample {@code i} with input
 * {@code H_i} ({@code n x d}, rows {@code x_ik}),
 * <pre>
 *   s_i = sum_k w1_k x_ik W2          (a row of c logits; rows S, not S n)
 * </pre>
 * with {@code w1} one simplex row of {@code n} mixing weights (the last position's row of a
 * {@link ConvexMix} {@code W1}; kept in the simplex by projection after every step) and
 * {@code W2} ({@code d x c}). Penalty ({@link ConvexStack.Penalty#GROUP})
 * {@code beta sum_l ||W2[:, l]||_2}.
 *
 * <p><b>The head is problem (P).</b> Put {@code z_lk = w1_k W2[:, l]} (row {@code k} of
 * {@code Z_l}, math.md section 1). Then {@code s_il = sum_k <z_lk, x_ik> = <Z_l, H_i>}, and because
 * {@code w1_k >= 0} and {@code sum_k w1_k = 1},
 * {@code sum_{l,k} ||z_lk||_2 = sum_l ||W2[:, l]||_2 sum_k w1_k = sum_l ||W2[:, l]||_2}: the head's
 * penalty is exactly the group penalty of (P). With the mean cross-entropy that {@link Network}
 * adds, the head's objective on fixed inputs {@code H_i} is {@code P(Z)} of math.md section 2 with
 * {@code X_i = H_i} (seeds/004 eq. 5, in math.md's averaged scaling), so every head maps to a
 * feasible point of (P) and the certifier applies ({@link #toZ}). The factored head is a
 * rank-one-per-class restriction of (P) ({@code Z_l = w1 W2[:, l]^T}); (P)'s optimum is a lower
 * bound for it.
 *
 * <p>The token mixing is a plain loop (O(S n d), negligible beside the {@code S d c} product), in
 * double accumulators, one thread, rows in order: the result does not depend on the thread count.
 */
public final class ConvexHead implements Block {
    private final ParamBlock w1;
    private final ParamBlock w2;
    private final int n;
    private final int d;
    private final int c;
    private final double beta;
    private final ConvexStack.Penalty penalty;
    private Buf x;
    private Buf t;
    private Buf y;
    private Buf gt;
    private Buf gx;
    private int samples;

    public ConvexHead(Params pp, String name, int n, int d, int c, double beta, ConvexStack.Penalty penalty) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta = " + beta + ": expected >= 0");
        }
        this.w1 = pp.simplex(name + ".w1", 1, n);
        this.w2 = pp.matrix(name + ".w2", d, c);
        this.n = n;
        this.d = d;
        this.c = c;
        this.beta = beta;
        this.penalty = penalty;
    }

    public ParamBlock w1() {
        return w1;
    }

    public ParamBlock w2() {
        return w2;
    }

    public double beta() {
        return beta;
    }

    public ConvexStack.Penalty penaltyKind() {
        return penalty;
    }

    public int tokens() {
        return n;
    }

    public int width() {
        return d;
    }

    public int classes() {
        return c;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        this.x = x;
        this.samples = rows / n;
        t = ar.ensure(t, samples * d);
        y = ar.ensure(y, samples * c);
        int o = w1.offset();
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int k = 0; k < n; k++) {
                    acc += ps.params.get(o + k) * x.get((s * n + k) * d + j);
                }
                t.set(s * d + j, acc);
            }
        }
        ar.gemm(false, false, samples, c, d, t, 0, d, ps.params, w2.offset(), c, false, y, 0, c);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        gt = ar.ensure(gt, samples * d);
        gx = ar.ensure(gx, samples * n * d);
        // gW2 += T^T gY; gT = gY W2^T
        ar.gemm(true, false, d, c, samples, t, 0, d, gy, 0, c, true, ps.grad, w2.offset(), c);
        ar.gemm(false, true, samples, d, c, gy, 0, c, ps.params, w2.offset(), c, false, gt, 0, d);
        int o = w1.offset();
        for (int k = 0; k < n; k++) {
            double wk = ps.params.get(o + k);
            double acc = 0;
            for (int s = 0; s < samples; s++) {
                int xo = (s * n + k) * d;
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    double g = gt.get(s * d + j);
                    dot += g * x.get(xo + j);
                    gx.set(xo + j, wk * g);
                }
                acc += dot;
            }
            ps.grad.set(o + k, ps.grad.get(o + k) + acc);
        }
        return gx;
    }

    @Override
    public int outRows(int rows, int samples) {
        return rows / n;
    }

    @Override
    public double penalty(double[] p, double[] grad) {
        return ConvexMix.w2Penalty(penalty, beta, p, grad, w2.offset(), d, c);
    }

    /** {@code ||W2[:, l]||_2} in the parameter array {@code p}. */
    public double columnNorm(double[] p, int l) {
        return ConvexMix.columnNorm(p, w2.offset(), d, c, l);
    }

    @Override
    public void project(double[] params) {
        SimplexProjection.projectRows(params, w1.offset(), 1, n);
    }

    /**
     * The head as a point of problem (P): {@code Z} in math.md's layout ({@code c x n x d},
     * {@code Z[(l n + k) d + j] = w1_k W2[j, l]}), from the parameter array {@code p}.
     */
    public double[] toZ(double[] p) {
        double[] z = new double[c * n * d];
        int o1 = w1.offset(), o2 = w2.offset();
        for (int l = 0; l < c; l++) {
            for (int k = 0; k < n; k++) {
                double wk = p[o1 + k];
                int zo = (l * n + k) * d;
                for (int j = 0; j < d; j++) {
                    z[zo + j] = wk * p[o2 + j * c + l];
                }
            }
        }
        return z;
    }
}

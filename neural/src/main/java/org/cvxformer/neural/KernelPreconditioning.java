package org.cvxformer.neural;

/**
 * The seed paper's convex kernel preconditioning on the input of a convex block (seeds/004
 * section 4, eq. 9; math.md sections 7-8): per token {@code y_k = V x_k} with a fixed
 * {@code out x in} matrix {@code V}. Parameter-free; backward {@code dx_k = V^T dy_k}.
 *
 * <p>For {@code convex-stack-kernel}, {@code V} is the matrix of
 * {@code phi_cvx = (1/(sigma sqrt(D))) S H G_chi Pi H B} (the map is linear: it has no
 * exponential), built by the caller from the datasets module's {@code FastfoodCvx} applied to the
 * basis vectors (the neural module does not depend on datasets): column {@code t} of {@code V} is
 * {@code phi_cvx(e_t)}. Applying it as a dense matrix costs {@code O(d D)} per token instead of
 * fastfood's {@code O(D log d)}; at the paper's width (128) that is one small product per batch on
 * the packed kernel and keeps one source of truth for the transform.
 */
public final class KernelPreconditioning implements Block {
    private final String name;
    private final double[] v;
    private final int in;
    private final int out;
    private Buf v32;
    private Buf v64;
    private Buf y;
    private Buf gx;
    private int rows;

    /**
     * @param name a label (for messages; the block has no parameters)
     * @param v    {@code out x in}, row-major (copied)
     */
    public KernelPreconditioning(String name, double[] v, int out, int in) {
        if (v.length != (long) out * in) {
            throw new IllegalArgumentException(name + ": a " + out + " x " + in + " matrix needs " + (long) out * in
                    + " entries, got " + v.length);
        }
        for (double e : v) {
            if (!Double.isFinite(e)) {
                throw new IllegalArgumentException(name + ": the preconditioning matrix has a non-finite entry");
            }
        }
        this.name = name;
        this.v = v.clone();
        this.in = in;
        this.out = out;
    }

    public String name() {
        return name;
    }

    /** A copy of {@code V} ({@code out x in}, row-major). */
    public double[] matrix() {
        return v.clone();
    }

    private Buf vIn(Arith ar) {
        if (ar.precision() == Precision.FLOAT64) {
            if (v64 == null) {
                v64 = Buf.of(v);
            }
            return v64;
        }
        if (v32 == null) {
            v32 = ar.alloc(v.length);
            ar.load(v, v32, v.length);
        }
        return v32;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        Arith ar = ps.ar;
        this.rows = rows;
        y = ar.ensure(y, rows * out);
        // Y = X V^T (rows x out)
        ar.gemm(false, true, rows, out, in, x, 0, in, vIn(ar), 0, in, false, y, 0, out);
        return y;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        Arith ar = ps.ar;
        gx = ar.ensure(gx, rows * in);
        // gX = gY V (rows x in)
        ar.gemm(false, false, rows, in, out, gy, 0, out, vIn(ar), 0, in, false, gx, 0, in);
        return gx;
    }
}

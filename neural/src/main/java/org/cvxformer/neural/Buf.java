package org.cvxformer.neural;

/**
 * A network buffer: a {@code float[]} (float32 training, PyTorch's default) or a {@code double[]}
 * (float64: the gradient checks, and an option), exactly one of them non-null. Blocks hold
 * {@code Buf}s and pass them to {@link Arith}, whose two implementations are the only code that
 * knows which array is there, so a block is written once for both precisions.
 */
public final class Buf {
    final float[] f;
    final double[] d;

    private Buf(float[] f, double[] d) {
        this.f = f;
        this.d = d;
    }

    static Buf of(float[] f) {
        return new Buf(f, null);
    }

    static Buf of(double[] d) {
        return new Buf(null, d);
    }

    public int length() {
        return f != null ? f.length : d.length;
    }

    public boolean isFloat() {
        return f != null;
    }

    /** Entry {@code i} as a double (tests and diagnostics; not for inner loops). */
    public double get(int i) {
        return f != null ? f[i] : d[i];
    }

    public void set(int i, double v) {
        if (f != null) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }
}

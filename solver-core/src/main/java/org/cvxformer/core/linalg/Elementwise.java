package org.cvxformer.core.linalg;

/**
 * Element-wise loops HotSpot does not vectorise by itself (a select on a comparison), SIMD through
 * {@link VectorElementwise} when {@link Gemm#SIMD}, scalar otherwise; both give the same bits.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code g[i] = h[i] > 0 ? g[i] : 0} for {@code from <= i < to} (the backward of a ReLU, from its output). */
    public static void reluMask(float[] g, float[] h, int from, int to) {
        int i = from;
        if (Gemm.SIMD) {
            i = VectorElementwise.reluMask(g, h, from, to);
        }
        for (; i < to; i++) {
            g[i] = h[i] > 0 ? g[i] : 0f;
        }
    }

    /** {@link #reluMask(float[], float[], int, int)} in double. */
    public static void reluMask(double[] g, double[] h, int from, int to) {
        int i = from;
        if (Gemm.SIMD) {
            i = VectorElementwise.reluMask(g, h, from, to);
        }
        for (; i < to; i++) {
            g[i] = h[i] > 0 ? g[i] : 0.0;
        }
    }
}

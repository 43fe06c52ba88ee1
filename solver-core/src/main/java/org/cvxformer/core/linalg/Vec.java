package org.cvxformer.core.linalg;

/**
 * Small dense-vector kernels on {@code double[]} slices. They are written as plain loops
 * (the JIT vectorises them) because ojAlgo's generic paths were measured 4-10x slower for
 * {@code A^T y} on this problem shape (shared/notes/dependencies.md).
 */
public final class Vec {
    private Vec() {
    }

    /** {@code sum_j x[xo+j] * y[yo+j]} for {@code j < len}. */
    public static double dot(double[] x, int xo, double[] y, int yo, int len) {
        // Four accumulators break the add dependency chain; the order is fixed, so results
        // do not depend on anything but the inputs.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += x[xo + j] * y[yo + j];
            s1 += x[xo + j + 1] * y[yo + j + 1];
            s2 += x[xo + j + 2] * y[yo + j + 2];
            s3 += x[xo + j + 3] * y[yo + j + 3];
        }
        for (; j < len; j++) {
            s0 += x[xo + j] * y[yo + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code sum_j x[j] y[j]} over whole arrays of equal length. */
    public static double dot(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("dot: lengths differ (" + x.length + " vs " + y.length + ")");
        }
        return dot(x, 0, y, 0, x.length);
    }

    /** {@code y[yo+j] += a * x[xo+j]}. */
    public static void axpy(double a, double[] x, int xo, double[] y, int yo, int len) {
        for (int j = 0; j < len; j++) {
            y[yo + j] += a * x[xo + j];
        }
    }

    /** Euclidean norm of a slice, scaled to avoid overflow and underflow of the squares. */
    public static double norm2(double[] x, int xo, int len) {
        double scale = 0;
        for (int j = 0; j < len; j++) {
            scale = Math.max(scale, Math.abs(x[xo + j]));
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double s = 0;
        for (int j = 0; j < len; j++) {
            double v = x[xo + j] / scale;
            s += v * v;
        }
        return scale * Math.sqrt(s);
    }

    /** Squared Euclidean norm of the whole array (no scaling: for values of moderate size). */
    public static double squaredNorm(double[] x) {
        return dot(x, 0, x, 0, x.length);
    }

    /** Squared Euclidean distance {@code ||x - y||^2}. */
    public static double squaredDistance(double[] x, double[] y) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            double v = x[j] - y[j];
            s += v * v;
        }
        return s;
    }

    /** True when every entry is finite (no NaN, no infinity). */
    public static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first non-finite entry, or -1. */
    public static long firstNonFinite(double[] x) {
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                return j;
            }
        }
        return -1;
    }

    /**
     * {@code dst = src^T}: {@code src} is {@code rows x cols} row-major, {@code dst} becomes
     * {@code cols x rows} row-major (the parameter layout {@code c x nd} and the class-contiguous
     * layout {@code nd x c} of the products are transposes of each other).
     */
    public static void transpose(double[] src, int rows, int cols, double[] dst) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int q = 0; q < cols; q++) {
                dst[q * rows + r] = src[o + q];
            }
        }
    }

    /**
     * The columns {@code [from, from + w)} of the row-major {@code rows x ld} matrix {@code src},
     * as a new row-major {@code rows x w} matrix (a thread's private slice of a shared sum).
     */
    public static double[] columns(double[] src, int rows, int ld, int from, int w) {
        double[] dst = new double[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * ld + from, dst, r * w, w);
        }
        return dst;
    }

    /** The inverse of {@link #columns}: writes the {@code rows x w} {@code slice} into columns {@code [from, from + w)} of {@code dst} ({@code ld} columns). */
    public static void putColumns(double[] slice, int rows, int w, double[] dst, int ld, int from) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(slice, r * w, dst, r * ld + from, w);
        }
    }
}

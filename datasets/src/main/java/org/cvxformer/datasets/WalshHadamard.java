package org.cvxformer.datasets;

/**
 * The fast Walsh–Hadamard transform: {@code v <- H_m v} for the unnormalised Walsh–Hadamard
 * matrix in Sylvester (natural) order, {@code H_1 = [1]}, {@code H_{2m} = [[H_m, H_m], [H_m, -H_m]]},
 * whose entries are {@code H[j][k] = (-1)^{popcount(j & k)}}. {@code H_m H_m = m I}.
 *
 * <p>The in-place butterfly costs m log2 m additions; it is the {@code H} of Fastfood
 * (Le, Sarlos, Smola 2013) and of seeds/004 section 4.
 */
public final class WalshHadamard {

    private WalshHadamard() {
    }

    /** Whether m is a power of two (1, 2, 4, ...). */
    public static boolean isPowerOfTwo(int m) {
        return m > 0 && (m & (m - 1)) == 0;
    }

    /** The smallest power of two >= v, for 1 <= v <= 2^30. */
    public static int nextPowerOfTwo(int v) {
        if (v < 1 || v > (1 << 30)) {
            throw new IllegalArgumentException("next power of two of " + v + ": expected 1 <= v <= 2^30");
        }
        return v == 1 ? 1 : Integer.highestOneBit(v - 1) << 1;
    }

    /**
     * Replaces {@code v[offset .. offset+m)} by {@code H_m} times it.
     *
     * @throws IllegalArgumentException if m is not a power of two or the range is outside v
     */
    public static void transformInPlace(double[] v, int offset, int m) {
        if (!isPowerOfTwo(m)) {
            throw new IllegalArgumentException("Walsh-Hadamard size m = " + m + ": expected a power of two");
        }
        if (offset < 0 || offset > v.length - m) {
            throw new IllegalArgumentException("Walsh-Hadamard range [" + offset + ", " + offset + " + " + m
                    + ") is outside an array of length " + v.length);
        }
        for (int h = 1; h < m; h <<= 1) {
            for (int start = offset; start < offset + m; start += h << 1) {
                for (int j = start; j < start + h; j++) {
                    double x = v[j];
                    double y = v[j + h];
                    v[j] = x + y;
                    v[j + h] = x - y;
                }
            }
        }
    }

    /** The explicit matrix H_m (for tests and small illustrations; O(m^2) memory). */
    public static double[][] matrix(int m) {
        if (!isPowerOfTwo(m)) {
            throw new IllegalArgumentException("Walsh-Hadamard size m = " + m + ": expected a power of two");
        }
        double[][] h = new double[m][m];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < m; k++) {
                h[j][k] = (Integer.bitCount(j & k) & 1) == 0 ? 1 : -1;
            }
        }
        return h;
    }
}

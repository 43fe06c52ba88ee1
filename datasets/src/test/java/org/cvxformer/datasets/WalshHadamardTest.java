package org.cvxformer.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WalshHadamardTest {

    /** Sylvester's construction, written independently of the library: H_2m = [[H, H], [H, -H]]. */
    static double[][] sylvester(int m) {
        double[][] h = {{1}};
        for (int size = 1; size < m; size *= 2) {
            double[][] next = new double[2 * size][2 * size];
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    next[i][j] = h[i][j];
                    next[i][j + size] = h[i][j];
                    next[i + size][j] = h[i][j];
                    next[i + size][j + size] = -h[i][j];
                }
            }
            h = next;
        }
        return h;
    }

    @Test
    void matchesExplicitSylvesterMatrix() {
        for (int m : new int[] {1, 2, 4, 8, 16}) {
            double[][] h = sylvester(m);
            for (int r = 0; r < m; r++) {
                assertArrayEquals(h[r], WalshHadamard.matrix(m)[r], 0.0);
            }
            // Columns: transform each basis vector, embedded at an offset inside a larger array.
            for (int k = 0; k < m; k++) {
                double[] v = new double[m + 5];
                v[3 + k] = 1;
                WalshHadamard.transformInPlace(v, 3, m);
                for (int j = 0; j < m; j++) {
                    assertEquals(h[j][k], v[3 + j], 0.0, "m=" + m + " j=" + j + " k=" + k);
                }
                assertEquals(0.0, v[0] + v[1] + v[2] + v[m + 3] + v[m + 4], 0.0, "outside the range untouched");
            }
            // A general vector.
            double[] x = new double[m];
            for (int k = 0; k < m; k++) {
                x[k] = Math.sin(1.3 * k + 0.2) + k;
            }
            double[] y = x.clone();
            WalshHadamard.transformInPlace(y, 0, m);
            for (int j = 0; j < m; j++) {
                double ref = 0;
                for (int k = 0; k < m; k++) {
                    ref += h[j][k] * x[k];
                }
                assertEquals(ref, y[j], 1e-12 * m * m);
            }
            // H H = m I.
            WalshHadamard.transformInPlace(y, 0, m);
            for (int k = 0; k < m; k++) {
                assertEquals(m * x[k], y[k], 1e-12 * m * m);
            }
        }
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> WalshHadamard.transformInPlace(new double[6], 0, 6));
        assertThrows(IllegalArgumentException.class, () -> WalshHadamard.transformInPlace(new double[4], 1, 4));
        assertThrows(IllegalArgumentException.class, () -> WalshHadamard.transformInPlace(new double[4], 0, 0));
        assertEquals(1, WalshHadamard.nextPowerOfTwo(1));
        assertEquals(2, WalshHadamard.nextPowerOfTwo(2));
        assertEquals(128, WalshHadamard.nextPowerOfTwo(97));
        assertEquals(128, WalshHadamard.nextPowerOfTwo(128));
        assertEquals(256, WalshHadamard.nextPowerOfTwo(129));
    }
}

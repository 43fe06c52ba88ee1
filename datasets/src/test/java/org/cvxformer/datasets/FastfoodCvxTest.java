package org.cvxformer.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FastfoodCvxTest {

    private static double[][] multiply(double[][] a, double[][] b) {
        int r = a.length;
        int k = b.length;
        int c = b[0].length;
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int l = 0; l < k; l++) {
                for (int j = 0; j < c; j++) {
                    out[i][j] += a[i][l] * b[l][j];
                }
            }
        }
        return out;
    }

    private static double[][] diag(double[] v) {
        double[][] d = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            d[i][i] = v[i];
        }
        return d;
    }

    /**
     * The dense D x d_in matrix of phi: per block the explicit product S H G Pi H B (m x m),
     * its first d_in columns (the zero padding), blocks stacked, truncated to D rows, times
     * 1/(sigma sqrt(D)).
     */
    static double[][] denseReference(FastfoodCvx f) {
        int m = f.blockSize();
        int din = f.inputDimension();
        int dFeatures = f.features();
        double[][] h = WalshHadamardTest.sylvester(m);
        double[][] out = new double[dFeatures][din];
        for (int b = 0; b < f.blocks(); b++) {
            int[] perm = f.permutation(b);
            double[][] pi = new double[m][m];
            for (int k = 0; k < m; k++) {
                pi[k][perm[k]] = 1; // (Pi v)_k = v[perm[k]]
            }
            double[][] block = multiply(diag(f.scaleDiagonal(b)), h);
            block = multiply(block, diag(f.chiDiagonal(b)));
            block = multiply(block, pi);
            block = multiply(block, h);
            block = multiply(block, diag(f.signs(b)));
            for (int j = 0; j < m && b * m + j < dFeatures; j++) {
                for (int k = 0; k < din; k++) {
                    out[b * m + j][k] = f.scale() * block[j][k];
                }
            }
        }
        return out;
    }

    private static double[] vector(int n, double phase) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = Math.cos(0.7 * k + phase) - 0.1 * k;
        }
        return x;
    }

    @Test
    void equalsDenseProductOfTheExplicitMatrices() {
        // (d_in, D): one partial block, one exact block, D < m, several blocks truncated, m = 1.
        int[][] shapes = {{5, 3}, {8, 8}, {3, 2}, {5, 20}, {1, 3}, {16, 40}, {9, 16}};
        for (int[] shape : shapes) {
            FastfoodCvx f = new FastfoodCvx(shape[0], shape[1], 0.8, 123);
            assertEquals((shape[1] + f.blockSize() - 1) / f.blockSize(), f.blocks());
            double[][] a = denseReference(f);
            for (int trial = 0; trial < 3; trial++) {
                double[] x = vector(shape[0], trial);
                double[] y = f.apply(x);
                assertEquals(shape[1], y.length);
                for (int j = 0; j < shape[1]; j++) {
                    double ref = 0;
                    for (int k = 0; k < shape[0]; k++) {
                        ref += a[j][k] * x[k];
                    }
                    assertEquals(ref, y[j], 1e-12, "shape " + Arrays.toString(shape) + " row " + j);
                }
            }
        }
    }

    @Test
    void parametersHaveTheStatedDistributions() {
        FastfoodCvx f = new FastfoodCvx(10, 40, 1.0, 5);
        assertEquals(16, f.blockSize());
        assertEquals(3, f.blocks());
        for (int b = 0; b < f.blocks(); b++) {
            for (double s : f.signs(b)) {
                assertTrue(s == 1.0 || s == -1.0);
            }
            int[] perm = f.permutation(b).clone();
            Arrays.sort(perm);
            for (int k = 0; k < perm.length; k++) {
                assertEquals(k, perm[k]);
            }
            for (double g : f.chiDiagonal(b)) {
                assertTrue(g >= 0, "chi(1) is sign-free");
            }
            for (double s : f.scaleDiagonal(b)) {
                assertTrue(s > 0);
            }
        }
        assertFalse(Arrays.equals(f.signs(0), f.signs(1)), "blocks are independent");
        assertEquals(1 / Math.sqrt(40), f.scale(), 1e-15);
    }

    @Test
    void linear() {
        FastfoodCvx f = new FastfoodCvx(37, 100, 1.5, 9);
        double[] x = vector(37, 0.3);
        double[] y = vector(37, 2.1);
        double a = 1.7;
        double b = -0.6;
        double[] comb = new double[37];
        for (int k = 0; k < 37; k++) {
            comb[k] = a * x[k] + b * y[k];
        }
        double[] px = f.apply(x);
        double[] py = f.apply(y);
        double[] pc = f.apply(comb);
        for (int j = 0; j < 100; j++) {
            assertEquals(a * px[j] + b * py[j], pc[j], 1e-12 * (1 + Math.abs(pc[j])));
        }
        double[] zero = f.apply(new double[37]);
        for (double v : zero) {
            assertEquals(0.0, v, 0.0);
        }
    }

    @Test
    void blocksStackAsAPrefix() {
        // Block 0 is drawn first from the stream, whatever D is, so phi with D = 3m restricted to
        // its first m rows equals phi with D = m up to the prefactor sqrt(m / D).
        int din = 12;
        FastfoodCvx one = new FastfoodCvx(din, 16, 1.0, 77);
        FastfoodCvx three = new FastfoodCvx(din, 48, 1.0, 77);
        FastfoodCvx partial = new FastfoodCvx(din, 40, 1.0, 77);
        double[] x = vector(din, 0.9);
        double[] p1 = one.apply(x);
        double[] p3 = three.apply(x);
        double[] pp = partial.apply(x);
        for (int j = 0; j < 16; j++) {
            assertEquals(p1[j] * Math.sqrt(16), p3[j] * Math.sqrt(48), 1e-12);
        }
        for (int j = 0; j < 40; j++) {
            assertEquals(p3[j] * Math.sqrt(48), pp[j] * Math.sqrt(40), 1e-12);
        }
        // The second block is not a copy of the first.
        assertFalse(Arrays.equals(Arrays.copyOfRange(p3, 0, 16), Arrays.copyOfRange(p3, 16, 32)));
    }

    @Test
    void deterministicForTheSeed() {
        double[] x = vector(99, 0.1);
        assertArrayEquals(new FastfoodCvx(99, 512, 1.0, 2024).apply(x), new FastfoodCvx(99, 512, 1.0, 2024).apply(x), 0.0);
        assertFalse(Arrays.equals(new FastfoodCvx(99, 512, 1.0, 2024).apply(x), new FastfoodCvx(99, 512, 1.0, 2025).apply(x)));
    }

    @Test
    void exactNormIdentityOverBasisVectors() {
        // Row j of S H G Pi H B has squared norm m s_j^2 with s_j = S_jj ||G||_F, so
        // sum over the m basis vectors of ||phi(e_t)||^2 = scale^2 m sum_{j<D} s_j^2 exactly.
        for (int[] shape : new int[][] {{32, 100}, {32, 20}, {64, 64}}) {
            int m = shape[0];
            FastfoodCvx f = new FastfoodCvx(m, shape[1], 0.5, 31);
            double lhs = 0;
            for (int t = 0; t < m; t++) {
                double[] e = new double[m];
                e[t] = 1;
                for (double v : f.apply(e)) {
                    lhs += v * v;
                }
            }
            double rhs = 0;
            for (int b = 0; b < f.blocks(); b++) {
                double frob2 = 0;
                for (double g : f.chiDiagonal(b)) {
                    frob2 += g * g;
                }
                double[] sd = f.scaleDiagonal(b);
                for (int j = 0; j < m && b * m + j < shape[1]; j++) {
                    rhs += sd[j] * sd[j] * frob2;
                }
            }
            rhs *= f.scale() * f.scale() * m;
            assertEquals(rhs, lhs, 1e-10 * rhs);
        }
    }

    @Test
    void squaredNormsOfTokenFeaturesHaveTheStatedMean() {
        // Mean over the m = 128 basis vectors of ||phi(e_t)||^2 is chi^2(D m) / (sigma^2 D): mean
        // m / sigma^2 = 32 for sigma = 2, relative standard deviation sqrt(2 / (512 * 128)) = 0.55%.
        // A 5% tolerance is 9 standard deviations: a wrong sqrt(D) or sqrt(m) factor (x4 or x1/4)
        // fails, the fixed seed cannot.
        FastfoodCvx f = new FastfoodCvx(128, 512, 2.0, 1);
        assertEquals(32.0, meanSquaredNorm(f, 128), 0.05 * 32.0);
        // For the p = 97 equation vocabulary (99 tokens padded to m = 128), each token's expected
        // squared norm over S is still exactly m / sigma^2 (full blocks); the spread of the
        // per-token norms around it is about 1% here, so 10% is ample.
        FastfoodCvx g = new FastfoodCvx(99, 512, 1.0, 1);
        assertEquals(128.0, meanSquaredNorm(g, 99), 0.10 * 128.0);
    }

    private static double meanSquaredNorm(FastfoodCvx f, int tokens) {
        double sum = 0;
        for (int t = 0; t < tokens; t++) {
            double[] e = new double[f.inputDimension()];
            e[t] = 1;
            for (double v : f.apply(e)) {
                sum += v * v;
            }
        }
        return sum / tokens;
    }

    @Test
    void badArgumentsNamed() {
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> new FastfoodCvx(10, 0, 1, 0));
        assertTrue(d.getMessage().contains("D = 0"), d.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> new FastfoodCvx(10, 8, -1, 0));
        assertTrue(s.getMessage().contains("sigma = -1.0"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FastfoodCvx(10, 8, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new FastfoodCvx(10, 8, Double.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new FastfoodCvx(0, 8, 1, 0));
        FastfoodCvx f = new FastfoodCvx(10, 8, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> f.apply(new double[9]));
        assertThrows(IllegalArgumentException.class, () -> f.apply(new double[10], new double[7]));
    }
}

package org.cvxformer.cli;

import java.util.function.IntFunction;
import org.cvxformer.datasets.FastfoodCvx;
import org.cvxformer.datasets.WalshHadamard;

/**
 * The fixed matrices of {@code convex-stack-kernel}'s preconditioning (seeds/004 section 4, eq. 9;
 * math.md sections 7-8): on the input of convex block {@code b} (the layers, then the head),
 * {@code V_b} is the matrix of {@code phi_cvx = (1/(sigma sqrt(D))) S H G_chi Pi H B} from the
 * datasets module's {@link FastfoodCvx} (the one implementation of the transform), column {@code t}
 * being {@code phi_cvx(e_t)}: the map has no exponential, so it is linear and this matrix is it.
 *
 * <ul>
 *   <li>{@code D = d} (the width): the block keeps its width, as the paper's residual stack needs.</li>
 *   <li>{@code sigma} default {@code sqrt(m)}, {@code m} the power of two {@code >= d} (128 at the
 *   paper's width). The paper does not give sigma. {@link FastfoodCvx} documents
 *   {@code E ||phi(x)||^2 ~ m ||x||^2 / sigma^2}, so this bandwidth keeps activations at their scale
 *   in expectation: the preconditioning mixes directions without multiplying the layer-normed
 *   inputs by {@code sqrt(m)/sigma} (about 11 at sigma = 1) at every block.</li>
 *   <li>Seed of block {@code b}: {@link #blockSeed}(run seed, b), independent draws per block.</li>
 * </ul>
 */
final class StackKernels {
    private StackKernels() {
    }

    /** The default bandwidth sqrt(m) for width {@code d}. */
    static double defaultSigma(int d) {
        return Math.sqrt(WalshHadamard.nextPowerOfTwo(d));
    }

    /** The seed of block {@code b}'s transform: the run seed mixed with the block index (SplitMix64 finaliser). */
    static long blockSeed(long seed, int b) {
        long z = seed + 0x9E3779B97F4A7C15L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@code V} ({@code d x d}, row-major) of {@code FastfoodCvx(d, d, sigma, seed)}: column t is phi(e_t). */
    static double[] matrix(int d, double sigma, long seed) {
        FastfoodCvx ff = new FastfoodCvx(d, d, sigma, seed);
        double[] v = new double[d * d];
        double[] e = new double[d];
        double[] col = new double[d];
        for (int t = 0; t < d; t++) {
            e[t] = 1;
            ff.apply(e, col);
            e[t] = 0;
            for (int i = 0; i < d; i++) {
                v[i * d + t] = col[i];
            }
        }
        return v;
    }

    /** Block b -> its matrix, for {@link org.cvxformer.neural.ConvexStack}. */
    static IntFunction<double[]> forRun(int d, double sigma, long seed) {
        return b -> matrix(d, sigma, blockSeed(seed, b));
    }
}

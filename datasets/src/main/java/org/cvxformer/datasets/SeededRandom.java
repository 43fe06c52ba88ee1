package org.cvxformer.datasets;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * The one source of randomness of this package, specified down to the bit so that a seed gives
 * the same arrays on every platform, JVM and (as far as we control it) library version.
 *
 * <ul>
 *   <li>Generator: xoroshiro128++ ({@link RandomSource#XO_RO_SHI_RO_128_PP}, Commons RNG), whose
 *       output stream is fixed by its published algorithm (Blackman and Vigna 2019).</li>
 *   <li>State: the two 64-bit words are the first two outputs of SplitMix64 started at the seed,
 *       computed here rather than by the library's seed conversion, so the mapping seed -> state
 *       does not depend on how Commons RNG converts seeds.</li>
 *   <li>Only {@code nextLong()} is used. Uniform doubles, bounded ints (rejection, as in
 *       {@code java.util.Random}), standard normals (Marsaglia polar method with
 *       {@link StrictMath#log}; {@link Math#sqrt} is correctly rounded by the JLS) and
 *       Fisher–Yates shuffles are written here, so a change of the library's derived methods
 *       cannot change our streams.</li>
 * </ul>
 */
final class SeededRandom {

    private final UniformRandomProvider rng;

    SeededRandom(long seed) {
        this.rng = RandomSource.XO_RO_SHI_RO_128_PP.create(expand(seed));
    }

    /** The generator state for a seed: two SplitMix64 outputs (never both zero in practice). */
    static long[] expand(long seed) {
        long[] state = new long[2];
        long x = seed;
        for (int i = 0; i < 2; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            state[i] = z ^ (z >>> 31);
        }
        if (state[0] == 0 && state[1] == 0) {
            // xoroshiro must not start from the all-zero state; unreachable for SplitMix64 pairs, kept for safety.
            state[1] = 1;
        }
        return state;
    }

    long nextLong() {
        return rng.nextLong();
    }

    /** Uniform in [0, 1): the top 53 bits of one 64-bit output. */
    double nextDouble() {
        return (rng.nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A random sign, +1 or -1 (the top bit of one output). */
    double nextSign() {
        return rng.nextLong() < 0 ? -1.0 : 1.0;
    }

    /** Uniform in [0, bound), bound >= 1, unbiased by rejection on 63-bit values. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long bits;
        long val;
        do {
            bits = rng.nextLong() >>> 1;
            val = bits % bound;
        } while (bits - val + (bound - 1) < 0);
        return (int) val;
    }

    /** A standard normal variate, by the Marsaglia polar method (the second variate is discarded). */
    double nextGaussian() {
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * StrictMath.log(s) / s);
    }

    /** A chi variate with {@code k} degrees of freedom: sqrt of a sum of k squared standard normals. */
    double nextChi(int k) {
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double g = nextGaussian();
            sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /** Shuffles {@code a} in place by Fisher–Yates (Durstenfeld), from the last position down. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A uniformly random permutation of 0..m-1. */
    int[] permutation(int m) {
        int[] perm = new int[m];
        for (int i = 0; i < m; i++) {
            perm[i] = i;
        }
        shuffle(perm);
        return perm;
    }
}

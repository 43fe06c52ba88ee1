package org.cvxformer.datasets;

import java.util.Arrays;

/**
 * The seed paper's convex kernel preconditioning (seeds/004 section 4; math.md section 7):
 *
 * <pre>
 *   phi(x) = (1 / (sigma sqrt(D))) S H G_chi Pi H B x,
 * </pre>
 *
 * a Fastfood map (Le, Sarlos, Smola 2013, "Fastfood: approximating kernel expansions in
 * loglinear time", ICML) without the final nonlinearity. The input {@code x} in R^{d_in} is padded
 * with zeros to {@code m}, the next power of two {@code >= d_in}. Per block of m outputs:
 * <ul>
 *   <li>{@code B}: diagonal of independent random signs ±1 (Fastfood's "binary scaling").</li>
 *   <li>{@code H}: the unnormalised m x m Walsh–Hadamard matrix (entries ±1), applied by
 *       {@link WalshHadamard#transformInPlace} in O(m log m).</li>
 *   <li>{@code Pi}: a uniformly random permutation, {@code (Pi v)_k = v[perm[k]]}.</li>
 *   <li>{@code G_chi}: diagonal with independent chi(1) entries, i.e. {@code |N(0,1)|}. The seed
 *       paper replaces Fastfood's Gaussian diagonal by "sign-free" chi-distributed entries but
 *       does not give the degrees of freedom. chi(1) is exactly the distribution of |g| for
 *       Fastfood's g ~ N(0,1): it removes the sign and nothing else, keeps E[g^2] = 1 and hence
 *       {@code ||G||_F^2 ~ m} as in Fastfood, so the normalisation of S below keeps its meaning.</li>
 *   <li>{@code S}: diagonal, {@code S_jj = s_j / ||G_chi||_F} with {@code s_j ~ chi(m)}
 *       (as in Fastfood): each row of {@code S H G Pi H B} then has norm {@code sqrt(m) s_j}, the
 *       norm distribution of an m-dimensional standard Gaussian row scaled by sqrt(m).</li>
 * </ul>
 * For {@code D > m} features, {@code ceil(D/m)} independent blocks (each with its own B, Pi, G, S)
 * are stacked and the result truncated to D rows; for {@code D <= m} the first D rows of one block
 * are kept. Cost: O(ceil(D/m) m log m), i.e. O(D log m) per vector when D >= m.
 *
 * <p>Scaling: the prefactor is {@code 1/(sigma sqrt(D))} with D the number of features, as math.md
 * and the seed paper write it. (Fastfood's matrix V has {@code 1/(sigma sqrt(m))} with m the input
 * dimension, and its features carry a further {@code 1/sqrt(D)}; the seed paper merges the two.)
 * Consequence: row j of {@code S H G Pi H B} has squared norm {@code m s_j^2}, so over the m basis
 * vectors of the padded input, exactly,
 * {@code (1/m) sum_t ||phi(e_t)||^2 = (1/(sigma^2 D)) sum_{j<D} s_j^2}, a chi^2(Dm)/(sigma^2 D)
 * variable: mean {@code m / sigma^2}, relative standard deviation {@code sqrt(2/(D m))}. For
 * general x, {@code E ||phi(x)||^2 ~ m ||x||^2 / sigma^2}: a linear kernel scaled by m/sigma^2.
 *
 * <p>Note that without the exponential this map is <em>linear</em> in x (the sign-free G_chi does
 * not make its output nonnegative: H and B still carry signs). On one-hot tokens it is therefore a
 * fixed random embedding table whose row t is {@code phi(e_t)}.
 *
 * <p>Randomness (stable for a seed, see the package documentation): one stream seeded by {@code seed};
 * for each block in order: m signs, then the permutation (Fisher–Yates), then m chi(1) values, then
 * m chi(m) values.
 */
public final class FastfoodCvx {

    /**
     * Default number of features D = 128: the seed paper's width (embedding dimension 128,
     * section 5.2), and at p = 97 exactly one Fastfood block (vocabulary 97 or 99, m = 128). With
     * one full block the map {@code S H G Pi H B} is invertible (every factor is), so the token
     * features are linearly independent and the convex model loses nothing against one-hot.
     */
    public static final int DEFAULT_FEATURES = 128;

    /** Default bandwidth sigma = 1. */
    public static final double DEFAULT_SIGMA = 1.0;

    private final int inputDimension;
    private final int features;
    private final double sigma;
    private final long seed;
    private final int m;
    private final int blocks;
    private final double scale;
    private final double[][] signs;
    private final int[][] perms;
    private final double[][] g;
    private final double[][] s;

    /**
     * @param inputDimension d_in >= 1, the length of the vectors {@link #apply} takes
     * @param features       D >= 1
     * @param sigma          bandwidth, finite and > 0
     * @param seed           seed of all random choices
     * @throws IllegalArgumentException naming the bad value
     */
    public FastfoodCvx(int inputDimension, int features, double sigma, long seed) {
        if (inputDimension < 1 || inputDimension > (1 << 30)) {
            throw new IllegalArgumentException("fastfood-cvx input dimension = " + inputDimension + ": expected 1..2^30");
        }
        if (features < 1) {
            throw new IllegalArgumentException("fastfood-cvx feature dimension D = " + features + ": expected D >= 1");
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("fastfood-cvx sigma = " + sigma + ": expected a finite number > 0");
        }
        this.inputDimension = inputDimension;
        this.features = features;
        this.sigma = sigma;
        this.seed = seed;
        this.m = WalshHadamard.nextPowerOfTwo(inputDimension);
        this.blocks = (int) (((long) features + m - 1) / m);
        this.scale = 1.0 / (sigma * Math.sqrt(features));
        SeededRandom rnd = new SeededRandom(seed);
        signs = new double[blocks][];
        perms = new int[blocks][];
        g = new double[blocks][];
        s = new double[blocks][];
        for (int b = 0; b < blocks; b++) {
            double[] sg = new double[m];
            for (int k = 0; k < m; k++) {
                sg[k] = rnd.nextSign();
            }
            signs[b] = sg;
            perms[b] = rnd.permutation(m);
            double[] gb = new double[m];
            double frob2 = 0;
            for (int k = 0; k < m; k++) {
                gb[k] = Math.abs(rnd.nextGaussian());
                frob2 += gb[k] * gb[k];
            }
            g[b] = gb;
            double frob = Math.sqrt(frob2);
            double[] sb = new double[m];
            for (int j = 0; j < m; j++) {
                sb[j] = rnd.nextChi(m) / frob;
            }
            s[b] = sb;
        }
    }

    /** Input dimension d_in. */
    public int inputDimension() {
        return inputDimension;
    }

    /** Number of features D. */
    public int features() {
        return features;
    }

    /** Block size m = next power of two >= d_in. */
    public int blockSize() {
        return m;
    }

    /** Number of blocks ceil(D/m). */
    public int blocks() {
        return blocks;
    }

    /** Bandwidth sigma. */
    public double sigma() {
        return sigma;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The prefactor 1/(sigma sqrt(D)). */
    public double scale() {
        return scale;
    }

    /** Diagonal of B of block b (copy). */
    double[] signs(int b) {
        return signs[b].clone();
    }

    /** The permutation of block b: {@code (Pi v)_k = v[perm[k]]} (copy). */
    int[] permutation(int b) {
        return perms[b].clone();
    }

    /** Diagonal of G_chi of block b (copy). */
    double[] chiDiagonal(int b) {
        return g[b].clone();
    }

    /** Diagonal of S of block b, already divided by ||G_chi||_F (copy). */
    double[] scaleDiagonal(int b) {
        return s[b].clone();
    }

    /** {@code phi(x)} as a new array of length D. */
    public double[] apply(double[] x) {
        double[] out = new double[features];
        apply(x, out);
        return out;
    }

    /**
     * Writes {@code phi(x)} into {@code out[0 .. D)}.
     *
     * @throws IllegalArgumentException if x has not length d_in or out is shorter than D
     */
    public void apply(double[] x, double[] out) {
        if (x.length != inputDimension) {
            throw new IllegalArgumentException("fastfood-cvx input of length " + x.length + ": expected " + inputDimension);
        }
        if (out.length < features) {
            throw new IllegalArgumentException("fastfood-cvx output of length " + out.length + ": expected at least " + features);
        }
        double[] v = new double[m];
        double[] w = new double[m];
        for (int b = 0; b < blocks; b++) {
            double[] sg = signs[b];
            Arrays.fill(v, 0.0);
            for (int k = 0; k < inputDimension; k++) {
                v[k] = sg[k] * x[k];
            }
            WalshHadamard.transformInPlace(v, 0, m);
            int[] perm = perms[b];
            double[] gb = g[b];
            for (int k = 0; k < m; k++) {
                w[k] = gb[k] * v[perm[k]];
            }
            WalshHadamard.transformInPlace(w, 0, m);
            double[] sb = s[b];
            int base = b * m;
            int rows = Math.min(m, features - base);
            for (int j = 0; j < rows; j++) {
                out[base + j] = scale * sb[j] * w[j];
            }
        }
    }
}

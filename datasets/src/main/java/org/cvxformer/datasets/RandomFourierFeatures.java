package org.cvxformer.datasets;

/**
 * Random Fourier features (Rahimi and Recht 2007, "Random features for large-scale kernel
 * machines", NIPS): {@code phi(x) = sqrt(2/D) cos(W x / sigma + b)} with W in R^{D x d_in}
 * entries N(0, 1) and b uniform on [0, 2 pi), so that {@code E phi(x).phi(y) =
 * exp(-||x - y||^2 / (2 sigma^2))}, the Gaussian kernel of bandwidth sigma. Every entry lies in
 * {@code [-sqrt(2/D), sqrt(2/D)]}. The {@code rff} features apply it to the one-hot token
 * vector, so token t gets {@code sqrt(2/D) cos(W[:, t] / sigma + b)}.
 *
 * <p>Randomness: one stream seeded by {@code seed} (see the package documentation) fills W row-major,
 * then b ({@code b_j = 2 pi u_j}, u uniform on [0, 1)). {@link StrictMath#cos} makes the values
 * bit-identical on every JVM.
 */
public final class RandomFourierFeatures {

    private final int inputDimension;
    private final int features;
    private final double sigma;
    private final long seed;
    private final double[] w;
    private final double[] b;
    private final double amplitude;

    /**
     * @throws IllegalArgumentException naming a bad value: d_in, D >= 1, sigma finite and > 0
     */
    public RandomFourierFeatures(int inputDimension, int features, double sigma, long seed) {
        if (inputDimension < 1) {
            throw new IllegalArgumentException("rff input dimension = " + inputDimension + ": expected >= 1");
        }
        if (features < 1) {
            throw new IllegalArgumentException("rff feature dimension D = " + features + ": expected D >= 1");
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("rff sigma = " + sigma + ": expected a finite number > 0");
        }
        if ((long) inputDimension * features > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rff matrix " + features + " x " + inputDimension + " is too large for one array");
        }
        this.inputDimension = inputDimension;
        this.features = features;
        this.sigma = sigma;
        this.seed = seed;
        this.amplitude = Math.sqrt(2.0 / features);
        SeededRandom rnd = new SeededRandom(seed);
        w = new double[features * inputDimension];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextGaussian();
        }
        b = new double[features];
        for (int j = 0; j < features; j++) {
            b[j] = 2 * Math.PI * rnd.nextDouble();
        }
    }

    public int inputDimension() {
        return inputDimension;
    }

    public int features() {
        return features;
    }

    public double sigma() {
        return sigma;
    }

    public long seed() {
        return seed;
    }

    /** The bound sqrt(2/D) on every entry. */
    public double amplitude() {
        return amplitude;
    }

    /** W[j][k] (copy access for tests and provenance). */
    public double frequency(int j, int k) {
        return w[j * inputDimension + k];
    }

    /** b[j]. */
    public double phase(int j) {
        return b[j];
    }

    /** {@code phi(x)} as a new array of length D. */
    public double[] apply(double[] x) {
        double[] out = new double[features];
        apply(x, out);
        return out;
    }

    /** Writes {@code phi(x)} into {@code out[0 .. D)}. */
    public void apply(double[] x, double[] out) {
        if (x.length != inputDimension) {
            throw new IllegalArgumentException("rff input of length " + x.length + ": expected " + inputDimension);
        }
        if (out.length < features) {
            throw new IllegalArgumentException("rff output of length " + out.length + ": expected at least " + features);
        }
        for (int j = 0; j < features; j++) {
            double dot = 0;
            int base = j * inputDimension;
            for (int k = 0; k < inputDimension; k++) {
                dot += w[base + k] * x[k];
            }
            out[j] = amplitude * StrictMath.cos(dot / sigma + b[j]);
        }
    }
}

package org.cvxformer.datasets;

/**
 * A fixed random embedding table T in R^{V x dim} with independent entries N(0, 1/dim)
 * (math.md section 7, the {@code gaussian} features): token t has feature vector row t of T, so
 * {@code E ||T_t||^2 = 1}. As a map on arbitrary vectors, {@code apply(x) = T^T x}, which sends the
 * one-hot vector e_t to row t.
 *
 * <p>Randomness: one stream seeded by {@code seed} (see the package documentation) fills T row-major,
 * {@code entry = g / sqrt(dim)} with g standard normal. Because the fill is row-major from one
 * stream, the table for a vocabulary V is the first V rows of the table for any larger vocabulary
 * with the same dim and seed.
 */
public final class GaussianEmbedding {

    private final int vocabularySize;
    private final int dimension;
    private final long seed;
    private final double[] table;

    /**
     * @throws IllegalArgumentException if vocabularySize or dim is not positive, or the table is too large
     */
    public GaussianEmbedding(int vocabularySize, int dimension, long seed) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("gaussian embedding vocabulary size = " + vocabularySize + ": expected >= 1");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("gaussian feature dimension = " + dimension + ": expected >= 1");
        }
        if ((long) vocabularySize * dimension > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gaussian table " + vocabularySize + " x " + dimension + " is too large for one array");
        }
        this.vocabularySize = vocabularySize;
        this.dimension = dimension;
        this.seed = seed;
        this.table = new double[vocabularySize * dimension];
        SeededRandom rnd = new SeededRandom(seed);
        double sd = 1.0 / Math.sqrt(dimension);
        for (int i = 0; i < table.length; i++) {
            table[i] = rnd.nextGaussian() * sd;
        }
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int dimension() {
        return dimension;
    }

    public long seed() {
        return seed;
    }

    /** Entry T[t][j]. */
    public double entry(int t, int j) {
        return table[t * dimension + j];
    }

    /** The table, row-major V x dim (a copy). */
    public double[] table() {
        return table.clone();
    }

    /** {@code T^T x} as a new array of length dim. */
    public double[] apply(double[] x) {
        double[] out = new double[dimension];
        apply(x, out);
        return out;
    }

    /** Writes {@code T^T x} (x of length V) into {@code out[0 .. dim)}. */
    public void apply(double[] x, double[] out) {
        if (x.length != vocabularySize) {
            throw new IllegalArgumentException("gaussian embedding input of length " + x.length + ": expected " + vocabularySize);
        }
        if (out.length < dimension) {
            throw new IllegalArgumentException("gaussian embedding output of length " + out.length + ": expected at least " + dimension);
        }
        java.util.Arrays.fill(out, 0, dimension, 0.0);
        for (int t = 0; t < vocabularySize; t++) {
            double xt = x[t];
            if (xt != 0) {
                int base = t * dimension;
                for (int j = 0; j < dimension; j++) {
                    out[j] += xt * table[base + j];
                }
            }
        }
    }
}

package org.cvxformer.datasets;

import java.util.Arrays;

/**
 * A train/validation split of the examples 0..N-1 by a seeded shuffle and a train fraction
 * (math.md section 7).
 *
 * <p>Procedure: the identity permutation of 0..N-1 is shuffled by Fisher–Yates driven by
 * xoroshiro128++ seeded from {@code seed} (see the package documentation: the stream and the
 * shuffle are written out here, so they are stable across platforms and library versions); the
 * first {@code trainSize = clamp(round(trainFraction * N), 1, N - 1)} shuffled indices form the
 * train part, the rest the validation part; each part is then sorted ascending, so only
 * membership depends on the shuffle. {@link Math#round} rounds halves up.
 */
public final class Split {

    private final int total;
    private final double trainFraction;
    private final long seed;
    private final int[] train;
    private final int[] val;

    private Split(int total, double trainFraction, long seed, int[] train, int[] val) {
        this.total = total;
        this.trainFraction = trainFraction;
        this.seed = seed;
        this.train = train;
        this.val = val;
    }

    /**
     * Splits 0..n-1.
     *
     * @param n             number of examples, >= 2 (both parts are non-empty)
     * @param trainFraction in the open interval (0, 1)
     * @param seed          shuffle seed
     * @throws IllegalArgumentException naming the bad value
     */
    public static Split of(int n, double trainFraction, long seed) {
        if (n < 2) {
            throw new IllegalArgumentException("N = " + n + ": a train/validation split needs at least 2 examples");
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("train fraction = " + trainFraction + ": expected a number strictly between 0 and 1");
        }
        int trainSize = (int) Math.min(n - 1, Math.max(1, Math.round(trainFraction * n)));
        int[] perm = new SeededRandom(seed).permutation(n);
        int[] train = Arrays.copyOfRange(perm, 0, trainSize);
        int[] val = Arrays.copyOfRange(perm, trainSize, n);
        Arrays.sort(train);
        Arrays.sort(val);
        return new Split(n, trainFraction, seed, train, val);
    }

    /** Train indices, ascending (a copy). */
    public int[] trainIndices() {
        return train.clone();
    }

    /** Validation indices, ascending (a copy). */
    public int[] valIndices() {
        return val.clone();
    }

    /** Number of train examples. */
    public int trainSize() {
        return train.length;
    }

    /** Number of validation examples. */
    public int valSize() {
        return val.length;
    }

    /** N, the number of examples split. */
    public int total() {
        return total;
    }

    /** The requested train fraction. */
    public double trainFraction() {
        return trainFraction;
    }

    /** The shuffle seed. */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "split of N=" + total + ": train " + train.length + ", validation " + val.length + " (fraction "
                + trainFraction + ", seed " + seed + ")";
    }
}

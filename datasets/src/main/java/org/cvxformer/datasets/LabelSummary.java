package org.cvxformer.datasets;

import java.util.Arrays;
import java.util.Locale;

/**
 * Label histogram of a dataset: how many examples fall in each of the {@code classes} classes.
 * Worth printing before training: e.g. periodicity at p = 97 puts every x divisible by 3 into
 * class 0, so class 0 holds about a third of the examples, and for p = 5 or 7 every label is 0.
 *
 * @param classes        number of classes c (= p)
 * @param classesPresent number of classes with at least one example
 * @param minCount       smallest count over all c classes (0 if a class is absent)
 * @param maxCount       largest count
 * @param meanCount      N / c
 * @param counts         count per class (a copy is returned by {@link #counts()})
 */
public record LabelSummary(int classes, int classesPresent, int minCount, int maxCount, double meanCount, int[] counts) {

    public LabelSummary {
        counts = counts.clone();
    }

    /** Builds the summary of {@code labels}, each in [0, classes). */
    public static LabelSummary of(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int y : labels) {
            counts[y]++;
        }
        int present = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int c : counts) {
            if (c > 0) {
                present++;
            }
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        return new LabelSummary(classes, present, min, max, (double) labels.length / classes, counts);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** The count of one class. */
    public int count(int label) {
        return counts[label];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSummary s && s.classes == classes && Arrays.equals(s.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * classes + Arrays.hashCode(counts);
    }

    /** One line, e.g. {@code "97/97 classes present, count per class min 96 max 96 mean 96.00"}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d/%d classes present, count per class min %d max %d mean %.2f",
                classesPresent, classes, minCount, maxCount, meanCount);
    }
}

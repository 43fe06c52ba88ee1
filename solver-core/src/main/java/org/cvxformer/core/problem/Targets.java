package org.cvxformer.core.problem;

import java.util.Arrays;

/**
 * Targets {@code Y} in {@code R^{N x c}} (math.md section 1): either integer labels
 * {@code y_i in {0..c-1}}, read as one-hot rows {@code e_{y_i}}, or real rows. Immutable.
 *
 * <p>Labels are kept as {@code int[N]} only: the one-hot matrix is never formed (at p = 997 it
 * would be {@code N x c} = 4 GB, issue 13), so losses read {@link #label(int)} for label targets
 * and {@link #get(int, int)} / the row-major values only for real ones.
 */
public final class Targets {
    private final int N;
    private final int c;
    private final double[] y;
    private final int[] labels;

    private Targets(int N, int c, double[] y, int[] labels) {
        this.N = N;
        this.c = c;
        this.y = y;
        this.labels = labels;
    }

    /** Labels in {@code 0..classes-1}; {@code classes} at least 2. */
    public static Targets ofLabels(int[] labels, int classes) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("y is empty: expected at least one label");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes = " + classes + ": expected at least 2");
        }
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= classes) {
                throw new IllegalArgumentException("label y[" + i + "] = " + l + " is outside 0.." + (classes - 1)
                        + " (labels must be 0-based class indices; pass --classes if some classes are absent)");
            }
        }
        return new Targets(labels.length, classes, null, labels.clone());
    }

    /** Labels with {@code c = max label + 1}. */
    public static Targets ofLabels(int[] labels) {
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label y[" + i + "] = " + labels[i] + " is negative: labels must be 0-based class indices");
            }
            max = Math.max(max, labels[i]);
        }
        return ofLabels(labels, Math.max(2, max + 1));
    }

    /** Real targets, row-major {@code N x c}; every entry finite. */
    public static Targets ofMatrix(double[] values, int N, int c) {
        if (N <= 0 || c <= 0) {
            throw new IllegalArgumentException("Y has shape (" + N + ", " + c + "): expected (N, c) with N, c >= 1");
        }
        if (values.length != (long) N * c) {
            throw new IllegalArgumentException("Y has " + values.length + " values, shape (" + N + ", " + c + ") needs " + (long) N * c);
        }
        for (int p = 0; p < values.length; p++) {
            if (!Double.isFinite(values[p])) {
                throw new IllegalArgumentException("Y[" + p / c + ", " + p % c + "] = " + values[p] + ": targets must be finite");
            }
        }
        return new Targets(N, c, values.clone(), null);
    }

    /** {@code N}. */
    public int samples() {
        return N;
    }

    /** {@code c}. */
    public int classes() {
        return c;
    }

    /** {@code Y[i, l]} (for labels, 1 when {@code l} is the label of sample {@code i}, else 0). */
    public double get(int i, int l) {
        return labels != null ? (labels[i] == l ? 1.0 : 0.0) : y[i * c + l];
    }

    /** The row-major values of real targets; callers must not modify the array. */
    double[] values() {
        if (y == null) {
            throw new IllegalStateException("label targets have no dense matrix (read label(i))");
        }
        return y;
    }

    /** Bytes held: {@code 4 N} for labels, {@code 8 N c} for real rows. */
    public long bytes() {
        return labels != null ? 4L * N : 8L * N * c;
    }

    /** True when the targets are labels (one-hot rows). */
    public boolean hasLabels() {
        return labels != null;
    }

    /** Label of sample {@code i}; only for label targets. */
    public int label(int i) {
        if (labels == null) {
            throw new IllegalStateException("these targets are real rows, not labels");
        }
        return labels[i];
    }

    /** A copy of the labels; only for label targets. */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("these targets are real rows, not labels");
        }
        return labels.clone();
    }

    /** The rows {@code idx} of these targets. */
    public Targets rows(int[] idx) {
        if (labels != null) {
            int[] l = new int[idx.length];
            for (int r = 0; r < idx.length; r++) {
                l[r] = labels[idx[r]];
            }
            return ofLabels(l, c);
        }
        double[] v = new double[idx.length * c];
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(y, idx[r] * c, v, r * c, c);
        }
        return ofMatrix(v, idx.length, c);
    }

    @Override
    public String toString() {
        return "Targets[N=" + N + ", c=" + c + (labels != null ? ", labels" : ", real") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Targets t && t.N == N && t.c == c && Arrays.equals(t.y, y) && Arrays.equals(t.labels, labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(y) + Arrays.hashCode(labels);
    }
}

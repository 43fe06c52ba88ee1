package org.cvxformer.cli;

import java.nio.file.Path;
import java.util.Arrays;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.problem.Targets;

/** Turns loaded arrays into targets, with one-line errors naming the file. */
final class Inputs {
    private Inputs() {
    }

    static String shape(int[] s) {
        return s.length == 1 ? "(" + s[0] + ",)" : Arrays.toString(s).replace('[', '(').replace(']', ')');
    }

    /** Labels from a rank-1 array (integers, or floats holding whole numbers); real rows from rank 2. */
    static Targets targets(NpyArray ya, Path file, Integer classes) {
        int[] sy = ya.shape();
        if (sy.length == 1) {
            int[] labels;
            try {
                labels = ya.toIntArray();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--y " + file + ": labels must be whole numbers 0..c-1 (" + e.getMessage() + ")");
            }
            try {
                return classes != null ? Targets.ofLabels(labels, classes) : Targets.ofLabels(labels);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--y " + file + ": " + e.getMessage());
            }
        }
        if (sy.length == 2) {
            try {
                return Targets.ofMatrix(ya.toDoubleArray(), sy[0], sy[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--y " + file + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("--y " + file + " has shape " + shape(sy)
                + ": expected (N,) integer labels or (N, c) real targets");
    }
}

package org.cvxformer.cli;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.problem.Targets;

/**
 * The CLI's input layer: checks the files a command reads and turns loaded arrays into targets,
 * with one-line errors naming the option and the file. Everything here is validated before the
 * large arrays are built, so that no input, however large its numbers, reaches an allocation
 * that cannot succeed.
 */
final class Inputs {
    private Inputs() {
    }

    static String shape(int[] s) {
        return s.length == 1 ? "(" + s[0] + ",)" : Arrays.toString(s).replace('[', '(').replace(']', ')');
    }

    /**
     * Refuses, with one line naming {@code option}, a path that is missing, a symbolic-link loop
     * or dangling link, a directory, not a regular file, or not readable: all of them the user's
     * to fix (exit 2), found before any work starts.
     */
    static void requireReadableFile(Path file, String option) {
        try {
            file.toRealPath();
        } catch (NoSuchFileException e) {
            String dangling = Files.isSymbolicLink(file) ? " (it is a symbolic link to a missing file)" : "";
            throw new IllegalArgumentException(option + " " + file + ": file not found" + dangling + " (check the path)");
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : e.toString();
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("symbolic links")) {
                throw new IllegalArgumentException(option + " " + file
                        + ": symbolic link loop (too many levels of symbolic links): point it at a real file");
            }
            throw new IllegalArgumentException(option + " " + file + ": cannot be opened (" + reason + ")");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot be opened (" + e.getMessage() + ")");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + " is a directory: expected a .npy file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + " is not a regular file: expected a .npy file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " " + file + ": permission denied (make it readable, e.g. chmod u+r)");
        }
    }

    /** Labels from a rank-1 array (integers, or floats holding whole numbers), each checked to be >= 0. */
    static int[] labels(NpyArray ya, Path file) {
        int[] labels;
        try {
            labels = ya.toIntArray();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--y " + file + ": labels must be whole numbers 0..c-1 (" + e.getMessage() + ")");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("--y " + file + " is empty: expected at least one label");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("--y " + file + ": label y[" + i + "] = " + labels[i]
                        + " is negative: labels must be 0-based class indices 0..c-1");
            }
        }
        return labels;
    }

    /**
     * The number of classes of label targets: {@code --classes} when given (at least 2, and
     * above every label), else the largest label + 1 (at least 2), which must not exceed the
     * number of samples nor {@link MemoryEstimate#MAX_INFERRED_CLASSES}: a label beyond either
     * is almost surely a data error, and a user who means it passes {@code --classes}.
     */
    static int classes(int[] labels, Path file, Integer classes) {
        int arg = 0;
        for (int i = 1; i < labels.length; i++) {
            if (labels[i] > labels[arg]) {
                arg = i;
            }
        }
        long max = labels[arg];
        if (classes != null) {
            if (classes < 2) {
                throw new IllegalArgumentException("--classes " + classes + ": expected at least 2");
            }
            if (max >= classes) {
                throw new IllegalArgumentException("--y " + file + ": label y[" + arg + "] = " + max + " is outside 0.."
                        + (classes - 1) + " for --classes " + classes + ": raise --classes or fix the label");
            }
            return classes;
        }
        long c = Math.max(2, max + 1);
        if (c > labels.length || c > MemoryEstimate.MAX_INFERRED_CLASSES) {
            String why = c > labels.length ? "more classes than the " + labels.length + " samples"
                    : "more than the " + MemoryEstimate.MAX_INFERRED_CLASSES + " classes inferred without --classes";
            throw new IllegalArgumentException("--y " + file + ": the largest label y[" + arg + "] = " + max + " implies " + c
                    + " classes, " + why + ": labels must be 0-based class indices 0..c-1; if there really are " + c
                    + " classes, pass --classes " + c);
        }
        return (int) c;
    }

    /**
     * Targets from a loaded {@code --y}: labels from rank 1 ({@link #labels}, {@link #classes}),
     * real rows from rank 2. A single column {@code (N, 1)} with the softmax loss is refused with
     * the hint to reshape labels to {@code (N,)}: one column is one class, which softmax cannot
     * learn (the squared loss takes it as one real target).
     *
     * @param beforeBuilding called with {@code c} once it is known and before the {@code N x c}
     *                       targets are allocated (the memory check)
     */
    static Targets targets(NpyArray ya, Path file, Integer classes, boolean softmax, IntConsumer beforeBuilding) {
        int[] sy = ya.shape();
        if (sy.length == 1) {
            int[] labels = labels(ya, file);
            int c = classes(labels, file, classes);
            beforeBuilding.accept(c);
            return build(() -> Targets.ofLabels(labels, c), file);
        }
        if (sy.length == 2) {
            if (sy[1] == 1 && softmax) {
                throw new IllegalArgumentException("--y " + file + " has shape " + shape(sy) + ": one column of targets "
                        + "for the softmax loss; for integer labels reshape it to (N,) (numpy: y.reshape(-1)), "
                        + "for one real target use --loss squared");
            }
            if (classes != null && classes != sy[1]) {
                throw new IllegalArgumentException("--classes " + classes + " does not match --y " + file + " of shape "
                        + shape(sy) + ": real targets have c = " + sy[1] + " columns (drop --classes)");
            }
            beforeBuilding.accept(sy[1]);
            return build(() -> Targets.ofMatrix(ya.toDoubleArray(), sy[0], sy[1]), file);
        }
        throw new IllegalArgumentException("--y " + file + " has shape " + shape(sy)
                + ": expected (N,) integer labels or (N, c) real targets");
    }

    private static Targets build(java.util.function.Supplier<Targets> make, Path file) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--y " + file + ": " + e.getMessage());
        }
    }
}

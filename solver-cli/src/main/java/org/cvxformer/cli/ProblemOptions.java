package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.problem.Warmup;
import org.cvxformer.core.problem.WeightedGroupL2Penalty;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Loads a problem from {@code --x X.npy --y y.npy} with a loss and beta. */
public final class ProblemOptions {
    @Option(names = "--x", required = true, paramLabel = "X.npy",
            description = "Inputs, shape (N, n, d): N samples of n tokens with d features (float64/float32/int).")
    Path x;

    @Option(names = "--y", required = true, paramLabel = "y.npy",
            description = "Targets: shape (N,) integer labels 0..c-1, or (N, c) real rows.")
    Path y;

    @Option(names = "--loss", defaultValue = "softmax", paramLabel = "LOSS",
            description = "squared or softmax (cross-entropy) (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--classes", paramLabel = "C",
            description = "Number of classes for label targets (default: largest label + 1).")
    Integer classes;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BetaOptions beta;

    @Option(names = "--group-weights", paramLabel = "W.npy",
            description = "Weighted group lasso beta * sum w_lk ||z_lk||: weights >= 0 of shape (c, n), one per class and "
                    + "token (adaptive group lasso; 0 leaves a group unpenalised, and --beta-ratio then refers to the "
                    + "penalised groups). Default: all 1.")
    Path groupWeights;

    /** {@code --beta B} or {@code --beta-ratio R} (exactly one). */
    public static final class BetaOptions {
        @Option(names = "--beta", required = true, paramLabel = "B", description = "Regularisation strength beta > 0.")
        Double beta;

        @Option(names = "--beta-ratio", required = true, paramLabel = "R",
                description = "beta as a fraction of beta_max (the smallest beta for which Z = 0 is optimal), R > 0.")
        Double ratio;

        /** The absolute beta for a problem whose beta_max is known. */
        double resolve(double betaMax) {
            if (beta != null) {
                if (!(beta > 0) || beta.isInfinite()) {
                    throw new IllegalArgumentException("--beta = " + beta + ": expected a finite number > 0");
                }
                return beta;
            }
            if (!(ratio > 0) || ratio.isInfinite()) {
                throw new IllegalArgumentException("--beta-ratio = " + ratio + ": expected a finite number > 0 (1 means beta_max)");
            }
            if (!(betaMax > 0)) {
                throw new IllegalArgumentException("beta_max = " + betaMax + " for these data (the gradient at Z = 0 vanishes): "
                        + "--beta-ratio is undefined, pass --beta");
            }
            return ratio * betaMax;
        }
    }

    /**
     * Reads and validates the files and builds the problem; every failure is an
     * IllegalArgumentException (exit 2). The order keeps every large allocation behind a check:
     * the files (exist, not a directory, readable), the .npy headers (shapes, N of x and y
     * equal), the memory for reading them, then y and the number of classes, then the memory
     * of the whole problem ({@link MemoryEstimate#npyProblem}), and only then X.
     */
    Problem load() throws IOException {
        if (beta.beta != null && (!(beta.beta > 0) || beta.beta.isInfinite())) {
            throw new IllegalArgumentException("--beta = " + beta.beta + ": expected a finite number > 0");
        }
        if (beta.ratio != null && (!(beta.ratio > 0) || beta.ratio.isInfinite())) {
            throw new IllegalArgumentException("--beta-ratio = " + beta.ratio + ": expected a finite number > 0 (1 means beta_max)");
        }
        Loss l = Loss.byName(loss);
        Inputs.requireReadableFile(x, "--x");
        Inputs.requireReadableFile(y, "--y");
        int[] sx = Npy.readHeader(x).shape();
        if (sx.length != 3) {
            throw new IllegalArgumentException("--x " + x + " has shape " + Inputs.shape(sx)
                    + ": expected rank 3 (N, n, d); for one token per sample reshape to (N, 1, d)");
        }
        Npy.Header yh = Npy.readHeader(y);
        int[] sy = yh.shape();
        if (classes != null && sy.length == 2) {
            throw new IllegalArgumentException("--classes does not apply to --y " + y + " of shape " + Inputs.shape(sy)
                    + " (real targets: the classes are its columns): remove it");
        }
        if (sy.length >= 1 && sy.length <= 2 && sy[0] != sx[0]) {
            throw new IllegalArgumentException("--x has N = " + sx[0] + " samples but --y has " + sy[0]
                    + ": they must describe the same samples");
        }
        MemoryEstimate.npyRead(sx[0], sx[1], sx[2], yh.size()).check();
        NpyArray ya = Npy.read(y);
        Targets t = Inputs.targets(ya, y, classes, l.name().equals("softmax"), (c) -> MemoryEstimate.npyProblem(sx[0], sx[1], sx[2], c).check());
        // the shape is known: compile the SIMD bodies on the other core while X is read
        Warmup.startInBackground(sx[0], sx[1], sx[2], t.classes());
        // read into an array the design then keeps (no copy of the largest input)
        Design design = Designs.ofOwned(Npy.readDoubles(x), sx[0], sx[1], sx[2]);
        Problem pb = groupWeights == null ? new Problem(design, t, l, 1.0)
                : new Problem(design, t, l, new WeightedGroupL2Penalty(1.0, sx[2], groupWeights(t.classes(), sx[1])));
        return pb.withBeta(beta.resolve(pb.betaMax()));
    }

    /** The {@code (c, n)} weights of {@code --group-weights}, checked against the problem's shape. */
    private double[] groupWeights(int c, int n) throws IOException {
        NpyArray wa = Npy.read(groupWeights);
        int[] sw = wa.shape();
        if (sw.length != 2 || sw[0] != c || sw[1] != n) {
            throw new IllegalArgumentException("--group-weights " + groupWeights + " has shape " + Inputs.shape(sw)
                    + ": expected (c, n) = (" + c + ", " + n + "), one weight per class and token");
        }
        double[] w = wa.toDoubleArray();
        for (int g = 0; g < w.length; g++) {
            if (!(w[g] >= 0) || !Double.isFinite(w[g])) {
                throw new IllegalArgumentException("--group-weights " + groupWeights + ": w[" + g / n + ", " + g % n + "] = "
                        + w[g] + ": weights must be finite and >= 0 (0 leaves a group unpenalised)");
            }
        }
        return w;
    }
}

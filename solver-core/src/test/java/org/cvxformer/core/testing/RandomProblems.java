package org.cvxformer.core.testing;

import java.util.SplittableRandom;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;

/** Small seeded random problems for property tests. */
public final class RandomProblems {
    private RandomProblems() {
    }

    /** Gaussian {@code X} of shape (N, n, d), with a fraction of entries zeroed. */
    public static double[] gaussian(SplittableRandom r, int N, int n, int d, double zeroFraction) {
        double[] x = new double[N * n * d];
        for (int p = 0; p < x.length; p++) {
            x[p] = r.nextDouble() < zeroFraction ? 0.0 : gauss(r);
        }
        return x;
    }

    /** A standard normal draw (Box-Muller; fine for tests). */
    public static double gauss(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Random labels in 0..c-1 that use every class. */
    public static int[] labels(SplittableRandom r, int N, int c) {
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = i < c ? i : r.nextInt(c);
        }
        return y;
    }

    /** A random problem with beta = ratio * beta_max. */
    public static Problem problem(long seed, int N, int n, int d, int c, String loss, double ratio, double zeroFraction) {
        SplittableRandom r = new SplittableRandom(seed);
        Design A = Designs.of(gaussian(r, N, n, d, zeroFraction), N, n, d);
        Problem p = new Problem(A, Targets.ofLabels(labels(r, N, c), c), Loss.byName(loss), 1.0);
        return p.withBeta(ratio * p.betaMax());
    }
}

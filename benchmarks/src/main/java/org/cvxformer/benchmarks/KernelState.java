package org.cvxformer.benchmarks;

import java.util.SplittableRandom;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.DenseDesign;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;

/**
 * The benchmark instances, built deterministically: {@code onehot-p97} is the modular-division
 * training half at p = 97 (N = 4656, n = 2, d = 97, c = 97, sparse), {@code dense-d512} the same
 * samples and classes with a seeded Gaussian embedding of dimension 512 per token (dense,
 * N x nd = 4656 x 1024), and {@code tables-d512} that same matrix as {@link Designs#of} stores it,
 * factored into its token tables (the baseline pair shows what the factorisation buys), and
 * {@code dense-n20000} issue 13's dense instance (N = 20000, n = 8, d = 64 Gaussian, c = 10: the
 * thin products, 82 MB of {@code A}). Kept free of JMH types so tests can build and check it.
 */
public final class KernelState {
    public final Problem problem;
    public final double[] z;
    public final double[] u;
    public final double[] s;
    public final double[] g;

    public KernelState(String instance) {
        boolean gaussian = instance.equals("dense-n20000");
        SplittableRandom r = new SplittableRandom(gaussian ? 20000 : 97);
        Problem base = gaussian ? gaussianInstance(r) : divisionInstance(instance, r);
        problem = base.withBeta(0.01 * base.betaMax());
        int N = problem.samples();
        int c = problem.classes();
        z = new double[problem.parameterCount()];
        for (int q = 0; q < z.length; q++) {
            z[q] = 0.1 * gauss(r);
        }
        s = new double[N * c];
        u = new double[N * c];
        for (int q = 0; q < u.length; q++) {
            u[q] = gauss(r) / N;
        }
        g = new double[z.length];
    }

    /** Issue 13's dense instance: N = 20000 samples of n = 8 Gaussian tokens of d = 64, c = 10 random labels. */
    private static Problem gaussianInstance(SplittableRandom r) {
        int N = 20000, n = 8, d = 64, c = 10;
        double[] x = new double[N * n * d];
        for (int q = 0; q < x.length; q++) {
            x[q] = gauss(r);
        }
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = r.nextInt(c);
        }
        return new Problem(new DenseDesign(x, N, n, d), Targets.ofLabels(labels, c), Loss.byName("softmax"), 1.0);
    }

    /** The modular-division training half at p = 97, in the layout the instance names. */
    private static Problem divisionInstance(String instance, SplittableRandom r) {
        int p = 97;
        int N = p * (p - 1) / 2;
        int n = 2;
        int[] tokens = new int[N * n];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            int a = r.nextInt(p);
            int b = 1 + r.nextInt(p - 1);
            tokens[i * n] = a;
            tokens[i * n + 1] = b;
            labels[i] = (int) ((long) a * modInverse(b, p) % p);
        }
        Design A = switch (instance) {
            case "onehot-p97" -> SparseDesign.oneHot(tokens, N, n, p);
            case "dense-d512", "tables-d512" -> {
                int d = 512;
                double[] table = new double[p * d];
                for (int q = 0; q < table.length; q++) {
                    table[q] = gauss(r) / Math.sqrt(d);
                }
                double[] x = new double[N * n * d];
                for (int i = 0; i < N; i++) {
                    for (int k = 0; k < n; k++) {
                        System.arraycopy(table, tokens[i * n + k] * d, x, (i * n + k) * d, d);
                    }
                }
                // the same matrix in the plain row-major layout, or factored into its token tables
                yield instance.equals("dense-d512") ? new DenseDesign(x, N, n, d) : Designs.of(x, N, n, d);
            }
            default -> throw new IllegalArgumentException("instance '" + instance
                    + "': expected onehot-p97, dense-d512, tables-d512 or dense-n20000");
        };
        return new Problem(A, Targets.ofLabels(labels, p), Loss.byName("softmax"), 1.0);
    }

    static long modInverse(int b, int p) {
        long result = 1;
        long base = b;
        int e = p - 2;
        while (e > 0) {
            if ((e & 1) == 1) {
                result = result * base % p;
            }
            base = base * base % p;
            e >>= 1;
        }
        return result;
    }

    static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}

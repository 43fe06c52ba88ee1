package org.cvxformer.core.solver;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.cvxformer.core.problem.DenseDesign;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.testing.RandomProblems;

/**
 * Not a test: times every solver on the full modular-division problem (p = 97, N = 9312,
 * tokens [a, b]) with softmax loss, beta = 0.01 beta_max, tolerance 1e-6, on one-hot features
 * (sparse) and on a seeded Gaussian embedding of dimension 128 per token (dense).
 *
 * <pre>
 * mvn -B -q -pl solver-core test-compile -Dcvxformer.fixtures=$PWD/fixtures
 * java -cp solver-core/target/classes:solver-core/target/test-classes:$(ls ~/.m2/repository/org/ojalgo/ojalgo/57.1.0/ojalgo-57.1.0.jar) \
 *      org.cvxformer.core.solver.SolverTimings [solver ...]
 * </pre>
 */
public final class SolverTimings {
    private SolverTimings() {
    }

    public static void main(String[] args) {
        List<String> names = args.length > 0 ? Arrays.asList(args) : List.of("fista", "bcd", "prox-newton", "admm", "auto");
        int p = 97;
        int N = p * (p - 1);
        int[] tokens = new int[2 * N];
        int[] labels = new int[N];
        int i = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 1; b < p; b++) {
                int inv = 1;
                for (int e = 0; e < p - 2; e++) {
                    inv = inv * b % p; // b^{p-2} = b^{-1} mod p
                }
                tokens[2 * i] = a;
                tokens[2 * i + 1] = b;
                labels[i] = a * inv % p;
                i++;
            }
        }
        Targets y = Targets.ofLabels(labels, p);
        Problem sparse = new Problem(SparseDesign.oneHot(tokens, N, 2, p), y, Loss.byName("softmax"), 1.0);
        sparse = sparse.withBeta(0.01 * sparse.betaMax());

        int dim = 128;
        SplittableRandom rng = new SplittableRandom(20240607L);
        double[] table = new double[p * dim];
        for (int q = 0; q < table.length; q++) {
            table[q] = RandomProblems.gauss(rng) / Math.sqrt(dim);
        }
        double[] x = new double[N * 2 * dim];
        for (int s = 0; s < N; s++) {
            for (int k = 0; k < 2; k++) {
                System.arraycopy(table, tokens[2 * s + k] * dim, x, (s * 2 + k) * dim, dim);
            }
        }
        Problem dense = new Problem(new DenseDesign(x, N, 2, dim), y, Loss.byName("softmax"), 1.0);
        dense = dense.withBeta(0.01 * dense.betaMax());

        for (Problem pb : System.getProperty("timings.only", "").equals("dense") ? new Problem[] {dense}
                : System.getProperty("timings.only", "").equals("sparse") ? new Problem[] {sparse} : new Problem[] {sparse, dense}) {
            System.out.println(pb);
            long t = System.nanoTime();
            pb.tokenBlocks();
            pb.lipschitz();
            System.out.printf(Locale.ROOT, "  setup (token blocks, sigma_max): %.2f s%n", (System.nanoTime() - t) * 1e-9);
            for (String name : names) {
                SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-6).withHistoryEvery(1000).withMaxSeconds(Double.parseDouble(System.getProperty("timings.maxSeconds", "600")));
                SolverResult r = Solvers.byName(name).solve(pb, cfg);
                System.out.printf(Locale.ROOT, "  %-12s %-15s %8.2f s %7d it  P=%.10f relgap=%.2e active=%d  | %s%n",
                        name, r.status(), r.seconds(), r.iterations(), r.certificate().primal(),
                        r.certificate().relativeGap(), r.certificate().activeCount(), r.message());
            }
        }
    }
}

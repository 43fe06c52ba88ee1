package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.junit.jupiter.api.Test;

class BcdRegressionTest {
    /**
     * {@code cvxformer train --dataset mod-division --p 7 --beta-ratio 0.01} (train half, split
     * seed 0) hung in bcd: the softmax step constant of groups whose steps always passed was
     * halved until it underflowed to 0. The training rows are rebuilt here by hand for every
     * beta ratio on a grid; each solve must finish and certify.
     */
    @Test
    void stepConstantUnderflowHung_modDivisionP7() {
        int p = 7;
        int N = p * (p - 1);
        int[] tokens = new int[2 * N];
        int[] labels = new int[N];
        int i = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 1; b < p; b++) {
                int inv = 1;
                while (b * inv % p != 1) {
                    inv++;
                }
                tokens[2 * i] = a;
                tokens[2 * i + 1] = b;
                labels[i] = a * inv % p;
                i++;
            }
        }
        // every other example: a small, nearly separable training set like the CLI's half split
        int half = N / 2;
        int[] tk = new int[2 * half];
        int[] lb = new int[half];
        for (int q = 0; q < half; q++) {
            tk[2 * q] = tokens[4 * q];
            tk[2 * q + 1] = tokens[4 * q + 1];
            lb[q] = labels[2 * q];
        }
        Problem base = new Problem(SparseDesign.oneHot(tk, half, 2, p), Targets.ofLabels(lb, p), Loss.byName("softmax"), 1.0);
        for (double ratio : new double[] {0.3, 0.1, 0.03, 0.01, 0.003}) {
            Problem pb = base.withBeta(ratio * base.betaMax());
            SolverResult r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> new BlockCoordinateDescent().solve(pb, SolverConfig.defaults().withMaxIterations(20_000)));
            assertEquals(Status.OPTIMAL, r.status(), "ratio " + ratio + ": " + r.message());
            SolverResult f = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-9));
            assertTrue(Math.abs(r.certificate().primal() - f.certificate().primal()) <= 2e-6 * f.certificate().primal());
        }
    }
}

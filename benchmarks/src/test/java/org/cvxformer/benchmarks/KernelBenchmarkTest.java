package org.cvxformer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.DenseDesign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark code itself is tested: instances have the documented sizes, every kernel returns finite, consistent results. */
class KernelBenchmarkTest {
    @ParameterizedTest
    @ValueSource(strings = {"onehot-p97", "dense-d512", "tables-d512"})
    void kernelsRunAndAgreeWithEachOther(String instance) {
        KernelBenchmark b = new KernelBenchmark();
        b.instance = instance;
        b.setup();
        assertEquals(4656, b.st.problem.samples());
        assertEquals(97, b.st.problem.classes());
        assertEquals(instance.equals("onehot-p97"), b.st.problem.design().isSparse());
        double[] s = b.scores().clone();
        double[] g = b.transposeProduct().clone();
        // adjointness <A z, u> = <z, A^T u> ties the two products together
        double lhs = Vec.dot(s, b.st.u);
        double rhs = Vec.dot(b.st.z, g);
        assertEquals(lhs, rhs, 1e-9 * Math.max(1, Math.abs(lhs)));
        assertTrue(Vec.allFinite(b.groupProx()));
        Certificate c = b.gapEvaluation();
        assertTrue(c.gap() >= 0 && Double.isFinite(c.gap()));
    }

    @Test
    void theFactoredInstanceIsTheDenseOneInTokenTables() {
        KernelBenchmark dense = new KernelBenchmark();
        dense.instance = "dense-d512";
        dense.setup();
        KernelBenchmark tables = new KernelBenchmark();
        tables.instance = "tables-d512";
        tables.setup();
        assertTrue(tables.st.problem.design() instanceof org.cvxformer.core.problem.TokenTableDesign);
        double[] a = dense.scores().clone();
        double[] b = tables.scores().clone();
        for (int q = 0; q < a.length; q++) {
            assertEquals(a[q], b[q], 1e-11);
        }
    }

    /** The dense thin instance has issue 13's shape, its products are adjoint, and they give the same bits on 1 and 2 threads. */
    @Test
    void theThinDenseInstanceHasTheIssuesShapeAndIsThreadIndependent() {
        double[][] out = new double[2][];
        double[][] grads = new double[2][];
        KernelState st = null;
        int before = Parallel.threads();
        try {
            for (int t = 1; t <= 2; t++) {
                KernelBenchmark b = new KernelBenchmark();
                b.instance = "dense-n20000";
                b.threads = t;
                b.setup();
                st = b.st;
                assertEquals(20000, st.problem.samples());
                assertEquals(10, st.problem.classes());
                assertEquals(8 * 64, st.problem.tokens() * st.problem.features());
                assertTrue(st.problem.design() instanceof DenseDesign);
                out[t - 1] = b.scores().clone();
                grads[t - 1] = b.transposeProduct().clone();
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(out[0], out[1], 0.0);
        assertArrayEquals(grads[0], grads[1], 0.0);
        double lhs = Vec.dot(out[0], st.u);
        double rhs = Vec.dot(st.z, grads[0]);
        assertEquals(lhs, rhs, 1e-9 * Math.max(1, Math.abs(lhs)));
    }
}

package org.cvxformer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.linalg.Vec;
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

    @org.junit.jupiter.api.Test
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
}

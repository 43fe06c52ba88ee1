package org.cvxformer.core.problem;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cvxformer.core.linalg.Gemm;
import org.junit.jupiter.api.Test;

/**
 * The warm-up started from the headers ({@link Warmup#startInBackground}) and the first large
 * pass ({@link Warmup#ifLarge}): the pass must find the SIMD bodies warmed, whether the warm-up
 * ran on its daemon thread (then ifLarge waits for it) or already ran earlier in this JVM.
 */
class WarmupTest {
    @Test
    void theFirstLargePassWaitsForTheBackgroundWarmUp() {
        assumeTrue(Gemm.SIMD && !"false".equalsIgnoreCase(System.getProperty("cvxformer.warmup")),
                "the warm-up runs only with the Vector API and without -Dcvxformer.warmup=false");
        // a shape above Warmup.LARGE (N c = 3 M), with few features so the shape products are cheap
        int N = 1_000_000, n = 1, d = 4, c = 3;
        boolean coldBefore = !Warmup.isWarm();
        double waitedBefore = Warmup.waitedSeconds();
        Warmup.startInBackground(N, n, d, c);
        Warmup.ifLarge(N, n * d, c, (long) N * n * d);
        assertTrue(Warmup.isWarm(), "ifLarge returned before the warm-up had finished");
        double waited = Warmup.waitedSeconds() - waitedBefore;
        assertTrue(waited >= 0, "the warm-up's accounted time went down: " + waited);
        if (coldBefore) {
            // this pass ran or waited for the whole warm-up (thousands of calls): not a zero span
            assertTrue(waited > 0, "the first large pass's warm-up was not accounted for");
        }
    }

    @Test
    void smallProblemsAreNotWarmed() {
        // below Warmup.LARGE nothing starts: a small solve ends before a warm-up pays back
        boolean before = Warmup.isWarm();
        double waitedBefore = Warmup.waitedSeconds();
        Warmup.startInBackground(100, 2, 3, 4);
        Warmup.ifLarge(100, 6, 4, 600);
        assertTrue(Warmup.isWarm() == before, "a small problem changed the warm-up state");
        assertTrue(Warmup.waitedSeconds() == waitedBefore, "a small problem was charged warm-up time");
    }
}

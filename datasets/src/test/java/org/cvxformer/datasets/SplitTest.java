package org.cvxformer.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SplitTest {

    @Test
    void deterministicForASeed() {
        Split a = Split.of(9312, 0.5, 42);
        Split b = Split.of(9312, 0.5, 42);
        assertArrayEquals(a.trainIndices(), b.trainIndices());
        assertArrayEquals(a.valIndices(), b.valIndices());
    }

    @Test
    void differentSeedsDiffer() {
        assertFalse(Arrays.equals(Split.of(9312, 0.5, 1).trainIndices(), Split.of(9312, 0.5, 2).trainIndices()));
        assertFalse(Arrays.equals(Split.of(100, 0.3, 0).trainIndices(), Split.of(100, 0.3, -1).trainIndices()));
    }

    @Test
    void disjointCoveringSortedAndSized() {
        for (int n : new int[] {2, 3, 10, 42, 9312}) {
            for (double f : new double[] {0.01, 0.3, 0.5, 0.99}) {
                Split s = Split.of(n, f, 7);
                int[] tr = s.trainIndices();
                int[] va = s.valIndices();
                long expected = Math.min(n - 1, Math.max(1, Math.round(f * n)));
                assertEquals(expected, tr.length, "n=" + n + " f=" + f);
                assertEquals(n - expected, va.length);
                assertEquals(tr.length, s.trainSize());
                assertEquals(va.length, s.valSize());
                boolean[] seen = new boolean[n];
                for (int[] part : new int[][] {tr, va}) {
                    for (int k = 0; k < part.length; k++) {
                        assertFalse(seen[part[k]], "index " + part[k] + " twice");
                        seen[part[k]] = true;
                        if (k > 0) {
                            assertTrue(part[k - 1] < part[k], "ascending");
                        }
                    }
                }
                for (boolean x : seen) {
                    assertTrue(x, "coverage");
                }
            }
        }
        assertEquals(4656, Split.of(9312, 0.5, 3).trainSize());
        assertEquals(3, Split.of(10, 0.25, 3).trainSize()); // round(2.5) = 3 (half up)
    }

    @Test
    void trainPartLooksUniform() {
        // With fraction 0.5 on 10000 indices the train part's mean index is about 4999.5 with
        // standard deviation about 2887 / sqrt(5000) * sqrt(1/2) ~ 29 (finite population); 300 is
        // over 10 standard deviations, so only a broken shuffle (e.g. a prefix) fails.
        int[] tr = Split.of(10000, 0.5, 11).trainIndices();
        double mean = Arrays.stream(tr).average().orElseThrow();
        assertEquals(4999.5, mean, 300);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void badFractionRejected(double f) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.of(100, f, 0));
        assertTrue(e.getMessage().contains("train fraction = " + f), e.getMessage());
    }

    @Test
    void tooFewExamplesRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.of(1, 0.5, 0));
        assertTrue(e.getMessage().contains("N = 1"), e.getMessage());
    }
}

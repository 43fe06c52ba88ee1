package org.cvxformer.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlgorithmicDatasetTest {

    @Test
    void sizesOfEveryOperation() {
        for (int p : new int[] {3, 7, 97}) {
            for (TokenFormat fmt : TokenFormat.values()) {
                assertEquals(p * (p - 1), AlgorithmicDataset.generate(Operation.MOD_DIVISION, p, fmt).size());
                assertEquals((p - 1) * p, AlgorithmicDataset.generate(Operation.PERIODICITY, p, fmt).size());
                for (Operation op : new Operation[] {Operation.MOD_ADD, Operation.MOD_SUB, Operation.MOD_MUL, Operation.MOD_X2Y2}) {
                    assertEquals(p * p, AlgorithmicDataset.generate(op, p, fmt).size(), op + " p=" + p);
                }
            }
        }
    }

    @Test
    void labelsAndTokensInRangeAndConsistent() {
        for (Operation op : Operation.values()) {
            for (TokenFormat fmt : TokenFormat.values()) {
                AlgorithmicDataset ds = AlgorithmicDataset.generate(op, 13, fmt);
                assertEquals(13, ds.numClasses());
                assertEquals(fmt.length(), ds.sequenceLength());
                assertEquals(fmt == TokenFormat.PAIR ? 13 : 15, ds.vocabularySize());
                int[] flat = ds.tokensFlat();
                assertEquals(ds.size() * ds.sequenceLength(), flat.length);
                for (int t : flat) {
                    assertTrue(t >= 0 && t < ds.vocabularySize(), op + " " + fmt + " token " + t);
                }
                for (int i = 0; i < ds.size(); i++) {
                    int y = ds.label(i);
                    assertTrue(y >= 0 && y < 13);
                    int a = ds.firstOperand(i);
                    int b = ds.secondOperand(i);
                    assertEquals(op.apply(a, b, 13), y);
                    assertEquals(i, ds.indexOf(a, b));
                    int[] tok = ds.tokens(i);
                    assertEquals(a, tok[0]);
                    assertEquals(b, tok[fmt == TokenFormat.PAIR ? 1 : 2]);
                }
            }
        }
    }

    @Test
    void equationFormatHasOpAndEqualsTokens() {
        AlgorithmicDataset ds = AlgorithmicDataset.generate(Operation.MOD_DIVISION, 97, TokenFormat.EQUATION);
        assertEquals(99, ds.vocabularySize());
        for (int i = 0; i < ds.size(); i++) {
            assertEquals(97, ds.token(i, 1));
            assertEquals(98, ds.token(i, 3));
        }
        assertArrayEquals(new int[] {6, 97, 3, 98}, ds.tokens(ds.indexOf(6, 3)));
    }

    @Test
    void documentedOrderIsAMajorThenB() {
        AlgorithmicDataset div = AlgorithmicDataset.generate(Operation.MOD_DIVISION, 7, TokenFormat.PAIR);
        assertArrayEquals(new int[] {0, 1}, div.tokens(0));
        assertArrayEquals(new int[] {0, 6}, div.tokens(5));
        assertArrayEquals(new int[] {1, 1}, div.tokens(6));
        assertArrayEquals(new int[] {6, 6}, div.tokens(41));
        assertEquals(2, div.label(div.indexOf(6, 3)));
        AlgorithmicDataset per = AlgorithmicDataset.generate(Operation.PERIODICITY, 7, TokenFormat.PAIR);
        assertArrayEquals(new int[] {1, 0}, per.tokens(0));
        assertArrayEquals(new int[] {2, 0}, per.tokens(7));
        AlgorithmicDataset add = AlgorithmicDataset.generate(Operation.MOD_ADD, 7, TokenFormat.PAIR);
        assertArrayEquals(new int[] {0, 0}, add.tokens(0));
        assertArrayEquals(new int[] {1, 0}, add.tokens(7));
        // Subsets keep the order of the indices given.
        assertArrayEquals(new int[] {1, 0, 0, 0}, add.tokensFlat(new int[] {7, 0}));
        assertArrayEquals(new int[] {1, 0}, add.labels(new int[] {7, 0}));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 9, 91, 96, 0, -7})
    void nonPrimeOrSmallModulusRejected(int p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.MOD_DIVISION, p, TokenFormat.PAIR));
        assertTrue(e.getMessage().startsWith("p = " + p + " "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    /** Regression (issue 10): periodicity --p 4 and mod-add --p 10 were told about modular division. */
    @Test
    void nonPrimeErrorNamesTheDataset() {
        IllegalArgumentException per = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.PERIODICITY, 4, TokenFormat.PAIR));
        assertEquals("p = 4 is not prime: periodicity needs a prime modulus (try 5)", per.getMessage());
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.MOD_ADD, 10, TokenFormat.EQUATION));
        assertEquals("p = 10 is not prime: mod-add needs a prime modulus (try 11)", add.getMessage());
        IllegalArgumentException apply = assertThrows(IllegalArgumentException.class, () -> Operation.MOD_MUL.apply(1, 1, 9));
        assertTrue(apply.getMessage().contains("mod-mul needs a prime modulus"), apply.getMessage());
    }

    @Test
    void rejectionMessagesSaySomethingUseful() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.MOD_DIVISION, 96, TokenFormat.PAIR));
        assertEquals("p = 96 is not prime: mod-division needs a prime modulus (try 97)", e.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.MOD_ADD, 2, TokenFormat.PAIR));
        assertTrue(small.getMessage().contains(">= 3"), small.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.MOD_ADD, 1_000_033, TokenFormat.PAIR));
        assertTrue(big.getMessage().contains("too large"), big.getMessage());
        // A prime whose dataset does not fit in a Java array.
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> AlgorithmicDataset.generate(Operation.MOD_ADD, 999_983, TokenFormat.EQUATION));
        assertTrue(huge.getMessage().contains("p = 999983"), huge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlgorithmicDataset.generate(null, 7, TokenFormat.PAIR));
        assertThrows(IllegalArgumentException.class, () -> AlgorithmicDataset.generate(Operation.MOD_ADD, 7, null));
    }

    @Test
    void summaryOfBalancedAndSkewedDatasets() {
        // Division: for each nonzero c, a = c b has one solution per b, so every class has p - 1 examples.
        LabelSummary div = AlgorithmicDataset.generate(Operation.MOD_DIVISION, 97, TokenFormat.PAIR).summary();
        assertEquals(97, div.classesPresent());
        assertEquals(96, div.minCount());
        assertEquals(96, div.maxCount());
        assertEquals(96.0, div.meanCount(), 0.0);
        // Periodicity at p = 7: every label is 0 (2x mod floor(log2 7) = 2x mod 2 = 0).
        LabelSummary per7 = AlgorithmicDataset.generate(Operation.PERIODICITY, 7, TokenFormat.PAIR).summary();
        assertEquals(1, per7.classesPresent());
        assertEquals(42, per7.count(0));
        // Periodicity at p = 97: the 32 values of x divisible by 3 give label 0 for all 97 y,
        // so class 0 has at least 32 * 97 = 3104 of the 9312 examples.
        LabelSummary per97 = AlgorithmicDataset.generate(Operation.PERIODICITY, 97, TokenFormat.PAIR).summary();
        assertTrue(per97.count(0) >= 3104, per97.toString());
        assertEquals(per97.count(0), per97.maxCount());
        assertEquals(9312, java.util.Arrays.stream(per97.counts()).sum());
        assertTrue(div.toString().startsWith("97/97 classes present"), div.toString());
    }
}

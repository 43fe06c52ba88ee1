package org.cvxformer.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OperationTest {

    @Test
    void modularDivisionHandValues() {
        // 6 / 3 mod 7: 3 * 2 = 6, so 2.
        assertEquals(2, Operation.MOD_DIVISION.apply(6, 3, 7));
        // 1 / 2 mod 7: 2 * 4 = 8 = 7 + 1, so 4.
        assertEquals(4, Operation.MOD_DIVISION.apply(1, 2, 7));
        // 0 / b = 0.
        assertEquals(0, Operation.MOD_DIVISION.apply(0, 5, 7));
        // 1 / 3 mod 97: 3 * 65 = 195 = 2*97 + 1, so 65.
        assertEquals(65, Operation.MOD_DIVISION.apply(1, 3, 97));
        // 5 / 3 mod 97 = 5 * 65 = 325 = 3*97 + 34.
        assertEquals(34, Operation.MOD_DIVISION.apply(5, 3, 97));
    }

    @Test
    void inverseAndFloorLog2() {
        assertEquals(4, ModularArithmetic.inverse(2, 7));
        assertEquals(5, ModularArithmetic.inverse(3, 7));
        assertEquals(39, ModularArithmetic.inverse(5, 97));
        assertEquals(96, ModularArithmetic.inverse(96, 97));
        assertEquals(96, ModularArithmetic.inverse(-1, 97));
        for (int a = 1; a < 97; a++) {
            assertEquals(1, (a * ModularArithmetic.inverse(a, 97)) % 97, "a = " + a);
        }
        assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.inverse(0, 7));
        assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.inverse(14, 7));
        assertEquals(6, ModularArithmetic.floorLog2(97));
        assertEquals(2, ModularArithmetic.floorLog2(7));
        assertEquals(1, ModularArithmetic.floorLog2(3));
        assertEquals(3, ModularArithmetic.floorLog2(11));
        assertEquals(6, ModularArithmetic.floorLog2(64));
        assertEquals(5, ModularArithmetic.floorLog2(63));
    }

    @Test
    void periodicityHandValuesP97() {
        // p = 97, floor(log2 97) = 6 (2^6 = 64 <= 97 < 128).
        // x = 5, y = 3: 5^{-1} = 39 (5*39 = 195 = 2*97 + 1); y^2 = 9; 39 + 9 = 48;
        //   2x mod 6 = 10 mod 6 = 4; 48 * 4 = 192 = 97 + 95 -> 95.
        assertEquals(95, Operation.PERIODICITY.apply(5, 3, 97));
        // x = 1, y = 0: 1^{-1} = 1; 1 + 0 = 1; 2 mod 6 = 2; 1 * 2 = 2.
        assertEquals(2, Operation.PERIODICITY.apply(1, 0, 97));
        // x = 2, y = 10: 2^{-1} = 49 (98 = 97 + 1); 100 mod 97 = 3; 49 + 3 = 52;
        //   4 mod 6 = 4; 52 * 4 = 208 = 2*97 + 14 -> 14.
        assertEquals(14, Operation.PERIODICITY.apply(2, 10, 97));
        // x = 4, y = 1: 4^{-1} = 73 (292 = 3*97 + 1); 73 + 1 = 74; 8 mod 6 = 2; 148 = 97 + 51 -> 51.
        assertEquals(51, Operation.PERIODICITY.apply(4, 1, 97));
        // x = 3, any y: 2x = 6, 6 mod 6 = 0 -> 0. Every x divisible by 3 gives 0.
        assertEquals(0, Operation.PERIODICITY.apply(3, 50, 97));
        assertEquals(0, Operation.PERIODICITY.apply(96, 96, 97));
    }

    @Test
    void periodicityHandValuesSmallPrimes() {
        // p = 7, floor(log2 7) = 2: 2x mod 2 = 0 for every x, so every label is 0.
        // x = 3, y = 2: 3^{-1} = 5 (15 = 14 + 1), y^2 = 4, 5 + 4 = 9 = 2 mod 7; factor 6 mod 2 = 0 -> 0.
        assertEquals(0, Operation.PERIODICITY.apply(3, 2, 7));
        assertEquals(0, Operation.PERIODICITY.apply(1, 1, 7));
        // p = 3, floor(log2 3) = 1: 2x mod 1 = 0 -> 0.
        assertEquals(0, Operation.PERIODICITY.apply(2, 2, 3));
        // p = 11, floor(log2 11) = 3.
        // x = 2, y = 3: 2^{-1} = 6 (12 = 11 + 1), 9, 6 + 9 = 15 = 4; 4 mod 3 = 1 -> 4.
        assertEquals(4, Operation.PERIODICITY.apply(2, 3, 11));
        // x = 4, y = 5: 4^{-1} = 3 (12), 25 = 3 mod 11, 3 + 3 = 6; 8 mod 3 = 2; 12 = 1 mod 11 -> 1.
        assertEquals(1, Operation.PERIODICITY.apply(4, 5, 11));
    }

    @Test
    void otherOperationsSpotValues() {
        assertEquals(4, Operation.MOD_ADD.apply(5, 6, 7));   // 11 = 7 + 4
        assertEquals(4, Operation.MOD_SUB.apply(2, 5, 7));   // -3 = 4 mod 7
        assertEquals(0, Operation.MOD_SUB.apply(5, 5, 7));
        assertEquals(2, Operation.MOD_MUL.apply(5, 6, 7));   // 30 = 28 + 2
        assertEquals(4, Operation.MOD_X2Y2.apply(3, 4, 7));  // 25 = 21 + 4
        assertEquals(1, Operation.MOD_MUL.apply(96, 96, 97)); // (-1)^2
        assertEquals(2, Operation.MOD_X2Y2.apply(96, 96, 97)); // 1 + 1
        assertEquals(0, Operation.MOD_ADD.apply(0, 0, 97));
    }

    @Test
    void noOverflowNearTheLargestModulus() {
        int p = 999_983; // largest prime below 10^6
        assertTrue(ModularArithmetic.isPrime(p));
        int m1 = p - 1; // -1 mod p
        assertEquals(1, Operation.MOD_MUL.apply(m1, m1, p));
        assertEquals(2, Operation.MOD_X2Y2.apply(m1, m1, p));
        assertEquals(p - 2, Operation.MOD_ADD.apply(m1, m1, p));
        assertEquals(p - 1, Operation.MOD_DIVISION.apply(1, m1, p));
        assertEquals(1, Operation.MOD_SUB.apply(0, m1, p));
        // periodicity: x = -1: inverse -1, y = -1: y^2 = 1, sum 0 -> 0.
        assertEquals(0, Operation.PERIODICITY.apply(m1, m1, p));
        // x = 1, y = p - 1: 1 + 1 = 2; floor(log2 999983) = 19; 2 mod 19 = 2 -> 4.
        assertEquals(4, Operation.PERIODICITY.apply(1, m1, p));
    }

    @Test
    void domainsAndSizes() {
        assertEquals(97 * 96, Operation.MOD_DIVISION.domainSize(97));
        assertEquals(96 * 97, Operation.PERIODICITY.domainSize(97));
        for (Operation op : new Operation[] {Operation.MOD_ADD, Operation.MOD_SUB, Operation.MOD_MUL, Operation.MOD_X2Y2}) {
            assertEquals(97 * 97, op.domainSize(97), op.cliName());
        }
        assertFalse(Operation.MOD_DIVISION.inDomain(3, 0, 7));
        assertFalse(Operation.PERIODICITY.inDomain(0, 3, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Operation.MOD_DIVISION.apply(1, 0, 7));
        assertTrue(e.getMessage().contains("(1, 0)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Operation.MOD_ADD.apply(7, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> Operation.MOD_ADD.apply(1, 1, 8));
    }

    @Test
    void namesRoundTripAndUnknownNameListsValidOnes() {
        for (Operation op : Operation.values()) {
            assertSame(op, Operation.fromName(op.cliName()));
            assertSame(op, Operation.fromName(op.name()));
        }
        assertEquals("mod-division", Operation.MOD_DIVISION.cliName());
        assertEquals("periodicity", Operation.PERIODICITY.cliName());
        assertEquals("mod-x2y2", Operation.MOD_X2Y2.cliName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Operation.fromName("division"));
        assertTrue(e.getMessage().contains("'division'"), e.getMessage());
        for (Operation op : Operation.values()) {
            assertTrue(e.getMessage().contains(op.cliName()), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Operation.fromName(null));
        assertSame(TokenFormat.EQUATION, TokenFormat.fromName("Equation"));
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> TokenFormat.fromName("triple"));
        assertTrue(f.getMessage().contains("pair") && f.getMessage().contains("equation"), f.getMessage());
    }
}

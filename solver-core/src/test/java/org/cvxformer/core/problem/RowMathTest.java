package org.cvxformer.core.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exponential of the streamed passes against Math.exp, and the SIMD lanes against the scalar formula. */
class RowMathTest {
    @Test
    void withinTwoUlpsOfMathExp() {
        SplittableRandom r = new SplittableRandom(1);
        for (int q = 0; q < 200_000; q++) {
            double x = q < 100_000 ? -40 * r.nextDouble() : -708 + 1417 * r.nextDouble();
            double e = RowMath.exp(x);
            double ref = Math.exp(x);
            assertTrue(Math.abs(e - ref) <= 2 * Math.ulp(ref), "exp(" + x + ") = " + e + ", Math.exp " + ref);
        }
        assertEquals(1.0, RowMath.exp(0.0), 0.0);
        assertEquals(0.0, RowMath.exp(-800), 0.0);
        assertEquals(0.0, RowMath.exp(Double.NEGATIVE_INFINITY), 0.0);
        assertTrue(Double.isNaN(RowMath.exp(Double.NaN)));
    }

    @Test
    void vectorLanesGiveTheScalarBits() {
        SplittableRandom r = new SplittableRandom(2);
        int len = 1003; // not a multiple of the lane count: the tail is scalar
        double[] s = new double[len];
        for (int j = 0; j < len; j++) {
            s[j] = j % 97 == 0 ? -1000 : -50 * r.nextDouble();
        }
        s[5] = Double.NaN;
        double[] out = new double[len];
        // the vector body itself (RowMath.expShifted runs it only once Warmup has compiled it)
        int done = org.cvxformer.core.linalg.Gemm.SIMD ? VectorRowMath.expShifted(s, 0, len, 0.25, out, 0) : 0;
        assertTrue(!org.cvxformer.core.linalg.Gemm.SIMD || done > len - 8, "the vector body covers all but the tail");
        double[] rest = new double[len];
        RowMath.expShifted(s, done, len - done, 0.25, rest, 0);
        System.arraycopy(rest, 0, out, done, len - done);
        for (int j = 0; j < len; j++) {
            assertEquals(Double.doubleToRawLongBits(RowMath.exp(s[j] - 0.25)), Double.doubleToRawLongBits(out[j]), "entry " + j);
        }
    }
}

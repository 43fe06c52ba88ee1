package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Gemm;

/**
 * The exponential of a pass over the scores, {@code exp(s - m)} for every score of a row: at
 * scale it is the cost of a solve (a pass at p = 997 takes 495 million of them, and
 * {@link Math#exp} costs 10-25 ns each here).
 *
 * <p>{@link #exp} is written out with IEEE-exact operations only (fused multiply-adds, products,
 * integer arithmetic on the bits), so the same formula gives the same bits in scalar code and in
 * every lane of the Vector API body ({@link VectorRowMath}, used when {@link Gemm#SIMD}), JIT-
 * compiled or not. (The Vector API's own {@code EXP} was tried first and rejected: its compiled
 * intrinsic and its interpreted fallback differ in the last bit, so results depended on JIT
 * timing and thereby on the thread count; FistaTest.resultDoesNotDependOnThreadCount caught it.)
 *
 * <p>Method (Cody and Waite range reduction, as in fdlibm's {@code e_exp.c}): {@code x = k ln 2 + r}
 * with {@code k = rint(x / ln 2)} and {@code |r| <= ln(2)/2}, {@code ln 2} split in a high part
 * exact in {@code k ln2_hi} and a low part; {@code e^r} by its Taylor polynomial of degree 13
 * (truncation below {@code 4e-18} relative on that interval) in Horner form; then
 * {@code 2^k} from the exponent bits. Within 2 ulps of {@code Math.exp} on {@code [-708, 709]}
 * (RowMathTest); 0 below {@code -708} (a term below {@code 1e-307} of a sum that is at least 1),
 * NaN for NaN.
 */
final class RowMath {
    static final double LOG2E = 1.4426950408889634;
    /** fdlibm's {@code ln2HI}: the high bits of ln 2, so that {@code k * LN2_HI} is exact for |k| < 2^20. */
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    /** {@code 1.5 * 2^52}: adding it rounds to an integer held in the low bits. */
    static final double ROUNDER = 6755399441055744.0;
    static final long ROUNDER_BITS = Double.doubleToRawLongBits(ROUNDER);
    static final double UNDERFLOW = -708.0;
    static final double OVERFLOW = 709.0;
    /** {@code 1/j!} for {@code j = 0..13}. */
    static final double[] INV_FACT = new double[14];

    static {
        double f = 1;
        for (int j = 0; j < INV_FACT.length; j++) {
            if (j > 0) {
                f *= j;
            }
            INV_FACT[j] = 1.0 / f;
        }
    }

    private RowMath() {
    }

    /** {@code e^x} by the method in the class comment. */
    static double exp(double x) {
        if (!(x >= UNDERFLOW)) {
            return Double.isNaN(x) ? x : 0.0;
        }
        double xc = Math.min(x, OVERFLOW);
        double kd = Math.fma(xc, LOG2E, ROUNDER);
        long kbits = Double.doubleToRawLongBits(kd) - ROUNDER_BITS;
        double k = kd - ROUNDER;
        double r = Math.fma(-k, LN2_HI, xc);
        r = Math.fma(-k, LN2_LO, r);
        double p = INV_FACT[13];
        for (int j = 12; j >= 0; j--) {
            p = Math.fma(p, r, INV_FACT[j]);
        }
        return p * Double.longBitsToDouble((kbits + 1023) << 52);
    }

    /**
     * {@code dst[dOff + j] = exp(src[so + j] - shift)} for {@code j < len}: by the SIMD body once
     * {@link Warmup} has compiled it (large problems), by the scalar one before (same bits).
     */
    static void expShifted(double[] src, int so, int len, double shift, double[] dst, int dOff) {
        int j = 0;
        if (Gemm.SIMD && Warmup.isWarm()) {
            j = VectorRowMath.expShifted(src, so, len, shift, dst, dOff);
        }
        for (; j < len; j++) {
            dst[dOff + j] = exp(src[so + j] - shift);
        }
    }
}

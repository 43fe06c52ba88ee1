package org.cvxformer.core.problem;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD body of {@link RowMath#expShifted}: {@link RowMath#exp} lane by lane with the same
 * IEEE-exact operations, so every lane gives the bits of the scalar formula. Loaded only when
 * the JVM has the Vector API module.
 */
final class VectorRowMath {
    private static final VectorSpecies<Double> SP = DoubleVector.SPECIES_256;
    private static final int W = 4;
    private static final DoubleVector LN2_HI = DoubleVector.broadcast(SP, RowMath.LN2_HI);
    private static final DoubleVector LN2_LO = DoubleVector.broadcast(SP, RowMath.LN2_LO);
    private static final DoubleVector[] COEF = new DoubleVector[RowMath.INV_FACT.length];

    static {
        for (int q = 0; q < COEF.length; q++) {
            COEF[q] = DoubleVector.broadcast(SP, RowMath.INV_FACT[q]);
        }
    }

    private VectorRowMath() {
    }

    /** The whole vectors of the row; returns how many elements were done (the caller does the tail). */
    static int expShifted(double[] src, int so, int len, double shift, double[] dst, int dOff) {
        int j = 0;
        for (; j + W <= len; j += W) {
            DoubleVector x = DoubleVector.fromArray(SP, src, so + j).sub(shift);
            VectorMask<Double> low = x.compare(VectorOperators.GE, RowMath.UNDERFLOW).not();
            VectorMask<Double> nan = x.test(VectorOperators.IS_NAN);
            DoubleVector xc = x.min(RowMath.OVERFLOW).max(RowMath.UNDERFLOW);
            DoubleVector kd = xc.fma(RowMath.LOG2E, RowMath.ROUNDER);
            LongVector kbits = kd.reinterpretAsLongs().sub(RowMath.ROUNDER_BITS);
            DoubleVector k = kd.sub(RowMath.ROUNDER);
            DoubleVector r = k.neg().fma(LN2_HI, xc);
            r = k.neg().fma(LN2_LO, r);
            DoubleVector p = DoubleVector.broadcast(SP, RowMath.INV_FACT[13]);
            for (int q = 12; q >= 0; q--) {
                p = p.fma(r, COEF[q]);
            }
            DoubleVector scale = kbits.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector e = p.mul(scale);
            e = e.blend(0.0, low).blend(x, nan);
            e.intoArray(dst, dOff + j);
        }
        return j;
    }
}

package org.cvxformer.core.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** SIMD bodies of {@link Elementwise} (loaded only when {@link Gemm#SIMD}); each returns where the scalar tail starts. */
final class VectorElementwise {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    private VectorElementwise() {
    }

    static int reluMask(float[] g, float[] h, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(F);
        for (; i + F.length() <= to; i += F.length()) {
            FloatVector hv = FloatVector.fromArray(F, h, i);
            FloatVector gv = FloatVector.fromArray(F, g, i);
            zero.blend(gv, hv.compare(VectorOperators.GT, 0f)).intoArray(g, i);
        }
        return i;
    }

    static int reluMask(double[] g, double[] h, int from, int to) {
        int i = from;
        DoubleVector zero = DoubleVector.zero(D);
        for (; i + D.length() <= to; i += D.length()) {
            DoubleVector hv = DoubleVector.fromArray(D, h, i);
            DoubleVector gv = DoubleVector.fromArray(D, g, i);
            zero.blend(gv, hv.compare(VectorOperators.GT, 0.0)).intoArray(g, i);
        }
        return i;
    }
}

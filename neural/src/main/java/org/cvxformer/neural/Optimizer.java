package org.cvxformer.neural;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** An in-place first-order optimizer over a flat parameter buffer. */
public interface Optimizer {
    /** One update of {@code params} from {@code grad}; {@code decay[i]} says whether weight decay applies. */
    void step(double[] params, double[] grad, boolean[] decay);

    /** Steps taken so far. */
    long steps();

    void writeState(DataOutputStream out) throws IOException;

    void readState(DataInputStream in) throws IOException;

    /** Weight-decay mask for a model: true on {@link ParamBlock.Kind#MATRIX} blocks only. */
    static boolean[] decayMask(Model m) {
        boolean[] mask = new boolean[m.parameterCount()];
        for (ParamBlock b : m.blocks()) {
            if (b.kind() == ParamBlock.Kind.MATRIX) {
                java.util.Arrays.fill(mask, b.offset(), b.end(), true);
            }
        }
        return mask;
    }
}

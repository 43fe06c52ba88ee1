package org.cvxformer.neural;

import java.util.List;

/**
 * A classifier of fixed-length token sequences by the logits of its last position, with a flat
 * parameter buffer and analytic gradients.
 *
 * <p>Token batches are flat {@code int[]} of {@code batch * seqLen()} entries (sample-major); labels are
 * {@code int[batch]} in {@code [0, classes())}.
 */
public interface Model {
    int parameterCount();

    /** The live parameter buffer (optimizers update it in place). */
    double[] parameters();

    /** The named blocks of {@link #parameters()}, in buffer order, covering it exactly. */
    List<ParamBlock> blocks();

    int seqLen();

    int vocab();

    int classes();

    /**
     * Mean cross-entropy over the batch of the last position's logits, plus any model penalty (the
     * convex stack's {@code beta} term); writes its gradient into {@code grad} (overwritten).
     *
     * @param dropoutSeed seeds the dropout masks (only used when {@code train} and dropout > 0)
     * @param train       dropout on when true
     */
    double lossAndGradient(int[] tokens, int[] labels, int batchSize, double[] grad,
                           long dropoutSeed, boolean train);

    /** Logits ({@code batch x classes()}, row-major) in evaluation mode (no dropout). */
    void logits(int[] tokens, int batch, double[] out);

    /** Re-imposes parameter constraints after an optimizer step (simplex rows); no-op by default. */
    default void project() {
    }

    /** Arg-max predictions for {@code batch} samples. */
    default int[] predict(int[] tokens, int batch) {
        int c = classes();
        double[] out = new double[batch * c];
        logits(tokens, batch, out);
        int[] pred = new int[batch];
        for (int i = 0; i < batch; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (out[i * c + j] > out[i * c + best]) {
                    best = j;
                }
            }
            pred[i] = best;
        }
        return pred;
    }

    /** Fraction of the {@code batch} samples whose arg-max prediction equals the label. */
    default double accuracy(int[] tokens, int[] labels, int batch) {
        if (batch == 0) {
            return Double.NaN;
        }
        int[] pred = predict(tokens, batch);
        int ok = 0;
        for (int i = 0; i < batch; i++) {
            if (pred[i] == labels[i]) {
                ok++;
            }
        }
        return ok / (double) batch;
    }
}

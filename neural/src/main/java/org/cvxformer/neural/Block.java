package org.cvxformer.neural;

/**
 * One stage of a network (the PyTorch-module shape): it owns its parameters (slices of the flat
 * buffer, declared through {@link Params} when it is built), its workspace (buffers grown on first
 * use, then reused: no allocation per step), a forward pass and a backward pass.
 *
 * <p>Activations are row-major matrices of {@code rows x width}; most blocks keep the rows
 * ({@code S n} for a batch of {@code S} samples of {@code n} positions), {@link LastPosition}
 * maps them to {@code S}. A block may keep references to its input and outputs between
 * {@link #forward} and {@link #backward}: the buffers are not touched until the next forward.
 */
public interface Block {
    /** Runs forward on {@code x} ({@code rows x in}); returns its output (owned by the block). */
    Buf forward(Pass ps, Buf x, int rows);

    /**
     * Given the gradient of the loss with respect to the last forward's output, adds the gradients
     * of this block's parameters into {@code ps.grad} and returns the gradient with respect to its
     * input (owned by the block; null for a block without input, the embedding).
     */
    Buf backward(Pass ps, Buf gy);

    /** Rows of the output for {@code rows} rows of input. */
    default int outRows(int rows, int samples) {
        return rows;
    }

    /** A penalty on this block's parameters (in double, on the master copy), its gradient added to {@code grad}. */
    default double penalty(double[] params, double[] grad) {
        return 0;
    }

    /** Re-imposes this block's parameter constraints after an optimizer step. */
    default void project(double[] params) {
    }
}

package org.cvxformer.neural;

/**
 * A named slice {@code [offset, offset + rows * cols)} of a model's flat parameter buffer, stored
 * row-major.
 *
 * @param name  e.g. {@code "layer0.attn.wq"}
 * @param offset first index in the flat buffer
 * @param rows  rows (1 for vectors)
 * @param cols  columns
 * @param kind  what the block is, which decides weight decay and spectra
 */
public record ParamBlock(String name, int offset, int rows, int cols, Kind kind) {
    /** Parameter kinds. */
    public enum Kind {
        /** A weight matrix or embedding table: weight decay applies, spectra are saved. */
        MATRIX,
        /** A bias or a layer-norm gain/shift: no weight decay. */
        VECTOR,
        /**
         * A matrix whose rows are kept in the probability simplex by projection (the convex block's
         * {@code W1}): no weight decay (the constraint already bounds it), spectra are saved.
         */
        SIMPLEX
    }

    public int size() {
        return rows * cols;
    }

    public int end() {
        return offset + rows * cols;
    }
}

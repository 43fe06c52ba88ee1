package org.cvxformer.neural;

/**
 * Sizes of a {@link NonconvexTransformer} or {@link ConvexStack}.
 *
 * @param vocab   token vocabulary size V
 * @param seqLen  sequence length n (the readout uses position n - 1)
 * @param dModel  residual width d (MLP width is {@code 4 d})
 * @param layers  number of blocks L
 * @param classes number of output classes c
 * @param dropout dropout probability on each residual branch output, in [0, 1)
 */
public record NetConfig(int vocab, int seqLen, int dModel, int layers, int classes, double dropout) {
    public NetConfig {
        if (vocab < 1 || seqLen < 1 || dModel < 1 || layers < 0 || classes < 2) {
            throw new IllegalArgumentException("bad sizes: " + vocab + "," + seqLen + "," + dModel
                    + "," + layers + "," + classes);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout = " + dropout + ": expected [0, 1)");
        }
    }

    /** The grokking defaults: width 128, 2 layers, dropout 0.2. */
    public static NetConfig defaults(int vocab, int seqLen, int classes) {
        return new NetConfig(vocab, seqLen, 128, 2, classes, 0.2);
    }

    public NetConfig withDropout(double p) {
        return new NetConfig(vocab, seqLen, dModel, layers, classes, p);
    }

    public NetConfig withWidth(int d) {
        return new NetConfig(vocab, seqLen, d, layers, classes, dropout);
    }

    public NetConfig withLayers(int l) {
        return new NetConfig(vocab, seqLen, dModel, l, classes, dropout);
    }
}

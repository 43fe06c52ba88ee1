package org.cvxformer.datasets;

import java.util.Map;

/**
 * Turns token sequences into the per-sample matrices {@code X_i} in R^{n x d} of the convexified
 * transformer (math.md sections 1 and 7): row k of X_i is the feature vector of token k of
 * sample i. Every featurizer here is a per-token map, so {@code x_ik = table[token_ik]} for the
 * table {@link #embeddingTable(int)}; a solver may use that table instead of the expanded array.
 *
 * <p>Layout: token-major, {@code X[i*n*d + k*d + j]}, the column order {@code k*d + j} of the
 * design matrix A in math.md section 1.
 *
 * <p>Instances are built by {@link Featurizers}.
 */
public interface Featurizer {

    /** The CLI name: {@code onehot}, {@code gaussian}, {@code fastfood-cvx} or {@code rff}. */
    String name();

    /** Feature dimension d for a vocabulary of the given size. */
    int dimension(int vocabularySize);

    /**
     * The feature vectors of all tokens, row-major {@code vocabularySize x d}: row t is the
     * feature vector of token t. Deterministic for the featurizer's parameters; a fresh copy.
     */
    double[] embeddingTable(int vocabularySize);

    /**
     * Features of N sequences of n tokens.
     *
     * @param tokensFlat     N*n tokens, token-major ({@code tokensFlat[i*n + k]}), each in [0, vocabularySize)
     * @param N              number of sequences
     * @param n              tokens per sequence
     * @param vocabularySize V
     * @return N*n*d doubles, {@code X[i*n*d + k*d + j]}
     * @throws IllegalArgumentException if the sizes disagree, a token is out of range or the result
     *                                  would not fit in one array
     */
    double[] featurize(int[] tokensFlat, int N, int n, int vocabularySize);

    /**
     * The parameters that determine the features, for provenance: always {@code features} (the
     * name); and, as applicable, {@code feature-dim}, {@code sigma}, {@code feature-seed} and a
     * description of the distributions and the generator. Insertion-ordered and unmodifiable.
     */
    Map<String, Object> parameters();

    /**
     * Whether {@code x_ik = e_{token_ik}} exactly (the {@code onehot} features), so that a solver
     * may use a sparse design: each row of A then has n ones and nothing else.
     */
    default boolean isOneHot() {
        return false;
    }
}

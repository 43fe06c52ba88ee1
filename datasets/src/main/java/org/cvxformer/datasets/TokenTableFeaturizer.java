package org.cvxformer.datasets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * A featurizer given by its embedding table: {@code x_ik = table[token_ik]}. The table of the
 * last vocabulary size asked for is cached (building a Fastfood or RFF table costs
 * V applications of the map).
 */
final class TokenTableFeaturizer implements Featurizer {

    private final String name;
    private final IntUnaryOperator dimension;
    private final IntFunction<double[]> tableBuilder;
    private final Map<String, Object> parameters;
    private final boolean oneHot;

    private int cachedVocabulary = -1;
    private double[] cachedTable;

    TokenTableFeaturizer(String name, IntUnaryOperator dimension, IntFunction<double[]> tableBuilder,
                         Map<String, Object> parameters, boolean oneHot) {
        this.name = name;
        this.dimension = dimension;
        this.tableBuilder = tableBuilder;
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("features", name);
        p.putAll(parameters);
        this.parameters = Collections.unmodifiableMap(p);
        this.oneHot = oneHot;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension(int vocabularySize) {
        checkVocabulary(vocabularySize);
        return dimension.applyAsInt(vocabularySize);
    }

    @Override
    public double[] embeddingTable(int vocabularySize) {
        return table(vocabularySize).clone();
    }

    private synchronized double[] table(int vocabularySize) {
        checkVocabulary(vocabularySize);
        if (cachedVocabulary != vocabularySize) {
            cachedTable = tableBuilder.apply(vocabularySize);
            cachedVocabulary = vocabularySize;
        }
        return cachedTable;
    }

    @Override
    public double[] featurize(int[] tokensFlat, int N, int n, int vocabularySize) {
        if (N < 0 || n < 1) {
            throw new IllegalArgumentException(name + " features of N = " + N + " sequences of n = " + n
                    + " tokens: expected N >= 0 and n >= 1");
        }
        if ((long) N * n != tokensFlat.length) {
            throw new IllegalArgumentException(name + " features: " + tokensFlat.length + " tokens given, expected N*n = "
                    + N + "*" + n + " = " + ((long) N * n));
        }
        int d = dimension(vocabularySize);
        long total = (long) tokensFlat.length * d;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " features: N*n*d = " + N + "*" + n + "*" + d + " = " + total
                    + " doubles do not fit in one array: use fewer samples or a smaller feature dimension"
                    + (oneHot ? " (or a sparse design: isOneHot() is true)" : " (or index embeddingTable by token)"));
        }
        for (int r = 0; r < tokensFlat.length; r++) {
            int t = tokensFlat[r];
            if (t < 0 || t >= vocabularySize) {
                throw new IllegalArgumentException(name + " features: token " + t + " at position " + r
                        + " is outside the vocabulary 0.." + (vocabularySize - 1));
            }
        }
        double[] out = new double[(int) total];
        if (oneHot) {
            // No table needed: one 1 per token row.
            for (int r = 0; r < tokensFlat.length; r++) {
                out[r * d + tokensFlat[r]] = 1.0;
            }
            return out;
        }
        double[] table = table(vocabularySize);
        for (int r = 0; r < tokensFlat.length; r++) {
            System.arraycopy(table, tokensFlat[r] * d, out, r * d, d);
        }
        return out;
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    @Override
    public boolean isOneHot() {
        return oneHot;
    }

    @Override
    public String toString() {
        return parameters.toString();
    }

    private void checkVocabulary(int vocabularySize) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException(name + " features: vocabulary size = " + vocabularySize + ": expected >= 1");
        }
    }
}

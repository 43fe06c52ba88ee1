package org.cvxformer.datasets;

/**
 * An immutable algorithmic dataset {@code c = a o b mod p} (math.md section 7; seeds/004 section
 * 5.1; Power et al. 2022, "Grokking", arXiv 2201.02177).
 *
 * <p>Order of examples (deterministic, documented so that indices mean the same thing
 * everywhere): a-major then b, over the operation's domain
 * {@code [firstMin, p-1] x [secondMin, p-1]}; example
 * {@code i = (a - firstMin) * secondCount + (b - secondMin)}. For modular division at p = 97,
 * example 0 is (0, 1) and example 96 is (1, 1).
 *
 * <p>Tokens are stored flat, token-major: {@code tokensFlat()[i * n + k]} is token k of example i,
 * the layout {@link Featurizer#featurize} takes. There are {@code c = p} classes (for both token
 * formats; the extra tokens of {@link TokenFormat#EQUATION} are never labels).
 */
public final class AlgorithmicDataset {

    private final Operation operation;
    private final int p;
    private final TokenFormat format;
    private final int size;
    private final int[] tokens;
    private final int[] labels;

    private AlgorithmicDataset(Operation operation, int p, TokenFormat format, int size, int[] tokens, int[] labels) {
        this.operation = operation;
        this.p = p;
        this.format = format;
        this.size = size;
        this.tokens = tokens;
        this.labels = labels;
    }

    /**
     * Generates every example of {@code op} modulo {@code p} in the order described above.
     *
     * @throws IllegalArgumentException if p is not a prime >= 3, or the dataset would not fit in
     *                                  Java arrays, or an argument is null
     */
    public static AlgorithmicDataset generate(Operation op, int p, TokenFormat fmt) {
        if (op == null) {
            throw new IllegalArgumentException("operation is null: expected one of " + Operation.validNames());
        }
        if (fmt == null) {
            throw new IllegalArgumentException("token format is null: expected pair or equation");
        }
        ModularArithmetic.checkModulus(p, op.cliName());
        long n = op.domainSize(p);
        long flat = n * fmt.length();
        if (flat > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("p = " + p + " gives " + n + " examples of " + fmt.length()
                    + " tokens, more than a Java array holds: expected a smaller prime");
        }
        int size = (int) n;
        int len = fmt.length();
        int[] tokens = new int[size * len];
        int[] labels = new int[size];
        int i = 0;
        for (int a = op.firstMin(); a < p; a++) {
            for (int b = op.secondMin(); b < p; b++) {
                fmt.encode(a, b, p, tokens, i * len);
                labels[i] = op.applyUnchecked(a, b, p);
                i++;
            }
        }
        return new AlgorithmicDataset(op, p, fmt, size, tokens, labels);
    }

    /** The operation. */
    public Operation operation() {
        return operation;
    }

    /** The prime modulus p. */
    public int modulus() {
        return p;
    }

    /** The token format. */
    public TokenFormat format() {
        return format;
    }

    /** Number of examples N. */
    public int size() {
        return size;
    }

    /** Sequence length n (tokens per example). */
    public int sequenceLength() {
        return format.length();
    }

    /** Vocabulary size: p, or p + 2 for the equation format. */
    public int vocabularySize() {
        return format.vocabularySize(p);
    }

    /** Number of classes c = p. */
    public int numClasses() {
        return p;
    }

    /** The n tokens of example i (a copy). */
    public int[] tokens(int i) {
        checkIndex(i);
        int n = format.length();
        int[] out = new int[n];
        System.arraycopy(tokens, i * n, out, 0, n);
        return out;
    }

    /** Token k of example i. */
    public int token(int i, int k) {
        checkIndex(i);
        if (k < 0 || k >= format.length()) {
            throw new IndexOutOfBoundsException("token position " + k + " outside 0.." + (format.length() - 1));
        }
        return tokens[i * format.length() + k];
    }

    /** All tokens, flat N*n, token-major (a copy). */
    public int[] tokensFlat() {
        return tokens.clone();
    }

    /** The tokens of the given examples, flat (indices.length * n), in the order of {@code indices}. */
    public int[] tokensFlat(int[] indices) {
        int n = format.length();
        int[] out = new int[indices.length * n];
        for (int r = 0; r < indices.length; r++) {
            checkIndex(indices[r]);
            System.arraycopy(tokens, indices[r] * n, out, r * n, n);
        }
        return out;
    }

    /** The label of example i, in [0, p). */
    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    /** All labels (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    /** The labels of the given examples, in the order of {@code indices}. */
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            checkIndex(indices[r]);
            out[r] = labels[indices[r]];
        }
        return out;
    }

    /** The first operand (a, or x for periodicity) of example i, computed from the order. */
    public int firstOperand(int i) {
        checkIndex(i);
        return operation.firstMin() + i / operation.secondCount(p);
    }

    /** The second operand (b, or y for periodicity) of example i, computed from the order. */
    public int secondOperand(int i) {
        checkIndex(i);
        return operation.secondMin() + i % operation.secondCount(p);
    }

    /** The index of example (a, b), the inverse of {@link #firstOperand}/{@link #secondOperand}. */
    public int indexOf(int a, int b) {
        if (!operation.inDomain(a, b, p)) {
            throw new IllegalArgumentException("(a, b) = (" + a + ", " + b + ") is outside the domain of " + operation
                    + " for p = " + p);
        }
        return (a - operation.firstMin()) * operation.secondCount(p) + (b - operation.secondMin());
    }

    /** Label histogram over all examples. */
    public LabelSummary summary() {
        return LabelSummary.of(labels, p);
    }

    /** Label histogram over the given examples (e.g. a split's train part). */
    public LabelSummary summary(int[] indices) {
        return LabelSummary.of(labels(indices), p);
    }

    /**
     * Features of the given examples: {@code featurizer.featurize(tokensFlat(indices), ...)},
     * indices.length * n * d doubles, token-major.
     */
    public double[] features(Featurizer featurizer, int[] indices) {
        return featurizer.featurize(tokensFlat(indices), indices.length, format.length(), vocabularySize());
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("example " + i + " outside 0.." + (size - 1));
        }
    }

    /** One line, e.g. {@code "mod-division p=97 equation: N=9312 n=4 vocab=99 classes=97"}. */
    @Override
    public String toString() {
        return operation + " p=" + p + " " + format + ": N=" + size + " n=" + format.length() + " vocab="
                + vocabularySize() + " classes=" + p;
    }
}

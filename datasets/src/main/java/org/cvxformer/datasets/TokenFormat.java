package org.cvxformer.datasets;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an example {@code (a, b)} becomes a token sequence (math.md section 7). The number v is
 * token v.
 * <ul>
 *   <li>{@link #PAIR}: {@code [a, b]}, n = 2, vocabulary p.</li>
 *   <li>{@link #EQUATION}: the grokking literature's {@code [a, op, b, =]} (Power et al. 2022),
 *       n = 4, vocabulary p + 2; {@code op} is token p and {@code =} is token p + 1. Positions 1
 *       and 3 are constant, so under the convex model their groups only carry a per-class bias.</li>
 * </ul>
 */
public enum TokenFormat {
    /** {@code [a, b]}. */
    PAIR("pair", 2),
    /** {@code [a, op, b, =]} with op = p and = = p + 1. */
    EQUATION("equation", 4);

    private final String cliName;
    private final int length;

    TokenFormat(String cliName, int length) {
        this.cliName = cliName;
        this.length = length;
    }

    /** The stable name used on the command line and in reports. */
    public String cliName() {
        return cliName;
    }

    /** Sequence length n (2 or 4). */
    public int length() {
        return length;
    }

    /** Vocabulary size: p for {@link #PAIR}, p + 2 for {@link #EQUATION}. */
    public int vocabularySize(int p) {
        return this == PAIR ? p : p + 2;
    }

    /** The {@code op} token of {@link #EQUATION}: p. */
    public static int opToken(int p) {
        return p;
    }

    /** The {@code =} token of {@link #EQUATION}: p + 1. */
    public static int equalsToken(int p) {
        return p + 1;
    }

    /** Writes the {@link #length()} tokens of (a, b) into {@code out[offset ..]}. */
    public void encode(int a, int b, int p, int[] out, int offset) {
        if (this == PAIR) {
            out[offset] = a;
            out[offset + 1] = b;
        } else {
            out[offset] = a;
            out[offset + 1] = opToken(p);
            out[offset + 2] = b;
            out[offset + 3] = equalsToken(p);
        }
    }

    /**
     * The format with the given CLI name (case-insensitive).
     *
     * @throws IllegalArgumentException listing the valid names
     */
    public static TokenFormat fromName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (TokenFormat f : values()) {
                if (f.cliName.equals(n)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("unknown token format '" + name + "': expected one of "
                + Arrays.stream(values()).map(TokenFormat::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName;
    }
}

package org.cvxformer.core.certificate;

/** Group {@code (l, k)}: row {@code k} (token position) of {@code Z_l} (class {@code l}), math.md section 1. */
public record Group(int cls, int token) {
    /** Group of flat index {@code g = l*n + k}. */
    public static Group ofIndex(int g, int tokens) {
        return new Group(g / tokens, g % tokens);
    }

    @Override
    public String toString() {
        return "(class " + cls + ", token " + token + ")";
    }
}

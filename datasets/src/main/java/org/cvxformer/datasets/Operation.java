package org.cvxformer.datasets;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The binary operations {@code c = a o b mod p} of the algorithmic datasets, for a prime p.
 *
 * <p>The first two are the seed paper's (seeds/004 section 5.1, math.md section 7):
 * <ul>
 *   <li>{@link #MOD_DIVISION}: {@code c = a * b^{-1} mod p}, a in 0..p-1, b in 1..p-1:
 *       p(p-1) examples (Power et al. 2022, "Grokking", arXiv 2201.02177).</li>
 *   <li>{@link #PERIODICITY}: {@code z = ((x^{-1} + y^2) * (2x mod floor(log2 p))) mod p},
 *       x in 1..p-1, y in 0..p-1: (p-1)p examples. floor(log2 97) = 6. For p in 5..7,
 *       floor(log2 p) = 2 and for p = 3 it is 1, so {@code 2x mod floor(log2 p) = 0} and every
 *       label is 0: that is the formula, not a bug.</li>
 * </ul>
 * and four further operations from Power et al. 2022, each with a, b in 0..p-1 (p^2 examples):
 * {@link #MOD_ADD} a + b, {@link #MOD_SUB} a - b, {@link #MOD_MUL} a * b,
 * {@link #MOD_X2Y2} a^2 + b^2 (all mod p).
 *
 * <p>The operand domains are contiguous ranges {@code [firstMin, p-1] x [secondMin, p-1]}.
 * All arithmetic is on {@code long}, exact for every p up to {@link ModularArithmetic#MAX_MODULUS}.
 */
public enum Operation {
    /** {@code a / b mod p}, b != 0. */
    MOD_DIVISION("mod-division", 0, 1),
    /** {@code ((x^{-1} + y^2) * (2x mod floor(log2 p))) mod p}, x != 0. */
    PERIODICITY("periodicity", 1, 0),
    /** {@code a + b mod p}. */
    MOD_ADD("mod-add", 0, 0),
    /** {@code a - b mod p} (in [0, p)). */
    MOD_SUB("mod-sub", 0, 0),
    /** {@code a * b mod p}. */
    MOD_MUL("mod-mul", 0, 0),
    /** {@code a^2 + b^2 mod p}. */
    MOD_X2Y2("mod-x2y2", 0, 0);

    private final String cliName;
    private final int firstMin;
    private final int secondMin;

    Operation(String cliName, int firstMin, int secondMin) {
        this.cliName = cliName;
        this.firstMin = firstMin;
        this.secondMin = secondMin;
    }

    /** The stable name used on the command line and in reports, e.g. {@code "mod-division"}. */
    public String cliName() {
        return cliName;
    }

    /** Smallest first operand (a, or x for periodicity); the largest is p - 1. */
    public int firstMin() {
        return firstMin;
    }

    /** Smallest second operand (b, or y for periodicity); the largest is p - 1. */
    public int secondMin() {
        return secondMin;
    }

    /** Number of first operands, {@code p - firstMin()}. */
    public int firstCount(int p) {
        return p - firstMin;
    }

    /** Number of second operands, {@code p - secondMin()}. */
    public int secondCount(int p) {
        return p - secondMin;
    }

    /** Number of examples: p(p-1) for division and periodicity, p^2 for the others. */
    public long domainSize(int p) {
        return (long) firstCount(p) * secondCount(p);
    }

    /** Whether (a, b) lies in this operation's domain for modulus p. */
    public boolean inDomain(int a, int b, int p) {
        return a >= firstMin && a < p && b >= secondMin && b < p;
    }

    /**
     * The label {@code a o b mod p}, in [0, p). The modulus is checked to be a prime >= 3.
     *
     * @throws IllegalArgumentException if p is not an accepted prime or (a, b) is outside the domain
     */
    public int apply(int a, int b, int p) {
        ModularArithmetic.checkModulus(p, cliName);
        if (!inDomain(a, b, p)) {
            throw new IllegalArgumentException("(a, b) = (" + a + ", " + b + ") is outside the domain of " + cliName
                    + " for p = " + p + ": expected a in " + firstMin + ".." + (p - 1) + ", b in " + secondMin + ".." + (p - 1));
        }
        return applyUnchecked(a, b, p);
    }

    /** The label without argument checks; callers guarantee a prime p and (a, b) in the domain. */
    int applyUnchecked(long a, long b, int p) {
        switch (this) {
            case MOD_DIVISION:
                return (int) ((a * ModularArithmetic.inverse(b, p)) % p);
            case PERIODICITY: {
                long base = (ModularArithmetic.inverse(a, p) + b * b) % p;
                long factor = (2 * a) % ModularArithmetic.floorLog2(p);
                return (int) ((base * factor) % p);
            }
            case MOD_ADD:
                return (int) ((a + b) % p);
            case MOD_SUB:
                return (int) ModularArithmetic.mod(a - b, p);
            case MOD_MUL:
                return (int) ((a * b) % p);
            case MOD_X2Y2:
                return (int) ((a * a + b * b) % p);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * The operation with the given CLI name (case-insensitive; the enum constant name such as
     * {@code MOD_DIVISION} is accepted too).
     *
     * @throws IllegalArgumentException listing the valid names
     */
    public static Operation fromName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Operation op : values()) {
                if (op.cliName.equals(n) || op.name().toLowerCase(Locale.ROOT).equals(n)) {
                    return op;
                }
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name + "': expected one of " + validNames());
    }

    /** The valid CLI names, comma separated, in declaration order. */
    public static String validNames() {
        return Arrays.stream(values()).map(Operation::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}

package org.cvxformer.datasets;

/**
 * Modular arithmetic on a prime modulus, in {@code long} arithmetic so that no intermediate
 * product overflows for any modulus up to {@link #MAX_MODULUS} (products stay below 2^41).
 */
public final class ModularArithmetic {

    /**
     * Largest modulus accepted. A prime this size already gives about 10^12 examples, far more than
     * an in-memory dataset holds; the bound exists so that every product of two residues fits in a
     * {@code long} with a wide margin and primality by trial division stays instant.
     */
    public static final int MAX_MODULUS = 1_000_003;

    private ModularArithmetic() {
    }

    /** Whether {@code v} is a prime number (trial division; {@code v <= MAX_MODULUS} is instant). */
    public static boolean isPrime(long v) {
        if (v < 2) {
            return false;
        }
        if (v % 2 == 0) {
            return v == 2;
        }
        for (long f = 3; f * f <= v; f += 2) {
            if (v % f == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that {@code p} is a prime in [3, MAX_MODULUS], the moduli the datasets accept.
     * math.md section 7 asks for a prime; p = 2 is refused as well because its datasets are
     * degenerate (modular division over Z_2 has two examples, one per class, which no split into
     * train and validation can learn from).
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static void checkModulus(int p) {
        checkModulus(p, "modular arithmetic");
    }

    /**
     * As {@link #checkModulus(int)}, naming the dataset in the message ("periodicity needs a
     * prime modulus"), so that a user of mod-add is not told about modular division.
     *
     * @param dataset the dataset's name as the user typed it, e.g. {@code "mod-add"}
     */
    public static void checkModulus(int p, String dataset) {
        if (p < 3) {
            throw new IllegalArgumentException("p = " + p + " is too small: the modulus must be a prime >= 3 (the seed paper uses 97)");
        }
        if (p > MAX_MODULUS) {
            throw new IllegalArgumentException("p = " + p + " is too large: the modulus must be a prime <= " + MAX_MODULUS);
        }
        if (!isPrime(p)) {
            throw new IllegalArgumentException("p = " + p + " is not prime: " + dataset + " needs a prime modulus (try "
                    + nextPrime(p) + ")");
        }
    }

    /** The smallest prime >= {@code v} (used to suggest a modulus in error messages). */
    public static int nextPrime(int v) {
        int c = Math.max(v, 2);
        while (!isPrime(c)) {
            c++;
        }
        return c;
    }

    /** {@code v mod p} in [0, p), also for negative {@code v}. */
    public static long mod(long v, long p) {
        long r = v % p;
        return r < 0 ? r + p : r;
    }

    /**
     * The inverse of {@code a} modulo the prime {@code p}, by the extended Euclidean algorithm.
     *
     * @throws IllegalArgumentException if {@code a} is 0 mod p (no inverse)
     */
    public static long inverse(long a, long p) {
        long r0 = p;
        long r1 = mod(a, p);
        if (r1 == 0) {
            throw new IllegalArgumentException(a + " has no inverse modulo " + p + " (it is 0 mod p)");
        }
        long t0 = 0;
        long t1 = 1;
        while (r1 != 0) {
            long q = r0 / r1;
            long r2 = r0 - q * r1;
            r0 = r1;
            r1 = r2;
            long t2 = t0 - q * t1;
            t0 = t1;
            t1 = t2;
        }
        // r0 = gcd(a, p) = 1 for a prime p and a != 0 mod p.
        if (r0 != 1) {
            throw new IllegalArgumentException(a + " has no inverse modulo " + p + " (gcd = " + r0 + ")");
        }
        return mod(t0, p);
    }

    /** floor(log2 v) for v >= 1, exactly (no floating point): 6 for 97, 2 for 7, 1 for 3. */
    public static int floorLog2(long v) {
        if (v < 1) {
            throw new IllegalArgumentException("floor(log2 v) needs v >= 1, got " + v);
        }
        return 63 - Long.numberOfLeadingZeros(v);
    }
}

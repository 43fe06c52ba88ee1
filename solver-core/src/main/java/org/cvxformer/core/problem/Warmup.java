package org.cvxformer.core.problem;

import org.cvxformer.core.linalg.Gemm;

/**
 * Compiles the SIMD bodies before the first large pass runs them. Until HotSpot's C2 compiles a
 * Vector API loop it runs in the interpreter or C1, where every vector operation allocates an
 * object, and a first pass over a large problem is then several times slower than the scalar
 * code: measured on the dense N = 20000, nd = 512, c = 10 instance, the first gradient
 * ({@code Problem.betaMax}) took 2.5 s with the SIMD bodies and 0.56 s with the scalar ones.
 * With this warm-up, {@code load_seconds} there was 1.75-2.32 s against 2.30-2.84 s without
 * (three runs each, 2026-12-02). On one-hot p = 97 (below {@link #LARGE}) a warm-up, tried
 * both in a background thread and here, gained nothing measurable, so small problems skip it.
 *
 * <p>{@link #ifLarge} runs the exponential and both thin products on small private arrays,
 * enough calls for C2 to compile them, on the calling thread. It touches no shared state, and
 * each body gives the same bits compiled or not, so it changes timing only, never a result.
 */
final class Warmup {
    /** Calls per body: above C2's invocation threshold (10,000 in JDK 17's tiered policy). */
    static final int CALLS = 12_000;

    /** Problems with fewer score entries ({@code N c}) or design entries than this skip it (tests, small runs). */
    static final long LARGE = 2_000_000L;

    private static volatile boolean done;

    private Warmup() {
    }

    /**
     * True once the SIMD bodies have been warmed. Below {@link #LARGE} the exponential stays scalar
     * ({@link RowMath#expShifted}): before C2 compiles it, the Vector API body is slower than the
     * scalar one, and a small solve ends before that pays back. Measured on one-hot p = 97
     * (N c = 451,632, 61 FISTA iterations, identical bits either way): whole process 2.97-3.03 s
     * with the SIMD exponential against 2.32-2.65 s with the JVM's vector module left out (three
     * runs each, idle, 2026-12-02).
     */
    static boolean isWarm() {
        return done;
    }

    /** Warms the SIMD bodies once per JVM, when they are in use and the problem is large. */
    static synchronized void ifLarge(long scoreEntries, long designEntries) {
        if (done || !Gemm.SIMD || Math.max(scoreEntries, designEntries) < LARGE
                || "false".equalsIgnoreCase(System.getProperty("cvxformer.warmup"))) {
            return;
        }
        done = true;
        double[] s = new double[16];
        double[] e = new double[16];
        for (int j = 0; j < s.length; j++) {
            s[j] = -0.05 * j;
        }
        // small enough that Parallel runs them on this thread
        int rows = 4, K = 8, c = 4;
        double[] a = new double[rows * K];
        double[] u = new double[rows * c];
        double[] w = new double[c * K];
        double[] g = new double[c * K];
        double[] out = new double[rows * c];
        java.util.Arrays.fill(a, 0.5);
        java.util.Arrays.fill(u, 0.25);
        java.util.Arrays.fill(w, 0.125);
        for (int q = 0; q < CALLS; q++) {
            RowMath.expShifted(s, 0, s.length, 0.0, e, 0);
            Gemm.abt(a, 0, rows, w, c, K, out, 0, c);
            Gemm.addTransposedTimes(u, 0, c, a, 0, rows, K, g);
        }
    }
}

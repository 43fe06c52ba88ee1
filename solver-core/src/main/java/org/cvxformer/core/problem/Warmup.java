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
 * enough calls for C2 to compile them ({@link Gemm#warmUp}), then a few products of the
 * problem's own shape ({@link Gemm#warmUpShape}, for dense designs with thin products): the code
 * C2 compiled from small shapes alone met the first real product with a trap on its loop
 * predicates, was thrown away, and that pass ran 0.2-0.3 s in the interpreter, against 8 ms
 * once compiled (dense {@code N = 20000}, {@code nd = 512}, {@code c = 10}). It runs on the
 * calling thread, or, when a caller that knows the shape early has called
 * {@link #startInBackground} (the CLI, from the headers of the {@code .npy} files, before it
 * reads the data), {@link #ifLarge} waits for that warm-up, which then ran beside the reading
 * (with the other setup changes of that commit, load_seconds on that instance went from
 * 0.79-1.08 s to 0.41-0.49 s, three runs each, same session, 2026-12-03; docs/issue13/README.md). It touches
 * no shared state, and each body gives the same bits compiled or not, so it changes timing
 * only, never a result.
 */
public final class Warmup {
    /** Calls per body: above C2's invocation threshold (10,000 in JDK 17's tiered policy). */
    static final int CALLS = 12_000;

    /** Products in the problem's own shape after the small ones (5 rows each). */
    static final int SHAPE_CALLS = 400;

    /** Entries of the largest array the products in the problem's own shape allocate ({@code c K}: 8 MB). */
    static final long SHAPE_ENTRIES = 1L << 20;

    /** Multiply-adds the products in the problem's own shape may cost at most (about 10 ms). */
    static final long SHAPE_WORK = 100_000_000L;

    /** Problems with fewer score entries ({@code N c}) or design entries than this skip it (tests, small runs). */
    static final long LARGE = 2_000_000L;

    /** Whether a warm-up has been started (guarded by the class). */
    private static boolean started;

    /** The background warm-up, if {@link #startInBackground} started one (guarded by the class). */
    private static Thread background;

    private static volatile boolean warm;

    /** Nanoseconds the callers of {@link #ifLarge} spent on the warm-up, this JVM. */
    private static final java.util.concurrent.atomic.AtomicLong WAITED = new java.util.concurrent.atomic.AtomicLong();

    private Warmup() {
    }

    /**
     * Seconds the first large passes have spent on the warm-up so far in this JVM: running it on
     * their own thread, or waiting for the one {@link #startInBackground} began. Setup reports
     * take the difference over their span, so that the JIT's share of a setup is told apart from
     * reading and checking the data (issue 13, goal 2).
     */
    public static double waitedSeconds() {
        return WAITED.get() * 1e-9;
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
        return warm;
    }

    private static boolean wanted(long scoreEntries, long designEntries) {
        return Gemm.SIMD && Math.max(scoreEntries, designEntries) >= LARGE
                && !"false".equalsIgnoreCase(System.getProperty("cvxformer.warmup"));
    }

    /**
     * Starts the warm-up on a daemon thread if a problem of {@code N} samples of {@code n x d}
     * features and {@code c} classes will want it, so that it runs while the caller reads the
     * data (the other core is idle then); the first large pass ({@link #ifLarge}) waits for it.
     * Does nothing if a warm-up has already started.
     */
    public static synchronized void startInBackground(int N, int n, int d, int c) {
        long features = (long) n * d;
        // called from the headers, before the shape is checked: leave shapes no design can have alone
        if (started || N < 1 || c < 1 || features < 1 || features > Integer.MAX_VALUE
                || !wanted((long) N * c, N * features)) {
            return;
        }
        int K = (int) features;
        started = true;
        background = new Thread(() -> {
            try {
                run(K, c);
            } catch (RuntimeException | OutOfMemoryError e) {
                // timing only: the solve runs the same without it, and the first pass reports
                // a real shortage of memory itself; nothing to tell the user here
            }
        }, "cvxformer-warmup");
        background.setDaemon(true);
        background.start();
    }

    /**
     * Before the first large pass over a problem of {@code N} samples, {@code K = n d} features,
     * {@code c} classes and {@code storedEntries} design entries: warms the SIMD bodies once per
     * JVM on this thread, or waits for the warm-up {@link #startInBackground} began.
     */
    static void ifLarge(int N, int K, int c, long storedEntries) {
        if (!wanted((long) N * c, storedEntries)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            waitFor(K, c);
        } finally {
            WAITED.addAndGet(System.nanoTime() - t0);
        }
    }

    /** Runs the warm-up here if none has started, else waits for the background one (if still running). */
    private static void waitFor(int K, int c) {
        Thread t;
        synchronized (Warmup.class) {
            if (!started) {
                started = true;
                run(K, c);
                return;
            }
            t = background;
        }
        if (t != null) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void run(int K, int c) {
        double[] s = {-0.3, -0.2, -0.1, 0.0};
        double[] e = new double[s.length];
        for (int q = 0; q < CALLS; q++) {
            // the SIMD body itself (RowMath.expShifted takes it only once isWarm()); one
            // vector, since it does whole vectors only and RowMath does the tail
            VectorRowMath.expShifted(s, 0, s.length, 0.0, e, 0);
        }
        Gemm.warmUp(CALLS);
        if (c <= DenseDesign.THIN_CLASSES && (long) c * K <= SHAPE_ENTRIES) {
            // at most about SHAPE_WORK multiply-adds, however wide the rows
            long perCall = 10L * K * c;
            Gemm.warmUpShape(K, c, (int) Math.max(10, Math.min(SHAPE_CALLS, SHAPE_WORK / perCall)));
        }
        warm = true;
    }
}

package org.cvxformer.core.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a loop over {@code [0, n)} into contiguous chunks run on a small fixed pool.
 *
 * <p>Every kernel that uses it writes disjoint outputs per chunk and keeps its reduction order
 * inside an output fixed, so results are bit-identical whatever the thread count (issue:
 * "results must not depend on the number of threads beyond rounding"). The thread count comes
 * from the system property {@code cvxformer.threads} (default: available processors) and can be
 * changed with {@link #setThreads(int)}.
 */
public final class Parallel {
    /** Work (roughly, multiply-adds) below which a loop runs on the calling thread. */
    public static final long SERIAL_WORK_THRESHOLD = 200_000L;

    private static volatile int threads = initialThreads();
    private static volatile ExecutorService pool;

    private Parallel() {
    }

    /** A loop body over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static int initialThreads() {
        String p = System.getProperty("cvxformer.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default: a bad property must not stop a solve
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The number of threads loops are split over. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads (at least 1); used by tests and the CLI's {@code --threads}. */
    public static synchronized void setThreads(int t) {
        if (t < 1) {
            throw new IllegalArgumentException("threads = " + t + ": expected a whole number >= 1");
        }
        threads = t;
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    AtomicInteger id = new AtomicInteger();
                    p = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "cvxformer-worker-" + id.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous
     * chunks; serially when {@code work} is below {@link #SERIAL_WORK_THRESHOLD}.
     */
    public static void forRange(int n, long work, RangeBody body) {
        int t = Math.min(threads, n);
        if (t <= 1 || work < SERIAL_WORK_THRESHOLD) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(t - 1);
        int chunk = (n + t - 1) / t;
        for (int c = 1; c < t; c++) {
            int from = c * chunk;
            int to = Math.min(n, from + chunk);
            if (from < to) {
                futures.add(pool().submit(() -> body.run(from, to)));
            }
        }
        body.run(0, Math.min(n, chunk));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a worker", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    /** A function of one row index. */
    @FunctionalInterface
    public interface RowValue {
        double at(int i);
    }

    /**
     * {@code sum_{i < n} f(i)}, the terms computed in parallel chunks (as {@link #forRange}) but
     * summed in index order on the calling thread, so the result is bit-identical whatever the
     * thread count. {@code f} may write per-row outputs as a side effect.
     */
    public static double sumRows(int n, long work, RowValue f) {
        double[] terms = new double[n];
        forRange(n, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                terms[i] = f.at(i);
            }
        });
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += terms[i];
        }
        return total;
    }
}

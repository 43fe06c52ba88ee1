package org.cvxformer.core.linalg;

/**
 * GFLOP/s of {@link Gemm#gemmParallel} in both precisions on the network's shapes (not a test):
 * <pre>
 * mvn -B -o -q -pl solver-core test-compile
 * java --add-modules jdk.incubator.vector -cp solver-core/target/classes:solver-core/target/test-classes \
 *     org.cvxformer.core.linalg.GemmThroughput [threads=2] [seconds per shape=1]
 * </pre>
 */
public final class GemmThroughput {
    private GemmThroughput() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double secs = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        Parallel.setThreads(threads);
        // {m, n, k, transA, transB}: X W (2048 x 128 -> 512), X^T G (weight gradient), G W^T, square
        int[][] shapes = {{2048, 512, 128, 0, 0}, {128, 512, 2048, 1, 0}, {2048, 128, 512, 0, 1},
                {2048, 128, 128, 0, 0}, {128, 512, 128, 0, 0}, {1000, 1000, 1000, 0, 0}};
        System.out.printf("threads=%d simd=%s%n", threads, Gemm.SIMD);
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            boolean ta = s[3] == 1, tb = s[4] == 1;
            float[] af = new float[m * k], bf = new float[k * n], cf = new float[m * n];
            double[] ad = new double[m * k], bd = new double[k * n], cd = new double[m * n];
            for (int i = 0; i < af.length; i++) {
                af[i] = (float) Math.sin(i);
                ad[i] = af[i];
            }
            for (int i = 0; i < bf.length; i++) {
                bf[i] = (float) Math.cos(i);
                bd[i] = bf[i];
            }
            int lda = ta ? m : k, ldb = tb ? k : n;
            double flop = 2.0 * m * n * k;
            double g32 = rate(secs, flop, () -> Gemm.gemmParallel(ta, tb, m, n, k, af, 0, lda, bf, 0, ldb, false, cf, 0, n));
            double g64 = rate(secs, flop, () -> Gemm.gemmParallel(ta, tb, m, n, k, ad, 0, lda, bd, 0, ldb, false, cd, 0, n));
            System.out.printf("%5d x %5d x %5d ta=%b tb=%b: f32 %6.1f GFLOP/s  f64 %6.1f GFLOP/s%n", m, n, k, ta, tb,
                    g32, g64);
        }
    }

    private static double rate(double secs, double flop, Runnable r) {
        for (int i = 0; i < 5; i++) {
            r.run();
        }
        double best = 0;
        long end = System.nanoTime() + (long) (secs * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.max(best, flop / (System.nanoTime() - t0));
        }
        return best;
    }
}

package org.cvxformer.neural;

import java.util.Arrays;
import org.cvxformer.core.linalg.Parallel;

/**
 * Samples per second of one training step (forward + backward + AdamW) of {@link NonconvexTransformer}
 * at the default size: width 128, 2 layers, batch 512, n = 4, vocab 99, 97 classes, dropout 0.2.
 * Prints the median over the timed steps. Not a test: run with
 * <pre>
 * mvn -B -q -pl solver-core test-compile
 * java -cp solver-core/target/classes:solver-core/target/test-classes:$(ls ~/.m2/repository/org/ojalgo/ojalgo/57.1.0/*.jar) \
 *     org.cvxformer.neural.NnThroughput [threads] [steps] [batch]
 * </pre>
 */
public final class NnThroughput {
    private NnThroughput() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        Parallel.setThreads(threads);
        NetConfig cfg = NetConfig.defaults(99, 4, 97);
        NonconvexTransformer m = new NonconvexTransformer(cfg, 1);
        Rng r = new Rng(2);
        int[] tokens = new int[batch * 4];
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            tokens[4 * i] = r.nextInt(97);
            tokens[4 * i + 1] = 97;
            tokens[4 * i + 2] = r.nextInt(97);
            tokens[4 * i + 3] = 98;
            labels[i] = r.nextInt(97);
        }
        AdamW opt = AdamW.defaults();
        boolean[] decay = Optimizer.decayMask(m);
        double[] g = new double[m.parameterCount()];
        int warm = 10;
        double[] times = new double[steps];
        for (int s = 0; s < warm + steps; s++) {
            long t0 = System.nanoTime();
            m.lossAndGradient(tokens, labels, batch, g, r.nextLong(), true);
            opt.step(m.parameters(), g, decay);
            long t1 = System.nanoTime();
            if (s >= warm) {
                times[s - warm] = (t1 - t0) * 1e-9;
            }
        }
        Arrays.sort(times);
        double med = times[steps / 2];
        System.out.printf("params=%d threads=%d batch=%d median step %.4f s -> %.0f samples/s (min %.4f s)%n",
                m.parameterCount(), threads, batch, med, batch / med, times[0]);
        long e0 = System.nanoTime();
        double acc = m.accuracy(tokens, labels, batch);
        System.out.printf("eval forward: %.0f samples/s (acc %.3f)%n", batch / ((System.nanoTime() - e0) * 1e-9), acc);
    }
}

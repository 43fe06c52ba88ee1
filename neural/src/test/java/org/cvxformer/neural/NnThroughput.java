package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.linalg.Parallel;

/**
 * Seconds per epoch of what the {@link Trainer} does each epoch (one shuffled training pass with
 * an optimizer step and projection per batch, then accuracy on the full training and validation
 * splits), for both neural models at their defaults: mod-division p = 97 (9,312 examples, tokens
 * {@code [a, op, b, =]}, vocab 99, 97 classes), 50% split; width 128, 2 layers; the nonconvex model
 * at batch 512 with dropout 0.2 and AdamW(1e-3, 0.9/0.98, wd 1, 10 warm-up steps), the convex stack
 * at batch 32 with dropout 0, beta 1e-4 and Adam(1e-3, L2 1e-6). The twins are
 * {@code scripts/torch_throughput.py} and {@code scripts/torch_convex_stack.py}; run both sides with
 * {@code scripts/neural_vs_torch.sh}. Not a test:
 * <pre>
 * mvn -B -o -q -pl neural -am test-compile
 * java --add-modules jdk.incubator.vector -cp solver-core/target/classes:neural/target/classes:neural/target/test-classes \
 *     org.cvxformer.neural.NnThroughput [nonconvex|convex-stack|both] [threads=2] [epochs=5] [float32|float64|both]
 * </pre>
 * Prints one line per (model, precision): median seconds per epoch over the timed epochs (after
 * one warm-up epoch), training samples/s (the training pass alone), evaluation samples/s (the
 * accuracy passes alone), and their ratio.
 */
public final class NnThroughput {
    private NnThroughput() {
    }

    /** All (a, b), b != 0, of Z_97 with label a / b; shuffled with seed 0, first half for training. */
    static Trainer.Data[] modDivision(int p) {
        List<int[]> ex = new ArrayList<>();
        for (int a = 0; a < p; a++) {
            for (int b = 1; b < p; b++) {
                int inv = 1;
                for (int e = 0; e < p - 2; e++) {
                    inv = inv * b % p; // b^(p-2) = b^-1 (Fermat)
                }
                ex.add(new int[] {a, b, a * inv % p});
            }
        }
        int[] order = new int[ex.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new Rng(0).shuffle(order);
        int nTrain = ex.size() / 2;
        Trainer.Data[] out = new Trainer.Data[2];
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? 0 : nTrain, to = part == 0 ? nTrain : ex.size();
            int[] tokens = new int[(to - from) * 4];
            int[] labels = new int[to - from];
            for (int i = from; i < to; i++) {
                int[] e = ex.get(order[i]);
                int k = i - from;
                tokens[4 * k] = e[0];
                tokens[4 * k + 1] = p;
                tokens[4 * k + 2] = e[1];
                tokens[4 * k + 3] = p + 1;
                labels[k] = e[2];
            }
            out[part] = new Trainer.Data(tokens, labels, to - from);
        }
        return out;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    static void run(String kind, Precision prec, int threads, int epochs) throws Exception {
        int p = 97;
        Trainer.Data[] data = modDivision(p);
        boolean nonconvex = kind.equals("nonconvex");
        NetConfig cfg = new NetConfig(p + 2, 4, 128, 2, p, nonconvex ? 0.2 : 0.0);
        Network model = nonconvex ? new NonconvexTransformer(cfg, 1) : new ConvexStack(cfg, 1e-4, ConvexStack.Penalty.GROUP, 1);
        model.setPrecision(prec);
        Optimizer opt = nonconvex ? AdamW.defaults() : Adam.convexDefaults();
        int batch = nonconvex ? 512 : 32;
        // the trainer's own loop: one warm-up epoch, then the timed ones
        Trainer.Config tc = new Trainer.Config(batch, epochs + 1, 0, 1, 0, 0.99, false, 7);
        Trainer trainer = new Trainer(model, opt, tc, data[0], data[1], null);
        double[] stamps = new double[epochs + 2];
        trainer.setListener(row -> stamps[row.epoch()] = row.seconds());
        trainer.run();
        double[] perEpoch = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            perEpoch[e] = stamps[e + 2] - stamps[e + 1];
        }
        double sEpoch = median(perEpoch);
        // the two halves of an epoch on their own: training pass, then the accuracy passes
        int n = data[0].count();
        boolean[] decay = Optimizer.decayMask(model);
        double[] g = new double[model.parameterCount()];
        int[] bt = new int[batch * 4];
        int[] bl = new int[batch];
        Rng rng = new Rng(3);
        double[] trainS = new double[3];
        double[] evalS = new double[3];
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int b0 = 0; b0 < n; b0 += batch) {
                int m = Math.min(batch, n - b0);
                System.arraycopy(data[0].tokens(), b0 * 4, bt, 0, m * 4);
                System.arraycopy(data[0].labels(), b0, bl, 0, m);
                model.lossAndGradient(bt, bl, m, g, rng.nextLong(), true);
                opt.step(model.parameters(), g, decay);
                model.project();
            }
            long t1 = System.nanoTime();
            model.accuracy(data[0].tokens(), data[0].labels(), data[0].count());
            model.accuracy(data[1].tokens(), data[1].labels(), data[1].count());
            long t2 = System.nanoTime();
            trainS[rep] = (t1 - t0) * 1e-9;
            evalS[rep] = (t2 - t1) * 1e-9;
        }
        int evalN = data[0].count() + data[1].count();
        double tr = n / median(trainS);
        double ev = evalN / median(evalS);
        System.out.printf(Locale.ROOT,
                "cvxformer %-12s %s threads=%d batch=%d params=%d: %.3f s/epoch (%d epochs, median; %.0f samples/s over"
                        + " the epoch); training %.0f samples/s; evaluation %.0f samples/s (%.1fx training)%n",
                kind, prec.name().toLowerCase(Locale.ROOT), threads, batch, model.parameterCount(), sEpoch, epochs,
                (n + evalN) / sEpoch, tr, ev, ev / tr);
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "both";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String precs = args.length > 3 ? args[3] : "float32";
        Parallel.setThreads(threads);
        List<String> kinds = which.equals("both") ? List.of("nonconvex", "convex-stack") : List.of(which);
        List<Precision> ps = precs.equals("both") ? List.of(Precision.FLOAT32, Precision.FLOAT64)
                : List.of(Precision.parse(precs));
        for (String k : kinds) {
            if (!k.equals("nonconvex") && !k.equals("convex-stack")) {
                System.err.println("model '" + k + "': expected nonconvex, convex-stack or both");
                System.exit(2);
            }
            for (Precision p : ps) {
                run(k, p, threads, epochs);
            }
        }
    }
}

package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongFunction;
import org.cvxformer.core.linalg.Parallel;
import org.junit.jupiter.api.Test;

/** float32 against float64 training, and bit-identical results for 1 and 2 threads in both precisions. */
class PrecisionAndThreadsTest {
    private record Batch(int[] tokens, int[] labels, int size) {
    }

    private static Batch batch(int size, int vocab, int classes, long seed) {
        Rng r = new Rng(seed);
        int[] tokens = new int[size * 4];
        int[] labels = new int[size];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.nextInt(vocab);
        }
        for (int i = 0; i < size; i++) {
            labels[i] = r.nextInt(classes);
        }
        return new Batch(tokens, labels, size);
    }

    /** {@code steps} optimizer steps on one batch; returns the losses, then the parameters and last gradient. */
    private static double[][] train(Network m, Optimizer opt, Batch b, int steps) {
        boolean[] decay = Optimizer.decayMask(m);
        double[] g = new double[m.parameterCount()];
        double[] losses = new double[steps];
        double[] firstGrad = null;
        Rng seeds = new Rng(99);
        for (int s = 0; s < steps; s++) {
            losses[s] = m.lossAndGradient(b.tokens, b.labels, b.size, g, seeds.nextLong(), true);
            if (s == 0) {
                firstGrad = g.clone();
            }
            opt.step(m.parameters(), g, decay);
            m.project();
        }
        double[] logits = new double[b.size * m.classes()];
        m.logits(b.tokens, b.size, logits);
        return new double[][] {losses, m.parameters().clone(), firstGrad, logits};
    }

    private static double maxAbs(double[] a) {
        double s = 0;
        for (double v : a) {
            s = Math.max(s, Math.abs(v));
        }
        return s;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s = Math.max(s, Math.abs(a[i] - b[i]));
        }
        return s;
    }

    private static void float32AgreesWithFloat64(LongFunction<Network> make, Optimizer o32, Optimizer o64) {
        Batch b = batch(48, 9, 7, 3);
        Network m32 = make.apply(5);
        Network m64 = make.apply(5);
        m64.setPrecision(Precision.FLOAT64);
        assertEquals(Precision.FLOAT32, m32.precision(), "float32 is the default");
        int steps = 5;
        double[][] r32 = train(m32, o32, b, steps);
        double[][] r64 = train(m64, o64, b, steps);
        // same dropout masks, same data: the losses agree to float32 rounding (~1e-7 relative per
        // operation, some hundreds of operations deep), the first gradient likewise
        for (int s = 0; s < steps; s++) {
            assertEquals(r64[0][s], r32[0][s], 1e-5 * Math.abs(r64[0][s]), "loss at step " + s);
        }
        double gs = maxAbs(r64[2]);
        assertTrue(maxAbsDiff(r32[2], r64[2]) <= 1e-5 * gs, "first gradient differs by " + maxAbsDiff(r32[2], r64[2])
                + " (scale " + gs + ")");
        // Adam moves each parameter by about lr per step whatever the gradient's size, so entries
        // with a near-zero gradient may step differently; the bound is a tenth of one step
        assertTrue(maxAbsDiff(r32[1], r64[1]) <= 1e-4, "parameters differ by " + maxAbsDiff(r32[1], r64[1]));
        assertTrue(maxAbsDiff(r32[3], r64[3]) <= 1e-3 * maxAbs(r64[3]), "logits differ");
    }

    @Test
    void float32TrainingAgreesWithFloat64OverFiveSteps() {
        NetConfig cfg = new NetConfig(9, 4, 16, 2, 7, 0.2);
        float32AgreesWithFloat64(seed -> new NonconvexTransformer(cfg, seed), AdamW.defaults(), AdamW.defaults());
        float32AgreesWithFloat64(seed -> new ConvexStack(cfg, 1e-3, ConvexStack.Penalty.GROUP, seed),
                Adam.convexDefaults(), Adam.convexDefaults());
    }

    /** Large enough that matrix products, row loops and mask chunks all run split over two threads. */
    private static void sameForOneAndTwoThreads(LongFunction<Network> make, boolean adamW, Precision p) {
        Batch b = batch(160, 11, 7, 4);
        int before = Parallel.threads();
        try {
            double[][][] out = new double[2][][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                Network m = make.apply(21);
                m.setPrecision(p);
                out[t - 1] = train(m, adamW ? AdamW.defaults() : Adam.convexDefaults(), b, 3);
            }
            for (int k = 0; k < 4; k++) {
                assertArrayEquals(out[0][k], out[1][k], 0.0, p + " part " + k);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBitsInBothPrecisionsForBothModels() {
        NetConfig cfg = new NetConfig(11, 4, 48, 2, 7, 0.2);
        for (Precision p : Precision.values()) {
            sameForOneAndTwoThreads(seed -> new NonconvexTransformer(cfg, seed), true, p);
            sameForOneAndTwoThreads(seed -> new ConvexStack(cfg, 1e-3, ConvexStack.Penalty.GROUP, seed), false, p);
        }
    }

    @Test
    void evaluationInChunksEqualsOnePassPerSample() {
        // logits() runs EVAL_CHUNK samples at a time; each sample's logits must not depend on its
        // neighbours (no state leaks between samples or chunks)
        NetConfig cfg = new NetConfig(11, 4, 16, 1, 7, 0.2);
        NonconvexTransformer m = new NonconvexTransformer(cfg, 3);
        int n = Network.EVAL_CHUNK + 37;
        Batch b = batch(n, 11, 7, 8);
        double[] all = new double[n * 7];
        m.logits(b.tokens, n, all);
        for (int i : new int[] {0, 5, Network.EVAL_CHUNK - 1, Network.EVAL_CHUNK, n - 1}) {
            double[] one = new double[7];
            m.logits(java.util.Arrays.copyOfRange(b.tokens, i * 4, i * 4 + 4), 1, one);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, i * 7, i * 7 + 7), one, 1e-5, "sample " + i);
        }
    }
}

package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cvxformer.core.linalg.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learning, resume and thread-determinism tests on tiny modular arithmetic. */
class TrainingTest {
    /** All pairs (a, b) of Z_p as tokens [a, op, b, =] (op = p, '=' = p + 1), label (a + b) mod p. */
    static Trainer.Data[] modularAddition(int p, double trainFraction, long seed) {
        int total = p * p;
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        new Rng(seed).shuffle(order);
        int nTrain = (int) Math.round(trainFraction * total);
        Trainer.Data[] out = new Trainer.Data[2];
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? 0 : nTrain;
            int to = part == 0 ? nTrain : total;
            int[] tokens = new int[(to - from) * 4];
            int[] labels = new int[to - from];
            for (int i = from; i < to; i++) {
                int a = order[i] / p;
                int b = order[i] % p;
                int k = i - from;
                tokens[k * 4] = a;
                tokens[k * 4 + 1] = p;
                tokens[k * 4 + 2] = b;
                tokens[k * 4 + 3] = p + 1;
                labels[k] = (a + b) % p;
            }
            out[part] = new Trainer.Data(tokens, labels, to - from);
        }
        return out;
    }

    @Test
    void nonconvexFitsTrainingSet() throws Exception {
        int p = 7;
        Trainer.Data[] data = modularAddition(p, 0.8, 1);
        NetConfig cfg = new NetConfig(p + 2, 4, 32, 2, p, 0.0);
        NonconvexTransformer model = new NonconvexTransformer(cfg, 3);
        Trainer.Config tc = new Trainer.Config(16, 300, 0, 25, 0, 0.99, false, 5);
        Trainer trainer = new Trainer(model, AdamW.defaults(), tc, data[0], data[1], null);
        Trainer.Result res = trainer.run();
        List<Trainer.HistoryRow> h = res.history();
        Trainer.HistoryRow last = h.get(h.size() - 1);
        // 39 samples, batch 16: 3 steps per epoch, 900 steps. Fits the training set; with weight
        // decay 1 on 39 samples AdamW's loss spikes now and then after fitting (the float32 run
        // ends on one), so the fit is asserted at some evaluation and the end is not far off it
        assertTrue(h.stream().anyMatch(row -> row.trainAccuracy() == 1.0), "history: " + h);
        assertTrue(last.trainAccuracy() >= 0.8, "history: " + h);
        assertTrue(last.trainLoss() < h.get(0).trainLoss());
    }

    @Test
    void convexStackLearnsAndKeepsSimplexRows() throws Exception {
        int p = 5;
        Trainer.Data[] data = modularAddition(p, 0.8, 2);
        NetConfig cfg = new NetConfig(p + 2, 4, 32, 2, p, 0.0);
        ConvexStack model = new ConvexStack(cfg, 1e-4, ConvexStack.Penalty.GROUP, 4);
        Trainer.Config tc = new Trainer.Config(8, 100, 0, 50, 0, 0.99, false, 6);
        Trainer trainer = new Trainer(model, Adam.convexDefaults(), tc, data[0], data[1], null);
        Trainer.Result res = trainer.run();
        Trainer.HistoryRow last = res.history().get(res.history().size() - 1);
        assertTrue(last.trainAccuracy() >= 0.9, "history: " + res.history());
        for (ParamBlock b : model.blocks()) {
            if (b.kind() == ParamBlock.Kind.SIMPLEX) {
                for (int r = 0; r < b.rows(); r++) {
                    double s = 0;
                    for (int j = 0; j < b.cols(); j++) {
                        double w = model.parameters()[b.offset() + r * b.cols() + j];
                        assertTrue(w >= 0);
                        s += w;
                    }
                    assertEquals(1.0, s, 1e-12);
                }
            }
        }
    }

    private static void assertSameRows(List<Trainer.HistoryRow> a, List<Trainer.HistoryRow> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Trainer.HistoryRow x = a.get(i);
            Trainer.HistoryRow y = b.get(i);
            assertEquals(x.epoch(), y.epoch());
            assertEquals(Double.doubleToLongBits(x.trainLoss()), Double.doubleToLongBits(y.trainLoss()));
            assertEquals(Double.doubleToLongBits(x.trainAccuracy()),
                    Double.doubleToLongBits(y.trainAccuracy()));
            assertEquals(Double.doubleToLongBits(x.valAccuracy()), Double.doubleToLongBits(y.valAccuracy()));
        }
    }

    @Test
    void resumeEqualsUninterruptedRun(@TempDir Path tmp) throws Exception {
        int p = 5;
        Trainer.Data[] data = modularAddition(p, 0.6, 3);
        NetConfig cfg = new NetConfig(p + 2, 4, 16, 2, p, 0.2);
        Trainer.Config full = new Trainer.Config(4, 8, 0, 1, 3, 0.99, false, 7);
        NonconvexTransformer a = new NonconvexTransformer(cfg, 8);
        Trainer ta = new Trainer(a, AdamW.defaults(), full, data[0], data[1], tmp.resolve("a"));
        Trainer.Result ra = ta.run();
        assertTrue(Files.exists(tmp.resolve("a/spectra/epoch-000003.csv")));
        assertTrue(Files.exists(tmp.resolve("a/spectra/epoch-000008.csv")));

        // interrupted: stop after 5 epochs (final checkpoint), then resume in a fresh process state
        Trainer.Config part = new Trainer.Config(4, 5, 0, 1, 3, 0.99, false, 7);
        NonconvexTransformer b = new NonconvexTransformer(cfg, 8);
        new Trainer(b, AdamW.defaults(), part, data[0], data[1], tmp.resolve("b")).run();
        NonconvexTransformer c = new NonconvexTransformer(cfg, 999);
        Trainer tc = new Trainer(c, AdamW.defaults(), full, data[0], data[1], null);
        assertTrue(tc.resume(tmp.resolve("b")));
        assertEquals(5, tc.epoch());
        Trainer.Result rc = tc.run();
        assertEquals(8, rc.epochs());
        assertSameRows(ra.history(), rc.history());
        assertArrayEquals(a.parameters(), c.parameters());
    }

    @Test
    void requestStopWritesResumableCheckpoint(@TempDir Path tmp) throws Exception {
        int p = 5;
        Trainer.Data[] data = modularAddition(p, 0.6, 3);
        NetConfig cfg = new NetConfig(p + 2, 4, 8, 1, p, 0.1);
        Trainer t = new Trainer(new NonconvexTransformer(cfg, 1), AdamW.defaults(),
                new Trainer.Config(4, 1000, 0, 1, 0, 0.99, false, 2), data[0], data[1], tmp);
        t.setListener(row -> {
            if (row.epoch() == 2) {
                t.requestStop();
            }
        });
        Trainer.Result r = t.run();
        assertEquals(Trainer.StopReason.REQUESTED, r.reason());
        assertEquals(2, r.epochs());
        assertTrue(Files.exists(tmp.resolve(Trainer.CHECKPOINT)));
    }

    @Test
    void threadCountDoesNotChangeResults() {
        int before = Parallel.threads();
        try {
            double[][] out = new double[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                NetConfig cfg = new NetConfig(9, 4, 16, 2, 7, 0.2);
                NonconvexTransformer m = new NonconvexTransformer(cfg, 21);
                Rng r = new Rng(5);
                int batch = 61;
                int[] tokens = new int[batch * 4];
                int[] labels = new int[batch];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = r.nextInt(9);
                }
                for (int i = 0; i < batch; i++) {
                    labels[i] = r.nextInt(7);
                }
                AdamW opt = AdamW.defaults();
                boolean[] decay = Optimizer.decayMask(m);
                double[] g = new double[m.parameterCount()];
                for (int step = 0; step < 4; step++) {
                    m.lossAndGradient(tokens, labels, batch, g, r.nextLong(), true);
                    opt.step(m.parameters(), g, decay);
                }
                out[t - 1] = m.parameters().clone();
            }
            assertArrayEquals(out[0], out[1]);
        } finally {
            Parallel.setThreads(before);
        }
    }
}

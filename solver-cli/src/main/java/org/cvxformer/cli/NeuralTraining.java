package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.neural.Adam;
import org.cvxformer.neural.AdamW;
import org.cvxformer.neural.ConvexStack;
import org.cvxformer.neural.Model;
import org.cvxformer.neural.NetConfig;
import org.cvxformer.neural.NonconvexTransformer;
import org.cvxformer.neural.Optimizer;
import org.cvxformer.neural.Trainer;

/**
 * Trains {@code nonconvex} (AdamW, Power et al. 2022 settings) or {@code convex-stack} (the seed
 * paper's multihead convex transformer, Adam) on a dataset bundle, with atomic checkpoints,
 * exact resume and a Ctrl-C hook that writes a final checkpoint and the history so far.
 */
final class NeuralTraining {
    final Model model;
    final Trainer.Result result;
    final double finalTrainAccuracy;
    final double finalValAccuracy;

    private NeuralTraining(Model model, Trainer.Result result) {
        this.model = model;
        this.result = result;
        List<Trainer.HistoryRow> h = result.history();
        this.finalTrainAccuracy = h.isEmpty() ? Double.NaN : h.get(h.size() - 1).trainAccuracy();
        this.finalValAccuracy = h.isEmpty() ? Double.NaN : h.get(h.size() - 1).valAccuracy();
    }

    static boolean isNeural(String model) {
        return model.equals("nonconvex") || model.equals("convex-stack");
    }

    static int defaultBatch(String model) {
        return model.equals("nonconvex") ? 512 : 32;
    }

    static Model buildModel(String kind, DatasetBundle b, NeuralOptions o, long seed) {
        boolean nonconvex = kind.equals("nonconvex");
        double dropout = o.dropout != null ? o.dropout : (nonconvex ? 0.2 : 0.0);
        NetConfig cfg = new NetConfig(b.data.vocabularySize(), b.data.sequenceLength(), o.width, o.layers,
                b.data.numClasses(), dropout);
        if (o.width < 1 || o.layers < 1) {
            throw new IllegalArgumentException("--width " + o.width + " --layers " + o.layers + ": expected both >= 1");
        }
        if (nonconvex) {
            return new NonconvexTransformer(cfg, seed);
        }
        if (!(o.stackBeta >= 0)) {
            throw new IllegalArgumentException("--stack-beta = " + o.stackBeta + ": expected >= 0");
        }
        return new ConvexStack(cfg, o.stackBeta, ConvexStack.Penalty.GROUP, seed);
    }

    static Optimizer buildOptimizer(String kind, NeuralOptions o, double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr = " + lr + ": expected > 0");
        }
        if (kind.equals("nonconvex")) {
            return new AdamW(lr, 0.9, 0.98, 1e-8, o.weightDecay != null ? o.weightDecay : 1.0, o.warmup != null ? o.warmup : 10);
        }
        return new Adam(lr, 0.9, 0.999, 1e-8, o.weightDecay != null ? o.weightDecay : 1e-6, o.warmup != null ? o.warmup : 0);
    }

    /**
     * Runs (or resumes, when {@code resume} and a checkpoint exists in {@code dir}) and writes
     * {@code history.csv}, {@code accuracy.png}, {@code loss.png} and the spectral plots.
     */
    static NeuralTraining run(String kind, DatasetBundle b, NeuralOptions o, int batch, double lr, int epochs,
            double maxSeconds, long seed, Path dir, boolean resume, Progress progress) throws IOException {
        Model model = buildModel(kind, b, o, seed);
        Optimizer opt = buildOptimizer(kind, o, lr);
        int[] tr = b.split.trainIndices();
        int[] va = b.split.valIndices();
        Trainer.Data train = new Trainer.Data(b.data.tokensFlat(tr), b.data.labels(tr), tr.length);
        Trainer.Data val = new Trainer.Data(b.data.tokensFlat(va), b.data.labels(va), va.length);
        if (batch < 1 || epochs < 0) {
            throw new IllegalArgumentException("--batch " + batch + " --epochs " + epochs + ": expected batch >= 1, epochs >= 0");
        }
        Trainer.Config cfg = new Trainer.Config(batch, epochs, maxSeconds > 0 && Double.isFinite(maxSeconds) ? maxSeconds : 0,
                o.evalEvery, o.checkpointEvery, 0.99, !o.noStopAtConvergence, seed);
        Trainer trainer = new Trainer(model, opt, cfg, train, val, dir);
        if (resume && !trainer.resume(dir)) {
            throw new IllegalArgumentException("--resume " + dir + ": no checkpoint.bin there to resume from");
        }
        trainer.setListener(row -> {
            if (progress != null) {
                progress.update(row.epoch(), row.seconds(), Double.NaN, 0,
                        String.format(Locale.ROOT, "epoch %d loss %.4f train %.3f val %.3f", row.epoch(), row.trainLoss(),
                                row.trainAccuracy(), row.valAccuracy()));
            }
        });
        // Ctrl-C: ask the trainer to stop at the end of the epoch, then wait for its final checkpoint.
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cvxformer-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Trainer.Result result;
        try {
            result = trainer.run();
            if (dir != null) {
                AtomicFiles.writeString(dir.resolve("history.csv"), Trainer.historyCsv(result.history()));
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and waits for us
            }
        }
        NeuralTraining t = new NeuralTraining(model, result);
        if (dir != null) {
            t.writePlots(dir, b.operation.cliName() + " p=" + b.data.modulus() + " " + kind);
            SpectrumCommand.drawSpectra(dir, b.operation.cliName() + " p=" + b.data.modulus() + " " + kind);
        }
        return t;
    }

    void writePlots(Path dir, String title) throws IOException {
        List<Trainer.HistoryRow> h = result.history();
        double[] ep = new double[h.size()];
        double[] tr = new double[h.size()];
        double[] va = new double[h.size()];
        double[] loss = new double[h.size()];
        for (int q = 0; q < h.size(); q++) {
            ep[q] = h.get(q).epoch();
            tr[q] = h.get(q).trainAccuracy();
            va[q] = h.get(q).valAccuracy();
            loss[q] = h.get(q).trainLoss();
        }
        Plots.lines(dir.resolve("accuracy.png"), title + ": accuracy", "epoch", "accuracy", true, false,
                List.of(new Plots.Line("train", ep, tr), new Plots.Line("validation", ep, va)));
        Plots.lines(dir.resolve("loss.png"), title + ": training loss (with penalty)", "epoch", "loss", true, true,
                new ArrayList<>(List.of(new Plots.Line("train loss", ep, loss))));
    }
}

package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Trains {@code nonconvex} (AdamW, Power et al. 2022 settings), {@code convex-stack} (the seed
 * paper's multihead convex transformer, Adam) or {@code convex-stack-kernel} (the same with the
 * convex kernel preconditioning, {@link StackKernels}); for the two stacks the head is certified at
 * every checkpoint ({@link HeadCertificate}) on a dataset bundle, with verified checkpoints,
 * exact resume and a Ctrl-C hook ({@link StopHook}) that lets the run write a final checkpoint
 * and publish its folder before the JVM exits.
 */
final class NeuralTraining {
    /** Test hook: when set, the trainer is asked to stop (as by Ctrl-C) once it has recorded this epoch. */
    static volatile Integer stopAfterEpochForTests = null;

    final Model model;
    final Trainer trainer;
    final String kind;
    final int maxEpochs;
    final double maxSeconds;
    /** The head's certificate at checkpoints (convex stacks, unless --no-head-certificate), else null. */
    final HeadCertificate headCertificate;
    Trainer.Result result;
    double finalTrainAccuracy = Double.NaN;
    double finalValAccuracy = Double.NaN;

    private NeuralTraining(String kind, Model model, Trainer trainer, int maxEpochs, double maxSeconds,
            HeadCertificate headCertificate) {
        this.kind = kind;
        this.headCertificate = headCertificate;
        this.model = model;
        this.trainer = trainer;
        this.maxEpochs = maxEpochs;
        this.maxSeconds = maxSeconds;
    }

    static boolean isNeural(String model) {
        return model.equals("nonconvex") || isStack(model);
    }

    /** The seed paper's convex stacks (Convex and Convex Kernel), whose head is certified at checkpoints. */
    static boolean isStack(String model) {
        return model.equals("convex-stack") || model.equals("convex-stack-kernel");
    }

    static int defaultBatch(String model) {
        return model.equals("nonconvex") ? 512 : 32;
    }

    static Model buildModel(String kind, DatasetBundle b, NeuralOptions o, long seed) {
        o.validate(kind);
        NetConfig cfg = new NetConfig(b.data.vocabularySize(), b.data.sequenceLength(), o.width, o.layers,
                b.data.numClasses(), o.dropout(kind));
        if (kind.equals("nonconvex")) {
            return new NonconvexTransformer(cfg, seed);
        }
        if (kind.equals("convex-stack-kernel")) {
            return new ConvexStack(cfg, o.stackBeta, ConvexStack.Penalty.GROUP, seed,
                    StackKernels.forRun(o.width, o.kernelSigma(), seed));
        }
        return new ConvexStack(cfg, o.stackBeta, ConvexStack.Penalty.GROUP, seed);
    }

    static Optimizer buildOptimizer(String kind, NeuralOptions o, double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr = " + lr + ": expected a finite number > 0");
        }
        // adamw: Power et al. 2022's AdamW (betas 0.9/0.98); adam: the seed paper's Adam with coupled L2
        if (o.adamVariant(kind).equals("adamw")) {
            return new AdamW(lr, 0.9, 0.98, 1e-8, o.weightDecay(kind), o.warmup(kind));
        }
        return new Adam(lr, 0.9, 0.999, 1e-8, o.weightDecay(kind), o.warmup(kind));
    }

    /**
     * Builds model, optimizer and trainer (no run folder yet).
     *
     * @param maxSeconds wall-clock budget of this session, {@code <= 0}: none
     */
    static NeuralTraining prepare(String kind, DatasetBundle b, NeuralOptions o, int batch, double lr, int epochs,
            double maxSeconds, long seed, Map<String, String> identity) {
        Model model = buildModel(kind, b, o, seed);
        Optimizer opt = buildOptimizer(kind, o, lr);
        int[] tr = b.split.trainIndices();
        int[] va = b.split.valIndices();
        Trainer.Data train = new Trainer.Data(b.data.tokensFlat(tr), b.data.labels(tr), tr.length);
        Trainer.Data val = new Trainer.Data(b.data.tokensFlat(va), b.data.labels(va), va.length);
        Trainer.Config cfg = new Trainer.Config(batch, epochs, maxSeconds > 0 ? maxSeconds : 0,
                o.evalEvery, o.checkpointEvery, 0.99, !o.noStopAtConvergence, seed);
        Trainer trainer = new Trainer(model, opt, cfg, train, val, null);
        trainer.setIdentity(identity);
        HeadCertificate hc = null;
        if (model instanceof ConvexStack stack && !o.noHeadCertificate) {
            if (!(o.stackBeta > 0)) {
                throw new IllegalArgumentException("--stack-beta 0: the head certificate needs beta > 0 (problem (P)); "
                        + "pass --no-head-certificate to train without it");
            }
            HeadCertificate.checkMemory(tr.length, va.length, b.data.sequenceLength(), o.width, b.data.numClasses());
            hc = new HeadCertificate(stack, train, val, o.headSolveSeconds, o.saveHeadProblems);
        }
        return new NeuralTraining(kind, model, trainer, epochs, maxSeconds, hc);
    }

    /**
     * Trains in {@code dir} (the staging folder) until a stopping rule fires, then writes
     * {@code history.csv} (complete; it also grew line by line during the run), {@code accuracy.png},
     * {@code loss.png} and the spectral plots.
     */
    void run(Path dir, String title, Progress progress, StopHook hook) throws IOException {
        trainer.setDirectory(dir);
        int first = trainer.epoch();
        trainer.setListener(row -> {
            if (progress != null) {
                progress.epoch(row.epoch(), maxEpochs, first, row.trainLoss(), row.trainAccuracy(), row.valAccuracy(), maxSeconds);
            }
            Integer stopAt = stopAfterEpochForTests;
            if (stopAt != null && row.epoch() >= stopAt) {
                trainer.requestStop();
            }
        });
        hook.watch(trainer);
        if (headCertificate != null) {
            headCertificate.attach(dir, trainer.epoch());
            trainer.setCheckpointHook(headCertificate);
        }
        result = trainer.run();
        AtomicFiles.writeString(dir.resolve(Trainer.HISTORY), Trainer.historyCsv(result.history()));
        List<Trainer.HistoryRow> h = result.history();
        if (!h.isEmpty()) {
            finalTrainAccuracy = h.get(h.size() - 1).trainAccuracy();
            finalValAccuracy = h.get(h.size() - 1).valAccuracy();
        }
        writePlots(dir, title);
        SpectrumCommand.drawSpectra(dir, title);
        if (headCertificate != null) {
            HeadCertificate.plots(dir, title);
        }
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
        Plots.lines(dir.resolve("accuracy.png"), title + ": accuracy", Plots.Axes.accuracy("epoch", true),
                List.of(new Plots.Line("train", ep, tr), new Plots.Line("validation", ep, va)));
        Plots.lines(dir.resolve("loss.png"), title + ": training loss (with penalty)", "epoch", "loss", true, true,
                new ArrayList<>(List.of(new Plots.Line("train loss", ep, loss))));
    }

    /**
     * Ctrl-C (SIGINT, a JVM shutdown hook): asks the trainer to stop at the end of its epoch, then
     * holds the JVM until the command has written the final checkpoint, published the run folder
     * and printed the resume command ({@link #close()}), for at most two minutes.
     */
    static final class StopHook implements AutoCloseable {
        private final CountDownLatch done = new CountDownLatch(1);
        private final Thread thread;
        private volatile Trainer trainer;
        private volatile boolean fired;

        StopHook() {
            thread = new Thread(() -> {
                fired = true;
                Trainer t = trainer;
                if (t == null) {
                    return; // not training yet: nothing to save
                }
                t.requestStop();
                try {
                    done.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cvxformer-stop");
            Runtime.getRuntime().addShutdownHook(thread);
        }

        void watch(Trainer t) {
            this.trainer = t;
            if (fired) {
                t.requestStop();
            }
        }

        @Override
        public void close() {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and now returns
            }
        }
    }
}

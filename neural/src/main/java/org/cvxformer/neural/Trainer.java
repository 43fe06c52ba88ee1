package org.cvxformer.neural;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.cvxformer.core.io.AtomicFiles;

/**
 * Minibatch training of a {@link Model} with an {@link Optimizer}, evaluation, stopping rules and
 * exact checkpoint/resume.
 *
 * <p>Each epoch: a permutation of the training samples from the trainer's {@link Rng} (Fisher-Yates
 * on the identity), batches of {@code batchSize} in that order (the last one may be smaller), and for
 * each batch one dropout seed drawn from the same generator, {@code lossAndGradient}, an optimizer
 * step and {@link Model#project()}. Every {@code evalEvery} epochs (and at the last epoch) train and
 * validation accuracy are computed in evaluation mode and a {@link HistoryRow} is recorded; its train
 * loss is the sample-weighted mean of the epoch's training-mode minibatch losses (including any model
 * penalty).
 *
 * <p>Stops after an epoch when: {@code maxEpochs} is reached; the wall-clock budget is used up; the
 * convergence criterion holds (validation accuracy at an evaluated epoch {@code >= convergenceAccuracy},
 * if {@code stopAtConvergence}); or {@link #requestStop()} was called (it takes effect at the end of the
 * current epoch, so that the final checkpoint is an exact resume point).
 *
 * <p>Checkpoints (when a run directory is set): every {@code checkpointEvery} epochs and when the run
 * stops, {@code checkpoint.bin} is replaced atomically (parameters, optimizer state, RNG state, epoch,
 * elapsed seconds, history) and {@code spectra/epoch-NNNNNN.csv} gets the singular values and
 * effective rank of every weight matrix ({@link Spectra#toCsv}). {@link #resume(Path)} restores a
 * checkpoint; training continued from it gives the same parameters and history rows (bit for bit,
 * except the wall-clock {@code seconds} column) as an uninterrupted run.
 */
public final class Trainer {
    private static final long MAGIC = 0x4356584E4E434B31L; // "CVXNNCK1"
    public static final String CHECKPOINT = "checkpoint.bin";

    /**
     * Training settings.
     *
     * @param batchSize           samples per step
     * @param maxEpochs           epoch budget
     * @param maxSeconds          wall-clock budget (training + evaluation), {@code <= 0}: none
     * @param evalEvery           evaluate (and record a history row) every this many epochs
     * @param checkpointEvery     checkpoint every this many epochs ({@code <= 0}: only at the end)
     * @param convergenceAccuracy validation accuracy that counts as converged (0.99)
     * @param stopAtConvergence   stop at the first converged evaluation
     * @param seed                seeds shuffling and dropout
     */
    public record Config(int batchSize, int maxEpochs, double maxSeconds, int evalEvery,
                         int checkpointEvery, double convergenceAccuracy, boolean stopAtConvergence,
                         long seed) {
        public Config {
            if (batchSize < 1 || maxEpochs < 0 || evalEvery < 1) {
                throw new IllegalArgumentException("bad trainer settings");
            }
        }

        public static Config defaults(int batchSize, int maxEpochs, long seed) {
            return new Config(batchSize, maxEpochs, 0, 1, 100, 0.99, true, seed);
        }
    }

    /** A labelled set of token sequences: {@code tokens} is {@code count * seqLen}, sample-major. */
    public record Data(int[] tokens, int[] labels, int count) {
    }

    /** One evaluated epoch. {@code seconds} is cumulative wall-clock time since the start of the run. */
    public record HistoryRow(int epoch, double seconds, double trainLoss, double trainAccuracy,
                             double valAccuracy) {
    }

    /** Why a run stopped. */
    public enum StopReason { EPOCHS, TIME, CONVERGED, REQUESTED }

    /**
     * Outcome of {@link #run()}.
     *
     * @param convergedEpoch first epoch with validation accuracy {@code >= convergenceAccuracy}, or -1
     */
    public record Result(StopReason reason, int epochs, int convergedEpoch, double seconds,
                         List<HistoryRow> history) {
    }

    private final Model model;
    private final Optimizer optimizer;
    private final Config cfg;
    private final Data train;
    private final Data val;
    private final boolean[] decay;
    private Path dir;
    private Consumer<HistoryRow> listener = r -> { };
    private volatile boolean stopRequested;

    private final Rng rng;
    private int epoch;
    private double elapsed;
    private int convergedEpoch = -1;
    private final List<HistoryRow> history = new ArrayList<>();

    /** {@code dir} (may be null) receives checkpoints and spectra; it is created if missing. */
    public Trainer(Model model, Optimizer optimizer, Config cfg, Data train, Data val, Path dir) {
        this.model = model;
        this.optimizer = optimizer;
        this.cfg = cfg;
        this.train = train;
        this.val = val;
        this.dir = dir;
        this.decay = Optimizer.decayMask(model);
        this.rng = new Rng(cfg.seed());
    }

    /** Called with each history row as it is recorded (e.g. for a progress bar). */
    public void setListener(Consumer<HistoryRow> l) {
        this.listener = l == null ? r -> { } : l;
    }

    /** Asks the run to stop at the end of the current epoch and write a final checkpoint. Thread-safe. */
    public void requestStop() {
        stopRequested = true;
    }

    public int epoch() {
        return epoch;
    }

    public List<HistoryRow> history() {
        return Collections.unmodifiableList(history);
    }

    public int convergedEpoch() {
        return convergedEpoch;
    }

    /** Trains until a stopping rule fires. */
    public Result run() throws IOException {
        if (dir != null) {
            Files.createDirectories(dir);
        }
        int n = model.seqLen();
        int bs = cfg.batchSize();
        int[] bt = new int[bs * n];
        int[] bl = new int[bs];
        double[] grad = new double[model.parameterCount()];
        int[] perm = new int[train.count()];
        long start = System.nanoTime();
        double base = elapsed;
        StopReason reason = null;
        if (epoch >= cfg.maxEpochs()) {
            reason = StopReason.EPOCHS;
        }
        while (reason == null) {
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
            rng.shuffle(perm);
            double lossSum = 0;
            for (int b0 = 0; b0 < perm.length; b0 += bs) {
                int m = Math.min(bs, perm.length - b0);
                for (int i = 0; i < m; i++) {
                    int s = perm[b0 + i];
                    System.arraycopy(train.tokens(), s * n, bt, i * n, n);
                    bl[i] = train.labels()[s];
                }
                long seed = rng.nextLong();
                double loss = model.lossAndGradient(bt, bl, m, grad, seed, true);
                optimizer.step(model.parameters(), grad, decay);
                model.project();
                lossSum += loss * m;
            }
            epoch++;
            elapsed = base + (System.nanoTime() - start) * 1e-9;
            boolean last = epoch >= cfg.maxEpochs();
            if (epoch % cfg.evalEvery() == 0 || last) {
                double trainAcc = model.accuracy(train.tokens(), train.labels(), train.count());
                double valAcc = val == null || val.count() == 0 ? Double.NaN
                        : model.accuracy(val.tokens(), val.labels(), val.count());
                elapsed = base + (System.nanoTime() - start) * 1e-9;
                HistoryRow row = new HistoryRow(epoch, elapsed, lossSum / Math.max(1, perm.length),
                        trainAcc, valAcc);
                history.add(row);
                if (convergedEpoch < 0 && valAcc >= cfg.convergenceAccuracy()) {
                    convergedEpoch = epoch;
                }
                listener.accept(row);
            }
            if (last) {
                reason = StopReason.EPOCHS;
            } else if (cfg.stopAtConvergence() && convergedEpoch > 0) {
                reason = StopReason.CONVERGED;
            } else if (cfg.maxSeconds() > 0 && elapsed >= cfg.maxSeconds()) {
                reason = StopReason.TIME;
            } else if (stopRequested) {
                reason = StopReason.REQUESTED;
            }
            if (dir != null && (reason != null
                    || (cfg.checkpointEvery() > 0 && epoch % cfg.checkpointEvery() == 0))) {
                checkpoint();
            }
        }
        return new Result(reason, epoch, convergedEpoch, elapsed, history());
    }

    /** Writes {@code checkpoint.bin} and this epoch's spectra now (atomically each). */
    public void checkpoint() throws IOException {
        if (dir == null) {
            throw new IllegalStateException("no run directory");
        }
        Files.createDirectories(dir);
        double[] p = model.parameters();
        AtomicFiles.write(dir.resolve(CHECKPOINT), os -> {
            DataOutputStream out = new DataOutputStream(os);
            out.writeLong(MAGIC);
            out.writeInt(p.length);
            for (double v : p) {
                out.writeDouble(v);
            }
            optimizer.writeState(out);
            out.writeLong(rng.state());
            out.writeInt(epoch);
            out.writeDouble(elapsed);
            out.writeInt(convergedEpoch);
            out.writeInt(history.size());
            for (HistoryRow r : history) {
                out.writeInt(r.epoch());
                out.writeDouble(r.seconds());
                out.writeDouble(r.trainLoss());
                out.writeDouble(r.trainAccuracy());
                out.writeDouble(r.valAccuracy());
            }
            out.flush();
        });
        Path sd = dir.resolve("spectra");
        Files.createDirectories(sd);
        AtomicFiles.writeString(sd.resolve(String.format(Locale.ROOT, "epoch-%06d.csv", epoch)),
                Spectra.toCsv(Spectra.of(model)));
    }

    /**
     * Restores model parameters, optimizer state, RNG, epoch, elapsed time and history from
     * {@code dir/checkpoint.bin}, and makes {@code dir} the run directory. Returns false (changing
     * nothing) if there is no checkpoint.
     */
    public boolean resume(Path dir) throws IOException {
        Path f = dir.resolve(CHECKPOINT);
        if (!Files.exists(f)) {
            return false;
        }
        double[] p = model.parameters();
        try (InputStream is = new BufferedInputStream(Files.newInputStream(f), 1 << 16);
             DataInputStream in = new DataInputStream(is)) {
            if (in.readLong() != MAGIC) {
                throw new IOException(f + ": not a cvxformer nn checkpoint");
            }
            int len = in.readInt();
            if (len != p.length) {
                throw new IOException(f + ": " + len + " parameters, model has " + p.length);
            }
            double[] np = new double[len];
            for (int i = 0; i < len; i++) {
                np[i] = in.readDouble();
            }
            optimizer.readState(in);
            long rs = in.readLong();
            int ep = in.readInt();
            double el = in.readDouble();
            int conv = in.readInt();
            int rows = in.readInt();
            List<HistoryRow> h = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                h.add(new HistoryRow(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble()));
            }
            System.arraycopy(np, 0, p, 0, len);
            rng.setState(rs);
            epoch = ep;
            elapsed = el;
            convergedEpoch = conv;
            history.clear();
            history.addAll(h);
        }
        this.dir = dir;
        return true;
    }

    /** History as CSV: {@code epoch,seconds,train_loss,train_acc,val_acc}. */
    public static String historyCsv(List<HistoryRow> rows) {
        StringBuilder sb = new StringBuilder("epoch,seconds,train_loss,train_acc,val_acc\n");
        for (HistoryRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.17g,%.17g,%.17g%n", r.epoch(), r.seconds(),
                    r.trainLoss(), r.trainAccuracy(), r.valAccuracy()));
        }
        return sb.toString();
    }
}

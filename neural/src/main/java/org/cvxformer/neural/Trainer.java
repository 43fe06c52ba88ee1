package org.cvxformer.neural;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
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
 * stops, {@code checkpoint.bin} is replaced atomically (run identity, parameters, optimizer state, RNG
 * state, epoch, elapsed seconds, history, and a CRC32C of it all; the one before is kept as
 * {@code checkpoint.prev.bin}), {@code history.csv} grows by one flushed line per evaluated epoch, and {@code spectra/epoch-NNNNNN.csv} gets the singular values and
 * effective rank of every weight matrix ({@link Spectra#toCsv}). {@link #resume(Path)} restores a
 * checkpoint; training continued from it gives the same parameters and history rows (bit for bit,
 * except the wall-clock {@code seconds} column) as an uninterrupted run.
 */
public final class Trainer {
    private static final long MAGIC_V1 = 0x4356584E4E434B31L; // "CVXNNCK1" (no checksum; refused)
    private static final long MAGIC = 0x4356584E4E434B32L; // "CVXNNCK2"
    private static final int FORMAT = 2;
    private static final int HEADER_BYTES = 16;
    public static final String CHECKPOINT = "checkpoint.bin";
    /** The checkpoint before the last one, kept so a damaged {@link #CHECKPOINT} does not lose the run. */
    public static final String PREVIOUS_CHECKPOINT = "checkpoint.prev.bin";
    /** Written row by row (flushed at each evaluated epoch) while the run goes, so {@code tail -f} works. */
    public static final String HISTORY = "history.csv";

    /**
     * Training settings.
     *
     * @param batchSize           samples per step
     * @param maxEpochs           epoch budget
     * @param maxSeconds          wall-clock budget of this {@link #run()} call (training + evaluation;
     *                            a resumed run gets a fresh budget, not what is left of the first),
     *                            {@code <= 0}: none
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
    private Map<String, String> identity = new TreeMap<>();

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

    /** Makes {@code dir} the run directory (checkpoints, spectra, history.csv), e.g. a staging folder after {@link #resume}. */
    public void setDirectory(Path dir) {
        this.dir = dir;
    }

    /** Called with each history row as it is recorded (e.g. for a progress bar). */
    public void setListener(Consumer<HistoryRow> l) {
        this.listener = l == null ? r -> { } : l;
    }

    /**
     * Called after every checkpoint with the epoch just written (e.g. the convex head's certificate).
     * Its wall-clock time is not counted as training time ({@link Result#seconds()}, the time budget).
     */
    public interface CheckpointHook {
        void afterCheckpoint(int epoch) throws IOException;
    }

    private CheckpointHook checkpointHook;

    /** Sets the {@link CheckpointHook} (null: none). */
    public void setCheckpointHook(CheckpointHook h) {
        this.checkpointHook = h;
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
        BufferedWriter historyOut = null;
        if (dir != null) {
            Files.createDirectories(dir);
            // history.csv holds the rows so far (those of a resumed checkpoint first) and grows by
            // one flushed line per evaluated epoch, so it can be followed with tail -f
            AtomicFiles.writeString(dir.resolve(HISTORY), historyCsv(history));
            historyOut = Files.newBufferedWriter(dir.resolve(HISTORY), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        try {
            return train(historyOut);
        } finally {
            if (historyOut != null) {
                historyOut.close();
            }
        }
    }

    private Result train(BufferedWriter historyOut) throws IOException {
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
                if (historyOut != null) {
                    historyOut.write(historyLine(row));
                    historyOut.flush();
                }
                if (convergedEpoch < 0 && valAcc >= cfg.convergenceAccuracy()) {
                    convergedEpoch = epoch;
                }
                listener.accept(row);
            }
            if (last) {
                reason = StopReason.EPOCHS;
            } else if (cfg.stopAtConvergence() && convergedEpoch > 0) {
                reason = StopReason.CONVERGED;
            } else if (cfg.maxSeconds() > 0 && (System.nanoTime() - start) * 1e-9 >= cfg.maxSeconds()) {
                reason = StopReason.TIME;
            } else if (stopRequested) {
                reason = StopReason.REQUESTED;
            }
            if (dir != null && (reason != null
                    || (cfg.checkpointEvery() > 0 && epoch % cfg.checkpointEvery() == 0))) {
                checkpoint();
                if (checkpointHook != null) {
                    long h0 = System.nanoTime();
                    checkpointHook.afterCheckpoint(epoch);
                    start += System.nanoTime() - h0; // the hook's time is not training time
                }
            }
        }
        return new Result(reason, epoch, convergedEpoch, elapsed, history());
    }

    /**
     * Writes {@code checkpoint.bin} and this epoch's spectra now (atomically each). The checkpoint
     * that was there becomes {@code checkpoint.prev.bin}, so one good earlier state survives a
     * checkpoint that is later damaged.
     *
     * <p>Format 2: magic {@code CVXNNCK2}, format number, payload length, payload (run identity,
     * epoch, parameters, optimizer state, RNG state, epoch, elapsed seconds, converged epoch, history),
     * then the CRC32C of everything before it. {@link #resume(Path)} checks the length, the
     * checksum and the identity before it changes anything.
     */
    public void checkpoint() throws IOException {
        if (dir == null) {
            throw new IllegalStateException("no run directory");
        }
        Files.createDirectories(dir);
        double[] p = model.parameters();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(payload);
        writeIdentity(out, identity);
        out.writeInt(epoch); // also below; here so a message can name a checkpoint's epoch without parsing it all
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
        byte[] body = payload.toByteArray();
        ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).putLong(MAGIC).putInt(FORMAT).putInt(body.length);
        CRC32C crc = new CRC32C();
        crc.update(head.array());
        crc.update(body);
        int sum = (int) crc.getValue();
        Path f = dir.resolve(CHECKPOINT);
        if (Files.exists(f)) {
            Files.move(f, dir.resolve(PREVIOUS_CHECKPOINT), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        AtomicFiles.write(f, os -> {
            os.write(head.array());
            os.write(body);
            os.write(ByteBuffer.allocate(4).putInt(sum).array());
        });
        Path sd = dir.resolve("spectra");
        Files.createDirectories(sd);
        AtomicFiles.writeString(sd.resolve(String.format(Locale.ROOT, "epoch-%06d.csv", epoch)),
                Spectra.toCsv(Spectra.of(model)));
    }

    /**
     * Restores model parameters, optimizer state, RNG, epoch, elapsed time and history from
     * {@code dir/checkpoint.bin}, and makes {@code dir} the run directory. Returns false (changing
     * nothing) if there is no checkpoint at all.
     *
     * @throws CheckpointException (changing nothing) if the checkpoint is empty, truncated,
     *     fails its checksum, is not a cvxformer checkpoint, or belongs to another run (its
     *     identity differs from {@link #setIdentity}); the message names the earlier good
     *     checkpoint, if one is kept
     */
    public boolean resume(Path dir) throws IOException {
        Path f = dir.resolve(CHECKPOINT);
        if (!Files.exists(f)) {
            if (Files.exists(dir.resolve(PREVIOUS_CHECKPOINT))) {
                throw new CheckpointException(f + " is missing (a checkpoint was being replaced when the run stopped); "
                        + previousHint(dir));
            }
            return false;
        }
        Loaded c;
        try {
            c = load(f, model.parameterCount());
        } catch (CheckpointException e) {
            throw new CheckpointException(e.getMessage() + "; " + previousHint(dir));
        }
        if (!c.identity.equals(identity)) {
            throw new CheckpointException(f + " belongs to another run: " + identityDifference(c.identity, identity)
                    + "; resume it with the settings it was written for, or start a new run with another --out");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(c.body, c.afterIdentity,
                c.body.length - c.afterIdentity));
        double[] p = model.parameters();
        try {
            in.readInt(); // the epoch, repeated below
            int len = in.readInt();
            if (len != p.length) {
                throw new CheckpointException(f + " belongs to another run: it holds " + len + " parameters, the model has "
                        + p.length);
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
            if (rows < 0 || rows > ep + 1) {
                throw new CheckpointException(f + " is corrupt: " + rows + " history rows at epoch " + ep);
            }
            List<HistoryRow> h = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                h.add(new HistoryRow(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble()));
            }
            if (in.available() != 0) {
                throw new CheckpointException(f + " is corrupt: " + in.available() + " unread bytes after the history");
            }
            System.arraycopy(np, 0, p, 0, len);
            rng.setState(rs);
            epoch = ep;
            elapsed = el;
            convergedEpoch = conv;
            history.clear();
            history.addAll(h);
        } catch (EOFException e) {
            // the checksum matched, so this is a checkpoint of another layout (e.g. another optimizer)
            throw new CheckpointException(f + " belongs to another run: its contents do not match this model and optimizer");
        }
        this.dir = dir;
        return true;
    }

    /** What to say about {@code checkpoint.prev.bin} when {@code checkpoint.bin} cannot be used. */
    private String previousHint(Path dir) {
        Path prev = dir.resolve(PREVIOUS_CHECKPOINT);
        if (!Files.exists(prev)) {
            return "no earlier checkpoint is kept: start the run again";
        }
        try {
            Loaded c = load(prev, model.parameterCount());
            if (!c.identity.equals(identity)) {
                return "the earlier " + PREVIOUS_CHECKPOINT + " belongs to another run too: start the run again";
            }
            int ep = new DataInputStream(new ByteArrayInputStream(c.body, c.afterIdentity, 4)).readInt();
            return "the last good state is " + prev + " (epoch " + ep + "): to resume from there, "
                    + "mv " + prev + " " + dir.resolve(CHECKPOINT);
        } catch (IOException | RuntimeException e) {
            return "the earlier " + PREVIOUS_CHECKPOINT + " is damaged too: start the run again";
        }
    }

    /** A checkpoint whose length and checksum have been verified. */
    private record Loaded(Map<String, String> identity, byte[] body, int afterIdentity) {
    }

    private static Loaded load(Path f, int expectedParameters) throws IOException {
        byte[] all = Files.readAllBytes(f);
        String name = f.toString();
        if (all.length == 0) {
            throw new CheckpointException(name + " is corrupt: the file is empty (0 bytes)");
        }
        if (all.length < HEADER_BYTES + 4) {
            throw new CheckpointException(name + " is corrupt: truncated to " + all.length + " bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(all);
        long magic = bb.getLong();
        if (magic == MAGIC_V1) {
            throw new CheckpointException(name + " was written by an older cvxformer (format 1, without a checksum): "
                    + "it cannot be verified; start the run again");
        }
        if (magic != MAGIC) {
            throw new CheckpointException(name + " is not a cvxformer checkpoint (its first bytes are not CVXNNCK2)");
        }
        int format = bb.getInt();
        int len = bb.getInt();
        if (format != FORMAT) {
            throw new CheckpointException(name + " is corrupt: unknown format number " + format);
        }
        long expected = (long) HEADER_BYTES + len + 4;
        if (len < 0 || all.length < expected) {
            throw new CheckpointException(name + " is corrupt: truncated (" + all.length + " bytes"
                    + (len >= 0 ? ", expected " + expected : "") + ")");
        }
        if (all.length > expected) {
            throw new CheckpointException(name + " is corrupt: " + (all.length - expected) + " bytes after its end");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, HEADER_BYTES + len);
        int stored = ByteBuffer.wrap(all, HEADER_BYTES + len, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new CheckpointException(name + " is corrupt: checksum mismatch (CRC32C stored "
                    + String.format(Locale.ROOT, "%08x, computed %08x", stored, (int) crc.getValue()) + ")");
        }
        byte[] body = java.util.Arrays.copyOfRange(all, HEADER_BYTES, HEADER_BYTES + len);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        Map<String, String> id = readIdentity(in);
        return new Loaded(id, body, body.length - in.available());
    }

    private static void writeIdentity(DataOutputStream out, Map<String, String> id) throws IOException {
        out.writeInt(id.size());
        for (Map.Entry<String, String> e : id.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static Map<String, String> readIdentity(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new CheckpointException("bad identity size " + n);
        }
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readUTF());
        }
        return m;
    }

    /** The first setting in which two identities differ, as "lr 0.003 there, 0.01 here". */
    static String identityDifference(Map<String, String> there, Map<String, String> here) {
        TreeMap<String, String> keys = new TreeMap<>(there);
        here.forEach(keys::putIfAbsent);
        for (String k : keys.keySet()) {
            String a = there.get(k);
            String b = here.get(k);
            if (!java.util.Objects.equals(a, b)) {
                return k + " " + (a == null ? "(unset)" : a) + " there, " + (b == null ? "(unset)" : b) + " here";
            }
        }
        return "identical settings";
    }

    /**
     * What a checkpoint belongs to: model, its settings, optimizer settings, data and split hash.
     * A checkpoint written under another identity is refused by {@link #resume(Path)}. Only
     * settings that change the result belong here (not the epoch budget, time budget, threads or
     * checkpoint frequency, which a resume may change).
     */
    public void setIdentity(Map<String, String> id) {
        this.identity = new TreeMap<>(id);
    }

    /** A checkpoint that cannot be used: the message says why and what to do. */
    public static final class CheckpointException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public CheckpointException(String message) {
            super(message);
        }
    }

    /** History as CSV: {@code epoch,seconds,train_loss,train_acc,val_acc}. */
    public static String historyCsv(List<HistoryRow> rows) {
        StringBuilder sb = new StringBuilder("epoch,seconds,train_loss,train_acc,val_acc\n");
        for (HistoryRow r : rows) {
            sb.append(historyLine(r));
        }
        return sb.toString();
    }

    /** One CSV line of {@link #historyCsv}, with its newline. */
    public static String historyLine(HistoryRow r) {
        return String.format(Locale.ROOT, "%d,%.6f,%.17g,%.17g,%.17g\n", r.epoch(), r.seconds(), r.trainLoss(),
                r.trainAccuracy(), r.valAccuracy());
    }
}

package org.cvxformer.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.problem.ScoreStream;
import org.cvxformer.core.problem.Designs;

/**
 * The memory a command needs, estimated from the shapes alone before anything large is
 * allocated, and the refusal when it cannot fit (issue 10, "memory is checked before it is
 * spent"). Every command calls one of the {@code for...} factories at the start of its work and
 * then {@link #check()}; the refusal is an {@link IllegalArgumentException}, so it is exit 2
 * with one line naming the estimate, the JVM's maximum heap ({@link Runtime#maxMemory()}) and
 * what to change ({@code -Xmx} through {@code CVXFORMER_JAVA_OPTS}, fewer classes, a smaller p).
 *
 * <p>An estimate is a list of items, each the bytes of the arrays of one kind that are alive
 * together at the peak (8 bytes per double, 4 per int; object headers are ignored, they are
 * small against the arrays). Every formula below is an upper estimate of what the code
 * allocates today; it is not a measurement, and it is meant to err on the large side by at most
 * a small factor. Besides the total, every single array must fit in one Java array
 * ({@link #MAX_ARRAY_LENGTH} elements): that limit does not move with {@code -Xmx}, and it is
 * what used to end in {@code NegativeArraySizeException} when an {@code int} product overflowed.
 *
 * <p>The headroom rule: the estimate must fit in {@code maxMemory - used}, where {@code used}
 * is the heap in use when the check runs (the JVM, picocli and the class data; a few tens of MB
 * at the start of a command), times {@link #HEADROOM} for the collector's working room.
 *
 * <p>Notation as in math.md: {@code N} samples, {@code n} tokens, {@code d} features per token,
 * {@code c} classes, {@code V} the vocabulary of an algorithmic dataset.
 */
final class MemoryEstimate {
    /** Most elements one Java array holds on HotSpot ({@code Integer.MAX_VALUE - 8}). */
    static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /**
     * Most classes inferred from labels without {@code --classes} ({@link Inputs}): 100 000.
     * Beyond it the one-hot targets alone ({@code N x c} doubles) need 80 GB at {@code N = c},
     * so a label that large is almost surely a data error (a sample id, a raw value); a user who
     * means it says so with {@code --classes}, and the memory estimate decides.
     */
    static final int MAX_INFERRED_CLASSES = 100_000;

    /**
     * Copies of the {@code N x c} scores alive in one solve, certificate included. Counted in
     * {@code ProxNewton} (the largest): scores, residual {@code U}, class-major probabilities,
     * residual and step scores, the screening residual, trial scores, the score state's two
     * class-major arrays, the dual-extrapolation snapshots ({@code K} of them) and the
     * certificate's {@code U0} and rescaled copy: 16, plus 2 for the collector's large-array
     * regions (measured: a solve with N = 20, c = 10^6 needs a 3.5 GB heap, this estimate 3.6 GB).
     */
    static final int SCORE_COPIES = 18;

    /** Score blocks a streamed pass holds at once (per thread, with the collector's room). */
    static final int STREAM_BLOCK_COPIES = 8;

    /** Per-sample arrays of a streamed solve (labels' scale factors, per-row terms of the passes). */
    static final int SAMPLE_ARRAYS = 4;

    /**
     * {@code certify}'s dual search ({@code DualSearch}) still holds whole {@code N x c} arrays:
     * the residual, its rescaled copies and the candidates it compares.
     */
    static final int DUAL_SEARCH_COPIES = 8;

    /**
     * Copies of the {@code c x n x d} parameters alive in one solve: {@code Z}, gradient, step,
     * trial and best point, the screening gradient, the certificate's {@code G}, the warm start
     * and the result.
     */
    static final int PARAMETER_COPIES = 10;

    /** Square matrices a solve may form (Gram for sigma_max, the squared-loss system and its factor). */
    static final int SQUARE_COPIES = 2;

    /** Slack on top of the estimate for the garbage collector's working room. */
    static final double HEADROOM = 1.15;

    /** Copies of the neural parameters: values, transposes, gradient, Adam's two moments, checkpoint read buffer. */
    static final int NEURAL_PARAMETER_COPIES = 6;

    /**
     * Workspaces of a neural pass: the network runs a batch as one pass (its kernels split rows
     * over threads, not the batch into chunks), with one float gradient copy.
     */
    static final int NEURAL_CHUNKS = 1;

    /** Samples per evaluation pass of the neural models ({@link org.cvxformer.neural.Network#EVAL_CHUNK}). */
    static final int NEURAL_EVAL_CHUNK = org.cvxformer.neural.Network.EVAL_CHUNK;

    /**
     * One kind of array: its name, bytes and what makes it smaller (null: the estimate's default).
     */
    record Item(String name, long bytes, String fix) {
    }

    private final String what;
    private final String smaller;
    private final List<Item> items = new ArrayList<>();
    private String tooLong;
    private String tooLongFix;
    private String nextFix;

    /**
     * @param what    what needs the memory, for the message ("train --model convex on mod-division p = 97")
     * @param smaller what the user can make smaller, for the message ("a smaller --p")
     */
    MemoryEstimate(String what, String smaller) {
        this.what = what;
        this.smaller = smaller;
    }

    /** What makes the next item added smaller, for the message when it is the largest or too long. */
    MemoryEstimate fix(String fix) {
        this.nextFix = fix;
        return this;
    }

    /** Adds {@code count} arrays of {@code dims} elements of {@code elementBytes} each; checks that one fits a Java array. */
    MemoryEstimate arrays(String name, long count, int elementBytes, long... dims) {
        long length = product(dims);
        if (length > MAX_ARRAY_LENGTH && tooLong == null) {
            tooLong = name + " (" + String.format(Locale.ROOT, "%.3g", (double) length) + " entries)";
            tooLongFix = nextFix;
        }
        items.add(new Item(name, times(times(length, elementBytes), count), nextFix));
        nextFix = null;
        return this;
    }

    /** One array of doubles. */
    MemoryEstimate doubles(String name, long... dims) {
        return arrays(name, 1, 8, dims);
    }

    /** One array of ints. */
    MemoryEstimate ints(String name, long... dims) {
        return arrays(name, 1, 4, dims);
    }

    /** Bytes that are not one array (a sum of many small ones). */
    MemoryEstimate bytes(String name, long bytes) {
        items.add(new Item(name, Math.max(0, bytes), nextFix));
        nextFix = null;
        return this;
    }

    /** Adds another estimate's items (a command that does two things at once). */
    MemoryEstimate plus(MemoryEstimate o) {
        items.addAll(o.items);
        if (tooLong == null) {
            tooLong = o.tooLong;
            tooLongFix = o.tooLongFix;
        }
        return this;
    }

    /** The estimated peak, in bytes (saturates at {@code Long.MAX_VALUE}). */
    long total() {
        long t = 0;
        for (Item i : items) {
            t = plus(t, i.bytes());
        }
        return t;
    }

    List<Item> items() {
        return List.copyOf(items);
    }

    /** Refuses (IllegalArgumentException, one line) when the estimate does not fit this JVM's heap. */
    void check() {
        Runtime rt = Runtime.getRuntime();
        check(rt.maxMemory(), rt.totalMemory() - rt.freeMemory(), physicalMemory());
    }

    /**
     * Refuses when an array is longer than a Java array holds, or when the estimate times
     * {@link #HEADROOM} exceeds {@code maxHeap - used}.
     *
     * @param physical the machine's memory in bytes, or 0 when unknown (only for the hint)
     */
    void check(long maxHeap, long used, long physical) {
        long total = total();
        long need = (long) Math.min(Long.MAX_VALUE, total * HEADROOM);
        if (tooLong == null && need <= maxHeap - used) {
            return;
        }
        StringBuilder sb = new StringBuilder(what).append(" needs about ").append(human(total)).append(" of memory (");
        List<Item> big = new ArrayList<>(items);
        big.sort(Comparator.comparingLong(Item::bytes).reversed());
        for (int q = 0; q < Math.min(2, big.size()); q++) {
            sb.append(q == 0 ? "" : ", ").append(big.get(q).name()).append(' ').append(human(big.get(q).bytes()));
        }
        sb.append(')');
        if (tooLong != null) {
            sb.append(" and ").append(tooLong).append(" is larger than one Java array can hold (2^31 - 9 entries), "
                    + "whatever the heap: use ").append(tooLongFix != null ? tooLongFix : smaller);
            throw new IllegalArgumentException(sb.toString());
        }
        String smaller = big.get(0).fix() != null ? big.get(0).fix() : this.smaller;
        sb.append(", more than this JVM's maximum heap of ").append(human(maxHeap)).append(" allows");
        long suggest = suggestedHeap(need + used);
        if (physical > 0 && suggest > physical) {
            sb.append(" (and more than this machine's ").append(human(physical)).append("): use ").append(smaller);
        } else {
            sb.append(": raise it with CVXFORMER_JAVA_OPTS=-Xmx").append(suggest >> 30).append("g, or use ").append(smaller);
        }
        throw new IllegalArgumentException(sb.toString());
    }

    /** The next whole number of GiB above {@code bytes}, at least 1 GiB. */
    static long suggestedHeap(long bytes) {
        long g = 1L << 30;
        return Math.max(g, (bytes / g + 1) * g);
    }

    /** Total memory of the machine, or 0 when the JVM does not say. */
    static long physicalMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // not every JVM has the com.sun extension: the hint then leaves the machine out
        }
        return 0;
    }

    // ------------------------------------------------------------------ the items, one formula each

    /**
     * The working set of one convex solve with its certificate, on {@code N} samples with
     * {@code nd = n * d} features and {@code c} classes. The default solver (FISTA, and the
     * certifier it ends with) streams the scores in blocks of {@link ScoreStream#BLOCK_ENTRIES}
     * ({@link org.cvxformer.core.problem.Problem#estimatedBytes()} is the core's own count), so
     * the scores cost
     *
     * <pre>
     *   8 * SCORE_COPIES * N * c                               when N c <= BLOCK_ENTRIES (held in memory)
     *   8 * (STREAM_BLOCK_COPIES * BLOCK_ENTRIES + SAMPLE_ARRAYS * N)   otherwise (streamed)
     * </pre>
     *
     * plus {@code 8 * (PARAMETER_COPIES * c * nd + SQUARE_COPIES * min(min(nd, N)^2, MAX_SQUARE_ENTRIES))}.
     * Solvers that hold whole {@code N x c} arrays (bcd, prox-newton, newton-cg, admm) check their
     * own need and refuse with one line when it does not fit ({@code Solver.refusal}); {@code auto}
     * runs newton-cg only when it fits, and FISTA (this estimate) otherwise.
     */
    static MemoryEstimate solver(long N, long nd, long c) {
        return solver(N, nd, c, null);
    }

    /** {@link #solver(long, long, long)}, naming what makes the parameters smaller. */
    static MemoryEstimate solver(long N, long nd, long c, String parameterFix) {
        long square = Math.min(Designs.MAX_SQUARE_ENTRIES, Math.min(times(nd, nd), times(N, N)));
        MemoryEstimate m = new MemoryEstimate("solve", "");
        if (times(N, c) <= ScoreStream.BLOCK_ENTRIES) {
            m.arrays("solver scores N x c", SCORE_COPIES, 8, N, c);
        } else {
            m.arrays("solver score blocks", STREAM_BLOCK_COPIES, 8, ScoreStream.BLOCK_ENTRIES)
                    .arrays("per-sample solver arrays", SAMPLE_ARRAYS, 8, N);
        }
        return m
                .fix(parameterFix).arrays("solver parameters c x n x d", PARAMETER_COPIES, 8, c, nd)
                .arrays("square matrices", SQUARE_COPIES, 8, square);
    }

    /**
     * A problem read from {@code --x} of shape {@code (N, n, d)} and label or real targets
     * with {@code c} columns: {@code X} read straight into the array the design keeps
     * ({@code Npy.readDoubles}, {@code Designs.ofOwned}), plus a second array while an integer
     * or Fortran-ordered file is converted ({@code 2 * 8 N n d}; it was three before the CLI
     * stopped copying), the one-hot or real targets ({@code 8 N c}), and {@link #solver}.
     */
    static MemoryEstimate npyProblem(long N, long n, long d, long c) {
        return new MemoryEstimate(String.format(Locale.ROOT, "the problem (N = %d, n = %d, d = %d, c = %d)", N, n, d, c),
                c > 2 ? "fewer classes (--classes, or labels 0..c-1 with a small c) or fewer samples or features"
                        : "fewer samples or features")
                .fix("fewer samples or features").arrays("X (read into the design's own array; integer dtypes and Fortran order pass through a second one)", 2, 8, N, n, d)
                .doubles("targets N x c", N, c)
                .plus(solver(N, n * d, c));
    }

    /** Only reading {@code --x} and {@code --y} (before the classes are known): {@code 2 * 8 N n d + 8 * |y| * 2}. */
    static MemoryEstimate npyRead(long N, long n, long d, long yEntries) {
        return new MemoryEstimate(String.format(Locale.ROOT, "reading --x (N = %d, n = %d, d = %d) and --y", N, n, d),
                "smaller arrays")
                .arrays("X (read and float64 copy)", 2, 8, N, n, d)
                .arrays("y (read and converted)", 2, 8, yEntries);
    }

    /**
     * An algorithmic dataset as generated and split ({@link DatasetBundle.Plan}): tokens and
     * labels of all {@code N} examples ({@code 4 N (n + 1)}), the split's permutation and its two
     * halves ({@code 4 * 2N}), and the tokens and labels copied per split ({@code 4 N (n + 1)}).
     */
    static MemoryEstimate dataset(DatasetBundle.Plan p) {
        return new MemoryEstimate(p.describe(), "a smaller --p")
                .ints("dataset tokens", p.examples(), p.n())
                .ints("dataset labels", p.examples())
                .ints("split permutation", p.examples())
                .ints("train indices", p.trainSize())
                .ints("validation indices", p.valSize())
                .ints("train tokens", p.trainSize(), p.n())
                .ints("validation tokens", p.valSize(), p.n())
                .ints("train labels", p.trainSize())
                .ints("validation labels", p.valSize());
    }

    /**
     * What {@link DatasetBundle#build} holds besides the dataset: the train and validation
     * designs (one-hot: compressed rows, {@code (4 + 8) N n} plus a compressed-column copy of
     * the same size for Gram products; other features: the dense {@code 8 N n d} they are
     * computed as, then stored as token tables) and the one-hot targets of both splits
     * ({@code 8 N c}).
     */
    static MemoryEstimate bundle(DatasetBundle.Plan p) {
        MemoryEstimate m = dataset(p);
        if (p.oneHot()) {
            m.arrays("one-hot train design", 2, 12, p.trainSize(), p.n())
                    .arrays("one-hot validation design", 2, 12, p.valSize(), p.n());
        } else {
            m.fix("a smaller --feature-dim (or --p)").doubles("features of the larger split",
                    Math.max(p.trainSize(), p.valSize()), p.n(), p.d())
                    .fix("a smaller --feature-dim (or --p)").arrays("token tables", 1, 8, p.n(), p.vocabulary(), p.d());
        }
        // labels are int[] (Targets): no N x c one-hot matrix
        return m.ints("labels", p.trainSize() + p.valSize(), 1);
    }

    /**
     * Convex training on a dataset (train, path, certify --dataset, bench): {@link #bundle},
     * {@link #solver} on the training split, and the accuracy scores of the larger split
     * ({@code 8 max(N_train, N_val) c}).
     */
    static MemoryEstimate convex(DatasetBundle.Plan p) {
        return bundle(p).plus(solver(p.trainSize(), (long) p.n() * p.d(), p.classes(),
                        p.oneHot() ? null : "a smaller --feature-dim (or --p)"));
    }

    /** {@code certify}'s dual search on {@code N} samples and {@code c} classes ({@link #DUAL_SEARCH_COPIES}). */
    static MemoryEstimate dualSearch(long N, long c) {
        return new MemoryEstimate("certify", "").arrays("dual search N x c", DUAL_SEARCH_COPIES, 8, N, c);
    }

    /**
     * {@code data export}: {@link #bundle}, and the dense features of both splits
     * ({@code 8 N n d}) with the copy of the larger one that the .npy writer takes.
     */
    static MemoryEstimate export(DatasetBundle.Plan p) {
        return bundle(p).doubles("X_train", p.trainSize(), p.n(), p.d()).doubles("X_val", p.valSize(), p.n(), p.d())
                .doubles("copy for writing", Math.max(p.trainSize(), p.valSize()), p.n(), p.d());
    }

    /**
     * The number of parameters of a {@code nonconvex} transformer or {@code convex-stack} of
     * width {@code w} with {@code L} layers (the blocks NonconvexTransformer and ConvexStack list): embeddings
     * {@code V w + n w}; per layer, attention {@code 2w + 4w^2} (nonconvex) or mixing
     * {@code n^2 + w^2} (convex stack), then {@code 2w} layer norm, the MLP
     * {@code 4w^2 + 4w + 4w^2 + w}; final norm {@code 2w} and the readout {@code w c + c}. The
     * convex stack has {@code L - 1} such layers and, for the last, the convex head
     * ({@code n + w c}: its mixing row and {@code W2}).
     */
    static long neuralParameters(boolean nonconvex, long V, long n, long w, long L, long c) {
        long attention = nonconvex ? 2 * w + 4 * w * w : n * n + w * w;
        long layer = attention + 2 * w + 8 * w * w + 5 * w;
        if (!nonconvex) {
            // L - 1 convex layers, the final norm, and the convex head (w1: n, W2: w x c) that outputs the logits
            return plus(plus(times(V + n, w), times(Math.max(0, L - 1), layer)), plus(2 * w, n + times(w, c)));
        }
        return plus(plus(times(V + n, w), times(L, layer)), plus(2 * w, times(w + 1, c)));
    }

    /**
     * Neural training ({@code nonconvex}, {@code convex-stack}) on a dataset: {@link #bundle}
     * (the command builds the bundle for its split), the parameters
     * ({@code 8 (NEURAL_PARAMETER_COPIES + NEURAL_CHUNKS) P}: copies plus one gradient partial
     * per chunk), the activations of {@code NEURAL_CHUNKS} training and evaluation workspaces
     * (per sample of a chunk about {@code 8 n w (24 L + 16) + 8 n^2 L + 8 c}: the workspace holds
     * about {@code 16 L + 15} arrays of {@code n w} per sample, and the large arrays waste part of
     * the collector's regions; measured: nonconvex p = 97 needs a 715 MB heap, this estimate
     * 0.77 GB), and the logits of
     * the larger split scored at once ({@code 8 max(N_train, N_val) c}).
     */
    static MemoryEstimate neural(DatasetBundle.Plan p, String model, int width, int layers, int batch) {
        boolean nonconvex = model.equals("nonconvex");
        long w = Math.max(1, width);
        long L = Math.max(0, layers);
        long n = p.n();
        long c = p.classes();
        long P = neuralParameters(nonconvex, p.vocabulary(), n, w, L, c);
        long perSample = plus(times(8 * n * w, 24 * L + 16), plus(times(8 * n * n, L), 8 * c));
        long trainCap = (Math.min(Math.max(1, batch), p.trainSize()) + NEURAL_CHUNKS - 1) / NEURAL_CHUNKS;
        long samples = times(NEURAL_CHUNKS, trainCap + NEURAL_EVAL_CHUNK);
        return bundle(p)
                .fix("a smaller --width or --layers (or --p)")
                .arrays("parameters, gradients and moments", NEURAL_PARAMETER_COPIES + NEURAL_CHUNKS, 8, P)
                .fix("a smaller --batch or --width").bytes("activations", times(perSample, samples))
                .fix("a smaller --batch").ints("batch tokens", Math.max(1, batch), n)
                .doubles("logits of the larger split", Math.max(p.trainSize(), p.valSize()), c);
    }

    /**
     * {@code bench}: each model's estimate as its {@code train} run will check it (the runs are
     * one after another, so the largest counts), checked before the first run starts.
     */
    static void checkBench(DatasetOptions o, List<String> models, int width) {
        for (String m : models) {
            if (NeuralTraining.isNeural(m)) {
                neural(DatasetBundle.plan(o, "onehot", "equation"), m, width, 2, NeuralTraining.defaultBatch(m)).check();
            } else {
                convex(DatasetBundle.plan(o, TrainCommand.defaultFeatures(m), "pair")).check();
            }
        }
    }

    // ------------------------------------------------------------------ arithmetic

    /** Saturating product of non-negative factors. */
    static long product(long... dims) {
        long r = 1;
        for (long v : dims) {
            r = times(r, v);
        }
        return r;
    }

    static long times(long a, long b) {
        if (a <= 0 || b <= 0) {
            return 0;
        }
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    static long plus(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** Bytes for people: {@code 512 B}, {@code 3.2 MB}, {@code 6.1 GB}, {@code 16 TB} (powers of 1024). */
    static String human(long bytes) {
        String[] unit = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < unit.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
    }
}

package org.cvxformer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.SolverResult;
import org.cvxformer.core.solver.Solvers;
import org.cvxformer.neural.Block;
import org.cvxformer.neural.ConvexHead;
import org.cvxformer.neural.ConvexStack;
import org.cvxformer.neural.Precision;
import org.cvxformer.neural.Trainer;

/**
 * The certificate of a convex stack's head (issue 12 requirement 4; docs/head-certificate.md), at
 * every checkpoint of a {@code convex-stack} or {@code convex-stack-kernel} run:
 * <ol>
 *   <li>freeze the layers below the head and compute its inputs {@code H_i} for every training and
 *   validation sample, in evaluation mode (no dropout), in float64 ({@link ConvexStack#headInputs});</li>
 *   <li>map the Adam head to (P)'s {@code Z}, {@code z_lk = w1_k W2[:, l]} ({@link ConvexHead#toZ});</li>
 *   <li>build problem (P) (math.md section 2: softmax loss averaged over the training samples, plus
 *   {@code beta sum ||z_lk||}, {@code X_i = H_i}, beta the head's), solve (P) with the {@code auto}
 *   solver to a certified relative gap of {@link #TOLERANCE} within the time cap, warm-started at the
 *   better of the Adam head and the previous checkpoint's solution, then certify the Adam head with
 *   the {@link Certifier}, offering it the dual point of the solved head (the certifier keeps the
 *   better of that and the Adam head's own rescaled residual: any feasible dual point bounds every
 *   {@code Z});</li>
 *   <li>append one row to {@link #CSV} (at the end of the run: {@code head_gap.png},
 *   {@code head_accuracy.png}).</li>
 * </ol>
 * Scaling: {@link org.cvxformer.neural.Network}'s loss is the mean cross-entropy over the batch
 * plus the blocks' penalties, the head's being {@code beta sum_l ||W2[:, l]||_2 = beta sum_{l,k}
 * ||z_lk||_2}; over the whole training set with the layers below fixed that is exactly
 * math.md's {@code P(Z)} with the same beta (the other terms are constants of the head), which
 * {@code HeadCertificateTest} checks.
 *
 * <p>Cost per checkpoint: two evaluation passes, one certificate, one solve (at most the cap), held
 * outside the training clock ({@link Trainer.CheckpointHook}). Memory: the two designs,
 * {@code (N_train + N_val) n d} doubles, checked before the run ({@link #checkMemory}).
 */
final class HeadCertificate implements Trainer.CheckpointHook {
    /** The certified relative gap the head is solved to. */
    static final double TOLERANCE = 1e-6;
    static final String CSV = "head_certificate.csv";
    static final String HEADER = "epoch,adam_objective,adam_gap,adam_relative_gap,certified_objective,certified_gap,"
            + "certified_relative_gap,optimum_lower_bound,adam_train_accuracy,adam_val_accuracy,certified_train_accuracy,"
            + "certified_val_accuracy,solve_seconds,solver_status,solver_iterations";

    private final ConvexStack net;
    private final Trainer.Data train;
    private final Trainer.Data val;
    private final double solveSeconds;
    private final boolean saveProblems;
    private Path dir;
    private double[] previous;

    HeadCertificate(ConvexStack net, Trainer.Data train, Trainer.Data val, double solveSeconds) {
        this(net, train, val, solveSeconds, false);
    }

    /** With {@code saveProblems}, each checkpoint's head problem is also written ({@link #saveProblem}). */
    HeadCertificate(ConvexStack net, Trainer.Data train, Trainer.Data val, double solveSeconds, boolean saveProblems) {
        this.net = net;
        this.train = train;
        this.val = val;
        this.solveSeconds = solveSeconds;
        this.saveProblems = saveProblems;
    }

    /** Where rows go; rows of epochs after {@code epoch} (left by a run resumed from an earlier checkpoint) are dropped. */
    void attach(Path dir, int epoch) throws IOException {
        this.dir = dir;
        Path f = dir.resolve(CSV);
        List<String> keep = new ArrayList<>();
        keep.add(HEADER);
        if (Files.isRegularFile(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("epoch")) {
                    continue;
                }
                int e = Integer.parseInt(line.substring(0, line.indexOf(',')));
                if (e <= epoch) {
                    keep.add(line);
                }
            }
        }
        AtomicFiles.writeString(f, String.join("\n", keep) + "\n");
    }

    /**
     * Refuses (one line) a head design that cannot fit: {@code (N_train + N_val) n d} doubles for the
     * inputs, their design, and a few {@code c n d} and {@code N c} arrays of the solver.
     */
    static void checkMemory(int nTrain, int nVal, int n, int d, int c) {
        long entries = (long) (nTrain + nVal) * n * d;
        long need = 8L * (2 * entries + 12L * c * n * d + 8L * (nTrain + nVal) * c);
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (entries > Integer.MAX_VALUE - 8 || need > free * 0.8) {
            throw new EnvironmentFailure("the head certificate needs about " + (need >> 20) + " MiB ((N_train + N_val) x n x d = "
                    + entries + " doubles and the solver's arrays) but the JVM has " + (free >> 20) + " MiB free: raise the "
                    + "heap (JAVA_OPTS=-Xmx...) or pass --no-head-certificate");
        }
    }

    /** One checkpoint's numbers (a row of {@link #CSV}). */
    record Row(int epoch, Certificate adam, Certificate certified, double adamTrain, double adamVal, double certifiedTrain,
            double certifiedVal, double seconds, String status, int iterations) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.17g,%.6e,%.6e,%.17g,%.6e,%.6e,%.17g,%.6f,%.6f,%.6f,%.6f,%.3f,%s,%d", epoch,
                    adam.primal(), adam.gap(), adam.relativeGap(), certified.primal(), certified.gap(),
                    certified.relativeGap(), certified.dual(), adamTrain, adamVal, certifiedTrain, certifiedVal, seconds,
                    status, iterations);
        }
    }

    @Override
    public void afterCheckpoint(int epoch) throws IOException {
        Row r = compute(epoch);
        Files.writeString(dir.resolve(CSV), r.csv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Certifies the Adam head at the current parameters and solves (P) on the same features. */
    Row compute(int epoch) {
        ConvexHead head = net.head();
        int n = head.tokens(), d = head.width(), c = head.classes();
        double[] hTrain = net.headInputs(train.tokens(), train.count());
        if (saveProblems && dir != null) {
            saveProblem(dir.resolve("head_problems").resolve(String.format(Locale.ROOT, "epoch-%06d", epoch)), hTrain,
                    train.count(), n, d, train.labels(), c, head.beta(), epoch);
        }
        Problem pb = headProblem(hTrain, train.count(), n, d, train.labels(), c, head.beta());
        Design valDesign = val.count() > 0 ? Designs.of(net.headInputs(val.tokens(), val.count()), val.count(), n, d) : null;
        double[] zAdam = head.toZ(net.parameters());
        double adamPrimal = pb.primal(zAdam);
        double[] start = zAdam;
        if (previous != null && previous.length == zAdam.length && pb.primal(previous) < adamPrimal) {
            start = previous;
        }
        SolverConfig cfg = SolverConfig.defaults().withTolerance(TOLERANCE).withMaxSeconds(solveSeconds)
                .withHistoryEvery(1_000_000).withInitial(start);
        long t0 = System.nanoTime();
        SolverResult res = Solvers.byName("auto").solve(pb, cfg);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        Certificate cert = res.certificate(); // made by the Certifier, which re-checks any dual point the solver offers
        previous = res.z();
        // The Adam head's certificate: the better of the dual point at its own residual and the one at
        // the solved head's residual (any feasible U bounds every Z: math.md section 4)
        Certificate adam = Certifier.certify(pb, zAdam,
                Certifier.dualPoint(pb, pb.residual(res.z()), "rescaled residual of the certified head"));
        return new Row(epoch, adam, cert, accuracy(pb.design(), zAdam, train.labels(), c),
                accuracy(valDesign, zAdam, val.labels(), c), accuracy(pb.design(), res.z(), train.labels(), c),
                accuracy(valDesign, res.z(), val.labels(), c), seconds, res.status().name(), res.iterations());
    }

    /**
     * Writes one head problem so that {@code cvxformer solve --x X.npy --y y.npy --classes c --beta b}
     * (or any other solver) can solve it: {@code X.npy} the head's inputs ({@code N x n x d} float64),
     * {@code y.npy} the labels (int64), {@code problem.json} the loss, beta (math.md's averaged scaling)
     * and the epoch. The folder is written whole or not at all.
     */
    static void saveProblem(Path folder, double[] x, int samples, int n, int d, int[] labels, int classes, double beta,
            int epoch) {
        try {
            Path tmp = folder.resolveSibling(folder.getFileName() + ".partial");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Npy.write(tmp.resolve("X.npy"), NpyArray.ofDoubles(x, samples, n, d));
            long[] y = new long[samples];
            for (int i = 0; i < samples; i++) {
                y[i] = labels[i];
            }
            Npy.write(tmp.resolve("y.npy"), NpyArray.ofLongs(y, samples));
            Files.writeString(tmp.resolve("problem.json"), String.format(Locale.ROOT,
                    "{\n  \"problem\" : \"(P) of math.md on the head's inputs\",\n  \"loss\" : \"softmax\",\n"
                            + "  \"beta\" : %.17g,\n  \"classes\" : %d,\n  \"samples\" : %d,\n  \"tokens\" : %d,\n"
                            + "  \"features\" : %d,\n  \"epoch\" : %d,\n  \"solve\" : \"cvxformer solve --x X.npy --y y.npy "
                            + "--classes %d --beta %.17g\"\n}\n", beta, classes, samples, n, d, epoch, classes, beta),
                    StandardCharsets.UTF_8);
            deleteTree(folder);
            Files.move(tmp, folder, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not write the head problem to " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /**
     * The one adapter to solver-core's problem API: (P) on the head's inputs {@code x}
     * ({@code N x n x d}), labels, softmax loss, beta in math.md's averaged scaling.
     */
    static Problem headProblem(double[] x, int samples, int n, int d, int[] labels, int classes, double beta) {
        return new Problem(Designs.of(x, samples, n, d), Targets.ofLabels(labels, classes), Loss.byName("softmax"), beta);
    }

    /** Fraction of samples whose arg-max score {@code <Z_l, X_i>} is the label (NaN without samples). */
    static double accuracy(Design design, double[] z, int[] labels, int c) {
        if (design == null) {
            return Double.NaN;
        }
        int samples = design.samples();
        double[] s = new double[samples * c];
        design.multiply(z, c, s);
        int ok = 0;
        for (int i = 0; i < samples; i++) {
            int best = 0;
            for (int l = 1; l < c; l++) {
                if (s[i * c + l] > s[i * c + best]) {
                    best = l;
                }
            }
            if (best == labels[i]) {
                ok++;
            }
        }
        return ok / (double) samples;
    }

    /**
     * The head's objective the network's way: its loss in evaluation mode over all {@code data}, in
     * float64 (mean cross-entropy plus every block's penalty), minus the penalties of the blocks
     * below the head. Equal to {@code P(toZ)} on the head's inputs (the tests check it).
     */
    static double networkHeadObjective(ConvexStack net, Trainer.Data data) {
        Precision was = net.precision();
        net.setPrecision(Precision.FLOAT64);
        try {
            double[] scratch = new double[net.parameterCount()];
            double loss = net.lossAndGradient(data.tokens(), data.labels(), data.count(), scratch, 0, false);
            List<Block> blocks = net.modules();
            for (int b = 0; b < blocks.size() - 1; b++) {
                loss -= blocks.get(b).penalty(net.parameters(), scratch);
            }
            return loss;
        } finally {
            net.setPrecision(was);
        }
    }

    /** The name of the reference line at the solve's tolerance (drawn dashed and grey). */
    static final String TOLERANCE_LINE = String.format(java.util.Locale.ROOT, "tolerance %.0e", TOLERANCE);

    /** A flat line at {@link #TOLERANCE} over the epochs of {@code lines}, for the gap figures. */
    static Plots.Line toleranceLine(List<Plots.Line> lines) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Plots.Line l : lines) {
            for (double x : l.x()) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        return new Plots.Line(TOLERANCE_LINE, new double[] {lo, hi}, new double[] {TOLERANCE, TOLERANCE}, true);
    }

    /** {@code head_gap.png} and {@code head_accuracy.png} from {@code dir/head_certificate.csv}, if it has rows. */
    static void plots(Path dir, String title) throws IOException {
        List<double[]> rows = read(dir.resolve(CSV));
        if (rows.isEmpty()) {
            return;
        }
        int m = rows.size();
        double[] ep = new double[m];
        double[][] col = new double[5][m];
        for (int q = 0; q < m; q++) {
            double[] r = rows.get(q);
            ep[q] = r[0];
            col[0][q] = r[3];
            col[1][q] = r[8];
            col[2][q] = r[9];
            col[3][q] = r[10];
            col[4][q] = r[11];
        }
        double[] solved = rows.stream().mapToDouble(r -> r[6]).toArray();
        List<Plots.Line> gaps = new java.util.ArrayList<>(List.of(new Plots.Line("Adam head", ep, col[0]),
                new Plots.Line("solved head", ep, solved)));
        gaps.add(toleranceLine(gaps));
        Plots.lines(dir.resolve("head_gap.png"), title + ": certified relative gap of the head (layers below fixed)",
                Plots.Axes.of("epoch", "relative gap (P - D) / P", false, true), gaps);
        Plots.lines(dir.resolve("head_accuracy.png"), title + ": Adam head vs certified head (problem (P) on the same features)",
                Plots.Axes.accuracy("epoch", false),
                List.of(new Plots.Line("Adam head, train", ep, col[1]), new Plots.Line("Adam head, validation", ep, col[2]),
                        new Plots.Line("certified head, train", ep, col[3]),
                        new Plots.Line("certified head, validation", ep, col[4])));
    }

    /** The numeric columns of {@link #CSV} (status as NaN), one array per row; empty if there is no file. */
    static List<double[]> read(Path f) throws IOException {
        List<double[]> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("epoch")) {
                continue;
            }
            String[] p = line.split(",");
            double[] r = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                try {
                    r[i] = Double.parseDouble(p[i]);
                } catch (NumberFormatException e) {
                    r[i] = Double.NaN;
                }
            }
            out.add(r);
        }
        return out;
    }
}

package org.cvxformer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.core.linalg.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer reproduce}: the seed paper's experiments (seeds/004 sections 5-7, math.md
 * section 8) end to end. Both datasets, the paper's three models, several seeds, the certified
 * single blocks as extra rows, and a report with Table 1, Figures 1-4 and a verdict generated
 * from the numbers.
 *
 * <p>Every run is an ordinary {@code cvxformer train} run in
 * {@code DIR/runs/<dataset>/<model>/seed-<k>}, so each one carries its own manifest and can be
 * inspected, re-plotted or resumed on its own. {@code plan.json} records the protocol, so
 * {@code --resume DIR} continues exactly the experiment that was started: finished runs are
 * kept, unfinished ones are run (or resumed from their checkpoint), and the report is rewritten
 * after every run.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Reproduce the seed paper's experiments (Table 1, Figures 1-4) with its three models, several "
                + "seeds and the certified single blocks as extra rows.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every run finished (reaching 99%% or not) and the report is written", "1:internal error",
            "2:bad input or usage"})
public final class ReproduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "The experiment folder (refused if it holds another "
            + "experiment; continue one with --resume).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the experiment in DIR with its recorded "
            + "protocol: finished runs are kept, the others are run or resumed.")
    Path resume;

    @Option(names = "--protocol", defaultValue = "paper", paramLabel = "NAME",
            description = "paper (seeds/004 section 5.2: batch 32, Adam, 300,000 iterations at most) or grokking (the "
                    + "literature's faster standard: batch 512, AdamW betas 0.9/0.98, weight decay 1) (default: "
                    + "${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--quick", description = "A small prime (p = 11) and short budgets, for a look in a minute.")
    boolean quick;

    @Option(names = "--seeds", defaultValue = "3", paramLabel = "K",
            description = "Seeds per model (initialisation and batch order; the split is shared) (default: "
                    + "${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--p", paramLabel = "P", description = "Prime modulus (default: 97, or 11 with --quick).")
    Integer p;

    @Option(names = "--max-seconds-per-run", paramLabel = "S",
            description = "Wall-clock budget of each neural run (default: the protocol's, see docs/reproduction.md).")
    Double maxSecondsPerRun;

    @Option(names = "--models", split = ",", paramLabel = "M",
            description = "Subset of the paper's models: convex-stack, convex-stack-kernel, nonconvex (default: all three).")
    List<String> models;

    @Option(names = "--no-single-blocks", description = "Leave out the certified single-block rows (ours, not the "
            + "paper's).")
    boolean noSingleBlocks;

    /** The paper's three models, by their names here (math.md section 8). */
    static final List<String> PAPER_MODELS = List.of("convex-stack", "convex-stack-kernel", "nonconvex");
    /** The certified single blocks: our extra rows (math.md section 8), never named as the paper's. */
    static final List<String> SINGLE_BLOCKS = List.of("convex", "convex-kernel");
    static final List<String> DATASETS = List.of("mod-division", "periodicity");
    /** The solve cap of a certified single-block row (they take a few seconds; the cap is a safety net). */
    static final int SINGLE_BLOCK_SECONDS = 600;

    /** How each model is named in the report. */
    static String displayName(String model) {
        return switch (model) {
            case "convex-stack" -> "Convex (convex-stack)";
            case "convex-stack-kernel" -> "Convex Kernel (convex-stack-kernel)";
            case "nonconvex" -> "Nonconvex (nonconvex)";
            case "convex" -> "single certified block, one-hot (ours)";
            case "convex-kernel" -> "single certified block, fastfood-cvx (ours)";
            default -> model;
        };
    }

    /**
     * The seed paper's Table 1 (division dataset, one T4 GPU on Google Colab): seconds per
     * epoch, total training time (s), epochs to convergence.
     */
    static final Map<String, double[]> PAPER_TABLE_1 = Map.of(
            "convex-stack", new double[] {0.088, 136.26, 1556},
            "convex-stack-kernel", new double[] {0.38, 567.70, 1475},
            "nonconvex", new double[] {0.23, 390.51, 1662});

    @Override
    public Integer call() throws Exception {
        PrintWriter pw = spec.commandLine().getOut();
        Plan plan;
        Path dir;
        if (resume != null) {
            refuseWithResume();
            dir = resume;
            plan = Plan.read(dir);
        } else {
            if (out == null) {
                throw new ParameterException(spec.commandLine(), "reproduce needs --out DIR (or --resume DIR)");
            }
            dir = out;
            if (Files.exists(dir.resolve("plan.json"))) {
                throw new IllegalArgumentException("--out " + dir + " holds an experiment already: continue it with "
                        + "'cvxformer reproduce --resume " + dir + "' or choose another folder");
            }
            if (Files.isDirectory(dir) && Files.list(dir).findAny().isPresent()) {
                throw new IllegalArgumentException("--out " + dir + " is not empty: choose a new folder");
            }
            plan = Plan.create(protocol, quick, seeds, p, maxSecondsPerRun, models, !noSingleBlocks);
            Files.createDirectories(dir);
            Reports.writeJson(dir.resolve("plan.json"), plan.toJson());
        }
        List<RunSpec> runs = plan.runs(dir);
        pw.printf(Locale.ROOT, "reproduce: protocol %s, p = %d, %d runs (%d seeds), budget %.0f s per neural run; "
                + "at most %s in all%n", plan.protocol(), plan.p(), runs.size(), plan.seeds(), plan.maxSeconds(),
                hms(runs.stream().mapToDouble(r -> r.boundSeconds(plan)).sum()));
        pw.flush();
        long start = System.nanoTime();
        double spentOnRuns = 0;
        int done = 0;
        for (int k = 0; k < runs.size(); k++) {
            RunSpec r = runs.get(k);
            if (r.finished()) {
                done++;
                continue;
            }
            double left = 0;
            for (int j = k; j < runs.size(); j++) {
                left += runs.get(j).finished() ? 0 : runs.get(j).boundSeconds(plan);
            }
            pw.printf(Locale.ROOT, "[%d/%d] %s %s seed %d ... (elapsed %s, at most %s left)%n", k + 1, runs.size(),
                    r.dataset(), r.model(), r.seed(), hms((System.nanoTime() - start) / 1e9), hms(left));
            pw.flush();
            long t0 = System.nanoTime();
            r.execute(plan);
            spentOnRuns += (System.nanoTime() - t0) / 1e9;
            done++;
            JsonNode s = r.summary();
            pw.printf(Locale.ROOT, "      %s%n", s == null ? "no summary" : oneLine(r, s));
            pw.flush();
            writeReport(dir, plan, runs);
        }
        writeReport(dir, plan, runs);
        pw.printf(Locale.ROOT, "reproduce: %d runs done (%.0f s of training this time); report %s%n", done, spentOnRuns,
                dir.resolve("report.md"));
        pw.flush();
        return Main.OK;
    }

    private void refuseWithResume() {
        var pr = spec.commandLine().getParseResult();
        for (String o : List.of("--out", "--protocol", "--quick", "--seeds", "--p", "--max-seconds-per-run", "--models",
                "--no-single-blocks")) {
            if (pr.hasMatchedOption(o)) {
                throw new ParameterException(spec.commandLine(), o + " cannot be changed on --resume: the experiment "
                        + "continues with the protocol recorded in plan.json");
            }
        }
    }

    private static String oneLine(RunSpec r, JsonNode s) {
        if (!r.neural()) {
            return String.format(Locale.ROOT, "certified: relative gap %.2e, train %.3f, validation %.3f",
                    s.path("relative_gap").asDouble(), s.path("train_accuracy").asDouble(), s.path("val_accuracy").asDouble());
        }
        JsonNode c = s.get("converged_epoch");
        return String.format(Locale.ROOT, "%d epochs, %.1f s, train %.3f, validation %.3f, 99%% validation %s",
                s.path("epochs").asInt(), s.path("seconds").asDouble(), s.path("train_accuracy").asDouble(),
                s.path("val_accuracy").asDouble(), c == null || c.isNull() ? "not reached" : "at epoch " + c.asInt());
    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + " s";
    }

    // ------------------------------------------------------------------ the plan

    /**
     * The recorded protocol of one experiment (everything a run's arguments are made from).
     *
     * @param protocol   paper or grokking
     * @param p          the prime
     * @param seeds      seeds per neural model
     * @param maxSeconds wall-clock budget of each neural run
     * @param models     the paper's models to run
     * @param singles    whether the certified single blocks run too
     * @param quick      the quick look
     */
    record Plan(String protocol, int p, int seeds, double maxSeconds, List<String> models, boolean singles, boolean quick) {
        /** Split fraction: the grokking literature's 50% (the paper does not say; docs/reproduction.md). */
        static final double TRAIN_FRACTION = 0.5;
        /** The paper's iteration budget (seeds/004 section 5.2). */
        static final long PAPER_ITERATIONS = 300_000;

        static Plan create(String protocol, boolean quick, int seeds, Integer p, Double maxSeconds, List<String> models,
                boolean singles) {
            if (!protocol.equals("paper") && !protocol.equals("grokking")) {
                throw new IllegalArgumentException("--protocol " + protocol + ": expected paper or grokking");
            }
            if (seeds < 1 || seeds > 20) {
                throw new IllegalArgumentException("--seeds " + seeds + ": expected 1 to 20");
            }
            List<String> ms = models == null ? PAPER_MODELS : List.copyOf(models);
            for (String m : ms) {
                if (!PAPER_MODELS.contains(m)) {
                    throw new IllegalArgumentException("--models " + m + ": expected some of " + String.join(", ", PAPER_MODELS)
                            + " (the certified single blocks run unless --no-single-blocks)");
                }
            }
            int prime = p != null ? p : quick ? 11 : 97;
            // budgets: paper, a generous cap beside the iteration budget; grokking, 18 runs in about two hours
            double budget = maxSeconds != null ? maxSeconds : quick ? 8 : protocol.equals("paper") ? 3600 : 360;
            if (!(budget > 0) || !Double.isFinite(budget)) {
                throw new IllegalArgumentException("--max-seconds-per-run " + budget + ": expected a positive number of seconds");
            }
            return new Plan(protocol, prime, seeds, budget, ms, singles, quick);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", protocol);
            m.put("p", p);
            m.put("seeds", seeds);
            m.put("max_seconds_per_run", maxSeconds);
            m.put("models", models);
            m.put("single_blocks", singles);
            m.put("quick", quick);
            m.put("train_fraction", TRAIN_FRACTION);
            m.put("version", Version.get());
            return m;
        }

        static Plan read(Path dir) throws IOException {
            Path f = dir.resolve("plan.json");
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("--resume " + dir + ": no plan.json there (start an experiment with "
                        + "'cvxformer reproduce --out DIR')");
            }
            JsonNode j = Reports.JSON.readTree(f.toFile());
            List<String> ms = new ArrayList<>();
            j.path("models").forEach(n -> ms.add(n.asText()));
            return new Plan(j.path("protocol").asText(), j.path("p").asInt(), j.path("seeds").asInt(),
                    j.path("max_seconds_per_run").asDouble(), ms, j.path("single_blocks").asBoolean(),
                    j.path("quick").asBoolean());
        }

        /** Every run of the experiment, in the order they run: model by model, seed by seed. */
        List<RunSpec> runs(Path dir) {
            List<RunSpec> rs = new ArrayList<>();
            for (String ds : DATASETS) {
                for (String m : models) {
                    for (int s = 0; s < seeds; s++) {
                        rs.add(new RunSpec(ds, m, s, dir.resolve("runs").resolve(ds).resolve(m).resolve("seed-" + s)));
                    }
                }
                if (singles) {
                    for (String m : SINGLE_BLOCKS) {
                        // deterministic given the split: one run
                        rs.add(new RunSpec(ds, m, 0, dir.resolve("runs").resolve(ds).resolve(m).resolve("seed-0")));
                    }
                }
            }
            return rs;
        }

        /**
         * Epochs between checkpoints, which are also the points where the convex stacks' head is
         * certified (up to --head-solve-seconds, 10 s, each, outside the training clock): every
         * 100 epochs (20 with --quick). At 25 the certificates of a grokking run (about 600 epochs
         * in its 360 s) would add some 240 s of wall clock to each convex run, 48 minutes in all.
         */
        int checkpointEvery() {
            return quick ? 20 : 100;
        }

        /** The cap on each head solve of a convex stack's checkpoint: 10 s, or 1 s with --quick. */
        int headSolveSeconds() {
            return quick ? 1 : 10;
        }

        /** Batch size of the neural runs. */
        int batch() {
            return protocol.equals("paper") ? 32 : 512;
        }

        /**
         * The epoch cap: the paper's 300,000 iterations at batch 32 (or the same number of samples at
         * batch 512 for grokking), then the wall-clock budget, whichever comes first.
         */
        int epochs(int trainSize) {
            if (quick) {
                return 200;
            }
            long stepsPerEpoch = Math.max(1, (trainSize + batch() - 1) / batch());
            long iterations = protocol.equals("paper") ? PAPER_ITERATIONS : PAPER_ITERATIONS * 32 / batch();
            return (int) Math.max(1, iterations / stepsPerEpoch);
        }
    }

    /** One run of the experiment. */
    record RunSpec(String dataset, String model, int seed, Path dir) {
        boolean neural() {
            return !SINGLE_BLOCKS.contains(model);
        }

        boolean finished() {
            return Files.isRegularFile(dir.resolve("summary.json"));
        }

        JsonNode summary() throws IOException {
            Path f = dir.resolve("summary.json");
            return Files.isRegularFile(f) ? Reports.JSON.readTree(f.toFile()) : null;
        }

        private Path newestStagingWithCheckpoint() throws IOException {
            String prefix = "." + dir.getFileName() + ".partial-";
            try (java.util.stream.Stream<Path> s = Files.list(dir.getParent())) {
                return s.filter(p -> p.getFileName().toString().startsWith(prefix)
                        && Files.isRegularFile(p.resolve("checkpoint.bin")))
                        .max(java.util.Comparator.comparingLong(p -> p.resolve("checkpoint.bin").toFile().lastModified()))
                        .orElse(null);
            }
        }

        /**
         * An upper bound on the run's wall clock, so that "at most ... left" is one: a neural run's
         * budget, plus for a convex stack the head solve's cap at every checkpoint the epoch cap allows
         * (each is outside the training clock, HeadCertificate), or a single block's solve cap. It leaves
         * out the JVM's start and the evaluation passes, seconds beside these.
         */
        double boundSeconds(Plan plan) {
            if (!neural()) {
                return SINGLE_BLOCK_SECONDS;
            }
            if (model.equals("nonconvex")) {
                return plan.maxSeconds();
            }
            int trainSize = (int) Math.round(examples(dataset, plan.p()) * Plan.TRAIN_FRACTION);
            int checkpoints = plan.epochs(trainSize) / plan.checkpointEvery() + 1;
            return plan.maxSeconds() + checkpoints * plan.headSolveSeconds();
        }

        List<String> arguments(Plan plan) {
            List<String> a = new ArrayList<>(List.of("train", "--dataset", dataset, "--p", Integer.toString(plan.p()),
                    "--train-fraction", Double.toString(Plan.TRAIN_FRACTION), "--split-seed", "0", "--model", model,
                    "--out", dir.toString(), "--no-progress"));
            if (!neural()) {
                a.addAll(List.of("--beta-ratio", "0.01", "--max-seconds", Integer.toString(SINGLE_BLOCK_SECONDS)));
                return a;
            }
            int trainSize = (int) Math.round(examples(dataset, plan.p()) * Plan.TRAIN_FRACTION);
            a.addAll(List.of("--seed", Integer.toString(seed), "--batch", Integer.toString(plan.batch()), "--lr", "1e-3",
                    "--epochs", Integer.toString(plan.epochs(trainSize)), "--max-seconds", Double.toString(plan.maxSeconds()),
                    "--checkpoint-every", Integer.toString(plan.checkpointEvery())));
            boolean convex = !model.equals("nonconvex");
            if (plan.protocol().equals("paper")) {
                // seeds/004 section 5.2: identical settings but the weight decay (1 nonconvex, 1e-6 convex)
                a.addAll(List.of("--weight-decay", convex ? "1e-6" : "1"));
            } else {
                // Power et al. 2022 for every model: AdamW (0.9/0.98), decoupled weight decay 1
                a.addAll(List.of("--adam-variant", "adamw", "--weight-decay", "1"));
            }
            if (convex) {
                a.addAll(List.of("--stack-beta", "1e-4"));
                // the head's certified solve at each checkpoint (HeadCertificate): a short cap for a quick look
                a.addAll(List.of("--head-solve-seconds", Integer.toString(plan.headSolveSeconds())));
            }
            return a;
        }

        /**
         * Runs this run, or resumes it: a neural run killed part way leaves its staging folder
         * ({@code .seed-K.partial-PID}, see {@link RunFolder}) with a verified checkpoint, and
         * {@code train --resume} continues the newest such folder exactly.
         *
         * <p>Each run is its own JVM ({@link #command}), as a user's {@code cvxformer train} would
         * be. In one JVM the nonconvex runs that followed the convex ones trained at 1.49 s per
         * epoch against 0.85 s for the same run alone (bit-identical trajectory; docs/reproduction.md),
         * so Table 1's seconds depended on the order of the runs.
         */
        void execute(Plan plan) throws IOException {
            Files.createDirectories(dir.getParent());
            List<String> args = arguments(plan);
            if (neural()) {
                Path staged = newestStagingWithCheckpoint();
                if (staged != null) {
                    args = List.of("train", "--resume", staged.toString(), "--no-progress");
                }
            }
            ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process child = pb.start();
            // a reproduce stopped by a signal stops its run too (the run's checkpoint survives; --resume continues it)
            Thread stopChild = new Thread(child::destroy);
            Runtime.getRuntime().addShutdownHook(stopChild);
            String err;
            int code;
            try {
                err = new String(child.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                code = child.waitFor();
            } catch (InterruptedException e) {
                child.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("reproduce: interrupted while running " + dir, e);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopChild);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: nothing to remove
                }
            }
            if (code != Main.OK && code != Main.NOT_CONVERGED) {
                String last = err.strip().lines().reduce((a, b) -> b).orElse("no message");
                throw new IllegalStateException("reproduce: the run " + dir + " failed (exit " + code + "): " + last
                        + " (fix it, then continue with 'cvxformer reproduce --resume "
                        + dir.getParent().getParent().getParent().getParent() + "')");
            }
        }
    }

    /**
     * The command line of one run in a JVM of its own: this JVM's java, class path and options
     * (heap, the Vector API module, the class-data archive, system properties), without the
     * options that must not be shared between two JVMs (agents, flight recordings, writing the
     * class-data archive), then {@code Main} and the run's arguments.
     */
    static List<String> command(List<String> args) {
        return command(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(), args);
    }

    /** {@link #command(List)} with the given JVM options in place of this JVM's. */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : jvmOptions) {
            if (!(o.startsWith("-javaagent") || o.startsWith("-agentlib") || o.startsWith("-agentpath")
                    || o.startsWith("-XX:StartFlightRecording") || o.startsWith("-XX:ArchiveClassesAtExit")
                    || o.startsWith("-Xrunjdwp"))) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Examples of a dataset at prime p (math.md section 7): p (p - 1) for both. */
    static long examples(String dataset, int p) {
        return (long) p * (p - 1);
    }

    // ------------------------------------------------------------------ the report

    void writeReport(Path dir, Plan plan, List<RunSpec> runs) throws IOException {
        ReproductionReport.write(dir, plan, runs);
    }

    /** Number of threads the runs use (recorded in the report's hardware line). */
    static int threads() {
        return Parallel.threads();
    }
}

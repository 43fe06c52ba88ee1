package org.cvxformer.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.solver.ProximalAdam;
import org.cvxformer.core.solver.Solver;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.Solvers;
import org.cvxformer.neural.Trainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer train}: the convex model of math.md section 8 on an algorithmic dataset,
 * solved to a certified gap, with train/validation accuracy, plots and a manifest; or a neural
 * model ({@code nonconvex}, {@code convex-stack}, {@code convex-stack-kernel}) trained with verified checkpoints and exact
 * resume.
 *
 * <p>Every option is honoured or refused: {@link OptionRules#TRAIN} says which options apply to
 * which model, and one that does not apply is refused before any work. The run folder is staged
 * and published whole ({@link RunFolder}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = {"Train the convex model (math.md section 8) on a dataset to a certified duality gap, or a neural "
                + "model (nonconvex, convex-stack, convex-stack-kernel) with checkpoints; the convex stacks' head is certified "
                + "at every checkpoint (head_certificate.csv).",
            "An option that does not apply to the chosen --model (or --optimizer) is refused. " + Limits.HELP,
            "The run folder is written beside --out as .NAME.partial-PID and renamed to --out when complete; an --out "
                + "that holds files is refused unless --overwrite."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:converged / finished", "1:environment failure (disk full, permission, out of memory) or internal error",
            "2:bad input or usage (nothing written)",
            "3:stopped at a limit first (results still written, converged: false)"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--model", defaultValue = "convex", paramLabel = "MODEL",
            description = "convex (any --features), convex-kernel (fastfood-cvx features, the seed paper's defaults), "
                    + "nonconvex, convex-stack (the seed paper's Convex) or convex-stack-kernel (its Convex Kernel) "
                    + "(default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--loss", defaultValue = "softmax", description = "Convex models: softmax or squared (default: ${DEFAULT-VALUE}).")
    String loss;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ProblemOptions.BetaOptions beta;

    @Mixin
    SolverOptions solver;

    @Option(names = "--history-every", defaultValue = "10", paramLabel = "K",
            description = "Convex models: record iteration, gap and train/validation accuracy every K >= 1 iterations "
                    + "(default: ${DEFAULT-VALUE}).")
    int historyEvery;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<dataset>-p<P>-<model>).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an --out that holds another run (the whole folder, once the new run is complete).")
    boolean overwrite;

    @Option(names = "--no-progress", description = "No progress on stderr (by default: a bar on a terminal, otherwise "
            + "one plain line every few seconds).")
    boolean noProgress;

    @Option(names = "--json", description = "Print the run summary as JSON.")
    boolean json;

    @Option(names = "--optimizer", defaultValue = "solver", paramLabel = "OPT",
            description = "Convex models: solver (the certified solver, default) or adam (the seed paper's minibatch Adam "
                    + "with a proximal step, certified every --certify-every epochs and compared with the solver).")
    String optimizer;

    @Option(names = "--batch", description = "Batch size >= 1 (--optimizer adam, convex-stack, convex-stack-kernel: 32; nonconvex: 512).")
    Integer batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate > 0 of Adam/AdamW (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--epochs", defaultValue = "100", description = "Epoch budget >= 1 of --optimizer adam, nonconvex, "
            + "convex-stack, convex-stack-kernel (default: ${DEFAULT-VALUE}; " + Limits.RULE + ").")
    int epochs;

    @Option(names = "--certify-every", defaultValue = "1", description = "--optimizer adam: certify the iterate every E >= 1 "
            + "epochs (default: ${DEFAULT-VALUE}).")
    int certifyEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    NeuralOptions neural;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue a nonconvex/convex-stack/convex-stack-kernel run from its verified checkpoint with the recorded settings. "
                    + "Only --epochs (not below the recorded budget), --max-seconds (the budget of this session; without "
                    + "it the session has no time limit), --threads, --checkpoint-every, --no-progress and --json may be "
                    + "given; the changes are printed and recorded in manifest.json (\"resumes\").")
    Path resume;

    static String defaultFeatures(String model) {
        return switch (model) {
            case "convex" -> "onehot";
            case "convex-kernel" -> "fastfood-cvx";
            default -> throw new IllegalArgumentException("--model " + model
                    + " is unknown here: expected convex or convex-kernel");
        };
    }

    @Override
    public Integer call() throws Exception {
        ParseResult pr = spec.commandLine().getParseResult();
        if (resume != null) {
            return resumeRun(pr);
        }
        OptionRules.Mode mode = OptionRules.Mode.of(model, optimizer);
        OptionRules.refuseInapplicable(pr, OptionRules.TRAIN, mode);
        if (neural.noHeadCertificate && pr.hasMatchedOption("--head-solve-seconds")) {
            throw new IllegalArgumentException("--head-solve-seconds does not apply with --no-head-certificate: remove one");
        }
        if (neural.noHeadCertificate && neural.saveHeadProblems) {
            throw new IllegalArgumentException("--save-head-problems does not apply with --no-head-certificate: remove one");
        }
        checkLimits();
        Path dir = out != null ? out : Path.of("runs", dataset.dataset + "-p" + dataset.p + "-" + model);
        if (!overwrite && Files.exists(dir.resolve(Trainer.CHECKPOINT))) {
            throw new IllegalArgumentException("--out " + dir + " holds a run with a checkpoint: continue it with --resume "
                    + dir + ", choose another --out, or pass --overwrite to replace it");
        }
        RunFolder.check(dir, overwrite, "--out");
        if (NeuralTraining.isNeural(model)) {
            return startNeural(dir);
        }
        return convex(mode, dir);
    }

    /** The 0 rule and ranges, before any data is built. */
    private void checkLimits() {
        Limits.count("--epochs", epochs);
        Limits.count("--history-every", historyEvery);
        Limits.count("--certify-every", certifyEvery);
        if (batch != null && batch < 1) {
            throw new IllegalArgumentException("--batch = " + batch + ": expected a batch size >= 1");
        }
        if (solver.maxSeconds != null) {
            Limits.seconds("--max-seconds", solver.maxSeconds);
        }
        Limits.count("--max-iter", solver.maxIterations);
        if (solver.threads != null) {
            Limits.count("--threads", solver.threads);
        }
        if (NeuralTraining.isNeural(model)) {
            neural.validate(model);
            NeuralTraining.buildOptimizer(model, neural, lr);
        } else if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr = " + lr + ": expected a finite number > 0");
        }
    }

    private Integer convex(OptionRules.Mode mode, Path dir) throws Exception {
        String feats = defaultFeatures(model);
        if (model.equals("convex-kernel") && dataset.features != null && !dataset.features.equals("fastfood-cvx")) {
            throw new IllegalArgumentException("--model convex-kernel uses fastfood-cvx features; for --features "
                    + dataset.features + " use --model convex");
        }
        boolean adam = mode == OptionRules.Mode.ADAM;
        SolverConfig config = solver.config().withHistoryEvery(historyEvery);
        int batch = this.batch != null ? this.batch : 32;
        ProximalAdam.Settings adamSettings = ProximalAdam.Settings.defaults().withLearningRate(lr).withBatchSize(batch)
                .withCertifyEvery(certifyEvery).withSeed(seed);
        Solver s = adam ? new ProximalAdam(adamSettings) : Solvers.byName(solver.solver);
        SolverConfig runConfig = adam ? config.withMaxIterations(epochs) : config;
        Loss l = Loss.byName(loss);
        MemoryEstimate.convex(DatasetBundle.plan(dataset, feats, "pair")).check(); // before allocating (issue 10)
        DatasetBundle b = DatasetBundle.build(dataset, feats);
        Problem base = new Problem(b.trainDesign, b.trainTargets, l, 1.0);
        ProblemOptions.BetaOptions bo = beta != null ? beta : defaultBeta();
        Problem pb = base.withBeta(bo.resolve(base.betaMax()));
        PrintWriter err = spec.commandLine().getErr();

        ConvexTraining t;
        try (Progress progress = new Progress("train " + model, !noProgress, err)) {
            t = ConvexTraining.run(b, pb, s, runConfig, progress, 5);
        }
        // With Adam, the certified solver runs too, on the same problem, for the comparison figure.
        ConvexTraining reference = null;
        if (adam) {
            Solver ref = Solvers.byName(solver.solver);
            try (Progress progress = new Progress("reference " + ref.name(), !noProgress, err)) {
                reference = ConvexTraining.run(b, pb, ref, config.withHistoryEvery(1), progress);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model);
        summary.put("train_accuracy", t.trainAccuracy);
        summary.put("val_accuracy", t.valAccuracy);
        summary.put("objective", t.result.certificate().primal());
        summary.put("relative_gap", t.result.certificate().relativeGap());
        summary.put("converged", t.result.converged());
        summary.put("iterations", t.result.iterations());
        summary.put("solve_seconds", t.result.seconds());
        summary.put("eval_seconds_inside_solve", t.evalSeconds);
        summary.put("active_groups", t.result.certificate().activeCount());
        summary.put("group_count", pb.groupCount());
        summary.put("beta", pb.beta());
        summary.put("beta_max", pb.betaMax());
        summary.put("optimizer", optimizer);
        if (reference != null) {
            summary.put("solver_relative_gap", reference.result.certificate().relativeGap());
            summary.put("solver_seconds", reference.result.seconds());
            summary.put("solver_iterations", reference.result.iterations());
            summary.put("objective_difference_to_solver", t.result.certificate().primal() - reference.result.certificate().primal());
        }
        summary.put("data", b.provenance());
        Manifest m = new Manifest("train", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                .param("model", model).param("loss", l.name()).param("beta", pb.beta()).param("beta_max", pb.betaMax())
                .param("beta_ratio", pb.beta() / pb.betaMax()).param("solver", s.name())
                .param("tol", config.tolerance()).param("max_iter", config.maxIterations())
                .param("max_seconds", Double.isInfinite(config.maxSeconds()) ? null : config.maxSeconds())
                .param("history_every", historyEvery).param("optimizer", optimizer).put("data", b.provenance());
        if (adam) {
            m.param("adam", Map.of("lr", lr, "batch", batch, "epochs", epochs, "certify_every", certifyEvery, "seed", seed,
                    "beta1", adamSettings.beta1(), "beta2", adamSettings.beta2(), "epsilon", adamSettings.epsilon()));
        }
        String title = dataset.dataset + " p=" + dataset.p + " " + model;
        ConvexTraining ref = reference;
        Path published = RunFolder.write(dir, run -> {
            Path d = run.dir();
            Reports.writeZ(run.file("Z.npy"), pb, t.result.z());
            Reports.writeJson(run.file("certificate.json"), Reports.certificateJson(pb, t.result));
            t.writeHistory(run.file("history.csv"));
            t.writePlots(d, title, pb);
            t.writeSpectra(d);
            SpectrumCommand.drawSpectra(d, title);
            List<Plots.Line> gapLines = new ArrayList<>();
            gapLines.add(t.gapVersusTime(adam ? "adam (lr " + lr + ", batch " + batch + ")" : t.result.solver()));
            if (ref != null) {
                ref.writeHistory(run.file("solver_history.csv"));
                gapLines.add(ref.gapVersusTime(ref.result.solver() + " (certified solver)"));
            }
            Plots.lines(run.file("gap_vs_time.png"), title + ": certified relative gap against wall-clock time",
                    "seconds", "relative gap (P - D) / P", false, true, gapLines);
            Reports.writeJson(run.file("summary.json"), summary);
            Reports.writeJson(run.file("manifest.json"), m.toMap());
        });

        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(Reports.toJson(summary));
        } else {
            Reports.printTable(pw, pb, t.result);
            pw.printf(Locale.ROOT, "accuracy     train %.4f  validation %.4f  (%d train / %d validation examples)%n",
                    t.trainAccuracy, t.valAccuracy, b.split.trainSize(), b.split.valSize());
            pw.printf(Locale.ROOT, "wrote        %s: manifest.json summary.json certificate.json history.csv Z.npy "
                    + "gap.png accuracy.png row_norms.png gap_vs_time.png%n", published);
        }
        pw.flush();
        if (!t.result.converged()) {
            err.println("cvxformer: not converged: " + t.result.status() + ": " + t.result.message()
                    + " (the reported gap is still a valid bound)");
            err.flush();
            return Main.NOT_CONVERGED;
        }
        return Main.OK;
    }

    static ProblemOptions.BetaOptions defaultBeta() {
        ProblemOptions.BetaOptions bo = new ProblemOptions.BetaOptions();
        bo.ratio = 0.01;
        return bo;
    }

    /** The neural settings as recorded in the manifest (resolved defaults included). */
    private Map<String, Object> neuralParameters(int b) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", model);
        params.put("width", neural.width);
        params.put("layers", neural.layers);
        params.put("dropout", neural.dropout(model));
        params.put("weight_decay", neural.weightDecay(model));
        params.put("adam_variant", neural.adamVariant(model));
        params.put("warmup", neural.warmup(model));
        if (NeuralTraining.isStack(model)) {
            params.put("stack_beta", neural.stackBeta);
            params.put("head_certificate", !neural.noHeadCertificate);
            if (!neural.noHeadCertificate) {
                params.put("head_solve_seconds", neural.headSolveSeconds);
                params.put("head_tolerance", HeadCertificate.TOLERANCE);
                params.put("save_head_problems", neural.saveHeadProblems);
            }
        }
        if (model.equals("convex-stack-kernel")) {
            // phi_cvx of each convex block: FastfoodCvx(d, D = d, sigma, seed of block b) (StackKernels)
            params.put("kernel", "fastfood-cvx");
            params.put("kernel_features", neural.width);
            params.put("kernel_sigma", neural.kernelSigma());
            params.put("kernel_seeds", "StackKernels.blockSeed(seed, b), b = 0.." + (neural.layers - 1)
                    + " (layers, then the head)");
        }
        params.put("lr", lr);
        params.put("batch", b);
        params.put("seed", seed);
        params.put("eval_every", neural.evalEvery);
        params.put("stop_at_convergence", !neural.noStopAtConvergence);
        return params;
    }

    /**
     * What a checkpoint must belong to: every setting that changes the result, the data and a
     * hash of the split (not the epoch or time budget, threads or checkpoint frequency).
     */
    static Map<String, String> identity(Map<String, Object> params, DatasetBundle b) {
        Map<String, String> id = new TreeMap<>();
        params.forEach((k, v) -> id.put(k, String.valueOf(v)));
        b.provenance().forEach((k, v) -> id.put("data." + k, String.valueOf(v)));
        id.put("data.split_sha256", splitHash(b));
        return id;
    }

    /** SHA-256 of the train indices then the validation indices (big-endian ints). */
    static String splitHash(DatasetBundle b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int[] idx : List.of(b.split.trainIndices(), b.split.valIndices())) {
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(4 * idx.length);
                for (int i : idx) {
                    bb.putInt(i);
                }
                md.update(bb.array());
                md.update((byte) '|');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** nonconvex, convex-stack or convex-stack-kernel, a fresh run: staged in .DIR.partial-PID, published at the end. */
    private Integer startNeural(Path dir) throws Exception {
        int b = batch != null ? batch : NeuralTraining.defaultBatch(model);
        // before allocating (issue 10)
        MemoryEstimate.neural(DatasetBundle.plan(dataset, "onehot", "equation"), model, neural.width, neural.layers, b).check();
        DatasetBundle bundle = DatasetBundle.build(dataset, "onehot", "equation");
        if (solver.threads != null) {
            org.cvxformer.core.linalg.Parallel.setThreads(solver.threads);
        }
        Map<String, Object> params = neuralParameters(b);
        Map<String, String> id = identity(params, bundle);
        NeuralTraining t = NeuralTraining.prepare(model, bundle, neural, b, lr, epochs, maxSecondsOrZero(), seed, id);
        Manifest m = new Manifest("train", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                .put("data", bundle.provenance());
        params.forEach(m::param);
        m.param("epochs", epochs);
        m.param("checkpoint_every", neural.checkpointEvery);
        m.param("max_seconds", solver.maxSeconds);
        m.put("identity", id);
        m.put("resumes", new ArrayList<>());
        try (NeuralTraining.StopHook hook = new NeuralTraining.StopHook(); RunFolder run = RunFolder.create(dir)) {
            Map<String, Object> manifest = m.toMap();
            return trainAndPublish(t, run, bundle, params, manifest, null, hook);
        }
    }

    private double maxSecondsOrZero() {
        return solver.maxSeconds != null ? solver.maxSeconds : 0;
    }

    /** Trains in the staging folder, writes summary and manifest, publishes, reports (and says how to resume if stopped). */
    private Integer trainAndPublish(NeuralTraining t, RunFolder run, DatasetBundle bundle, Map<String, Object> params,
            Map<String, Object> manifest, String resumedNote, NeuralTraining.StopHook hook) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String title = bundle.operation.cliName() + " p=" + bundle.data.modulus() + " " + model;
        try {
            Reports.writeJson(run.file("manifest.json"), manifest);
            try (Progress progress = new Progress("train " + model, !noProgress, err)) {
                progress.line("history grows in " + run.dir().resolve(Trainer.HISTORY) + " (tail -f it); the run is "
                        + "published as " + run.target() + " when it ends");
                t.run(run.dir(), title, progress, hook);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", model);
            summary.put("parameters", t.model.parameterCount());
            summary.put("epochs", t.result.epochs());
            summary.put("stop_reason", t.result.reason().name());
            summary.put("converged_epoch", t.result.convergedEpoch() < 0 ? null : t.result.convergedEpoch());
            summary.put("seconds", t.result.seconds());
            summary.put("seconds_per_epoch", t.result.epochs() > 0 ? t.result.seconds() / t.result.epochs() : null);
            summary.put("train_accuracy", t.finalTrainAccuracy);
            summary.put("val_accuracy", t.finalValAccuracy);
            summary.put("data", bundle.provenance());
            summary.put("settings", params);
            if (resumedNote != null && manifest.get("resumes") instanceof List<?> rs && !rs.isEmpty()) {
                summary.put("resumed", rs.get(rs.size() - 1)); // what this session changed, also with --json
            }
            Reports.writeJson(run.file("summary.json"), summary);
            Reports.writeJson(run.file("manifest.json"), manifest);
            run.publish();
            PrintWriter pw = spec.commandLine().getOut();
            if (json) {
                pw.println(Reports.toJson(summary));
            } else {
                if (resumedNote != null) {
                    pw.println(resumedNote);
                }
                pw.printf(Locale.ROOT, "model        %s, %d parameters, %s%n", model, t.model.parameterCount(), params);
                pw.printf(Locale.ROOT, "stopped      %s after %d epochs, %.1f s (%.3f s/epoch)%n", t.result.reason(),
                        t.result.epochs(), t.result.seconds(), t.result.epochs() > 0 ? t.result.seconds() / t.result.epochs() : 0.0);
                pw.printf(Locale.ROOT, "accuracy     train %.4f  validation %.4f  (99%% validation first reached at epoch %s)%n",
                        t.finalTrainAccuracy, t.finalValAccuracy, t.result.convergedEpoch() < 0 ? "-" : t.result.convergedEpoch());
                pw.printf(Locale.ROOT, "wrote        %s: manifest.json summary.json history.csv checkpoint.bin spectra/ accuracy.png "
                        + "loss.png spectrum_rank.png spectrum_values.png%s%n", run.target(), t.headCertificate == null ? ""
                        : " head_certificate.csv head_gap.png head_accuracy.png");
            }
            pw.flush();
            if (t.result.reason() == Trainer.StopReason.REQUESTED) {
                err.println("cvxformer: interrupted at epoch " + t.result.epochs() + ": the final checkpoint is "
                        + run.target().resolve(Trainer.CHECKPOINT) + "; resume with: cvxformer train --resume " + run.target()
                        + (t.maxEpochs > t.result.epochs() ? "" : " --epochs " + (t.maxEpochs + 1)));
                err.flush();
            }
            return Main.OK;
        } catch (java.io.IOException e) {
            throw run.failure(e);
        }
    }

    /**
     * {@code --resume DIR}: the recorded settings (manifest.json's argv), verified against the
     * checkpoint's identity, with only the options of {@link OptionRules#RESUMABLE} changed; the
     * run is copied into a staging folder, continued there and swapped in by rename.
     */
    private Integer resumeRun(ParseResult pr) throws Exception {
        OptionRules.refuseOutside(pr, OptionRules.RESUMABLE, "cannot be given with --resume: a resumed run keeps the "
                + "settings it was started with (" + resume.resolve("manifest.json") + "); only --epochs, --max-seconds, "
                + "--threads, --checkpoint-every and progress options may change; start a new run with another --out instead");
        Path source = resume.toAbsolutePath().normalize();
        Path partialOf = RunFolder.publishedNameOf(source);
        Path target = partialOf != null ? partialOf : source;
        Path mf = source.resolve("manifest.json");
        if (!Files.isDirectory(source) || !Files.exists(mf)) {
            throw new IllegalArgumentException("--resume " + resume + ": expected a run folder with manifest.json and "
                    + "checkpoint.bin (written by train --model nonconvex|convex-stack|convex-stack-kernel)");
        }
        Map<String, Object> manifest = Reports.JSON.readValue(mf.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = (Map<String, Object>) manifest.get("parameters");
        Object recModel = recorded == null ? null : recorded.get("model");
        if (!"train".equals(manifest.get("command")) || recModel == null || !NeuralTraining.isNeural(recModel.toString())) {
            throw new IllegalArgumentException("--resume applies to nonconvex, convex-stack and convex-stack-kernel runs; " + resume + " is "
                    + (recModel == null ? "not a train run" : "a " + recModel + " run (re-run it: the convex solve is "
                    + "deterministic and certified)"));
        }
        @SuppressWarnings("unchecked")
        List<Object> argv = (List<Object>) manifest.get("argv");
        List<String> args = new ArrayList<>();
        for (int q = 0; q < argv.size(); q++) {
            String a = argv.get(q).toString();
            if (q == 0 && a.equals("train")) {
                continue; // the recorded command line starts at the top-level command
            }
            if (a.equals("--out")) {
                q++;
                continue;
            }
            if (a.startsWith("--out=") || a.equals("--overwrite") || a.equals("--no-progress") || a.equals("--json")) {
                continue;
            }
            args.add(a);
        }
        TrainCommand again = new TrainCommand();
        picocli.CommandLine cl = new picocli.CommandLine(again);
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        cl.parseArgs(args.toArray(new String[0]));
        again.spec = cl.getCommandSpec();
        again.noProgress = noProgress;
        again.json = json;

        int recordedEpochs = ((Number) recorded.get("epochs")).intValue();
        Map<String, Object> changed = new LinkedHashMap<>();
        if (pr.hasMatchedOption("--epochs")) {
            if (epochs < recordedEpochs) {
                throw new IllegalArgumentException("--epochs " + epochs + " is below the recorded budget of " + recordedEpochs
                        + " epochs: a resume can only extend a run (give --epochs >= " + recordedEpochs + ", or none)");
            }
            if (epochs != recordedEpochs) {
                changed.put("epochs", List.of(recordedEpochs, epochs));
            }
            again.epochs = epochs;
        } else {
            again.epochs = recordedEpochs;
        }
        Object recCk = recorded.get("checkpoint_every");
        if (pr.hasMatchedOption("--checkpoint-every")) {
            Limits.count("--checkpoint-every", neural.checkpointEvery);
            changed.put("checkpoint_every", List.of(recCk == null ? "?" : recCk, neural.checkpointEvery));
            again.neural.checkpointEvery = neural.checkpointEvery;
        }
        // --max-seconds is the budget of one session: without it a resumed session has no time limit
        again.solver.maxSeconds = pr.hasMatchedOption("--max-seconds") ? Limits.seconds("--max-seconds", solver.maxSeconds) : null;
        again.solver.threads = pr.hasMatchedOption("--threads") ? Integer.valueOf(Limits.count("--threads", solver.threads)) : null;
        if (again.solver.threads != null) {
            changed.put("threads", again.solver.threads);
            org.cvxformer.core.linalg.Parallel.setThreads(again.solver.threads);
        }
        again.checkLimits();
        return again.continueNeural(source, target, manifest, changed, resume, pr.originalArgs());
    }

    private Integer continueNeural(Path source, Path target, Map<String, Object> manifest, Map<String, Object> changed, Path given,
            List<String> resumeArgv) throws Exception {
        int b = batch != null ? batch : NeuralTraining.defaultBatch(model);
        DatasetBundle bundle = DatasetBundle.build(dataset, "onehot", "equation");
        Map<String, Object> params = neuralParameters(b);
        Map<String, String> id = identity(params, bundle);
        NeuralTraining t = NeuralTraining.prepare(model, bundle, neural, b, lr, epochs, maxSecondsOrZero(), seed, id);
        if (!t.trainer.resume(source)) {
            throw new IllegalArgumentException("--resume " + given + ": no " + Trainer.CHECKPOINT + " there to resume from");
        }
        int at = t.trainer.epoch();
        if (!neural.noStopAtConvergence && t.trainer.convergedEpoch() > 0) {
            throw new IllegalArgumentException(given + " is finished: validation accuracy reached 99% at epoch "
                    + t.trainer.convergedEpoch() + " and the run stopped there; nothing to resume");
        }
        if (at >= epochs) {
            throw new IllegalArgumentException(given + " has trained all " + at + " epochs of its budget (--epochs "
                    + epochs + "): give a larger --epochs to continue");
        }
        StringBuilder note = new StringBuilder("resumed      " + target + " at epoch " + at + " of " + epochs);
        if (changed.isEmpty()) {
            note.append("; no settings changed");
        } else {
            List<String> parts = new ArrayList<>();
            changed.forEach((k, v) -> parts.add("--" + k.replace('_', '-') + " " + (v instanceof List<?> l && l.size() == 2
                    ? l.get(0) + " -> " + l.get(1) : v)));
            note.append("; changed: ").append(String.join(", ", parts));
        }
        note.append(solver.maxSeconds != null ? "; time budget of this session " + solver.maxSeconds + " s"
                : "; no time limit for this session (--max-seconds applies to one session)");
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) manifest.get("parameters");
        p.put("epochs", epochs);
        p.put("checkpoint_every", neural.checkpointEvery);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("created", Instant.now().toString());
        entry.put("version", Version.get());
        entry.put("argv", resumeArgv);
        entry.put("at_epoch", at);
        entry.put("changed", changed);
        entry.put("max_seconds", solver.maxSeconds);
        entry.put("threads", org.cvxformer.core.linalg.Parallel.threads());
        @SuppressWarnings("unchecked")
        List<Object> resumes = manifest.get("resumes") instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
        resumes.add(entry);
        manifest.put("resumes", resumes);
        if (!target.equals(source)) {
            // a staging folder left by a killed process: publishing it replaces what it was to replace
            entry.put("from_staging_folder", source.toString());
        }
        try (NeuralTraining.StopHook hook = new NeuralTraining.StopHook(); RunFolder run = RunFolder.copyOf(source, target)) {
            Integer code = trainAndPublish(t, run, bundle, params, manifest, note.toString(), hook);
            if (!source.equals(target)) {
                RunFolder.deleteTree(source);
            }
            return code;
        }
    }
}

package org.cvxformer.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.solver.ProximalAdam;
import org.cvxformer.core.solver.Solver;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.Solvers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer train}: the convex model of math.md section 8 on an algorithmic dataset,
 * solved to a certified gap, with train/validation accuracy, plots and a manifest.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Train the convex model (math.md section 8) on a dataset to a certified duality gap.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:converged", "1:environment failure (disk full, permission, out of memory) or internal error", "2:bad input or usage",
            "3:stopped at a limit first (results still written, converged: false)"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--model", defaultValue = "convex", paramLabel = "MODEL",
            description = "convex (any --features) or convex-kernel (fastfood-cvx features, the seed paper's defaults) "
                    + "(default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--loss", defaultValue = "softmax", description = "softmax or squared (default: ${DEFAULT-VALUE}).")
    String loss;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ProblemOptions.BetaOptions beta;

    @Mixin
    SolverOptions solver;

    @Option(names = "--history-every", defaultValue = "10", paramLabel = "K",
            description = "Record iteration, gap and train/validation accuracy every K iterations (default: ${DEFAULT-VALUE}).")
    int historyEvery;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<dataset>-p<P>-<model>).")
    Path out;

    @Option(names = "--no-progress", description = "Never draw the progress bar.")
    boolean noProgress;

    @Option(names = "--json", description = "Print the run summary as JSON.")
    boolean json;

    @Option(names = "--optimizer", defaultValue = "solver", paramLabel = "OPT",
            description = "solver (the certified solver, default) or adam (the seed paper's minibatch Adam with a "
                    + "proximal step, certified every --certify-every epochs and compared with the solver).")
    String optimizer;

    @Option(names = "--batch", description = "Batch size: Adam and convex-stack 32, nonconvex 512 (the seed paper used 32).")
    Integer batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--epochs", defaultValue = "100", description = "Adam epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--certify-every", defaultValue = "1", description = "Certify Adam's iterate every E epochs (default: ${DEFAULT-VALUE}).")
    int certifyEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Mixin
    NeuralOptions neural;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue a nonconvex/convex-stack run from its last checkpoint (same settings; --epochs and "
                    + "--max-seconds may be raised).")
    Path resume;

    static String defaultFeatures(String model) {
        return switch (model) {
            case "convex" -> "onehot";
            case "convex-kernel" -> "fastfood-cvx";
            default -> throw new IllegalArgumentException("--model " + model
                    + " is unknown: expected convex, convex-kernel, nonconvex or convex-stack");
        };
    }

    @Override
    public Integer call() throws Exception {
        if (resume != null) {
            return resumeRun();
        }
        if (NeuralTraining.isNeural(model)) {
            return callNeural(false);
        }
        String feats = defaultFeatures(model);
        if (model.equals("convex-kernel") && dataset.features != null && !dataset.features.equals("fastfood-cvx")) {
            throw new IllegalArgumentException("--model convex-kernel uses fastfood-cvx features; for --features "
                    + dataset.features + " use --model convex");
        }
        if (historyEvery < 1) {
            throw new IllegalArgumentException("--history-every = " + historyEvery + ": expected >= 1");
        }
        Path dir = out != null ? out : Path.of("runs", dataset.dataset + "-p" + dataset.p + "-" + model);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " exists and is not a directory");
        }
        SolverConfig config = solver.config().withHistoryEvery(historyEvery);
        boolean adam = switch (optimizer) {
            case "solver" -> false;
            case "adam" -> true;
            default -> throw new IllegalArgumentException("--optimizer " + optimizer + " is unknown: expected solver or adam");
        };
        int batch = this.batch != null ? this.batch : 32;
        ProximalAdam.Settings adamSettings = ProximalAdam.Settings.defaults().withLearningRate(lr).withBatchSize(batch)
                .withCertifyEvery(certifyEvery).withSeed(seed);
        if (adam && epochs < 1) {
            throw new IllegalArgumentException("--epochs = " + epochs + ": expected >= 1");
        }
        Solver s = adam ? new ProximalAdam(adamSettings) : Solvers.byName(solver.solver);
        SolverConfig runConfig = adam ? config.withMaxIterations(epochs) : config;
        Loss l = Loss.byName(loss);
        MemoryEstimate.convex(DatasetBundle.plan(dataset, feats, "pair")).check(); // before allocating (issue 10)
        DatasetBundle b = DatasetBundle.build(dataset, feats);
        Problem base = new Problem(b.trainDesign, b.trainTargets, l, 1.0);
        ProblemOptions.BetaOptions bo = beta != null ? beta : defaultBeta();
        Problem pb = base.withBeta(bo.resolve(base.betaMax()));

        ConvexTraining t;
        try (Progress progress = new Progress("train " + model, !noProgress)) {
            t = ConvexTraining.run(b, pb, s, runConfig, progress, 5);
        }
        // With Adam, the certified solver runs too, on the same problem, for the comparison figure.
        ConvexTraining reference = null;
        if (adam) {
            Solver ref = Solvers.byName(solver.solver);
            try (Progress progress = new Progress("reference " + ref.name(), !noProgress)) {
                reference = ConvexTraining.run(b, pb, ref, config.withHistoryEvery(1), progress);
            }
        }
        Files.createDirectories(dir);
        Reports.writeZ(dir.resolve("Z.npy"), pb, t.result.z());
        Map<String, Object> cert = Reports.certificateJson(pb, t.result);
        Reports.writeJson(dir.resolve("certificate.json"), cert);
        t.writeHistory(dir.resolve("history.csv"));
        String title = dataset.dataset + " p=" + dataset.p + " " + model;
        t.writePlots(dir, title, pb);
        t.writeSpectra(dir);
        SpectrumCommand.drawSpectra(dir, title);
        List<Plots.Line> gapLines = new ArrayList<>();
        gapLines.add(t.gapVersusTime(adam ? "adam (lr " + lr + ", batch " + batch + ")" : t.result.solver()));
        if (reference != null) {
            reference.writeHistory(dir.resolve("solver_history.csv"));
            gapLines.add(reference.gapVersusTime(reference.result.solver() + " (certified solver)"));
        }
        Plots.lines(dir.resolve("gap_vs_time.png"), title + ": certified relative gap against wall-clock time",
                "seconds", "relative gap (P - D) / P", false, true, gapLines);
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
        Reports.writeJson(dir.resolve("summary.json"), summary);
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
        Reports.writeJson(dir.resolve("manifest.json"), m.toMap());

        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(Reports.toJson(summary));
        } else {
            Reports.printTable(pw, pb, t.result);
            pw.printf(Locale.ROOT, "accuracy     train %.4f  validation %.4f  (%d train / %d validation examples)%n",
                    t.trainAccuracy, t.valAccuracy, b.split.trainSize(), b.split.valSize());
            pw.printf(Locale.ROOT, "wrote        %s: manifest.json summary.json certificate.json history.csv Z.npy "
                    + "gap.png accuracy.png row_norms.png gap_vs_time.png%n", dir);
        }
        pw.flush();
        if (!t.result.converged()) {
            spec.commandLine().getErr().println("cvxformer: not converged: " + t.result.status() + ": " + t.result.message()
                    + " (the reported gap is still a valid bound)");
            spec.commandLine().getErr().flush();
            return Main.NOT_CONVERGED;
        }
        return Main.OK;
    }

    static ProblemOptions.BetaOptions defaultBeta() {
        ProblemOptions.BetaOptions bo = new ProblemOptions.BetaOptions();
        bo.ratio = 0.01;
        return bo;
    }

    /** nonconvex or convex-stack: minibatch training with checkpoints (issue: the nonconvex baseline). */
    Integer callNeural(boolean resuming) throws Exception {
        if (dataset.features != null) {
            throw new IllegalArgumentException("--features applies to the convex block; " + model + " learns its own embeddings");
        }
        if (optimizer.equals("adam") && !resuming) {
            throw new IllegalArgumentException("--optimizer applies to --model convex; " + model + " has its own optimizer");
        }
        Path dir = out != null ? out : Path.of("runs", dataset.dataset + "-p" + dataset.p + "-" + model);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " exists and is not a directory");
        }
        int b = batch != null ? batch : NeuralTraining.defaultBatch(model);
        double maxSec = solver.maxSeconds != null ? solver.maxSeconds : 0;
        MemoryEstimate.neural(DatasetBundle.plan(dataset, "onehot", "equation"), model, neural.width, neural.layers, b).check();
        DatasetBundle bundle = DatasetBundle.build(dataset, "onehot", "equation");
        if (solver.threads != null) {
            org.cvxformer.core.linalg.Parallel.setThreads(solver.threads);
        }
        // validate everything that can be validated before creating the run directory
        NeuralTraining.buildOptimizer(model, neural, lr);
        if (!resuming && Files.exists(dir.resolve(org.cvxformer.neural.Trainer.CHECKPOINT))) {
            throw new IllegalArgumentException(dir + " already holds a checkpoint: use --resume " + dir + " or another --out");
        }
        Files.createDirectories(dir);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", model);
        params.put("width", neural.width);
        params.put("layers", neural.layers);
        params.put("dropout", neural.dropout);
        params.put("weight_decay", neural.weightDecay);
        params.put("stack_beta", neural.stackBeta);
        params.put("lr", lr);
        params.put("batch", b);
        params.put("epochs", epochs);
        params.put("max_seconds", maxSec > 0 ? maxSec : null);
        params.put("seed", seed);
        Manifest m = new Manifest("train", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                .put("data", bundle.provenance());
        params.forEach(m::param);
        if (!resuming) {
            Reports.writeJson(dir.resolve("manifest.json"), m.toMap());
        }
        NeuralTraining t;
        try (Progress progress = new Progress("train " + model, !noProgress)) {
            t = NeuralTraining.run(model, bundle, neural, b, lr, epochs, maxSec, seed, dir, resuming, progress);
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
        Reports.writeJson(dir.resolve("summary.json"), summary);
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(Reports.toJson(summary));
        } else {
            pw.printf(Locale.ROOT, "model        %s, %d parameters, %s%n", model, t.model.parameterCount(), params);
            pw.printf(Locale.ROOT, "stopped      %s after %d epochs, %.1f s (%.3f s/epoch)%n", t.result.reason(),
                    t.result.epochs(), t.result.seconds(), t.result.epochs() > 0 ? t.result.seconds() / t.result.epochs() : 0.0);
            pw.printf(Locale.ROOT, "accuracy     train %.4f  validation %.4f  (99%% validation first reached at epoch %s)%n",
                    t.finalTrainAccuracy, t.finalValAccuracy, t.result.convergedEpoch() < 0 ? "-" : t.result.convergedEpoch());
            pw.printf(Locale.ROOT, "wrote        %s: manifest.json summary.json history.csv checkpoint.bin spectra/ accuracy.png "
                    + "loss.png spectrum_rank.png spectrum_values.png%n", dir);
        }
        pw.flush();
        return Main.OK;
    }

    /** {@code --resume DIR}: rebuild the run's settings from its manifest and continue from the checkpoint. */
    Integer resumeRun() throws Exception {
        Path mf = resume.resolve("manifest.json");
        if (!Files.exists(mf) || !Files.exists(resume.resolve(org.cvxformer.neural.Trainer.CHECKPOINT))) {
            throw new IllegalArgumentException("--resume " + resume + ": expected a run directory with manifest.json and "
                    + "checkpoint.bin (written by train --model nonconvex|convex-stack)");
        }
        com.fasterxml.jackson.databind.JsonNode argv = Reports.JSON.readTree(mf.toFile()).get("argv");
        List<String> args = new ArrayList<>();
        for (int q = 0; q < argv.size(); q++) {
            String a = argv.get(q).asText();
            if (q == 0 && a.equals("train")) {
                continue; // the recorded command line starts at the top-level command
            }
            if (a.equals("--out") || a.equals("--resume") || a.equals("--epochs") || a.equals("--max-seconds")) {
                q++; // these come from the resume call
                continue;
            }
            if (a.startsWith("--out=") || a.startsWith("--epochs=") || a.startsWith("--max-seconds=")) {
                continue;
            }
            args.add(a);
        }
        com.fasterxml.jackson.databind.JsonNode p = Reports.JSON.readTree(mf.toFile()).get("parameters");
        var pr = spec.commandLine().getParseResult();
        args.add("--epochs");
        args.add(pr.hasMatchedOption("--epochs") ? Integer.toString(epochs) : p.get("epochs").asText());
        if (pr.hasMatchedOption("--max-seconds")) {
            args.add("--max-seconds");
            args.add(Double.toString(solver.maxSeconds));
        } else if (p.hasNonNull("max_seconds")) {
            args.add("--max-seconds");
            args.add(p.get("max_seconds").asText());
        }
        args.add("--out");
        args.add(resume.toString());
        if (noProgress && !args.contains("--no-progress")) {
            args.add("--no-progress");
        }
        if (json && !args.contains("--json")) {
            args.add("--json");
        }
        TrainCommand again = new TrainCommand();
        picocli.CommandLine cl = new picocli.CommandLine(again);
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        cl.parseArgs(args.toArray(new String[0]));
        again.spec = cl.getCommandSpec();
        if (!NeuralTraining.isNeural(again.model)) {
            throw new IllegalArgumentException("--resume applies to nonconvex and convex-stack runs; " + resume + " is a "
                    + again.model + " run (re-run it: the convex solve is deterministic and certified)");
        }
        return again.callNeural(true);
    }
}

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
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.solver.GapSafeScreening;
import org.cvxformer.core.solver.Solver;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.Solvers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer path}: a warm-started regularisation path over beta (as ratios of beta_max,
 * solved in decreasing order so each solve starts from the previous, sparser solution).
 *
 * <p>Screening is carried along the path (sequential GAP safe rule, Ndiaye et al. 2017): before
 * solving at a beta, {@link GapSafeScreening#sequential} screens groups from the previous
 * solution ({@code Z = 0} before the first beta), with its residual rescaled into the dual
 * feasible set of the new beta and the gap taken at the new beta; the proven-zero groups are
 * passed to the solver ({@link SolverConfig#withScreened}; {@code bcd}, also inside
 * {@code auto}, starts with them zero and skips them, other solvers ignore them). Column
 * {@code screened_before_solve} reports how many there were.
 */
@Command(name = "path", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = {"Solve a warm-started regularisation path over beta and tabulate gap, sparsity and accuracy.", Limits.HELP},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every beta converged", "1:environment failure (disk full, permission, out of memory) or internal error", "2:bad input or usage",
            "3:some beta stopped at a limit first (all rows still written)"})
public final class PathCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--model", defaultValue = "convex", description = "convex or convex-kernel (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--loss", defaultValue = "softmax", description = "softmax or squared (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--betas", defaultValue = "1,0.3,0.1,0.03,0.01", split = ",", paramLabel = "R",
            description = "Betas as ratios of beta_max, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Double> ratios;

    @Mixin
    SolverOptions solver;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/path-<dataset>-p<P>-<model>).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an --out that holds another run (the whole folder, once the path is complete).")
    boolean overwrite;

    @Option(names = "--json", description = "Print the rows as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!model.equals("convex") && !model.equals("convex-kernel")) {
            throw new IllegalArgumentException("--model " + model + " does not apply to path (a regularisation path of the "
                    + "convex model): expected convex or convex-kernel");
        }
        String feats = TrainCommand.defaultFeatures(model);
        if (model.equals("convex-kernel") && dataset.features != null && !dataset.features.equals("fastfood-cvx")) {
            throw new IllegalArgumentException("--model convex-kernel uses fastfood-cvx features; for --features "
                    + dataset.features + " use --model convex");
        }
        for (Double r : ratios) {
            if (r == null || !(r > 0) || r.isInfinite()) {
                throw new IllegalArgumentException("--betas holds " + r + ": every ratio must be a finite number > 0");
            }
        }
        Path dir = out != null ? out : Path.of("runs", "path-" + dataset.dataset + "-p" + dataset.p + "-" + model);
        RunFolder.check(dir, overwrite, "--out");
        SolverConfig config = solver.config().withHistoryEvery(1_000_000);
        Solver s = Solvers.byName(solver.solver);
        MemoryEstimate.convex(DatasetBundle.plan(dataset, feats, "pair")).check(); // before allocating (issue 10)
        DatasetBundle b = DatasetBundle.build(dataset, feats);
        Problem base = new Problem(b.trainDesign, b.trainTargets, Loss.byName(loss), 1.0);
        double betaMax = base.betaMax();
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort((x, y) -> Double.compare(y, x)); // largest beta first: warm starts go from sparse to dense

        List<Map<String, Object>> rows = new ArrayList<>();
        double[] z = null;
        boolean allConverged = true;
        for (double ratio : sorted) {
            Problem pb = base.withBeta(ratio * betaMax);
            SolverConfig c = z == null ? config : config.withInitial(z);
            int screenedBefore = 0;
            if (config.tuning().screening()) {
                boolean[] screened = GapSafeScreening.sequential(pb, z);
                for (boolean x : screened) {
                    screenedBefore += x ? 1 : 0;
                }
                c = c.withScreened(pb, screened);
            }
            ConvexTraining t = ConvexTraining.run(b, pb, s, c, null);
            z = t.result.z();
            allConverged &= t.result.converged();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("beta_ratio", ratio);
            row.put("beta", pb.beta());
            row.put("objective", t.result.certificate().primal());
            row.put("gap", t.result.certificate().gap());
            row.put("relative_gap", t.result.certificate().relativeGap());
            row.put("converged", t.result.converged());
            row.put("iterations", t.result.iterations());
            row.put("seconds", t.result.seconds());
            row.put("active_groups", t.result.certificate().activeCount());
            row.put("screened_before_solve", screenedBefore);
            row.put("train_accuracy", t.trainAccuracy);
            row.put("val_accuracy", t.valAccuracy);
            rows.add(row);
        }
        Path published = RunFolder.write(dir, run -> {
            StringBuilder csv = new StringBuilder(String.join(",", rows.get(0).keySet())).append('\n');
            for (Map<String, Object> row : rows) {
                List<String> cells = new ArrayList<>();
                row.values().forEach(v -> cells.add(String.valueOf(v)));
                csv.append(String.join(",", cells)).append('\n');
            }
            AtomicFiles.writeString(run.file("path.csv"), csv.toString());
            int m = rows.size();
            double[] x = new double[m];
            double[] tr = new double[m];
            double[] va = new double[m];
            double[] act = new double[m];
            for (int q = 0; q < m; q++) {
                x[q] = (double) rows.get(q).get("beta_ratio");
                tr[q] = (double) rows.get(q).get("train_accuracy");
                va[q] = (double) rows.get(q).get("val_accuracy");
                act[q] = ((Number) rows.get(q).get("active_groups")).doubleValue() / base.groupCount();
            }
            Plots.lines(run.file("path.png"), dataset.dataset + " p=" + dataset.p + " " + model + ": regularisation path",
                    new Plots.Axes("beta / beta_max", "fraction", true, false, 0.0, 1.0),
                    List.of(new Plots.Line("train accuracy", x, tr), new Plots.Line("validation accuracy", x, va),
                            new Plots.Line("active groups / all groups", x, act)));
            Manifest man = new Manifest("path", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                    .param("model", model).param("loss", loss).param("betas", sorted).param("beta_max", betaMax)
                    .param("solver", s.name()).param("tol", config.tolerance()).put("data", b.provenance());
            Reports.writeJson(run.file("manifest.json"), man.toMap());
            Reports.writeJson(run.file("path.json"), rows);
        });
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(Reports.toJson(rows));
        } else {
            pw.printf(Locale.ROOT, "%-10s %-12s %-10s %-6s %-8s %-8s %-9s %-7s %-7s%n", "beta/max", "beta", "rel.gap",
                    "iters", "seconds", "active", "screened", "train", "val");
            for (Map<String, Object> row : rows) {
                pw.printf(Locale.ROOT, "%-10.4g %-12.5g %-10.2e %-6d %-8.3f %-8d %-9d %-7.4f %-7.4f%n", row.get("beta_ratio"),
                        row.get("beta"), row.get("relative_gap"), row.get("iterations"), row.get("seconds"),
                        row.get("active_groups"), row.get("screened_before_solve"), row.get("train_accuracy"),
                        row.get("val_accuracy"));
            }
            pw.println("screened = groups proven zero before the solve by the sequential GAP safe rule, of "
                    + base.groupCount() + " groups");
            pw.println("wrote " + published + ": path.csv path.json path.png manifest.json");
        }
        pw.flush();
        return allConverged ? Main.OK : Main.NOT_CONVERGED;
    }
}

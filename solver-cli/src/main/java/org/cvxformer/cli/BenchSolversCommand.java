package org.cvxformer.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.solver.IterationRecord;
import org.cvxformer.core.solver.Solver;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.SolverResult;
import org.cvxformer.core.solver.Solvers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer bench-solvers}: every solver on the same problem, timed to the same certified
 * relative gaps (the certificate is computed by the same code for all), median over runs.
 */
@Command(name = "bench-solvers", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = {"Run several solvers on one problem: time and iterations to relative gaps 1e-2, 1e-4, 1e-6, 1e-8.",
            Limits.HELP})
public final class BenchSolversCommand implements Callable<Integer> {
    static final double[] MARKS = {1e-2, 1e-4, 1e-6, 1e-8};

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problem;

    @Option(names = "--solvers", split = ",", paramLabel = "S", description = "Solvers to compare (default: all registered).")
    List<String> solvers;

    @Option(names = "--tol", defaultValue = "1e-8", description = "Target relative gap (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--max-seconds", defaultValue = "300", description = "Time limit in seconds > 0 per solver run (default: ${DEFAULT-VALUE}; " + Limits.RULE + ").")
    double maxSeconds;

    @Option(names = "--max-iter", defaultValue = "1000000", description = "Iteration limit >= 1 per run (default: ${DEFAULT-VALUE}; " + Limits.RULE + ").")
    int maxIter;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per solver, >= 1; times are medians (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--threads", description = "Threads for the linear algebra (default: all cores).")
    Integer threads;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        output.checkWritable(problem.x, problem.y);
        Limits.count("--runs", runs);
        Limits.seconds("--max-seconds", maxSeconds);
        Limits.count("--max-iter", maxIter);
        if (threads != null) {
            org.cvxformer.core.linalg.Parallel.setThreads(Limits.count("--threads", threads));
        }
        List<String> names = solvers == null || solvers.isEmpty()
                ? Solvers.names().stream().filter(n -> !n.equals("auto")).toList() : solvers;
        List<Solver> list = new ArrayList<>();
        for (String n : names) {
            list.add(Solvers.byName(n));
        }
        Problem pb = problem.load();
        pb.lipschitz(); // data constants are computed once, outside every solver's clock
        SolverConfig config = SolverConfig.defaults().withTolerance(tol).withMaxSeconds(maxSeconds)
                .withMaxIterations(maxIter).withHistoryEvery(1);

        List<Map<String, Object>> rows = new ArrayList<>();
        List<Plots.Line> lines = new ArrayList<>();
        for (Solver s : list) {
            List<SolverResult> results = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                results.add(s.solve(pb, config));
            }
            SolverResult med = results.stream().sorted((a, b) -> Double.compare(a.seconds(), b.seconds()))
                    .toList().get(results.size() / 2);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("solver", s.name());
            for (double mark : MARKS) {
                List<Double> times = new ArrayList<>();
                Integer iters = null;
                for (SolverResult r : results) {
                    IterationRecord hit = firstBelow(r.history(), mark);
                    if (hit != null) {
                        times.add(hit.seconds());
                        iters = hit.iteration();
                    }
                }
                Map<String, Object> cell = new LinkedHashMap<>();
                if (times.size() == results.size()) {
                    times.sort(Double::compare);
                    cell.put("seconds", times.get(times.size() / 2));
                    cell.put("iterations", iters);
                } else {
                    cell.put("seconds", null);
                    cell.put("iterations", null);
                }
                row.put(String.format(Locale.ROOT, "to_%.0e", mark), cell);
            }
            row.put("final_relative_gap", med.certificate().relativeGap());
            row.put("objective", med.certificate().primal());
            row.put("dual_objective", med.certificate().dual());
            row.put("iterations", med.iterations());
            row.put("seconds_median", med.seconds());
            row.put("status", med.status().name());
            row.put("message", med.message());
            rows.add(row);
            double[] x = new double[med.history().size()];
            double[] y = new double[x.length];
            for (int q = 0; q < x.length; q++) {
                x[q] = med.history().get(q).seconds();
                y[q] = med.history().get(q).relativeGap();
            }
            lines.add(new Plots.Line(s.name(), x, y));
        }
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%s%n", pb));
        table.append(String.format(Locale.ROOT, "%-12s %16s %16s %16s %16s  %-12s %s%n", "solver", "1e-2", "1e-4", "1e-6", "1e-8",
                "final gap", "status"));
        for (Map<String, Object> row : rows) {
            table.append(String.format(Locale.ROOT, "%-12s", row.get("solver")));
            for (double mark : MARKS) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cell = (Map<String, Object>) row.get(String.format(Locale.ROOT, "to_%.0e", mark));
                String txt = cell.get("seconds") == null ? "-"
                        : String.format(Locale.ROOT, "%.3fs/%dit", (Double) cell.get("seconds"), (Integer) cell.get("iterations"));
                table.append(String.format(Locale.ROOT, " %16s", txt));
            }
            table.append(String.format(Locale.ROOT, "  %-12.3e %s%n", row.get("final_relative_gap"), row.get("status")));
        }
        table.append(String.format(Locale.ROOT, "(medians of %d runs; solver clock at the first iteration whose certified gap is below each mark)%n", runs));
        if (output.out != null) {
            Manifest m = new Manifest("bench-solvers", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                    .param("solvers", names).param("tol", tol).param("runs", runs).param("beta", pb.beta())
                    .param("max_seconds", maxSeconds).param("max_iter", maxIter)
                    .param("loss", pb.loss().name()).input("x", problem.x).input("y", problem.y);
            String txt = table.toString();
            RunFolder.write(output.out, run -> {
                Reports.writeJson(run.file("bench.json"), rows);
                AtomicFiles.writeString(run.file("bench.txt"), txt);
                Plots.lines(run.file("gap_vs_time.png"), "certified relative gap against time", "seconds",
                        "relative gap (P - D) / P", false, true, lines);
                Reports.writeJson(run.file("manifest.json"), m.toMap());
            });
        }
        if (output.json) {
            out.println(Reports.toJson(rows));
        } else {
            out.print(table);
        }
        out.flush();
        return Main.OK;
    }

    static IterationRecord firstBelow(List<IterationRecord> history, double mark) {
        for (IterationRecord h : history) {
            if (h.relativeGap() <= mark) {
                return h;
            }
        }
        return null;
    }
}

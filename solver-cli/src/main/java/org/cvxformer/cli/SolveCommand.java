package org.cvxformer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Warmup;
import org.cvxformer.core.solver.Solver;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.SolverResult;
import org.cvxformer.core.solver.Solvers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer solve}: the group-lasso convex primal of math.md on data from NumPy, with
 * its certificate. Everything is validated before anything is written to {@code --out}.
 */
@Command(name = "solve", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = {"Solve the convex primal (math.md section 2) for X.npy, y.npy and print its certificate.", Limits.HELP},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:converged (relative gap <= --tol)", "1:environment failure (disk full, permission, out of memory) or internal error", "2:bad input or usage",
            "3:stopped at --max-iter/--max-seconds first (results still written, converged: false)"})
public final class SolveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problem;

    @Mixin
    SolverOptions solver;

    @Mixin
    OutputOptions output;

    @picocli.CommandLine.Option(names = "--initial", paramLabel = "Z.npy",
            description = "Warm start: a Z of shape (c, n, d) (for example the Z.npy of an earlier solve's --out); "
                    + "the certificate is computed as always.")
    Path initial;

    @Override
    public Integer call() throws Exception {
        output.checkWritable(initial == null ? new Path[] {problem.x, problem.y} : new Path[] {problem.x, problem.y, initial});
        SolverConfig config = solver.config();
        Solver s = Solvers.byName(solver.solver);
        long t0 = System.nanoTime();
        double warmupBefore = Warmup.waitedSeconds();
        Problem pb = problem.load();
        // reading and checking the input, reported beside solve_seconds so that setup cost is visible
        if (initial != null) {
            config = config.withInitial(initialZ(pb));
        }
        double loadSeconds = (System.nanoTime() - t0) * 1e-9;
        // the part of it the first large pass (beta_max's) spent on the JIT warm-up
        double warmupSeconds = Warmup.waitedSeconds() - warmupBefore;

        SolverResult r = s.solve(pb, config);
        PrintWriter out = spec.commandLine().getOut();
        Path published = null;
        if (output.out != null) {
            Manifest m = new Manifest("solve", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                    .param("loss", pb.loss().name()).param("beta", pb.beta()).param("beta_max", pb.betaMax())
                    .param("solver", s.name()).param("tol", config.tolerance())
                    .param("max_iter", config.maxIterations()).param("max_seconds", Double.isInfinite(config.maxSeconds()) ? null : config.maxSeconds())
                    .param("classes", pb.classes())
                    .input("x", problem.x).input("y", problem.y);
            if (initial != null) {
                m.input("initial", initial);
            }
            if (problem.groupWeights != null) {
                m.input("group_weights", problem.groupWeights);
            }
            published = RunFolder.write(output.out, run -> {
                Reports.writeZ(run.file("Z.npy"), pb, r.z());
                Reports.writeJson(run.file("certificate.json"), withLoad(Reports.certificateJson(pb, r), loadSeconds, warmupSeconds));
                Reports.writeHistory(run.file("history.csv"), r.history());
                Reports.writeJson(run.file("manifest.json"), m.toMap());
            });
        }
        if (output.json) {
            out.println(Reports.toJson(withLoad(Reports.certificateJson(pb, r), loadSeconds, warmupSeconds)));
            out.flush();
        } else {
            Reports.printTable(out, pb, r);
            if (output.out != null) {
                out.println("wrote        " + published + ": Z.npy, certificate.json, history.csv, manifest.json");
                out.flush();
            }
        }
        if (!r.converged()) {
            spec.commandLine().getErr().println("cvxformer: not converged: " + r.status() + ": " + r.message()
                    + " (the reported gap is still a valid bound)");
            spec.commandLine().getErr().flush();
            return Main.NOT_CONVERGED;
        }
        return Main.OK;
    }

    /** The {@code --initial} Z, checked against the problem's shape (one line naming both otherwise). */
    private double[] initialZ(Problem pb) throws java.io.IOException {
        org.cvxformer.core.io.NpyArray za = org.cvxformer.core.io.Npy.read(initial);
        int[] sz = za.shape();
        if (sz.length != 3 || sz[0] != pb.classes() || sz[1] != pb.tokens() || sz[2] != pb.features()) {
            throw new IllegalArgumentException("--initial " + initial + " has shape " + Inputs.shape(sz) + ": expected (c, n, d) = ("
                    + pb.classes() + ", " + pb.tokens() + ", " + pb.features() + ")");
        }
        double[] z = za.toDoubleArray();
        for (int q = 0; q < z.length; q++) {
            if (!Double.isFinite(z[q])) {
                throw new IllegalArgumentException("--initial " + initial + ": entry " + q + " is " + z[q] + ": expected finite numbers");
            }
        }
        return z;
    }

    /**
     * {@code load_seconds}: reading and checking the input, {@code beta_max}, the warm start;
     * {@code warmup_seconds}: the part of it spent running or waiting for the SIMD warm-up
     * ({@link Warmup#waitedSeconds}), so that the JIT's share of the setup is visible.
     */
    private static Map<String, Object> withLoad(Map<String, Object> m, double loadSeconds, double warmupSeconds) {
        m.put("load_seconds", loadSeconds);
        m.put("warmup_seconds", warmupSeconds);
        return m;
    }
}

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
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.certificate.DualSearch;
import org.cvxformer.core.solver.GapSafeScreening;
import org.cvxformer.core.certificate.Group;
import org.cvxformer.core.certificate.KktResidual;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer certify}: the certificate of math.md sections 4-5 for any candidate Z, from
 * any tool, without solving: a certified bound on its suboptimality.
 */
@Command(name = "certify", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = {"Certify any Z: primal, best cheap dual, gap, KKT residuals, worst groups, gap-safe screening.",
            "--out writes its own folder (certificate.json, report.md, manifest.json), never into the folder that holds --z."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:certificate computed", "1:environment failure (disk full, permission, out of memory) or internal error", "2:bad input or usage"})
public final class CertifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--x", paramLabel = "X.npy", description = "Inputs (N, n, d); or use --dataset.")
    Path x;

    @Option(names = "--y", paramLabel = "y.npy", description = "Targets (N,) labels or (N, c); with --x.")
    Path y;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--z", required = true, paramLabel = "Z.npy", description = "The candidate solution.")
    Path z;

    @Option(names = "--z-layout", defaultValue = "cnd", paramLabel = "LAYOUT",
            description = "cnd: shape (c, n, d), the project's layout; design: shape (n*d, c), column l = vec(Z_l) "
                    + "(default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--loss", defaultValue = "softmax", description = "softmax or squared (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--classes", description = "Number of classes for label targets (default: largest label + 1).")
    Integer classes;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ProblemOptions.BetaOptions beta;

    @Option(names = "--worst", defaultValue = "10", description = "How many worst KKT groups to list (default: ${DEFAULT-VALUE}).")
    int worst;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        output.checkWritable(z, x, y);
        refuseInapplicable();
        if (!layout.equals("cnd") && !layout.equals("design")) {
            throw new IllegalArgumentException("--z-layout " + layout + " is unknown: expected cnd or design");
        }
        Problem pb = loadProblem();
        double[] zz = loadZ(pb);
        pb.checkParameters(zz, "--z " + z);

        DualSearch.Outcome search = DualSearch.search(pb, zz);
        Certificate cert = Certifier.certify(pb, zz, search.best());
        boolean[] zero = GapSafeScreening.safeZeros(pb, zz, search.best());
        List<Map<String, Object>> activeButZero = new ArrayList<>();
        int provablyZero = 0;
        for (int g = 0; g < zero.length; g++) {
            if (zero[g]) {
                provablyZero++;
                Group gr = Group.ofIndex(g, pb.tokens());
                if (cert.groupNorm(gr.cls(), gr.token()) > 0) {
                    activeButZero.add(Map.of("class", gr.cls(), "token", gr.token()));
                }
            }
        }
        Map<String, Object> m = Reports.certificateFields(pb, cert);
        List<Map<String, Object>> cands = new ArrayList<>();
        for (DualPoint dp : search.candidates()) {
            cands.add(Map.of("source", dp.source(), "dual_objective", dp.value()));
        }
        m.put("dual_candidates", cands);
        List<Map<String, Object>> worstList = new ArrayList<>();
        for (KktResidual r : cert.worstGroups(worst)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", r.group().cls());
            row.put("token", r.group().token());
            row.put("residual", r.value());
            row.put("z_norm", cert.groupNorm(r.group().cls(), r.group().token()));
            worstList.add(row);
        }
        m.put("worst_groups", worstList);
        Map<String, Object> screen = new LinkedHashMap<>();
        screen.put("radius", GapSafeScreening.radius(pb, cert.gap()));
        screen.put("provably_zero_at_optimum", provablyZero);
        screen.put("nonzero_in_z_but_provably_zero", activeButZero.size());
        screen.put("nonzero_in_z_but_provably_zero_groups", activeButZero);
        screen.put("zero_in_z_but_provably_nonzero", null);
        screen.put("note", "the gap-safe test proves groups zero at the optimum; no dual test proves a group non-zero");
        m.put("screening", screen);
        m.put("z_file", z.toAbsolutePath().normalize().toString());
        m.put("z_layout", layout);

        if (output.out != null) {
            Manifest man = new Manifest("certify", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))
                    .param("loss", pb.loss().name()).param("beta", pb.beta()).param("z_layout", layout).input("z", z);
            if (x != null) {
                man.input("x", x).input("y", y);
            } else {
                man.put("data", DatasetBundle.build(dataset, "onehot").provenance());
            }
            String md = report(pb, cert, search, m, activeButZero.size(), provablyZero);
            // its own folder: never a solve's folder (check refuses one that holds --z, --x or --y)
            RunFolder.write(output.out, run -> {
                Reports.writeJson(run.file("certificate.json"), m);
                AtomicFiles.writeString(run.file("report.md"), md);
                Reports.writeJson(run.file("manifest.json"), man.toMap());
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Reports.toJson(m));
        } else {
            out.print(report(pb, cert, search, m, activeButZero.size(), provablyZero));
        }
        out.flush();
        return Main.OK;
    }

    /** With --x/--y the data come from the files: dataset options would be ignored, so they are refused. */
    private void refuseInapplicable() {
        picocli.CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        boolean files = x != null || y != null;
        for (picocli.CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
            String n = o.longestName();
            boolean datasetOption = List.of("--p", "--format", "--train-fraction", "--split-seed", "--features", "--feature-dim",
                    "--sigma", "--feature-seed").contains(n);
            if (files && datasetOption) {
                throw new IllegalArgumentException(n + " does not apply to --x/--y (it is an option of --dataset): remove it");
            }
            if (!files && n.equals("--classes")) {
                throw new IllegalArgumentException("--classes does not apply to --dataset (its classes are the residues 0..p-1): "
                        + "remove it");
            }
        }
    }

    private Problem loadProblem() throws java.io.IOException {
        if (x != null || y != null) {
            if (x == null || y == null) {
                throw new IllegalArgumentException("--x and --y go together (or use --dataset instead)");
            }
            if (dataset.dataset != null) {
                throw new IllegalArgumentException("give either --x/--y or --dataset, not both");
            }
            ProblemOptions po = new ProblemOptions();
            po.x = x;
            po.y = y;
            po.loss = loss;
            po.classes = classes;
            po.beta = beta;
            return po.load();
        }
        if (dataset.dataset == null) {
            throw new IllegalArgumentException("no data: pass --x X.npy --y y.npy, or --dataset NAME (the training split)");
        }
        DatasetBundle.Plan plan = DatasetBundle.plan(dataset, "onehot", "pair");
        // before allocating (issue 10); the dual search holds whole N x c arrays
        MemoryEstimate.convex(plan).plus(MemoryEstimate.dualSearch(plan.trainSize(), plan.classes())).check();
        DatasetBundle b = DatasetBundle.build(dataset, "onehot");
        Problem base = new Problem(b.trainDesign, b.trainTargets, Loss.byName(loss), 1.0);
        return base.withBeta(beta.resolve(base.betaMax()));
    }

    private double[] loadZ(Problem pb) throws java.io.IOException {
        Inputs.requireReadableFile(z, "--z"); // a directory, loop or unreadable file is exit 2 (issue 10)
        int[] s = Npy.readHeader(z).shape(); // the shape is checked before the data is read

        int c = pb.classes();
        int n = pb.tokens();
        int d = pb.features();
        if (layout.equals("cnd")) {
            if (s.length != 3 || s[0] != c || s[1] != n || s[2] != d) {
                String hint = (s.length == 2 && s[0] == n * d && s[1] == c) ? " (it looks like the design layout: add --z-layout design)" : "";
                throw new IllegalArgumentException("--z " + z + " has shape " + Inputs.shape(s) + ", expected (c, n, d) = ("
                        + c + ", " + n + ", " + d + ") for these data" + hint);
            }
            return Npy.read(z).toDoubleArray();
        }
        if (s.length != 2 || s[0] != n * d || s[1] != c) {
            String hint = (s.length == 3 && s[0] == c && s[1] == n && s[2] == d) ? " (it is in the (c, n, d) layout: drop --z-layout design)" : "";
            throw new IllegalArgumentException("--z " + z + " has shape " + Inputs.shape(s) + ", expected (n*d, c) = ("
                    + n * d + ", " + c + ") for --z-layout design" + hint);
        }
        double[] w = Npy.read(z).toDoubleArray();
        double[] out = new double[c * n * d];
        for (int q = 0; q < n * d; q++) {
            for (int l = 0; l < c; l++) {
                out[l * n * d + q] = w[q * c + l];
            }
        }
        return out;
    }

    private String report(Problem pb, Certificate cert, DualSearch.Outcome search, Map<String, Object> m, int activeButZero,
            int provablyZero) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Certificate for ").append(z.getFileName()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Problem: N = %d samples, n = %d tokens, d = %d features, c = %d classes, %s loss, "
                + "beta = %.6g (%.4g x beta_max = %.6g).%n%n", pb.samples(), pb.tokens(), pb.features(), pb.classes(),
                pb.loss().name(), pb.beta(), pb.beta() / pb.betaMax(), pb.betaMax()));
        String note = Reports.betaNote(pb.beta(), pb.betaMax());
        if (note != null) {
            sb.append("Note: ").append(note).append("\n\n");
        }
        sb.append(String.format(Locale.ROOT, "The candidate has primal value P(Z) = %.12g. The best feasible dual point found has "
                + "D(U) = %.12g (from %s), so Z is at most **%.3e** above the optimum (relative gap %.3e).%n%n",
                cert.primal(), cert.dual(), cert.dualSource(), cert.gap(), cert.relativeGap()));
        sb.append("Dual points tried (every one rescaled into the feasible set and evaluated independently):\n\n");
        for (DualPoint dp : search.candidates()) {
            sb.append(String.format(Locale.ROOT, "- %s: D = %.12g%n", dp.source(), dp.value()));
        }
        sb.append(String.format(Locale.ROOT, "%nKKT residuals (relative to beta): stationarity %.3e%s, dual feasibility %.3e%s, "
                + "complementary slackness %.3e%s.%n%n", cert.stationarity().value(), at(cert.stationarity()),
                cert.dualFeasibility().value(), at(cert.dualFeasibility()), cert.complementarySlackness().value(),
                at(cert.complementarySlackness())));
        sb.append(String.format(Locale.ROOT, "The %d worst groups:%n%n| class | token | residual | ||z_lk|| |%n|---|---|---|---|%n", Math.min(worst, pb.groupCount())));
        for (KktResidual r : cert.worstGroups(worst)) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %.3e | %.3e |%n", r.group().cls(), r.group().token(), r.value(),
                    cert.groupNorm(r.group().cls(), r.group().token())));
        }
        sb.append(String.format(Locale.ROOT, "%nActive groups: %d of %d. The gap-safe test (radius %.3e) proves %d groups zero at "
                + "the optimum; %d of them are non-zero in Z. (The test can prove zeros only, so no group is reported as "
                + "zero in Z but provably non-zero.)%n", cert.activeCount(), pb.groupCount(),
                (double) ((Map<?, ?>) m.get("screening")).get("radius"), provablyZero, activeButZero));
        return sb.toString();
    }

    private static String at(KktResidual r) {
        return r.group() == null ? "" : " at " + r.group();
    }
}

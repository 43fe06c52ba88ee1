package org.cvxformer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cvxformer.core.io.AtomicFiles;

/**
 * The report of {@code cvxformer reproduce}: Table 1, Figures 1-4 and a verdict, generated from
 * the run folders alone (so it can be rewritten at any time, from a finished or unfinished
 * experiment). Nothing in it is typed by hand but the paper's own numbers.
 */
final class ReproductionReport {
    /** Validation accuracy that counts as solved (seeds/004 section 5.2, early stopping). */
    static final double SOLVED = 0.99;
    /**
     * Convex block weight matrices whose spectra the paper tracks (section 7): the W2 of layer k
     * ({@code layerK.convex.w2}) and of the head ({@code head.convex.w2}, the last layer).
     */
    static final Pattern CONVEX_Z = Pattern.compile("(?:layer(\\d+)|head)\\.convex\\.w2");
    /** The key of the head in a by-layer map before it is numbered as the last layer. */
    private static final int HEAD = Integer.MAX_VALUE;

    /** The layer of a {@link #CONVEX_Z} match: its index, or {@link #HEAD}. */
    static int convexLayer(Matcher mt) {
        return mt.group(1) != null ? Integer.parseInt(mt.group(1)) : HEAD;
    }

    /** The head numbered as the layer after the last {@code layerK} (layers counted from 0). */
    static <V> TreeMap<Integer, V> numberHead(Map<Integer, V> byLayer) {
        TreeMap<Integer, V> out = new TreeMap<>();
        int next = 0;
        for (Map.Entry<Integer, V> e : byLayer.entrySet()) {
            if (e.getKey() != HEAD) {
                out.put(e.getKey(), e.getValue());
                next = Math.max(next, e.getKey() + 1);
            }
        }
        if (byLayer.containsKey(HEAD)) {
            out.put(next, byLayer.get(HEAD));
        }
        return out;
    }

    private ReproductionReport() {
    }

    /** One finished run, read back from its folder. */
    record RunResult(String dataset, String model, int seed, boolean neural, int epochs, double seconds,
            double secondsPerEpoch, Integer valEpoch99, Integer trainEpoch99, double finalTrain, double finalVal,
            double bestVal, double relativeGap, long iterations, String stopReason, double[] epoch, double[] trainAcc,
            double[] valAcc, String cpu) {
        /** Epochs from 99% train to 99% validation accuracy (the grokking delay); null unless both reached. */
        Integer delay() {
            return valEpoch99 != null && trainEpoch99 != null ? valEpoch99 - trainEpoch99 : null;
        }
    }

    static RunResult read(ReproduceCommand.RunSpec r) throws IOException {
        JsonNode s = r.summary();
        if (s == null) {
            return null;
        }
        Path h = r.dir().resolve("history.csv");
        List<double[]> rows = new ArrayList<>();
        int epochCol = 0;
        int trCol = -1;
        int vaCol = -1;
        if (Files.isRegularFile(h)) {
            List<String> lines = Files.readAllLines(h);
            String[] head = lines.get(0).split(",");
            for (int q = 0; q < head.length; q++) {
                if (head[q].equals("train_acc") || head[q].equals("train_accuracy")) {
                    trCol = q;
                } else if (head[q].equals("val_acc") || head[q].equals("val_accuracy")) {
                    vaCol = q;
                }
            }
            for (String l : lines.subList(1, lines.size())) {
                String[] c = l.split(",");
                if (trCol >= 0 && vaCol >= 0 && c.length > Math.max(trCol, vaCol)) {
                    rows.add(new double[] {Double.parseDouble(c[epochCol]), Double.parseDouble(c[trCol]),
                        Double.parseDouble(c[vaCol])});
                }
            }
        }
        double[] ep = rows.stream().mapToDouble(v -> v[0]).toArray();
        double[] tr = rows.stream().mapToDouble(v -> v[1]).toArray();
        double[] va = rows.stream().mapToDouble(v -> v[2]).toArray();
        Integer train99 = null;
        Integer val99 = null;
        double best = Double.NaN;
        for (int q = 0; q < ep.length; q++) {
            if (train99 == null && tr[q] >= SOLVED) {
                train99 = (int) ep[q];
            }
            if (val99 == null && va[q] >= SOLVED) {
                val99 = (int) ep[q];
            }
            best = Double.isNaN(best) ? va[q] : Math.max(best, va[q]);
        }
        boolean neural = r.neural();
        if (neural && s.hasNonNull("converged_epoch")) {
            val99 = s.get("converged_epoch").asInt();
        }
        return new RunResult(r.dataset(), r.model(), r.seed(), neural, s.path("epochs").asInt(0),
                neural ? s.path("seconds").asDouble() : s.path("solve_seconds").asDouble(),
                s.path("seconds_per_epoch").asDouble(Double.NaN), neural ? val99 : null, neural ? train99 : null,
                s.path("train_accuracy").asDouble(Double.NaN), s.path("val_accuracy").asDouble(Double.NaN), best,
                s.path("relative_gap").asDouble(Double.NaN), s.path("iterations").asLong(0),
                s.path("stop_reason").asText(neural ? "" : s.path("converged").asBoolean() ? "CONVERGED" : "LIMIT"), ep, tr, va,
                manifestCpu(r.dir()));
    }

    /** The CPU the run's manifest names, or null when it names none (runs made before manifests recorded it). */
    static String manifestCpu(Path runDir) {
        Path f = runDir.resolve("manifest.json");
        try {
            if (Files.isRegularFile(f)) {
                JsonNode cpu = Reports.JSON.readTree(f.toFile()).get("cpu");
                return cpu == null || cpu.isNull() ? null : cpu.asText();
            }
        } catch (IOException e) {
            // an unreadable manifest leaves the run's CPU unknown; the report says so
        }
        return null;
    }

    /**
     * The report's hardware line: the machine writing the report, and, when the runs' manifests name other CPUs
     * or none, how many runs ran on each (a resumed experiment can span machines, and a timing is only as good as
     * the hardware it names).
     */
    static String hardwareLine(String here, String hereCpu, List<RunResult> results) {
        Map<String, Integer> byCpu = new java.util.TreeMap<>();
        for (RunResult r : results) {
            byCpu.merge(r.cpu() == null ? "" : r.cpu(), 1, Integer::sum);
        }
        if (byCpu.isEmpty() || byCpu.keySet().equals(java.util.Set.of(hereCpu))) {
            return here;
        }
        StringBuilder sb = new StringBuilder("report written on ").append(here);
        if (byCpu.keySet().equals(java.util.Set.of(""))) {
            int k = byCpu.get("");
            return sb.append("; the runs' manifests do not name their CPU (").append(k).append(k == 1 ? " run" : " runs")
                    .append(", made before manifests recorded it)").toString();
        }
        sb.append("; the runs' manifests name ");
        boolean first = true;
        for (Map.Entry<String, Integer> e : byCpu.entrySet()) {
            if (e.getKey().isEmpty()) {
                continue;
            }
            sb.append(first ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue())
                    .append(e.getValue() == 1 ? " run)" : " runs)");
            first = false;
        }
        Integer unknown = byCpu.get("");
        if (unknown != null) {
            sb.append("; no CPU recorded for ").append(unknown)
                    .append(unknown == 1 ? " run" : " runs").append(" (made before manifests recorded it)");
        }
        return sb.toString();
    }

    /** Mean and sample standard deviation of the finite values (NaN when there are none). */
    static double[] meanSd(List<Double> v) {
        List<Double> f = v.stream().filter(Double::isFinite).toList();
        if (f.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN, 0};
        }
        double m = f.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : f) {
            ss += (x - m) * (x - m);
        }
        return new double[] {m, f.size() > 1 ? Math.sqrt(ss / (f.size() - 1)) : 0, f.size()};
    }

    static String pm(double[] ms, String fmt) {
        if (Double.isNaN(ms[0])) {
            return "-";
        }
        return ms[2] > 1 ? String.format(Locale.ROOT, fmt + " ± " + fmt, ms[0], ms[1]) : String.format(Locale.ROOT, fmt, ms[0]);
    }

    static void write(Path dir, ReproduceCommand.Plan plan, List<ReproduceCommand.RunSpec> runs) throws IOException {
        List<RunResult> results = new ArrayList<>();
        int pending = 0;
        for (ReproduceCommand.RunSpec r : runs) {
            RunResult rr = read(r);
            if (rr == null) {
                pending++;
            } else {
                results.add(rr);
            }
        }
        String hardware = hardwareLine(hardware(), Hardware.cpuModel(), results);
        StringBuilder md = new StringBuilder();
        md.append("# Reproduction of the seed paper (seeds/004): Table 1 and Figures 1-4\n\n");
        md.append(String.format(Locale.ROOT, "- **Datasets:** %s, p = %d, train fraction %.2f (split seed 0, shared by every "
                + "model and seed)%n", String.join(" and ", ReproduceCommand.DATASETS), plan.p(),
                ReproduceCommand.Plan.TRAIN_FRACTION));
        md.append(String.format(Locale.ROOT, "- **Protocol:** %s (batch %d; %s)%n", plan.protocol(), plan.batch(),
                plan.protocol().equals("paper") ? "Adam lr 1e-3, beta 1e-4, weight decay 1e-6 (nonconvex: AdamW, weight decay 1), "
                        + "300,000 iterations at most, stop at 99% validation"
                        : "lr 1e-3, weight decay 1, stop at 99% validation"));
        md.append(String.format(Locale.ROOT, "- **Budget:** %.0f s of wall clock per neural run, and the iteration cap "
                + "(%d epochs at this split)%n", plan.maxSeconds(),
                plan.epochs((int) Math.round(ReproduceCommand.examples("mod-division", plan.p()) * ReproduceCommand.Plan.TRAIN_FRACTION))));
        md.append(String.format(Locale.ROOT, "- **Seeds:** %d per paper model (initialisation and batch order)%n", plan.seeds()));
        md.append("- **Hardware:** ").append(hardware).append('\n');
        md.append("- **Version:** cvxformer ").append(Version.get()).append(", report written ").append(Instant.now())
                .append('\n');
        if (pending > 0) {
            md.append(String.format(Locale.ROOT, "- **Unfinished:** %d of %d runs have not finished yet; continue with "
                    + "`cvxformer reproduce --resume %s`%n", pending, runs.size(), dir));
        }
        md.append('\n');

        // ---- Table 1
        md.append("## Table 1: training time and epochs to 99% validation accuracy\n\n");
        md.append("Mean ± sample standard deviation over the seeds; epochs and time to 99% are over the seeds that "
                + "reached it, with how many did. The paper's column is its Table 1 (division dataset, one NVIDIA T4 GPU "
                + "on Google Colab); ours ran on the hardware named above.\n\n");
        md.append("| dataset | model | s/epoch | total training time (s) | epochs to 99% val | seeds reaching 99% | "
                + "final val acc | paper: s/epoch, total s, epochs |\n|---|---|---|---|---|---|---|---|\n");
        List<Map<String, Object>> table = new ArrayList<>();
        for (String ds : ReproduceCommand.DATASETS) {
            for (String m : plan.models()) {
                List<RunResult> rs = results.stream().filter(r -> r.dataset().equals(ds) && r.model().equals(m)).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                double[] spe = meanSd(rs.stream().map(RunResult::secondsPerEpoch).toList());
                double[] tot = meanSd(rs.stream().map(RunResult::seconds).toList());
                List<RunResult> reached = rs.stream().filter(r -> r.valEpoch99() != null).toList();
                double[] e99 = meanSd(reached.stream().map(r -> (double) r.valEpoch99()).toList());
                double[] fin = meanSd(rs.stream().map(RunResult::finalVal).toList());
                double[] paper = ReproduceCommand.PAPER_TABLE_1.get(m);
                String paperCol = ds.equals("mod-division") && paper != null
                        ? asPrinted(paper[0]) + ", " + asPrinted(paper[1]) + ", " + asPrinted(paper[2]) : "-";
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d/%d | %s | %s |%n", ds,
                        ReproduceCommand.displayName(m), pm(spe, "%.3f"), pm(tot, "%.1f"),
                        reached.isEmpty() ? "not reached" : pm(e99, "%.0f"), reached.size(), rs.size(), pm(fin, "%.3f"), paperCol));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("dataset", ds);
                row.put("model", m);
                row.put("seeds", rs.size());
                row.put("seconds_per_epoch_mean", spe[0]);
                row.put("seconds_per_epoch_sd", spe[1]);
                row.put("total_seconds_mean", tot[0]);
                row.put("total_seconds_sd", tot[1]);
                row.put("seeds_reaching_99", reached.size());
                row.put("epochs_to_99_mean", reached.isEmpty() ? null : e99[0]);
                row.put("epochs_to_99_sd", reached.isEmpty() ? null : e99[1]);
                row.put("final_val_accuracy_mean", fin[0]);
                table.add(row);
            }
        }
        List<RunResult> singles = results.stream().filter(r -> !r.neural()).toList();
        if (!singles.isEmpty()) {
            md.append("\nExtra rows, ours and not the paper's: the certified single block (problem (P) of math.md, one "
                    + "block on fixed token features), solved to a certified relative duality gap.\n\n");
            md.append("| dataset | model | solver iterations | solve time (s) | certified relative gap | train acc | val acc |\n"
                    + "|---|---|---|---|---|---|---|\n");
            for (RunResult r : singles) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.1e | %.3f | %.3f |%n", r.dataset(),
                        ReproduceCommand.displayName(r.model()), r.iterations(), r.seconds(), r.relativeGap(), r.finalTrain(),
                        r.finalVal()));
            }
            md.append("\nThey stay near chance on validation by construction: a single block is additive over token "
                    + "positions, s_l = f_l(a) + g_l(b), and no additive score can fit a * b^-1 mod p (the XOR argument of "
                    + "math.md section 8: d0+e0 > 0, d1+e0 < 0, d0+e1 < 0, d1+e1 > 0 sum to a contradiction).\n");
        }

        // ---- Figures
        md.append("\n## Figures 1-2: accuracy against epoch\n\n");
        List<String> figures = new ArrayList<>();
        for (int k = 0; k < ReproduceCommand.DATASETS.size(); k++) {
            String ds = ReproduceCommand.DATASETS.get(k);
            List<Plots.Line> lines = new ArrayList<>();
            for (String m : plan.models()) {
                for (RunResult r : results) {
                    if (r.dataset().equals(ds) && r.model().equals(m) && r.epoch().length > 0) {
                        lines.add(new Plots.Line(shortName(m) + ": validation", r.epoch(), r.valAcc()));
                        lines.add(new Plots.Line(shortName(m) + ": train", r.epoch(), r.trainAcc()));
                    }
                }
            }
            String file = "fig" + (k + 1) + "_accuracy_" + ds + ".png";
            Plots.lines(dir.resolve(file), String.format(Locale.ROOT, "Figure %d: %s p=%d, %s protocol (seeds as thin lines)",
                    k + 1, ds, plan.p(), plan.protocol()), Plots.Axes.accuracy("epoch", true), lines);
            md.append(String.format(Locale.ROOT, "![Figure %d](%s)%n%n", k + 1, file));
            figures.add(file);
        }
        md.append("## Figures 3-4: singular values of the convex weight matrices over training\n\n");
        for (int k = 0; k < ReproduceCommand.DATASETS.size(); k++) {
            String ds = ReproduceCommand.DATASETS.get(k);
            List<Plots.Line> ranks = new ArrayList<>();
            for (String m : plan.models()) {
                if (m.equals("nonconvex")) {
                    continue;
                }
                for (ReproduceCommand.RunSpec r : runs) {
                    if (!r.dataset().equals(ds) || !r.model().equals(m) || !Files.isDirectory(r.dir().resolve("spectra"))) {
                        continue;
                    }
                    Map<Integer, TreeMap<Integer, SpectrumCommand.Entry>> found = new TreeMap<>();
                    boolean hasHead = false;
                    for (SpectrumCommand.Entry e : SpectrumCommand.read(r.dir())) {
                        Matcher mt = CONVEX_Z.matcher(e.matrix());
                        if (mt.matches()) {
                            hasHead |= mt.group(1) == null;
                            found.computeIfAbsent(convexLayer(mt), x -> new TreeMap<>()).put(Math.max(1, e.epoch()), e);
                        }
                    }
                    TreeMap<Integer, TreeMap<Integer, SpectrumCommand.Entry>> byLayer = numberHead(found);
                    int headLayer = hasHead ? byLayer.lastKey() : -1;
                    for (Map.Entry<Integer, TreeMap<Integer, SpectrumCommand.Entry>> layer : byLayer.entrySet()) {
                        String which = (layer.getKey() + 1) + (layer.getKey() == headLayer ? " (head)" : "");
                        TreeMap<Integer, SpectrumCommand.Entry> es = layer.getValue();
                        double[] x = es.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                        ranks.add(new Plots.Line(shortName(m) + " layer " + which, x,
                                es.values().stream().mapToDouble(SpectrumCommand.Entry::effectiveRank).toArray()));
                        if (r.seed() != 0) {
                            continue;
                        }
                        int nsv = es.firstEntry().getValue().values().length;
                        List<Plots.Line> sv = new ArrayList<>();
                        for (int i = 0; i < nsv; i++) {
                            final int ii = i;
                            sv.add(new Plots.Line("sigma_" + (i + 1), x, es.values().stream()
                                    .mapToDouble(e -> ii < e.values().length ? e.values()[ii] : Double.NaN).toArray()));
                        }
                        String file = String.format(Locale.ROOT, "fig%d_singular_values_%s_%s_layer%d.png", k + 3, ds, m,
                                layer.getKey() + 1);
                        Plots.lines(dir.resolve(file), String.format(Locale.ROOT, "Figure %d: %s, %s layer %s W2, seed 0",
                                k + 3, ds, shortName(m), which), Plots.Axes.of("epoch", "singular value", true, true), sv);
                        md.append(String.format(Locale.ROOT, "![Figure %d, %s layer %s](%s)%n%n", k + 3, shortName(m),
                                which, file));
                        figures.add(file);
                    }
                }
            }
            if (!ranks.isEmpty()) {
                String file = String.format(Locale.ROOT, "fig%d_effective_rank_%s.png", k + 3, ds);
                Plots.lines(dir.resolve(file), String.format(Locale.ROOT, "Figure %d: %s, effective rank of the convex Z "
                        + "matrices (seeds as thin lines)", k + 3, ds), Plots.Axes.of("epoch", "effective rank (Roy-Vetterli)",
                        true, false), ranks);
                md.append(String.format(Locale.ROOT, "![Figure %d, effective rank](%s)%n%n", k + 3, file));
                figures.add(file);
            }
        }

        List<Map<String, Object>> heads = headCertificates(dir, plan, runs, md, figures);

        // ---- Verdict
        String verdict = verdict(plan, results);
        md.append("## Verdict\n\n").append(verdict).append('\n');

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("plan", plan.toJson());
        json.put("hardware", hardware);
        json.put("pending_runs", pending);
        json.put("table_1", table);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (RunResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataset", r.dataset());
            m.put("model", r.model());
            m.put("seed", r.seed());
            m.put("epochs", r.epochs());
            m.put("seconds", r.seconds());
            m.put("seconds_per_epoch", r.secondsPerEpoch());
            m.put("train_epoch_99", r.trainEpoch99());
            m.put("val_epoch_99", r.valEpoch99());
            m.put("grokking_delay_epochs", r.delay());
            m.put("final_train_accuracy", r.finalTrain());
            m.put("final_val_accuracy", r.finalVal());
            m.put("best_val_accuracy", r.bestVal());
            m.put("stop_reason", r.stopReason());
            if (!r.neural()) {
                m.put("certified_relative_gap", r.relativeGap());
                m.put("solver_iterations", r.iterations());
            }
            rs.add(m);
        }
        json.put("runs", rs);
        json.put("head_certificates", heads);
        json.put("figures", figures);
        json.put("verdict", verdict);
        Reports.writeJson(dir.resolve("results.json"), json);
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
    }

    /**
     * The section on the convex stacks' certified heads (docs/head-certificate.md): from each run's
     * {@code head_certificate.csv}, the Adam head's certified relative gap against epoch, the Adam
     * head's accuracy against the certified head's, and a table of the last checkpoint; returns the
     * numbers for {@code results.json}.
     */
    static List<Map<String, Object>> headCertificates(Path dir, ReproduceCommand.Plan plan,
            List<ReproduceCommand.RunSpec> runs, StringBuilder md, List<String> figures) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        List<String> files = new ArrayList<>();
        for (String ds : ReproduceCommand.DATASETS) {
            List<Plots.Line> gaps = new ArrayList<>();
            List<Plots.Line> accs = new ArrayList<>();
            for (String m : plan.models()) {
                if (!NeuralTraining.isStack(m)) {
                    continue;
                }
                for (ReproduceCommand.RunSpec r : runs) {
                    if (!r.dataset().equals(ds) || !r.model().equals(m)) {
                        continue;
                    }
                    List<double[]> rows = HeadCertificate.read(r.dir().resolve(HeadCertificate.CSV));
                    if (rows.isEmpty()) {
                        continue;
                    }
                    double[] ep = rows.stream().mapToDouble(v -> v[0]).toArray();
                    gaps.add(new Plots.Line(shortName(m) + ": Adam head", ep, rows.stream().mapToDouble(v -> v[3]).toArray()));
                    gaps.add(new Plots.Line(shortName(m) + ": solved head", ep, rows.stream().mapToDouble(v -> v[6]).toArray()));
                    accs.add(new Plots.Line(shortName(m) + ": Adam head, validation", ep, rows.stream().mapToDouble(v -> v[9]).toArray()));
                    accs.add(new Plots.Line(shortName(m) + ": certified head, validation", ep,
                            rows.stream().mapToDouble(v -> v[11]).toArray()));
                    accs.add(new Plots.Line(shortName(m) + ": Adam head, train", ep, rows.stream().mapToDouble(v -> v[8]).toArray()));
                    accs.add(new Plots.Line(shortName(m) + ": certified head, train", ep,
                            rows.stream().mapToDouble(v -> v[10]).toArray()));
                    double[] last = rows.get(rows.size() - 1);
                    long solved = rows.stream().filter(v -> v[6] <= HeadCertificate.TOLERANCE).count();
                    table.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2e | %.2e | %.4g | %.4g | %.3f / %.3f | %.3f / %.3f | %d/%d |%n",
                            ds, shortName(m), r.seed(), (int) last[0], last[3], last[6], last[1], last[4], last[8], last[9],
                            last[10], last[11], solved, rows.size()));
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("dataset", ds);
                    j.put("model", m);
                    j.put("seed", r.seed());
                    List<Map<String, Object>> per = new ArrayList<>();
                    for (double[] v : rows) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("epoch", (int) v[0]);
                        e.put("adam_objective", v[1]);
                        e.put("adam_relative_gap", v[3]);
                        e.put("certified_objective", v[4]);
                        e.put("certified_relative_gap", v[6]);
                        e.put("optimum_lower_bound", v[7]);
                        e.put("adam_train_accuracy", v[8]);
                        e.put("adam_val_accuracy", v[9]);
                        e.put("certified_train_accuracy", v[10]);
                        e.put("certified_val_accuracy", v[11]);
                        e.put("solve_seconds", v[12]);
                        per.add(e);
                    }
                    j.put("checkpoints", per);
                    j.put("checkpoints_solved_to_tolerance", solved);
                    out.add(j);
                }
            }
            if (gaps.isEmpty()) {
                continue;
            }
            String gf = "head_gap_" + ds + ".png";
            gaps.add(HeadCertificate.toleranceLine(gaps));
            Plots.lines(dir.resolve(gf), String.format(Locale.ROOT, "%s p=%d: certified relative gap of the head, "
                    + "layers below fixed (seeds as thin lines)", ds, plan.p()),
                    Plots.Axes.of("epoch", "relative gap (P - D) / P", false, true), gaps);
            String af = "head_accuracy_" + ds + ".png";
            Plots.lines(dir.resolve(af), String.format(Locale.ROOT, "%s p=%d: Adam head vs certified head on the same "
                    + "features", ds, plan.p()), Plots.Axes.accuracy("epoch", false), accs);
            files.add(gf);
            files.add(af);
        }
        if (files.isEmpty()) {
            return out;
        }
        md.append("## The convex stacks' head, certified\n\n");
        md.append("At every checkpoint the layers below the head are frozen, the head's inputs H_i are computed in "
                + "evaluation mode, and the Adam-trained head is mapped to problem (P) (z_lk = w1_k W2[:, l]; "
                + "docs/head-certificate.md). Its certified relative gap bounds how far its head objective is from the "
                + "convex optimum on those features; the certified head is (P) solved with the auto solver to a relative "
                + "gap of 1e-6 or until its time cap (then the gap it reached is reported). The gap says nothing about the "
                + "layers below. The gap figures show both, on a log axis, with the solve's tolerance as a dashed line.\n\n");
        md.append("| dataset | model | seed | last checkpoint (epoch) | Adam head rel. gap | certified head rel. gap | "
                + "Adam head objective | certified objective | Adam head train / val acc | certified head train / val acc | "
                + "solves reaching 1e-6 |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(table).append('\n');
        for (String f : files) {
            md.append(String.format(Locale.ROOT, "![%s](%s)%n%n", f, f));
            figures.add(f);
        }
        return out;
    }

    /** A number as the paper prints it (no padding zeros). */
    static String asPrinted(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String shortName(String model) {
        return switch (model) {
            case "convex-stack" -> "Convex";
            case "convex-stack-kernel" -> "Convex Kernel";
            case "nonconvex" -> "Nonconvex";
            default -> model;
        };
    }

    /**
     * The plain verdict: which model reached 99% on division first, which reached the highest
     * final validation accuracy on periodicity, and whether the grokking delay is shorter for the
     * convex models (the paper's claims, seeds/004 section 6), each with the numbers it rests on.
     */
    static String verdict(ReproduceCommand.Plan plan, List<RunResult> results) {
        StringBuilder v = new StringBuilder();
        List<String> models = plan.models();
        // 1. division: first to 99%
        Map<String, double[]> e99 = new LinkedHashMap<>();
        Map<String, String> counts = new LinkedHashMap<>();
        for (String m : models) {
            List<RunResult> rs = results.stream().filter(r -> r.neural() && r.dataset().equals("mod-division")
                    && r.model().equals(m)).toList();
            List<RunResult> reached = rs.stream().filter(r -> r.valEpoch99() != null).toList();
            counts.put(m, reached.size() + "/" + rs.size());
            if (!rs.isEmpty() && reached.size() == rs.size()) {
                e99.put(m, meanSd(reached.stream().map(r -> (double) r.valEpoch99()).toList()));
            }
        }
        if (e99.isEmpty()) {
            v.append(String.format(Locale.ROOT, "- **Division:** no model reached 99%% validation accuracy in every seed "
                    + "within its budget (%.0f s per run; seeds reaching 99%%: %s).%n", plan.maxSeconds(), fmtCounts(counts)));
        } else {
            String first = e99.entrySet().stream().min((a, b) -> Double.compare(a.getValue()[0], b.getValue()[0])).get().getKey();
            v.append(String.format(Locale.ROOT, "- **Division:** %s reached 99%% validation accuracy first, after %.0f epochs "
                    + "on average (seeds reaching 99%%: %s; models missing from the ranking did not reach it in every seed).%n",
                    shortName(first), e99.get(first)[0], fmtCounts(counts)));
            v.append(orderingSentence(e99, true, "epochs to 99% on division"));
        }
        // 2. periodicity: highest final validation accuracy
        Map<String, double[]> fin = new LinkedHashMap<>();
        for (String m : models) {
            List<Double> vals = results.stream().filter(r -> r.neural() && r.dataset().equals("periodicity")
                    && r.model().equals(m)).map(RunResult::finalVal).toList();
            if (!vals.isEmpty()) {
                fin.put(m, meanSd(vals));
            }
        }
        if (!fin.isEmpty()) {
            String best = fin.entrySet().stream().max((a, b) -> Double.compare(a.getValue()[0], b.getValue()[0])).get().getKey();
            StringBuilder all = new StringBuilder();
            for (Map.Entry<String, double[]> e : fin.entrySet()) {
                all.append(all.length() > 0 ? ", " : "").append(shortName(e.getKey())).append(' ')
                        .append(String.format(Locale.ROOT, "%.3f", e.getValue()[0]));
            }
            v.append(String.format(Locale.ROOT, "- **Periodicity:** %s reached the highest final validation accuracy (%s, mean "
                    + "over seeds).%n", shortName(best), all));
            v.append(orderingSentence(fin, false, "final validation accuracy on periodicity"));
        }
        // 3. grokking delay
        for (String ds : ReproduceCommand.DATASETS) {
            Map<String, double[]> delay = new LinkedHashMap<>();
            for (String m : models) {
                List<Double> d = results.stream().filter(r -> r.neural() && r.dataset().equals(ds) && r.model().equals(m)
                        && r.delay() != null).map(r -> (double) r.delay()).toList();
                if (!d.isEmpty()) {
                    delay.put(m, meanSd(d));
                }
            }
            if (!delay.containsKey("nonconvex") || delay.size() < 2) {
                v.append(String.format(Locale.ROOT, "- **Grokking delay on %s** (epochs from 99%% train to 99%% validation "
                        + "accuracy): cannot be compared, since too few models reached 99%% validation accuracy.%n", ds));
                continue;
            }
            double nc = delay.get("nonconvex")[0];
            boolean shorter = delay.entrySet().stream().filter(e -> !e.getKey().equals("nonconvex"))
                    .allMatch(e -> e.getValue()[0] < nc);
            StringBuilder all = new StringBuilder();
            for (Map.Entry<String, double[]> e : delay.entrySet()) {
                all.append(all.length() > 0 ? ", " : "").append(shortName(e.getKey())).append(' ')
                        .append(String.format(Locale.ROOT, "%.0f", e.getValue()[0]));
            }
            v.append(String.format(Locale.ROOT, "- **Grokking delay on %s** (epochs from 99%% train to 99%% validation, mean "
                    + "over the seeds that reached both): %s. %s%n", ds, all,
                    shorter ? "It is shorter for the convex models, as the paper claims."
                            : "It is not shorter for every convex model: this contradicts the paper's claim."));
        }
        return v.toString();
    }

    /** Whether the numbers give the paper's order (Convex Kernel, then Convex, then Nonconvex). */
    private static String orderingSentence(Map<String, double[]> score, boolean lowerIsBetter, String what) {
        List<String> paper = List.of("convex-stack-kernel", "convex-stack", "nonconvex");
        if (!score.keySet().containsAll(paper)) {
            return "";
        }
        boolean holds = true;
        for (int q = 0; q + 1 < paper.size(); q++) {
            double a = score.get(paper.get(q))[0];
            double b = score.get(paper.get(q + 1))[0];
            holds &= lowerIsBetter ? a < b : a > b;
        }
        return String.format(Locale.ROOT, "  The paper's order (Convex Kernel better than Convex better than Nonconvex) %s by "
                + "%s.%n", holds ? "holds" : "does not hold", what);
    }

    private static String fmtCounts(Map<String, String> counts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : counts.entrySet()) {
            sb.append(sb.length() > 0 ? ", " : "").append(shortName(e.getKey())).append(' ').append(e.getValue());
        }
        return sb.toString();
    }

    /** CPU model, cores and threads used, from /proc/cpuinfo where there is one. */
    static String hardware() {
        return Hardware.describe(ReproduceCommand.threads());
    }
}

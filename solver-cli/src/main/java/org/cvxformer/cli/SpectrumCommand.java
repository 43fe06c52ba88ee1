package org.cvxformer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cvxformer spectrum RUN_DIR}: redraws the spectral plots (seed paper Figures 3-4) from a
 * run's saved {@code spectra/epoch-NNNNNN.csv} files: the effective rank of every weight matrix
 * against epoch (Roy and Vetterli 2007), and the singular values at the last checkpoint. Given a
 * bench or reproduce folder, it redraws every run inside it.
 */
@Command(name = "spectrum", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Redraw singular-value and effective-rank plots from a run directory's spectra/ files.")
public final class SpectrumCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory written by train, or a bench or reproduce folder (every run inside it).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        List<Path> runs = runsUnder(dir);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no spectra/ folder, and neither has any folder inside it: pass "
                    + "a run directory of train --model nonconvex|convex-stack|convex-stack-kernel (or a bench or reproduce folder)");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path run : runs) {
            int n = drawSpectra(run, run.getFileName().toString());
            out.println("wrote " + run.resolve("spectrum_rank.png") + " and " + run.resolve("spectrum_values.png")
                    + " from " + n + " checkpoints");
        }
        out.flush();
        return Main.OK;
    }

    /**
     * The run folders to draw: {@code dir} itself when it has {@code spectra/}, else every folder
     * below it (a bench or reproduce folder holds one run per model and seed) that has one, in
     * name order.
     */
    static List<Path> runsUnder(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve("spectra"))) {
            return List.of(dir);
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.filter(p -> !p.equals(dir) && Files.isDirectory(p.resolve("spectra"))).sorted().toList();
        }
    }

    /** One matrix at one epoch. */
    record Entry(int epoch, String matrix, double effectiveRank, double[] values) {
    }

    static List<Entry> read(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Path sp = dir.resolve("spectra");
        if (!Files.isDirectory(sp)) {
            throw new NoSuchFileException(sp.toString());
        }
        try (Stream<Path> files = Files.list(sp)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.csv")).sorted().toList()) {
                int epoch = Integer.parseInt(f.getFileName().toString().replaceAll("\\D", ""));
                List<String> lines = Files.readAllLines(f);
                for (String line : lines.subList(1, lines.size())) {
                    String[] cells = line.split(",", 5);
                    if (cells.length < 5) {
                        throw new IllegalArgumentException(f + ": malformed line '" + line + "'");
                    }
                    String[] vals = cells[4].isBlank() ? new String[0] : cells[4].trim().split(" ");
                    double[] v = new double[vals.length];
                    for (int q = 0; q < v.length; q++) {
                        v[q] = Double.parseDouble(vals[q]);
                    }
                    entries.add(new Entry(epoch, cells[0], Double.parseDouble(cells[3]), v));
                }
            }
        }
        return entries;
    }

    /** Draws {@code spectrum_rank.png} and {@code spectrum_values.png}; returns the number of checkpoints. */
    static int drawSpectra(Path dir, String title) throws IOException {
        if (!Files.isDirectory(dir.resolve("spectra"))) {
            return 0;
        }
        List<Entry> entries = read(dir);
        Map<String, List<Entry>> byMatrix = new LinkedHashMap<>();
        java.util.TreeSet<Integer> epochs = new java.util.TreeSet<>();
        for (Entry e : entries) {
            byMatrix.computeIfAbsent(e.matrix(), k -> new ArrayList<>()).add(e);
            epochs.add(e.epoch());
        }
        List<Plots.Line> rank = new ArrayList<>();
        List<Plots.Line> values = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> m : byMatrix.entrySet()) {
            List<Entry> es = m.getValue();
            double[] x = new double[es.size()];
            double[] y = new double[es.size()];
            for (int q = 0; q < es.size(); q++) {
                x[q] = Math.max(es.get(q).epoch(), 1);
                y[q] = es.get(q).effectiveRank();
            }
            rank.add(new Plots.Line(m.getKey(), x, y));
            Entry last = es.get(es.size() - 1);
            double[] idx = new double[last.values().length];
            for (int q = 0; q < idx.length; q++) {
                idx[q] = q + 1;
            }
            values.add(new Plots.Line(m.getKey(), idx, last.values()));
        }
        Plots.lines(dir.resolve("spectrum_rank.png"), title + ": effective rank of the weight matrices", "epoch",
                "effective rank (Roy-Vetterli)", true, false, rank);
        int lastEpoch = epochs.isEmpty() ? 0 : epochs.last();
        Plots.lines(dir.resolve("spectrum_values.png"), title + ": singular values at epoch " + lastEpoch, "index i (descending)",
                "singular value sigma_i", false, true, values);
        return epochs.size();
    }
}

package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.neural.Spectra;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.solver.IterationRecord;
import org.cvxformer.core.solver.Solver;
import org.cvxformer.core.solver.SolverConfig;
import org.cvxformer.core.solver.SolverResult;

/**
 * One convex training run on a dataset bundle: the solver on the training rows, with train and
 * validation accuracy of the current iterate recorded every few iterations. Validation rows
 * are only scored, never given to the solver.
 */
final class ConvexTraining {
    /** A history row with accuracies. */
    record Row(IterationRecord record, double trainAccuracy, double valAccuracy) {
    }

    final SolverResult result;
    final List<Row> rows;
    final double trainAccuracy;
    final double valAccuracy;
    /** Seconds spent scoring accuracies inside the solver's clock (reported, so timing stays honest). */
    final double evalSeconds;

    private ConvexTraining(SolverResult result, List<Row> rows, double trainAccuracy, double valAccuracy, double evalSeconds,
            List<SpectrumAt> spectra) {
        this.spectra = spectra;
        this.result = result;
        this.rows = rows;
        this.trainAccuracy = trainAccuracy;
        this.valAccuracy = valAccuracy;
        this.evalSeconds = evalSeconds;
    }

    /** The spectrum CSV of {@code W} at one iteration. */
    record SpectrumAt(int iteration, String csv) {
    }

    /** Singular values of {@code W} (the single block's weight matrix) at recorded iterations. */
    final List<SpectrumAt> spectra;

    static ConvexTraining run(DatasetBundle b, Problem pb, Solver solver, SolverConfig config, Progress progress) {
        return run(b, pb, solver, config, progress, 0);
    }

    /**
     * @param spectraEvery record the singular values of {@code W} every this many recorded rows
     *                     (0: never); for the seed paper's Figures 3-4
     */
    static ConvexTraining run(DatasetBundle b, Problem pb, Solver solver, SolverConfig config, Progress progress,
            int spectraEvery) {
        List<Row> rows = new ArrayList<>();
        List<SpectrumAt> spectra = new ArrayList<>();
        double[] evalTime = {0};
        SolverResult r = solver.solve(pb, config, (rec, z) -> {
            long t = System.nanoTime();
            if (spectraEvery > 0 && rows.size() % spectraEvery == 0) {
                spectra.add(new SpectrumAt(rec.iteration(), spectrumCsv(pb, z)));
            }
            double tr = DatasetBundle.accuracy(b.trainDesign, b.trainTargets, z);
            double va = DatasetBundle.accuracy(b.valDesign, b.valTargets, z);
            rows.add(new Row(rec, tr, va));
            evalTime[0] += (System.nanoTime() - t) * 1e-9;
            if (progress != null) {
                progress.update(rec.iteration(), rec.seconds(), rec.relativeGap(), config.tolerance(),
                        String.format(java.util.Locale.ROOT, "train %.3f val %.3f", tr, va));
            }
        });
        double[] z = r.z();
        if (spectraEvery > 0) {
            spectra.add(new SpectrumAt(r.iterations(), spectrumCsv(pb, z)));
        }
        return new ConvexTraining(r, rows, DatasetBundle.accuracy(b.trainDesign, b.trainTargets, z),
                DatasetBundle.accuracy(b.valDesign, b.valTargets, z), evalTime[0], spectra);
    }

    /** The single block's {@code W} ({@code nd x c}; stored transposed, same singular values) as a spectra CSV. */
    static String spectrumCsv(Problem pb, double[] z) {
        int rowsW = pb.classes();
        int cols = pb.tokens() * pb.features();
        double[] sv = Spectra.singularValues(z, 0, rowsW, cols);
        return Spectra.toCsv(List.of(new Spectra.Spectrum("W", cols, rowsW, sv, Spectra.effectiveRank(sv))));
    }

    /** Writes {@code spectra/epoch-NNNNNN.csv} (iteration numbers as epochs) for the spectrum command. */
    void writeSpectra(Path dir) throws IOException {
        if (spectra.isEmpty()) {
            return;
        }
        java.nio.file.Files.createDirectories(dir.resolve("spectra"));
        for (SpectrumAt s : spectra) {
            AtomicFiles.writeString(dir.resolve("spectra").resolve(String.format(java.util.Locale.ROOT, "epoch-%06d.csv",
                    s.iteration())), s.csv());
        }
    }

    void writeHistory(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("iteration,seconds,primal,dual,gap,relative_gap,train_accuracy,val_accuracy\n");
        for (Row row : rows) {
            IterationRecord h = row.record();
            sb.append(h.iteration()).append(',').append(h.seconds()).append(',').append(h.primal()).append(',')
                    .append(h.dual()).append(',').append(h.gap()).append(',').append(h.relativeGap()).append(',')
                    .append(row.trainAccuracy()).append(',').append(row.valAccuracy()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Certified relative gap against seconds, for the comparison figure. */
    Plots.Line gapVersusTime(String name) {
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int q = 0; q < rows.size(); q++) {
            x[q] = rows.get(q).record().seconds();
            y[q] = rows.get(q).record().relativeGap();
        }
        return new Plots.Line(name, x, y);
    }

    void writePlots(Path dir, String title, Problem pb) throws IOException {
        int m = rows.size();
        double[] it = new double[m];
        double[] gap = new double[m];
        double[] tr = new double[m];
        double[] va = new double[m];
        for (int q = 0; q < m; q++) {
            it[q] = rows.get(q).record().iteration();
            gap[q] = rows.get(q).record().relativeGap();
            tr[q] = rows.get(q).trainAccuracy();
            va[q] = rows.get(q).valAccuracy();
        }
        // the seed paper's minibatch Adam records once per epoch; the certified solvers once per iteration
        String x = result.solver().toLowerCase(java.util.Locale.ROOT).contains("adam") ? "epoch" : "solver iteration";
        Plots.lines(dir.resolve("gap.png"), title + ": certified relative duality gap", x,
                "relative gap (P - D) / P", false, true, List.of(new Plots.Line(result.solver(), it, gap)));
        Plots.lines(dir.resolve("accuracy.png"), title + ": accuracy", Plots.Axes.accuracy(x, false),
                List.of(new Plots.Line("train", it, tr), new Plots.Line("validation", it, va)));
        double[] norms = result.certificate().groupNorms();
        int c = pb.classes();
        int n = pb.tokens();
        double[][] grid = new double[c][n];
        for (int l = 0; l < c; l++) {
            for (int k = 0; k < n; k++) {
                grid[l][k] = norms[l * n + k];
            }
        }
        Plots.heatMap(dir.resolve("row_norms.png"), title + ": row norms ||z_lk|| (class x token)", "token position k",
                "class l", "row norm ||z_lk||", grid);
    }
}

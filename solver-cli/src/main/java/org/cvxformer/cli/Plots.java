package org.cvxformer.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cvxformer.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of runs (XChart, headless), each written atomically. */
final class Plots {
    static {
        // ImageIO's default file cache registers a JVM shutdown hook per stream, which fails once a
        // Ctrl-C shutdown has begun; the final plots of an interrupted run are written then. PNGs
        // of this size need no disk cache.
        javax.imageio.ImageIO.setUseCache(false);
    }

    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    private Plots() {
    }

    /** One named line. */
    record Line(String name, double[] x, double[] y) {
    }

    /**
     * An XY chart. On a log axis, non-positive values cannot be drawn and are left out of that
     * line (a gap of exactly 0 is below every log tick); the caption says so.
     */
    static void lines(Path file, String title, String xTitle, String yTitle, boolean logX, boolean logY, List<Line> lines)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(3);
        boolean any = false;
        for (Line l : lines) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int q = 0; q < l.x().length; q++) {
                double x = l.x()[q];
                double y = l.y()[q];
                if (!Double.isFinite(x) || !Double.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) {
                    continue;
                }
                xs.add(x);
                ys.add(y);
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(l.name(), xs, ys);
            s.setMarker(xs.size() > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) {
            // An empty chart still documents that there was nothing to draw.
            chart.addSeries("(no drawable points)", new double[] {1}, new double[] {1});
        }
        save(file, chart);
    }

    /** A heat map of {@code values[row][col]} (rows on the y axis). */
    static void heatMap(Path file, String title, String xTitle, String yTitle, double[][] values) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        int rows = values.length;
        int cols = rows == 0 ? 0 : values[0].length;
        List<Integer> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            xs.add(c);
        }
        for (int r = 0; r < rows; r++) {
            ys.add(r);
        }
        List<Number[]> heat = new ArrayList<>();
        double max = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                heat.add(new Number[] {c, r, values[r][c]});
                max = Math.max(max, values[r][c]);
            }
        }
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(max > 0 ? max : 1);
        chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x9ecae1), new Color(0x3182bd), new Color(0x08306b)});
        chart.getStyler().setPlotContentSize(0.98);
        chart.addSeries("||z_lk||", xs, ys, heat);
        save(file, chart);
    }

    static void save(Path file, IChart chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
    }
}

package org.cvxformer.cli;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tool's plots (XChart, headless), each written atomically as PNG and, beside it, as SVG.
 *
 * <p>The readability rules live here, once, so that no caller can break them: an accuracy axis
 * runs from 0 to 1 with leading zeros ({@link Axes#accuracy}); a log axis always has labelled
 * ticks (intermediate ticks, not decades only; data spanning less than a decade get a linear
 * axis, since a log axis would show only its two end ticks); a
 * legend lists at most {@link #MAX_LEGEND} entries: lines that share a name (the seeds of one
 * model) share a colour and one entry and are drawn thin, and more names than that are drawn on a
 * sequential colour scale whose first and last lines alone are named; a heat map's colour bar is
 * titled, its labels are short, and exact zeros are left undrawn (grey), distinct from small
 * values.
 */
final class Plots {
    static {
        // ImageIO's default file cache registers a JVM shutdown hook per stream, which fails once a
        // Ctrl-C shutdown has begun; the final plots of an interrupted run are written then. PNGs
        // of this size need no disk cache.
        javax.imageio.ImageIO.setUseCache(false);
    }

    static final int WIDTH = 900;
    static final int HEIGHT = 560;
    /** The most legend entries a plot shows; more lines are drawn on a colour scale. */
    static final int MAX_LEGEND = 8;
    /** Cells of a heat map that are exactly zero show this (the plot background). */
    static final Color ZERO_CELL = new Color(0xd9d9d9);
    /** Distinct colours for up to {@link #MAX_LEGEND} lines (Okabe-Ito, colour-blind safe). */
    private static final Color[] DISTINCT = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};

    private Plots() {
    }

    /** One named line. */
    /**
     * A named line; a {@code reference} line (a tolerance, a bound) is drawn dashed and grey,
     * outside the colour cycle of the data.
     */
    record Line(String name, double[] x, double[] y, boolean reference) {
        Line(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    /** Legends with more entries than this go outside the plot, to the right, so that they hide no line. */
    static final int LEGEND_INSIDE_MAX = 4;

    /**
     * Axis titles, scales and an optional fixed y range ({@code null} bounds are automatic).
     */
    record Axes(String xTitle, String yTitle, boolean logX, boolean logY, Double yMin, Double yMax) {
        /** Accuracy (fraction correct) from 0 to 1 against {@code xTitle}. */
        static Axes accuracy(String xTitle, boolean logX) {
            return new Axes(xTitle, "accuracy", logX, false, 0.0, 1.0);
        }

        static Axes of(String xTitle, String yTitle, boolean logX, boolean logY) {
            return new Axes(xTitle, yTitle, logX, logY, null, null);
        }
    }

    /** {@link #lines(Path, String, Axes, List)} with automatic ranges. */
    static void lines(Path file, String title, String xTitle, String yTitle, boolean logX, boolean logY, List<Line> lines)
            throws IOException {
        lines(file, title, Axes.of(xTitle, yTitle, logX, logY), lines);
    }

    /**
     * An XY chart. On a log axis, non-positive values cannot be drawn and are left out of that
     * line (a gap of exactly 0 is below every log tick).
     */
    static void lines(Path file, String title, Axes axes, List<Line> lines) throws IOException {
        save(file, chart(title, axes, lines, WIDTH, HEIGHT));
    }

    /** The chart of {@link #lines(Path, String, Axes, List)}, for callers that lay out panels. */
    static XYChart chart(String title, Axes axes, List<Line> lines, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(axes.xTitle())
                .yAxisTitle(axes.yTitle()).build();
        List<Line> drawable = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Line l : lines) {
            Line d = drawablePart(l, axes);
            if (d != null) {
                drawable.add(d);
                for (double y : d.y()) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        // a log axis over less than a decade has only its two end ticks: draw it linear instead
        style(chart, axes, hi >= 10 * lo, hi >= DECADES_ONLY_FROM * lo);
        // Lines that share a name are one entry (seeds of one model): one colour, one legend entry,
        // drawn thin.
        List<String> names = new ArrayList<>();
        for (Line l : drawable) {
            if (!names.contains(l.name())) {
                names.add(l.name());
            }
        }
        long references = drawable.stream().filter(Line::reference).map(Line::name).distinct().count();
        boolean scale = names.size() - references > MAX_LEGEND;
        if (names.size() > LEGEND_INSIDE_MAX && !scale) {
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        }
        List<String> named = new ArrayList<>();
        for (int q = 0; q < drawable.size(); q++) {
            Line l = drawable.get(q);
            XYSeries s = chart.addSeries(uniqueName(chart, l.name()), l.x(), l.y());
            s.setMarker(l.x().length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            s.setLineStyle(SeriesLines.SOLID);
            if (l.reference()) {
                s.setLineStyle(SeriesLines.DASH_DASH);
                s.setLineColor(Color.GRAY);
                s.setMarker(SeriesMarkers.NONE);
                s.setShowInLegend(true);
                continue;
            }
            if (scale) {
                Color colour = sequential(q / (double) (drawable.size() - 1));
                s.setLineColor(colour);
                s.setMarkerColor(colour);
                // a line of one or two points is invisible without its markers
                s.setMarker(l.x().length > 2 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
                s.setShowInLegend(q == 0 || q == drawable.size() - 1);
            } else {
                Color colour = DISTINCT[names.indexOf(l.name()) % DISTINCT.length];
                s.setLineColor(colour);
                s.setMarkerColor(colour);
                s.setShowInLegend(!named.contains(l.name()));
                named.add(l.name());
                if (drawable.stream().filter(o -> o.name().equals(l.name())).count() > 1) {
                    s.setLineWidth(1.0f);
                    s.setMarker(l.x().length > 2 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
                }
            }
        }
        if (scale) {
            chart.setTitle(title + String.format(Locale.ROOT, " (%d lines, coloured first to last)", drawable.size()));
        }
        if (drawable.isEmpty()) {
            // An empty chart still documents that there was nothing to draw.
            chart.addSeries("(no drawable points)", new double[] {1}, new double[] {axes.logY() ? 1 : 0});
        }
        return chart;
    }

    /**
     * A log y axis whose data span at least this ratio (three decades) is ticked at the powers of
     * ten only: with the 2..9 ticks of every decade too, a gap figure over seven decades printed
     * its labels on top of each other.
     */
    static final double DECADES_ONLY_FROM = 1e3;

    private static void style(XYChart chart, Axes axes, boolean spansADecade, boolean spansDecades) {
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setMarkerSize(3);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        st.setXAxisLogarithmic(axes.logX());
        st.setYAxisLogarithmic(axes.logY() && spansADecade);
        // decades only leaves a range inside one decade with a single tick; over many decades the 2..9 ticks collide
        st.setXAxisLogarithmicDecadeOnly(false);
        st.setYAxisLogarithmicDecadeOnly(spansDecades);
        if (axes.yMin() != null) {
            st.setYAxisMin(axes.yMin());
        }
        if (axes.yMax() != null) {
            st.setYAxisMax(axes.yMax());
        }
        if (!axes.logY() || !spansADecade) {
            st.setYAxisDecimalPattern(axes.yMax() != null && axes.yMax() <= 1 ? "0.0#" : "0.0###");
        }
    }

    /** The finite points of a line that its axes can draw; {@code null} when none are left. */
    private static Line drawablePart(Line l, Axes axes) {
        int n = Math.min(l.x().length, l.y().length);
        double[] xs = new double[n];
        double[] ys = new double[n];
        int m = 0;
        for (int q = 0; q < n; q++) {
            double x = l.x()[q];
            double y = l.y()[q];
            if (!Double.isFinite(x) || !Double.isFinite(y) || (axes.logX() && x <= 0) || (axes.logY() && y <= 0)) {
                continue;
            }
            xs[m] = x;
            ys[m] = y;
            m++;
        }
        return m == 0 ? null : new Line(l.name(), java.util.Arrays.copyOf(xs, m), java.util.Arrays.copyOf(ys, m), l.reference());
    }

    private static String uniqueName(XYChart chart, String name) {
        String n = name;
        for (int k = 2; chart.getSeries(n) != null; k++) {
            n = name + " (" + k + ")";
        }
        return n;
    }

    /** A sequential colour scale from light blue ({@code t = 0}) to dark red ({@code t = 1}). */
    static Color sequential(double t) {
        double u = Math.max(0, Math.min(1, Double.isFinite(t) ? t : 0));
        int[][] stops = {{0x9e, 0xca, 0xe1}, {0x31, 0x82, 0xbd}, {0x75, 0x6b, 0xb1}, {0xe6, 0x55, 0x0d}, {0x99, 0x00, 0x0d}};
        double p = u * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) Math.floor(p));
        double f = p - i;
        int r = (int) Math.round(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]));
        int g = (int) Math.round(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]));
        int b = (int) Math.round(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]));
        return new Color(r, g, b);
    }

    /**
     * A heat map of {@code values[row][col]} (rows on the y axis) with a titled colour bar; cells
     * that are exactly zero are not drawn, so they show the grey background and cannot be taken
     * for small values.
     */
    static void heatMap(Path file, String title, String xTitle, String yTitle, String valueTitle, double[][] values)
            throws IOException {
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
                if (values[r][c] != 0) {
                    heat.add(new Number[] {c, r, values[r][c]});
                }
                max = Math.max(max, values[r][c]);
            }
        }
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(ZERO_CELL);
        st.setShowValue(false);
        st.setMin(0);
        // the colour bar prints its bounds as they are: round the top up to three digits
        st.setMax(max > 0 ? roundUp3(max) : 1);
        st.setHeatMapDecimalValueFormatter(Plots::shortNumber);
        st.setRangeColors(new Color[] {new Color(0xffffcc), new Color(0x9ecae1), new Color(0x3182bd), new Color(0x08306b)});
        st.setPlotContentSize(0.98);
        chart.addSeries(valueTitle, xs, ys, heat);
        // XChart draws no title on a heat map's colour bar: the chart title names the colour
        chart.setTitle(title + "; colour: " + valueTitle + ", grey: exactly 0");
        save(file, chart);
    }

    /** {@code v > 0} rounded up to three significant digits. */
    static double roundUp3(double v) {
        java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(3, java.math.RoundingMode.CEILING));
        return b.doubleValue();
    }

    /** Three significant digits, plain or scientific: a colour-bar label, not a 16-digit double. */
    static String shortNumber(Double v) {
        if (v == null || !Double.isFinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        return a >= 1e-3 && a < 1e4 ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.2e", v);
    }

    /** Writes {@code file} (PNG) and the same chart as SVG beside it ({@code .png} replaced by {@code .svg}). */
    static void save(Path file, IChart chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String name = file.getFileName().toString();
        String svgName = (name.endsWith(".png") ? name.substring(0, name.length() - 4) : name) + ".svg";
        AtomicFiles.write(file.resolveSibling(svgName), out -> svg.writeTo(out));
    }
}

package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** The readability rules of {@link Plots}, each pinned by the defect it fixed (issue 12). */
class PlotsTest {
    @Test
    void accuracyAxisRunsFromZeroToOneSoALowValidationLineIsInside() {
        XYChart c = Plots.chart("t", Plots.Axes.accuracy("epoch", true),
                List.of(new Plots.Line("validation", new double[] {1, 2, 3}, new double[] {0.01, 0.01, 0.02})), 600, 400);
        assertEquals(0.0, c.getStyler().getYAxisMin());
        assertEquals(1.0, c.getStyler().getYAxisMax());
        // leading zero on tick labels
        assertTrue(c.getStyler().getYAxisDecimalPattern().startsWith("0."));
    }

    @Test
    void logAxisIsNotDecadesOnlySoANarrowRangeHasTicks() {
        XYChart c = Plots.chart("t", Plots.Axes.of("epoch", "loss", true, true),
                List.of(new Plots.Line("loss", new double[] {1, 2, 3}, new double[] {4.5, 4.4, 4.3})), 600, 400);
        assertFalse(c.getStyler().isYAxisLogarithmicDecadeOnly());
        assertFalse(c.getStyler().isXAxisLogarithmicDecadeOnly());
    }

    @Test
    void logAxisOverSevenDecadesIsTickedAtPowersOfTenOnly() {
        // the head-gap figure (0.8 down to 4e-7) printed the 2..9 ticks of every decade on top of each other
        XYChart c = Plots.chart("t", Plots.Axes.of("epoch", "gap", false, true),
                List.of(new Plots.Line("gap", new double[] {1, 2, 3}, new double[] {0.8, 1e-3, 4e-7})), 600, 400);
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertTrue(c.getStyler().isYAxisLogarithmicDecadeOnly());
    }

    @Test
    void logAxisOverLessThanADecadeIsDrawnLinearWithReadableTicks() {
        XYChart narrow = Plots.chart("t", Plots.Axes.of("epoch", "loss", true, true),
                List.of(new Plots.Line("loss", new double[] {1, 2, 3}, new double[] {4.5, 4.4, 4.3})), 600, 400);
        assertFalse(narrow.getStyler().isYAxisLogarithmic());
        XYChart wide = Plots.chart("t", Plots.Axes.of("epoch", "gap", true, true),
                List.of(new Plots.Line("gap", new double[] {1, 2, 3}, new double[] {1, 1e-3, 1e-6})), 600, 400);
        assertTrue(wide.getStyler().isYAxisLogarithmic());
    }

    @Test
    void moreThanEightLinesNameOnlyTheFirstAndLastInTheLegend() {
        List<Plots.Line> lines = new ArrayList<>();
        for (int q = 0; q < 30; q++) {
            lines.add(new Plots.Line("m" + q, new double[] {1, 2}, new double[] {q + 1, q + 2}));
        }
        XYChart c = Plots.chart("t", Plots.Axes.of("i", "sigma", false, true), lines, 600, 400);
        long inLegend = c.getSeriesCollection().stream().filter(XYSeries::isShowInLegend).count();
        assertEquals(2, inLegend);
        assertEquals(30, c.getSeriesCollection().size());
        // a colour scale: first and last colours differ, no colour repeats among neighbours
        List<XYSeries> s = new ArrayList<>(c.getSeriesCollection());
        assertFalse(s.get(0).getLineColor().equals(s.get(29).getLineColor()));
    }

    @Test
    void eightLinesOrFewerKeepDistinctColoursAndAFullLegend() {
        List<Plots.Line> lines = new ArrayList<>();
        for (int q = 0; q < 8; q++) {
            lines.add(new Plots.Line("m" + q, new double[] {1, 2}, new double[] {q, q + 1}));
        }
        XYChart c = Plots.chart("t", Plots.Axes.of("i", "v", false, false), lines, 600, 400);
        assertEquals(8, c.getSeriesCollection().stream().filter(XYSeries::isShowInLegend).count());
        assertEquals(8, c.getSeriesCollection().stream().map(XYSeries::getLineColor).distinct().count());
    }

    @Test
    void seedsOfOneModelShareAColourAndOneLegendEntry() {
        List<Plots.Line> lines = new ArrayList<>();
        for (String m : List.of("convex-stack", "nonconvex")) {
            for (int seed = 0; seed < 5; seed++) {
                lines.add(new Plots.Line(m, new double[] {1, 2}, new double[] {0.1 * seed, 0.2}));
            }
        }
        XYChart c = Plots.chart("t", Plots.Axes.accuracy("epoch", true), lines, 600, 400);
        assertEquals(10, c.getSeriesCollection().size());
        assertEquals(2, c.getSeriesCollection().stream().filter(XYSeries::isShowInLegend).count());
        assertEquals(2, c.getSeriesCollection().stream().map(XYSeries::getLineColor).distinct().count());
    }

    @Test
    void legendOfMoreThanFourEntriesGoesOutsideSoItHidesNoLineAtTheTop() {
        // the head-accuracy figure's legend (8 entries, top right) sat on the train lines at 1.0
        List<Plots.Line> few = new ArrayList<>();
        List<Plots.Line> many = new ArrayList<>();
        for (int q = 0; q < 8; q++) {
            Plots.Line l = new Plots.Line("m" + q, new double[] {1, 2}, new double[] {0.9, 1.0});
            many.add(l);
            if (q < Plots.LEGEND_INSIDE_MAX) {
                few.add(l);
            }
        }
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.InsideNE,
                Plots.chart("t", Plots.Axes.accuracy("epoch", false), few, 600, 400).getStyler().getLegendPosition());
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.OutsideE,
                Plots.chart("t", Plots.Axes.accuracy("epoch", false), many, 600, 400).getStyler().getLegendPosition());
    }

    @Test
    void referenceLineIsDashedGreyInTheLegendAndOutsideTheColourCycle() {
        List<Plots.Line> lines = new ArrayList<>();
        lines.add(new Plots.Line("gap", new double[] {1, 2, 3}, new double[] {0.5, 1e-3, 1e-7}));
        lines.add(HeadCertificate.toleranceLine(lines));
        XYChart c = Plots.chart("t", Plots.Axes.of("epoch", "gap", false, true), lines, 600, 400);
        XYSeries ref = c.getSeriesCollection().stream().filter(x -> x.getName().equals(HeadCertificate.TOLERANCE_LINE))
                .findFirst().orElseThrow();
        XYSeries gap = c.getSeriesCollection().stream().filter(x -> x.getName().equals("gap")).findFirst().orElseThrow();
        assertEquals(java.awt.Color.GRAY, ref.getLineColor());
        assertEquals(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH, ref.getLineStyle());
        assertTrue(ref.isShowInLegend());
        assertArrayEquals(new double[] {1, 3}, ref.getXData());
        assertArrayEquals(new double[] {HeadCertificate.TOLERANCE, HeadCertificate.TOLERANCE}, ref.getYData());
        assertFalse(java.awt.Color.GRAY.equals(gap.getLineColor()));
    }

    @Test
    void everyPlotIsWrittenAsPngAndSvg(@TempDir Path dir) throws Exception {
        Plots.lines(dir.resolve("a.png"), "t", Plots.Axes.accuracy("epoch", false),
                List.of(new Plots.Line("train", new double[] {1, 2}, new double[] {0.5, 0.9})));
        Plots.heatMap(dir.resolve("h.png"), "t", "k", "l", "row norm", new double[][] {{0, 1.23456789012345}, {2, 0}});
        for (String f : List.of("a.png", "a.svg", "h.png", "h.svg")) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        String svg = Files.readString(dir.resolve("h.svg"));
        assertTrue(svg.contains("<svg"), "SVG content");
        assertFalse(svg.contains("1.23456789012345"), "colour-bar labels are short, not 16 digits");
    }

    @Test
    void colourBarLabelsAreShort() {
        assertEquals("1.23", Plots.shortNumber(1.23456789012345));
        assertEquals("1.23e-05", Plots.shortNumber(1.23456789e-5));
        assertEquals("0", Plots.shortNumber(0.0));
    }
}

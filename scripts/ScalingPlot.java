// Log-log plot and slopes of scripts/scaling.sh's CSV (docs/scaling.md), with the XChart that
// the cvxformer jar already bundles. Run as a single-file program:
//   java -cp solver-cli/target/cvxformer.jar scripts/ScalingPlot.java scaling.csv docs/scaling.png
// Prints the least-squares slope of log(seconds per iteration) and of log(peak memory) against
// log(N c) (the size of the scores), the figure the issue asks for.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

public class ScalingPlot {
    static double slope(double[] x, double[] y) {
        int m = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < m; i++) {
            mx += Math.log10(x[i]) / m;
            my += Math.log10(y[i]) / m;
        }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < m; i++) {
            double dx = Math.log10(x[i]) - mx;
            sxy += dx * (Math.log10(y[i]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    public static void main(String[] a) throws Exception {
        List<String> rows = Files.readAllLines(Path.of(a[0]));
        String[] head = rows.get(0).split(",");
        List<String[]> data = new ArrayList<>();
        for (String r : rows.subList(1, rows.size())) {
            if (!r.isBlank()) {
                data.add(r.split(","));
            }
        }
        int iN = idx(head, "N"), ic = idx(head, "c"), it = idx(head, "s_per_iter"), im = idx(head, "peak_rss_mb"),
                ii = idx(head, "iterations"), ip = idx(head, "p");
        int m = data.size();
        double[] size = new double[m], sec = new double[m], mem = new double[m], iters = new double[m];
        for (int q = 0; q < m; q++) {
            String[] r = data.get(q);
            size[q] = Double.parseDouble(r[iN]) * Double.parseDouble(r[ic]);
            sec[q] = Double.parseDouble(r[it]);
            mem[q] = Double.parseDouble(r[im]);
            iters[q] = Double.parseDouble(r[ii]);
        }
        System.out.printf("slope of s/iteration against N c: %.2f%n", slope(size, sec));
        System.out.printf("slope of iterations against N c:  %.2f%n", slope(size, iters));
        System.out.printf("slope of peak memory against N c: %.2f%n", slope(size, mem));
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("mod-division one-hot, softmax, beta = 0.01 beta_max, to 1e-6 (p = "
                        + data.get(0)[ip] + " .. " + data.get(m - 1)[ip] + ")")
                .xAxisTitle("N c (entries of the score matrix, streamed)").yAxisTitle("seconds per iteration / peak GB").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double[] gb = new double[m];
        for (int q = 0; q < m; q++) {
            gb[q] = mem[q] / 1024;
        }
        chart.addSeries(String.format("seconds per iteration (slope %.2f)", slope(size, sec)), size, sec);
        chart.addSeries(String.format("peak resident memory, GB (slope %.2f)", slope(size, mem)), size, gb);
        BitmapEncoder.saveBitmap(chart, a[1], BitmapEncoder.BitmapFormat.PNG);
    }

    static int idx(String[] head, String name) {
        for (int q = 0; q < head.length; q++) {
            if (head[q].equals(name)) {
                return q;
            }
        }
        throw new IllegalArgumentException("column " + name + " missing");
    }
}

package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cvxformer.core.linalg.Spectral;

/** Singular values and effective rank of a model's weight matrices (for the spectral plots). */
public final class Spectra {
    private Spectra() {
    }

    /**
     * Spectrum of one parameter block.
     *
     * @param name           block name
     * @param rows           rows
     * @param cols           columns
     * @param singularValues descending
     * @param effectiveRank  Roy and Vetterli (2007)
     */
    public record Spectrum(String name, int rows, int cols, double[] singularValues, double effectiveRank) {
    }

    /** Singular values (descending) of the row-major {@code rows x cols} matrix at {@code p[off..]}. */
    public static double[] singularValues(double[] p, int off, int rows, int cols) {
        return Spectral.singularValues(p, off, rows, cols);
    }

    /**
     * Effective rank (Roy and Vetterli 2007): {@code exp(H(p))} with {@code p_i = s_i / sum s} and
     * {@code H(p) = -sum p_i log p_i} (0 log 0 = 0); 0 for a zero matrix.
     */
    public static double effectiveRank(double[] s) {
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        if (!(sum > 0)) {
            return 0.0;
        }
        double h = 0;
        for (double v : s) {
            double q = v / sum;
            if (q > 0) {
                h -= q * Math.log(q);
            }
        }
        return Math.exp(h);
    }

    /** Spectra of every matrix block ({@link ParamBlock.Kind#MATRIX} or SIMPLEX) of a model. */
    public static List<Spectrum> of(Model m) {
        List<Spectrum> out = new ArrayList<>();
        for (ParamBlock b : m.blocks()) {
            if (b.kind() != ParamBlock.Kind.VECTOR) {
                double[] s = singularValues(m.parameters(), b.offset(), b.rows(), b.cols());
                out.add(new Spectrum(b.name(), b.rows(), b.cols(), s, effectiveRank(s)));
            }
        }
        return out;
    }

    /**
     * CSV, one row per matrix: {@code matrix,rows,cols,effective_rank,singular_values} with the
     * singular values space-separated in the last field (descending, full precision).
     */
    public static String toCsv(List<Spectrum> spectra) {
        StringBuilder sb = new StringBuilder("matrix,rows,cols,effective_rank,singular_values\n");
        for (Spectrum s : spectra) {
            sb.append(s.name()).append(',').append(s.rows()).append(',').append(s.cols()).append(',')
                    .append(String.format(Locale.ROOT, "%.17g", s.effectiveRank())).append(',');
            for (int i = 0; i < s.singularValues().length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(Double.toString(s.singularValues()[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}

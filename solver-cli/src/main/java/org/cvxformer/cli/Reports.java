package org.cvxformer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Group;
import org.cvxformer.core.certificate.KktResidual;
import org.cvxformer.core.io.AtomicFiles;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.solver.IterationRecord;
import org.cvxformer.core.solver.SolverResult;

/** The certificate as JSON and as a human table; Z, history and manifests as files. */
final class Reports {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {
    }

    /** The stable keys of the CLI contract (issue: solver core), in a fixed order. */
    static Map<String, Object> certificateJson(Problem pb, SolverResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iterations", r.iterations());
        m.put("solve_seconds", r.seconds());
        m.put("converged", r.converged());
        m.put("status", r.status().name());
        m.put("message", r.message());
        m.put("solver", r.solver());
        Map<String, Object> all = certificateFields(pb, r.certificate());
        all.putAll(m);
        return all;
    }

    /** The certificate alone (what {@code certify} reports for any Z). */
    static Map<String, Object> certificateFields(Problem pb, Certificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objective", c.primal());
        m.put("dual_objective", c.dual());
        m.put("gap", c.gap());
        m.put("relative_gap", c.relativeGap());
        m.put("beta", c.beta());
        m.put("beta_max", c.betaMax());
        m.put("beta_ratio", c.beta() / c.betaMax());
        m.put("loss", pb.loss().name());
        m.put("active_groups", activeGroups(c));
        m.put("active_group_count", c.activeCount());
        m.put("group_count", pb.groupCount());
        m.put("dual_source", c.dualSource());
        Map<String, Object> kkt = new LinkedHashMap<>();
        kkt.put("stationarity", c.stationarity().value());
        kkt.put("dual_feasibility", c.dualFeasibility().value());
        kkt.put("complementary_slackness", c.complementarySlackness().value());
        kkt.put("stationarity_group", groupJson(c.stationarity()));
        kkt.put("dual_feasibility_group", groupJson(c.dualFeasibility()));
        kkt.put("complementary_slackness_group", groupJson(c.complementarySlackness()));
        kkt.put("relative_to", "beta");
        m.put("kkt", kkt);
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("N", pb.samples());
        shape.put("n", pb.tokens());
        shape.put("d", pb.features());
        shape.put("c", pb.classes());
        shape.put("design", pb.design().layout());
        m.put("shape", shape);
        m.put("version", Version.get());
        return m;
    }

    private static List<int[]> activeGroups(Certificate c) {
        List<int[]> list = new ArrayList<>();
        for (Group g : c.activeGroups()) {
            list.add(new int[] {g.cls(), g.token()});
        }
        return list;
    }

    static Object groupJson(KktResidual r) {
        return r.group() == null ? null : Map.of("class", r.group().cls(), "token", r.group().token());
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeJson(Path file, Object o) throws IOException {
        AtomicFiles.writeString(file, toJson(o) + "\n");
    }

    /** {@code Z} as an (c, n, d) float64 array. */
    static void writeZ(Path file, Problem pb, double[] z) throws IOException {
        Npy.write(file, NpyArray.ofDoubles(z, pb.classes(), pb.tokens(), pb.features()));
    }

    /** {@code iteration,seconds,primal,dual,gap,relative_gap}. */
    static void writeHistory(Path file, List<IterationRecord> history) throws IOException {
        StringBuilder sb = new StringBuilder("iteration,seconds,primal,dual,gap,relative_gap\n");
        for (IterationRecord h : history) {
            sb.append(h.iteration()).append(',').append(num(h.seconds())).append(',').append(num(h.primal()))
                    .append(',').append(num(h.dual())).append(',').append(num(h.gap())).append(',')
                    .append(num(h.relativeGap())).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    static String num(double v) {
        return Double.toString(v);
    }

    /** The human-readable certificate. */
    static void printTable(PrintWriter out, Problem pb, SolverResult r) {
        Certificate c = r.certificate();
        out.printf(Locale.ROOT, "problem      N=%d n=%d d=%d c=%d  loss=%s  design=%s%n", pb.samples(), pb.tokens(),
                pb.features(), pb.classes(), pb.loss().name(), pb.design().layout());
        out.printf(Locale.ROOT, "beta         %.6g  (%.4g x beta_max = %.6g)%n", c.beta(), c.beta() / c.betaMax(), c.betaMax());
        String note = betaNote(c.beta(), c.betaMax());
        if (note != null) {
            out.printf(Locale.ROOT, "note         %s%n", note);
        }
        out.printf(Locale.ROOT, "solver       %s: %s after %d iterations, %.3f s%n", r.solver(), r.status(), r.iterations(), r.seconds());
        out.printf(Locale.ROOT, "             %s%n", r.message());
        out.printf(Locale.ROOT, "primal       %.15g%n", c.primal());
        out.printf(Locale.ROOT, "dual         %.15g  (%s)%n", c.dual(), c.dualSource());
        out.printf(Locale.ROOT, "gap          %.3e  (relative %.3e)%n", c.gap(), c.relativeGap());
        out.printf(Locale.ROOT, "KKT (relative to beta, worst group):%n");
        printKkt(out, "stationarity", c.stationarity());
        printKkt(out, "dual feasibility", c.dualFeasibility());
        printKkt(out, "compl. slackness", c.complementarySlackness());
        out.printf(Locale.ROOT, "active       %d of %d groups%n", c.activeCount(), pb.groupCount());
        int[][] byClass = c.activeTokensByClass();
        int shown = 0;
        for (int l = 0; l < byClass.length && shown < 12; l++, shown++) {
            out.printf(Locale.ROOT, "  class %-4d reads tokens %s%n", l, java.util.Arrays.toString(byClass[l]));
        }
        if (byClass.length > shown) {
            out.printf(Locale.ROOT, "  ... (%d more classes; see certificate.json)%n", byClass.length - shown);
        }
        out.flush();
    }

    /**
     * The plain sentence for {@code beta >= beta_max} (math.md section 4: then {@code Z = 0} is
     * optimal), or null: a user who asked for such a beta gets an all-zero model and should be
     * told why, not left to read it off the table (issue 10).
     */
    static String betaNote(double beta, double betaMax) {
        if (!(betaMax > 0) || beta < betaMax) {
            return null;
        }
        return "beta >= beta_max, so Z = 0 is optimal and every group is zero; for a model that reads any token "
                + "use --beta-ratio below 1 (or a --beta below " + String.format(Locale.ROOT, "%.6g", betaMax) + ").";
    }

    private static void printKkt(PrintWriter out, String name, KktResidual r) {
        out.printf(Locale.ROOT, "  %-18s %.3e  %s%n", name, r.value(), r.group() == null ? "(no active group)" : "at " + r.group());
    }
}

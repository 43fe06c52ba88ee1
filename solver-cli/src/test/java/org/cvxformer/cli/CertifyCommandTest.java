package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertifyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static final List<String> FIXTURES = List.of("mod-division-p7-softmax", "mod-division-p7-squared", "planted-softmax",
            "planted-squared");

    private static JsonNode certify(Path f, Path z, String... extra) throws IOException {
        JsonNode p = JSON.readTree(f.resolve("problem.json").toFile());
        String[] base = {"certify", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(), "--z",
            z.toString(), "--loss", p.get("loss").asText(), "--beta", p.get("beta").asText(), "--json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void referenceSolutionsAreCertifiedOptimalWithZeroKktViolations() throws IOException {
        for (String name : FIXTURES) {
            Path f = CliTest.fixture(name);
            JsonNode j = certify(f, f.resolve("Z_reference.npy"));
            assertTrue(j.get("relative_gap").asDouble() <= 1e-6, name);
            for (String k : List.of("stationarity", "dual_feasibility", "complementary_slackness")) {
                assertTrue(j.get("kkt").get(k).asDouble() <= 1e-6, name + " " + k + " = " + j.get("kkt").get(k));
            }
            assertTrue(j.get("worst_groups").size() > 0);
            assertEquals(0, j.get("screening").get("nonzero_in_z_but_provably_zero").asInt(), name);
        }
    }

    @Test
    void zeroModelGapIsThePrimalAtZeroMinusTheRescaledResidualDual() throws IOException {
        // squared loss, labels: P(0) = (1/N) sum_i 1/2 ||e_{y_i}||^2 = 1/2; U0 = -Y/N; t = beta / beta_max;
        // D(t U0) = -(N/2) t^2 ||Y||^2 / N^2 + t ||Y||^2 / N = t - t^2 / 2 (since ||Y||_F^2 = N).
        Path f = CliTest.fixture("mod-division-p7-squared");
        JsonNode p = JSON.readTree(f.resolve("problem.json").toFile());
        int[] sh = {p.get("c").asInt(), p.get("n").asInt(), p.get("d").asInt()};
        Path z0 = tmp.resolve("z0.npy");
        Npy.write(z0, NpyArray.ofDoubles(new double[sh[0] * sh[1] * sh[2]], sh));
        JsonNode j = certify(f, z0);
        double t = p.get("beta").asDouble() / p.get("beta_max").asDouble();
        double expectedGap = 0.5 - (t - t * t / 2);
        assertEquals(0.5, j.get("objective").asDouble(), 1e-15);
        // the rescaled residual is the first candidate; its gap is the hand-computed one
        double d0 = j.get("dual_candidates").get(0).get("dual_objective").asDouble();
        assertEquals(expectedGap, 0.5 - d0, 1e-14);
        assertTrue(j.get("gap").asDouble() <= expectedGap + 1e-15, "the best dual can only be better");
    }

    @Test
    void perturbedSolutionGapBoundsTheTrueSuboptimality() throws IOException {
        for (String name : FIXTURES) {
            Path f = CliTest.fixture(name);
            double opt = JSON.readTree(f.resolve("problem.json").toFile()).get("objective").asDouble();
            NpyArray zr = Npy.read(f.resolve("Z_reference.npy"));
            double[] z = zr.toDoubleArray();
            java.util.SplittableRandom r = new java.util.SplittableRandom(4);
            for (int q = 0; q < z.length; q++) {
                z[q] += 0.05 * (r.nextDouble() - 0.5);
            }
            Path zp = tmp.resolve(name + ".npy");
            Npy.write(zp, NpyArray.ofDoubles(z, zr.shape()));
            JsonNode j = certify(f, zp);
            double subopt = j.get("objective").asDouble() - opt;
            assertTrue(subopt > 0);
            assertTrue(j.get("gap").asDouble() >= subopt, name + ": gap " + j.get("gap") + " < " + subopt);
        }
    }

    @Test
    void designLayoutGivesTheSameCertificate() throws IOException {
        Path f = CliTest.fixture("planted-softmax");
        NpyArray zr = Npy.read(f.resolve("Z_reference.npy"));
        int[] s = zr.shape();
        double[] z = zr.toDoubleArray();
        int nd = s[1] * s[2];
        double[] w = new double[z.length];
        for (int l = 0; l < s[0]; l++) {
            for (int q = 0; q < nd; q++) {
                w[q * s[0] + l] = z[l * nd + q];
            }
        }
        Path zw = tmp.resolve("w.npy");
        Npy.write(zw, NpyArray.ofDoubles(w, nd, s[0]));
        assertEquals(certify(f, f.resolve("Z_reference.npy")).get("objective").asDouble(),
                certify(f, zw, "--z-layout", "design").get("objective").asDouble(), 0.0);
    }

    @Test
    void badZGivesOneLineAndExitTwo() throws IOException {
        Path f = CliTest.fixture("planted-squared");
        JsonNode p = JSON.readTree(f.resolve("problem.json").toFile());
        Path wrong = tmp.resolve("wrong.npy");
        Npy.write(wrong, NpyArray.ofDoubles(new double[24], 2, 3, 4));
        NpyArray zr = Npy.read(f.resolve("Z_reference.npy"));
        double[] z = zr.toDoubleArray();
        z[5] = Double.NaN;
        Path nan = tmp.resolve("nan.npy");
        Npy.write(nan, NpyArray.ofDoubles(z, zr.shape()));
        for (String[] extra : new String[][] {{"--z", wrong.toString()}, {"--z", nan.toString()},
            {"--z", f.resolve("Z_reference.npy").toString(), "--z-layout", "design"},
            {"--z", f.resolve("Z_reference.npy").toString(), "--z-layout", "rows"}}) {
            String[] args = new String[9 + extra.length];
            String[] base = {"certify", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--beta", p.get("beta").asText(), "--out", tmp.resolve("never").toString()};
            System.arraycopy(base, 0, args, 0, 9);
            System.arraycopy(extra, 0, args, 9, extra.length);
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", extra) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(tmp.resolve("never")));
        }
    }

    @Test
    void certifyOnADatasetWritesReportAndManifest() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, CliTest.run("train", "--dataset", "mod-add", "--p", "7", "--beta-ratio", "0.1", "--out",
                run.toString()).code());
        double beta = JSON.readTree(run.resolve("certificate.json").toFile()).get("beta").asDouble();
        Path out = tmp.resolve("cert");
        CliTest.Run r = CliTest.run("certify", "--dataset", "mod-add", "--p", "7", "--z", run.resolve("Z.npy").toString(),
                "--beta", Double.toString(beta), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("above the optimum") && md.contains("worst groups"), md);
        assertTrue(JSON.readTree(out.resolve("certificate.json").toFile()).get("relative_gap").asDouble() <= 1e-6);
        assertTrue(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    void adamTrainingWritesTheGapAgainstTimeComparison() throws IOException {
        Path out = tmp.resolve("adam");
        CliTest.Run r = CliTest.run("train", "--dataset", "mod-division", "--p", "7", "--optimizer", "adam", "--epochs", "20",
                "--certify-every", "5", "--lr", "1e-2", "--batch", "8", "--out", out.toString());
        assertEquals(3, r.code(), "a fixed epoch budget ends before the tolerance: " + r.err());
        for (String f : List.of("history.csv", "solver_history.csv", "gap_vs_time.png", "certificate.json", "manifest.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("solver_relative_gap").asDouble() <= 1e-6);
        assertTrue(summary.get("objective_difference_to_solver").asDouble() >= 0);
        assertTrue(summary.get("relative_gap").asDouble() * summary.get("objective").asDouble()
                >= summary.get("objective_difference_to_solver").asDouble(), "Adam's gap bounds its suboptimality");
        assertEquals(5, Files.readAllLines(out.resolve("history.csv")).size()); // header + epochs 5, 10, 15, 20
    }
}

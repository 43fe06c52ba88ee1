package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.solver.Solvers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** A folder of the repository's {@code fixtures/} (Surefire sets {@code cvxformer.fixtures}). */
    static Path fixture(String name) {
        String prop = System.getProperty("cvxformer.fixtures");
        if (prop == null || !Files.isDirectory(Paths.get(prop))) {
            throw new IllegalStateException("property cvxformer.fixtures is " + (prop == null ? "unset" : "'" + prop + "'")
                    + "; run the tests with mvn from the repository, which sets it to <repo>/fixtures");
        }
        return Paths.get(prop).resolve(name);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void solveWritesZCertificateAndManifestAndMatchesTheFixture() throws IOException {
        Path f = fixture("mod-division-p7-softmax");
        JsonNode problem = JSON.readTree(f.resolve("problem.json").toFile());
        Path out = tmp.resolve("out");
        Run r = run("solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--loss", "softmax", "--beta", problem.get("beta").asText(), "--tol", "1e-8", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        for (String key : List.of("objective", "dual_objective", "gap", "relative_gap", "beta", "beta_max", "iterations",
                "solve_seconds", "active_groups", "converged", "solver", "loss", "kkt")) {
            assertTrue(j.has(key), "missing key " + key);
        }
        for (String key : List.of("stationarity", "dual_feasibility", "complementary_slackness")) {
            assertTrue(j.get("kkt").get(key).isNumber(), "kkt." + key);
        }
        // the warm-up's share of the setup is a part of it (none here: the fixture is small)
        double load = j.get("load_seconds").asDouble(), warmup = j.get("warmup_seconds").asDouble();
        assertTrue(warmup >= 0 && warmup <= load, "warmup_seconds " + warmup + " outside [0, load_seconds " + load + "]");
        assertTrue(j.get("converged").asBoolean());
        assertEquals(problem.get("objective").asDouble(), j.get("objective").asDouble(), 1e-6 * problem.get("objective").asDouble());
        assertTrue(j.get("relative_gap").asDouble() <= 1e-8);
        NpyArray z = Npy.read(out.resolve("Z.npy"));
        assertArrayEquals(new int[] {7, 2, 7}, z.shape());
        JsonNode cert = JSON.readTree(out.resolve("certificate.json").toFile());
        assertEquals(j.get("objective").asDouble(), cert.get("objective").asDouble(), 0.0);
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertTrue(manifest.get("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"));
        assertEquals(64, manifest.get("inputs").get("x").get("sha256").asText().length());
        // the machine is part of what produced a timing: its CPU's name and the cores the JVM saw
        assertFalse(manifest.get("cpu").asText().isBlank());
        assertEquals(Runtime.getRuntime().availableProcessors(), manifest.get("cores").asInt());
        assertTrue(Files.readString(out.resolve("history.csv")).startsWith("iteration,seconds,primal,dual,gap"));
    }

    @Test
    void hitTheIterationLimitExitsThreeAndStillWritesEverything() throws IOException {
        Path f = fixture("planted-softmax");
        Path out = tmp.resolve("limited");
        Run r = run("solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--beta-ratio", "0.05", "--max-iter", "2", "--out", out.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("not converged"), r.err());
        JsonNode cert = JSON.readTree(out.resolve("certificate.json").toFile());
        assertFalse(cert.get("converged").asBoolean());
        assertEquals("ITERATION_LIMIT", cert.get("status").asText());
        assertTrue(cert.get("gap").asDouble() > 0);
        assertTrue(Files.exists(out.resolve("Z.npy")));
    }

    /** Each bad input: exit 2, exactly one line on stderr, and no output directory. */
    private void assertBadInput(String expectedFragment, String... args) {
        Path out = tmp.resolve("never");
        String[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = "--out";
        full[args.length + 1] = out.toString();
        Run r = run(full);
        assertEquals(2, r.code(), "exit code for " + Arrays.toString(args) + ": " + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line expected, got: " + err);
        assertTrue(err.toLowerCase().contains(expectedFragment.toLowerCase()), "message '" + err + "' lacks '" + expectedFragment + "'");
        assertFalse(err.contains("Exception"), "no exception names in user messages: " + err);
        assertFalse(Files.exists(out), "nothing may be written on bad input");
    }

    @Test
    void badInputsGiveOneLineExitTwoAndWriteNothing() throws IOException {
        Path f = fixture("planted-squared");
        String x = f.resolve("X.npy").toString();
        String y = f.resolve("y.npy").toString();
        Npy.write(tmp.resolve("y_short.npy"), NpyArray.ofLongs(new long[] {0, 1, 2}, 3));
        Npy.write(tmp.resolve("x_rank2.npy"), NpyArray.ofDoubles(new double[6], 2, 3));
        double[] nan = Npy.read(f.resolve("X.npy")).toDoubleArray();
        nan[7] = Double.NaN;
        int[] sh = Npy.read(f.resolve("X.npy")).shape();
        Npy.write(tmp.resolve("x_nan.npy"), NpyArray.ofDoubles(nan, sh));
        long[] labels = Npy.read(f.resolve("y.npy")).toLongArray();
        labels[3] = -1;
        Npy.write(tmp.resolve("y_negative.npy"), NpyArray.ofLongs(labels, labels.length));
        byte[] bytes = Files.readAllBytes(f.resolve("X.npy"));
        Files.write(tmp.resolve("x_truncated.npy"), Arrays.copyOf(bytes, bytes.length / 2));
        Files.writeString(tmp.resolve("x_text.npy"), "this is not numpy\n");

        assertBadInput("same", "solve", "--x", x, "--y", tmp.resolve("y_short.npy").toString(), "--beta", "0.1");
        assertBadInput("rank 3", "solve", "--x", tmp.resolve("x_rank2.npy").toString(), "--y", y, "--beta", "0.1");
        assertBadInput("NaN", "solve", "--x", tmp.resolve("x_nan.npy").toString(), "--y", y, "--beta", "0.1");
        assertBadInput("-1", "solve", "--x", x, "--y", tmp.resolve("y_negative.npy").toString(), "--beta", "0.1");
        assertBadInput("outside", "solve", "--x", x, "--y", y, "--classes", "2", "--beta", "0.1");
        assertBadInput("beta", "solve", "--x", x, "--y", y, "--beta", "0");
        assertBadInput("beta", "solve", "--x", x, "--y", y, "--beta", "-1");
        assertBadInput("beta-ratio", "solve", "--x", x, "--y", y, "--beta-ratio", "NaN");
        assertBadInput("truncated", "solve", "--x", tmp.resolve("x_truncated.npy").toString(), "--y", y, "--beta", "0.1");
        assertBadInput("not a .npy", "solve", "--x", tmp.resolve("x_text.npy").toString(), "--y", y, "--beta", "0.1");
        assertBadInput("not found", "solve", "--x", tmp.resolve("missing.npy").toString(), "--y", y, "--beta", "0.1");
        assertBadInput("loss", "solve", "--x", x, "--y", y, "--beta", "0.1", "--loss", "hinge");
        assertBadInput("solver", "solve", "--x", x, "--y", y, "--beta", "0.1", "--solver", "magic");
        assertBadInput("--beta", "solve", "--x", x, "--y", y);
        assertBadInput("not prime", "train", "--dataset", "mod-division", "--p", "91");
        assertBadInput("0", "train", "--dataset", "mod-division", "--p", "7", "--train-fraction", "0");
        assertBadInput("hinge", "train", "--dataset", "mod-division", "--p", "7", "--loss", "hinge");
    }

    @Test
    void versionAndHelpWorkEverywhere() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("cvxformer "), v.out());
        for (String cmd : List.of("solve", "train", "path", "data")) {
            Run h = run(cmd, "--help");
            assertEquals(0, h.code(), cmd);
            assertTrue(h.out().contains("Usage"), cmd);
            assertEquals(0, run(cmd, "--version").code(), cmd);
        }
    }

    /** The --solver help named five solvers while the registry held six (newton-cg was missing). */
    @Test
    void solverHelpNamesEverySolverOfTheRegistry() {
        for (String cmd : List.of("solve", "train", "path")) {
            Run h = run(cmd, "--help");
            assertEquals(0, h.code(), cmd);
            String folded = h.out().replaceAll("\\s+", " ");
            String list = "Solver: one of " + String.join(", ", Solvers.names()) + " (default: auto";
            assertTrue(folded.contains(list), cmd + " --help lacks '" + list + "': " + folded);
        }
    }

    @Test
    void trainRunOnASmallPrimeReachesTheToleranceAndWritesEveryFile() throws IOException {
        Path out = tmp.resolve("div11");
        Run r = run("train", "--dataset", "mod-division", "--p", "11", "--train-fraction", "0.5", "--model", "convex",
                "--beta-ratio", "0.05", "--tol", "1e-7", "--history-every", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        for (String name : List.of("manifest.json", "summary.json", "certificate.json", "history.csv", "Z.npy", "gap.png",
                "accuracy.png", "row_norms.png")) {
            assertTrue(Files.size(out.resolve(name)) > 0, name);
        }
        for (String png : List.of("gap.png", "accuracy.png", "row_norms.png")) {
            byte[] b = Files.readAllBytes(out.resolve(png));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(b, 8), png);
            assertTrue(javax.imageio.ImageIO.read(out.resolve(png).toFile()).getWidth() > 100, png + " decodes");
        }
        JsonNode cert = JSON.readTree(out.resolve("certificate.json").toFile());
        assertTrue(cert.get("relative_gap").asDouble() <= 1e-7);
        List<String> hist = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("iteration,seconds,primal,dual,gap,relative_gap,train_accuracy,val_accuracy", hist.get(0));
        assertTrue(hist.size() > 2);
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertEquals(0, manifest.get("data").get("split_seed").asLong());
        assertEquals("onehot", manifest.get("data").get("features").get("name").asText());
        assertEquals(11 * 10 / 2, manifest.get("data").get("train_size").asInt() + (11 * 10 % 2));
    }

    @Test
    void exportedFilesRoundTripAndSolveReproducesTheTrainObjective() throws IOException {
        Path data = tmp.resolve("export");
        Run e = run("data", "export", "mod-division", "--p", "7", "--features", "gaussian", "--feature-dim", "5",
                "--feature-seed", "3", "--out", data.toString());
        assertEquals(0, e.code(), e.err());
        NpyArray x = Npy.read(data.resolve("X_train.npy"));
        NpyArray yv = Npy.read(data.resolve("y_val.npy"));
        assertArrayEquals(new int[] {21, 2, 5}, x.shape());
        assertEquals(21, yv.shape()[0]);
        assertTrue(Files.exists(data.resolve("manifest.json")));

        Path run = tmp.resolve("train");
        Run t = run("train", "--dataset", "mod-division", "--p", "7", "--features", "gaussian", "--feature-dim", "5",
                "--feature-seed", "3", "--beta-ratio", "0.1", "--tol", "1e-9", "--out", run.toString());
        assertEquals(0, t.code(), t.err());
        JsonNode trained = JSON.readTree(run.resolve("certificate.json").toFile());
        Run s = run("solve", "--x", data.resolve("X_train.npy").toString(), "--y", data.resolve("y_train.npy").toString(),
                "--classes", "7", "--beta", trained.get("beta").asText(), "--tol", "1e-9", "--json");
        assertEquals(0, s.code(), s.err());
        JsonNode solved = JSON.readTree(s.out());
        assertEquals(trained.get("objective").asDouble(), solved.get("objective").asDouble(),
                1e-8 * trained.get("objective").asDouble());
        assertEquals(trained.get("beta_max").asDouble(), solved.get("beta_max").asDouble(), 1e-12);
    }

    @Test
    void pathIsWarmStartedAndWritesTableAndPlot() throws IOException {
        Path out = tmp.resolve("path");
        Run r = run("path", "--dataset", "mod-add", "--p", "7", "--betas", "0.1,1,0.3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("path.csv"));
        assertEquals(4, csv.size());
        assertTrue(csv.get(1).startsWith("1.0,"), "largest beta first: " + csv.get(1));
        assertTrue(Files.size(out.resolve("path.png")) > 1000);
        JsonNode rows = JSON.readTree(out.resolve("path.json").toFile());
        assertEquals(0, rows.get(0).get("active_groups").asInt(), "beta = beta_max gives Z = 0");
    }

    @Test
    void pathReportsTheGroupsScreenedBeforeEachSolve() throws IOException {
        Path out = tmp.resolve("path-screened");
        Run r = run("path", "--dataset", "mod-division", "--p", "7", "--betas", "1,0.95,0.3", "--solver", "bcd",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("screened"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("path.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        int col = header.indexOf("screened_before_solve");
        assertTrue(col >= 0, "no screened_before_solve column: " + csv.get(0));
        JsonNode rows = JSON.readTree(out.resolve("path.json").toFile());
        assertEquals(3, rows.size());
        int groups = 7 * 2;
        for (int q = 0; q < rows.size(); q++) {
            JsonNode row = rows.get(q);
            assertTrue(row.get("screened_before_solve").isInt(), row.toString());
            int screened = row.get("screened_before_solve").asInt();
            assertEquals(String.valueOf(screened), csv.get(q + 1).split(",")[col]);
            // screened groups are proven zero, so they cannot be active in the solution
            assertTrue(screened >= 0 && screened + row.get("active_groups").asInt() <= groups, row.toString());
        }
        // at beta_max, from Z = 0, the gap is 0: every group below beta_max is screened
        assertTrue(rows.get(0).get("screened_before_solve").asInt() > 0, rows.get(0).toString());
    }

    @Test
    void benchSolversWritesTableJsonAndPlot() throws IOException {
        Path f = fixture("planted-squared");
        Path out = tmp.resolve("bench");
        Run r = run("bench-solvers", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--loss", "squared", "--beta-ratio", "0.1", "--runs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fista"), r.out());
        JsonNode rows = JSON.readTree(out.resolve("bench.json").toFile());
        assertTrue(rows.size() >= 1);
        for (JsonNode row : rows) {
            assertTrue(row.get("final_relative_gap").asDouble() <= 1e-8, row.toString());
            assertTrue(row.get("to_1e-06").get("seconds").isNumber(), row.toString());
        }
        assertTrue(Files.size(out.resolve("gap_vs_time.png")) > 1000);
    }
}

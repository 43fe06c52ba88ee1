package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeuralCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<String> historyWithoutSeconds(Path run) throws IOException {
        return Files.readAllLines(run.resolve("history.csv")).stream().map(l -> {
            String[] c = l.split(",");
            return c[0] + "," + String.join(",", List.of(c).subList(2, c.length));
        }).toList();
    }

    @Test
    void resumeThroughTheCliEqualsAnUninterruptedRun() throws IOException {
        String[] common = {"--dataset", "mod-add", "--p", "5", "--model", "nonconvex", "--width", "16", "--batch", "8",
            "--lr", "3e-3", "--checkpoint-every", "2", "--no-stop-at-convergence", "--no-progress"};
        Path full = tmp.resolve("full");
        Path part = tmp.resolve("part");
        assertEquals(0, CliTest.run(concat(new String[] {"train"}, common, new String[] {"--epochs", "6", "--out", full.toString()})).code());
        assertEquals(0, CliTest.run(concat(new String[] {"train"}, common, new String[] {"--epochs", "3", "--out", part.toString()})).code());
        CliTest.Run r = CliTest.run("train", "--resume", part.toString(), "--epochs", "6", "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertEquals(historyWithoutSeconds(full), historyWithoutSeconds(part));
        for (String f : List.of("manifest.json", "summary.json", "checkpoint.bin", "accuracy.png", "loss.png", "spectrum_rank.png")) {
            assertTrue(Files.exists(part.resolve(f)), f);
        }
        assertEquals(0, CliTest.run("spectrum", part.toString()).code());
        // a second fresh run into a folder with a checkpoint is refused rather than overwriting it
        CliTest.Run again = CliTest.run(concat(new String[] {"train"}, common, new String[] {"--epochs", "3", "--out", part.toString()}));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--resume"), again.err());
    }

    @Test
    void adamVariantIsRecordedRefusedWhenUnknownAndRefusedForTheConvexBlock() throws IOException {
        Path run = tmp.resolve("adamw-stack");
        CliTest.Run r = CliTest.run("train", "--dataset", "mod-add", "--p", "5", "--model", "convex-stack", "--width", "8",
                "--epochs", "2", "--adam-variant", "adamw", "--weight-decay", "1", "--no-head-certificate", "--no-progress",
                "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode params = JSON.readTree(run.resolve("manifest.json").toFile()).path("parameters");
        assertEquals("adamw", params.path("adam_variant").asText());
        CliTest.Run bad = CliTest.run("train", "--dataset", "mod-add", "--p", "5", "--model", "nonconvex", "--adam-variant",
                "sgd", "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(!Files.exists(tmp.resolve("bad")));
        CliTest.Run convex = CliTest.run("train", "--dataset", "mod-add", "--p", "5", "--model", "convex", "--adam-variant",
                "adamw", "--out", tmp.resolve("c").toString());
        assertEquals(2, convex.code());
        assertTrue(convex.err().contains("--adam-variant"), convex.err());
    }

    @Test
    void benchOnATinyPrimeWritesTableReportAndPlots() throws IOException {
        Path out = tmp.resolve("bench");
        CliTest.Run r = CliTest.run("bench", "--dataset", "mod-division", "--p", "5", "--epochs", "3", "--width", "16",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("bench.md", "bench.json", "report.md", "accuracy.png", "spectrum_rank.png", "manifest.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode rows = JSON.readTree(out.resolve("bench.json").toFile());
        assertEquals(4, rows.size());
        for (JsonNode row : rows) {
            assertTrue(row.get("parameters").asInt() > 0);
            if (row.get("model").asText().startsWith("convex") && !row.get("model").asText().equals("convex-stack")) {
                assertTrue(row.get("certified_relative_gap").asDouble() <= 1e-6, row.toString());
            }
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("0.088") && report.contains("1662"), "paper values present");
        assertTrue(Files.isDirectory(out.resolve("convex-stack").resolve("spectra")));
        assertTrue(Files.isDirectory(out.resolve("convex").resolve("spectra")));
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}

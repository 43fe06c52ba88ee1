package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvxformer reproduce}: the plan, resume, the report and the verdict rule. */
class ReproduceCommandTest {
    @TempDir
    static Path shared;
    private static Path experiment;

    /** One tiny experiment (p = 5, one seed of one model, 1 s per run), shared by the tests that read it. */
    private static synchronized Path experiment() {
        if (experiment == null) {
            Path dir = shared.resolve("exp");
            CliTest.Run r = tinyExperiment(dir);
            assertEquals(0, r.code(), r.err());
            experiment = dir;
        }
        return experiment;
    }

    private static CliTest.Run tinyExperiment(Path dir) {
        return CliTest.run("reproduce", "--quick", "--p", "5", "--seeds", "1", "--models", "convex-stack",
                "--no-single-blocks", "--max-seconds-per-run", "1", "--out", dir.toString());
    }

    @Test
    void tinyExperimentWritesReportTableFiguresAndResults() throws Exception {
        Path dir = experiment();
        String md = Files.readString(dir.resolve("report.md"));
        for (String s : List.of("p = 5", "Protocol:** paper", "Budget:** 1 s", "Hardware:", "Version:", "Table 1",
                "Figures 1-2", "Verdict", "0.088, 136.26, 1556")) {
            assertTrue(md.contains(s), "report.md lacks '" + s + "'");
        }
        JsonNode res = Reports.JSON.readTree(dir.resolve("results.json").toFile());
        assertEquals(2, res.path("runs").size(), "one seed of one model on two datasets");
        assertEquals(0, res.path("pending_runs").asInt());
        assertTrue(Files.size(dir.resolve("fig1_accuracy_mod-division.png")) > 1000);
        assertTrue(Files.size(dir.resolve("fig2_accuracy_periodicity.svg")) > 1000);
        assertTrue(Files.isRegularFile(dir.resolve("runs/mod-division/convex-stack/seed-0/manifest.json")));
        // Figures 3-4 count the head's W2 as the last layer (layer0.convex.w2 is layer 1, head.convex.w2 layer 2)
        assertTrue(Files.isRegularFile(dir.resolve("fig3_singular_values_mod-division_convex-stack_layer1.png")));
        assertTrue(Files.isRegularFile(dir.resolve("fig3_singular_values_mod-division_convex-stack_layer2.png")));
        assertTrue(md.contains("layer 2 (head)"), md);
        // the head certificate: one CSV per convex-stack run, its section, figures and numbers
        assertTrue(md.contains("The convex stacks' head, certified"), md);
        assertTrue(Files.size(dir.resolve("head_gap_mod-division.png")) > 1000);
        assertTrue(Files.size(dir.resolve("head_accuracy_periodicity.png")) > 1000);
        JsonNode heads = res.path("head_certificates");
        assertEquals(2, heads.size());
        for (JsonNode h : heads) {
            JsonNode last = h.path("checkpoints").get(h.path("checkpoints").size() - 1);
            assertTrue(last.path("adam_relative_gap").asDouble() >= 0);
            assertTrue(last.path("certified_objective").asDouble() <= last.path("adam_objective").asDouble());
        }
    }

    @Test
    void resumeOfAFinishedExperimentRunsNothingAndRefusesChangedProtocol() throws Exception {
        Path dir = experiment();
        long before = Files.getLastModifiedTime(dir.resolve("runs/periodicity/convex-stack/seed-0/summary.json")).toMillis();
        CliTest.Run again = CliTest.run("reproduce", "--resume", dir.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(before, Files.getLastModifiedTime(dir.resolve("runs/periodicity/convex-stack/seed-0/summary.json")).toMillis());
        CliTest.Run changed = CliTest.run("reproduce", "--resume", dir.toString(), "--protocol", "grokking");
        assertEquals(2, changed.code());
        assertEquals(1, changed.err().strip().lines().count(), changed.err());
        assertTrue(changed.err().contains("--protocol"));
        CliTest.Run reuse = tinyExperiment(dir);
        assertEquals(2, reuse.code());
        assertTrue(reuse.err().contains("--resume"), reuse.err());
    }

    @Test
    void unknownModelIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path dir = tmp.resolve("exp");
        CliTest.Run r = CliTest.run("reproduce", "--models", "convex", "--out", dir.toString());
        assertEquals(2, r.code());
        assertFalse(Files.exists(dir));
    }

    private static ReproductionReport.RunResult run(String ds, String model, int seed, Integer train99, Integer val99,
            double finalVal) {
        return new ReproductionReport.RunResult(ds, model, seed, true, 100, 10, 0.1, val99, train99, 1.0, finalVal, finalVal,
                Double.NaN, 0, "CONVERGED", new double[0], new double[0], new double[0], "CPU A");
    }

    private static ReproductionReport.RunResult onCpu(ReproductionReport.RunResult r, String cpu) {
        return new ReproductionReport.RunResult(r.dataset(), r.model(), r.seed(), r.neural(), r.epochs(), r.seconds(),
                r.secondsPerEpoch(), r.valEpoch99(), r.trainEpoch99(), r.finalTrain(), r.finalVal(), r.bestVal(),
                r.relativeGap(), r.iterations(), r.stopReason(), r.epoch(), r.trainAcc(), r.valAcc(), cpu);
    }

    @Test
    void timeLeftBoundCountsTheHeadSolvesOfEveryCheckpointAndTheSingleBlocksCap(@TempDir Path tmp) {
        ReproduceCommand.Plan plan = ReproduceCommand.Plan.create("grokking", false, 1, 97, 360.0, null, true);
        for (ReproduceCommand.RunSpec r : plan.runs(tmp)) {
            double expected = switch (r.model()) {
                // 18,750 iterations of 10 steps per epoch: 1875 epochs, 19 checkpoints of up to 10 s each
                case "convex-stack", "convex-stack-kernel" -> 360.0 + 19 * 10;
                case "nonconvex" -> 360.0;
                default -> ReproduceCommand.SINGLE_BLOCK_SECONDS;
            };
            assertEquals(expected, r.boundSeconds(plan), r.dataset() + " " + r.model());
        }
    }

    @Test
    void hardwareLineNamesEveryCpuTheRunsRanOnWhenTheyDifferFromTheReportsMachine() {
        ReproductionReport.RunResult a = run("mod-division", "convex-stack", 0, 10, null, 0.5);
        assertEquals("here", ReproductionReport.hardwareLine("here", "CPU A", List.of(a, a)),
                "runs on the report's machine need no list");
        String mixed = ReproductionReport.hardwareLine("here", "CPU A", List.of(a, onCpu(a, "CPU B"), onCpu(a, null),
                onCpu(a, null)));
        assertEquals("report written on here; the runs' manifests name CPU A (1 run), CPU B (1 run); no CPU recorded "
                + "for 2 runs (made before manifests recorded it)", mixed);
        String old = ReproductionReport.hardwareLine("here", "CPU A", List.of(onCpu(a, null)));
        assertEquals("report written on here; the runs' manifests do not name their CPU (1 run, made before "
                + "manifests recorded it)", old);
    }

    @Test
    void verdictNamesTheFirstModelTo99AndSaysWhenTheDelayContradictsThePaper() {
        ReproduceCommand.Plan plan = ReproduceCommand.Plan.create("grokking", false, 2, 97, 100.0, null, false);
        List<ReproductionReport.RunResult> rs = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            rs.add(run("mod-division", "convex-stack", s, 100, 400, 0.995));
            rs.add(run("mod-division", "convex-stack-kernel", s, 100, 300, 0.995));
            rs.add(run("mod-division", "nonconvex", s, 150, 250, 0.995)); // first, and the shortest delay (100)
            rs.add(run("periodicity", "convex-stack", s, 50, null, 0.6));
            rs.add(run("periodicity", "convex-stack-kernel", s, 50, null, 0.7));
            rs.add(run("periodicity", "nonconvex", s, 50, null, 0.5));
        }
        String v = ReproductionReport.verdict(plan, rs);
        assertTrue(v.contains("Nonconvex reached 99% validation accuracy first, after 250 epochs"), v);
        assertTrue(v.contains("Convex Kernel reached the highest final validation accuracy"), v);
        assertTrue(v.contains("contradicts the paper's claim"), v);
        assertTrue(v.contains("does not hold by epochs to 99% on division"), v);
        assertTrue(v.contains("holds by final validation accuracy on periodicity"), v);
    }

    @Test
    void verdictSaysSoWhenNoModelReached99() {
        ReproduceCommand.Plan plan = ReproduceCommand.Plan.create("paper", false, 1, 97, 60.0, null, false);
        String v = ReproductionReport.verdict(plan, List.of(run("mod-division", "nonconvex", 0, 10, null, 0.3)));
        assertTrue(v.contains("no model reached 99% validation accuracy in every seed within its budget (60 s"), v);
    }

    @Test
    void eachRunIsItsOwnJvmWithThisJvmsOptionsButNoAgentOrRecording() {
        // in one JVM the nonconvex runs after the convex ones trained 1.75x slower (docs/reproduction.md)
        List<String> cmd = ReproduceCommand.command(List.of("-Xmx2g", "--add-modules=jdk.incubator.vector",
                "-javaagent:/x/jacoco.jar", "-XX:StartFlightRecording=filename=a.jfr", "-XX:ArchiveClassesAtExit=a.jsa",
                "-agentlib:jdwp=transport=dt_socket", "-Dcvxformer.warmup=false"), List.of("train", "--p", "5"));
        assertTrue(cmd.get(0).endsWith("java"), cmd.toString());
        assertEquals(List.of("-Xmx2g", "--add-modules=jdk.incubator.vector", "-Dcvxformer.warmup=false", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "train", "--p", "5"), cmd.subList(1, cmd.size()));
    }
}

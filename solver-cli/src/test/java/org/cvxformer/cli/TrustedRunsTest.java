package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, "runs a user can trust": every option honoured or refused, resume only with settings
 * that keep the run's meaning, verified checkpoints, one run per folder, and runs that say how
 * they go. Each test asserts the exit code, the single stderr line and the folder afterwards.
 */
class TrustedRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @AfterEach
    void resetHooks() {
        RunFolder.writeHook = null;
        NeuralTraining.stopAfterEpochForTests = null;
        Progress.plainEverySeconds = 5;
    }

    /** A tiny nonconvex run (p = 5, width 8): a few epochs take well under a second. */
    private static String[] tiny(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--dataset", "mod-add", "--p", "5", "--model", "nonconvex", "--width",
                "8", "--layers", "1", "--batch", "8", "--lr", "3e-3", "--no-stop-at-convergence", "--no-progress", "--out",
                out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static String oneLine(CliTest.Run r) {
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "exactly one stderr line: " + r.err());
        assertTrue(err.startsWith("cvxformer: "), err);
        return err;
    }

    /** Every file under a folder with its bytes, to prove a folder was left exactly as it was. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void assertSameFolder(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet(), "same files in " + dir);
        for (String k : before.keySet()) {
            assertArrayEquals(before.get(k), after.get(k), k + " unchanged");
        }
    }

    /** No staging or old folder left beside the outputs. */
    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden, "staging folders left in " + tmp);
        }
    }

    private String[] solveArgs(Path out, String... extra) {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        List<String> a = new ArrayList<>(List.of("solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--beta-ratio", "0.1", "--tol", "1e-6", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    // ---- every option is honoured or refused ----

    @Test
    void optionThatDoesNotApplyToModelIsRefused() {
        String[][] cases = {
            {"--model", "nonconvex", "--solver", "bcd"},
            {"--model", "nonconvex", "--tol", "1e-3"},
            {"--model", "nonconvex", "--beta-ratio", "0.5"},
            {"--model", "convex-stack", "--features", "gaussian"},
            {"--model", "convex", "--lr", "0.5"},
            {"--model", "convex", "--width", "64"},
            {"--model", "convex", "--epochs", "5"},
            {"--model", "convex", "--optimizer", "adam", "--width", "64"},
            {"--model", "nonconvex", "--stack-beta", "1e-3"},
        };
        for (String[] c : cases) {
            Path out = tmp.resolve("never");
            List<String> a = new ArrayList<>(List.of("train", "--dataset", "mod-add", "--p", "5", "--out", out.toString()));
            a.addAll(Arrays.asList(c));
            CliTest.Run r = CliTest.run(a.toArray(new String[0]));
            assertEquals(2, r.code(), Arrays.toString(c) + ": " + r.err());
            String err = oneLine(r);
            String option = c[c.length - 2];
            String mode = c[1].equals("convex") && c.length > 4 && c[2].equals("--optimizer") ? "--optimizer adam" : "--model " + c[1];
            assertTrue(err.contains(option + " does not apply to " + mode), err);
            assertFalse(Files.exists(out), "nothing written for " + Arrays.toString(c));
        }
    }

    @Test
    void classesWithRealTargetsIsRefused() throws IOException {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        // the same problem with one-hot (N, c) real targets
        org.cvxformer.core.io.NpyArray y = org.cvxformer.core.io.Npy.read(f.resolve("y.npy"));
        int[] labels = y.toIntArray();
        double[] onehot = new double[labels.length * 7];
        for (int i = 0; i < labels.length; i++) {
            onehot[i * 7 + labels[i]] = 1;
        }
        Path yc = tmp.resolve("y_onehot.npy");
        org.cvxformer.core.io.Npy.write(yc, org.cvxformer.core.io.NpyArray.ofDoubles(onehot, labels.length, 7));
        CliTest.Run r = CliTest.run("solve", "--x", f.resolve("X.npy").toString(), "--y", yc.toString(), "--loss", "squared",
                "--beta-ratio", "0.1", "--classes", "9", "--out", tmp.resolve("never").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).contains("--classes does not apply to --y"), r.err());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void badTrainingOptionWritesNothing() throws IOException {
        for (String[] c : new String[][] {{"--batch", "0"}, {"--dropout", "1.5"}, {"--width", "0"}, {"--lr", "-1"},
            {"--layers", "0"}, {"--weight-decay", "-1"}}) {
            Path out = tmp.resolve("bad");
            CliTest.Run r = CliTest.run(tiny(out, c));
            assertEquals(2, r.code(), Arrays.toString(c) + ": " + r.err());
            assertTrue(oneLine(r).contains(c[0]), r.err());
            assertFalse(Files.exists(out), "no folder, no manifest.json for " + Arrays.toString(c));
            assertNoStagingLeft();
        }
    }

    @Test
    void zeroIsRefusedForEveryLimit() {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        String x = f.resolve("X.npy").toString();
        String y = f.resolve("y.npy").toString();
        String[][] cases = {
            tiny(tmp.resolve("a"), "--epochs", "0"),
            tiny(tmp.resolve("a"), "--checkpoint-every", "0"),
            tiny(tmp.resolve("a"), "--eval-every", "0"),
            tiny(tmp.resolve("a"), "--max-seconds", "0"),
            {"train", "--dataset", "mod-add", "--p", "5", "--max-seconds", "0", "--out", tmp.resolve("a").toString()},
            {"train", "--dataset", "mod-add", "--p", "5", "--max-iter", "0", "--out", tmp.resolve("a").toString()},
            {"train", "--dataset", "mod-add", "--p", "5", "--history-every", "0", "--out", tmp.resolve("a").toString()},
            {"train", "--dataset", "mod-add", "--p", "5", "--optimizer", "adam", "--epochs", "0", "--out", tmp.resolve("a").toString()},
            {"solve", "--x", x, "--y", y, "--beta-ratio", "0.1", "--max-seconds", "0", "--out", tmp.resolve("a").toString()},
            {"solve", "--x", x, "--y", y, "--beta-ratio", "0.1", "--max-iter", "0"},
            {"path", "--dataset", "mod-add", "--p", "5", "--max-seconds", "0", "--out", tmp.resolve("a").toString()},
            {"bench", "--dataset", "mod-add", "--p", "5", "--epochs", "0", "--out", tmp.resolve("a").toString()},
            {"bench", "--dataset", "mod-add", "--p", "5", "--max-seconds", "0", "--out", tmp.resolve("a").toString()},
            {"bench-solvers", "--x", x, "--y", y, "--beta-ratio", "0.1", "--max-seconds", "0"},
            {"bench-solvers", "--x", x, "--y", y, "--beta-ratio", "0.1", "--runs", "0"},
            {"bench-solvers", "--x", x, "--y", y, "--beta-ratio", "0.1", "--max-iter", "0"},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run(c);
            assertEquals(2, r.code(), Arrays.toString(c) + ": " + r.err());
            assertTrue(oneLine(r).contains("0 is refused for every limit"), r.err());
            assertFalse(Files.exists(tmp.resolve("a")), Arrays.toString(c));
        }
    }

    // ---- a run folder is one run ----

    @Test
    void dirtyOutputFolderIsRefused() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(solveArgs(out)).code());
        Files.writeString(out.resolve("report.md"), "an earlier run's report");
        Map<String, byte[]> before = snapshot(out);
        CliTest.Run r = CliTest.run(solveArgs(out));
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).contains("already holds files") && r.err().contains("--overwrite"), r.err());
        assertSameFolder(before, out);
        // --overwrite replaces the whole folder: nothing of the old run survives
        CliTest.Run o = CliTest.run(solveArgs(out, "--overwrite"));
        assertEquals(0, o.code(), o.err());
        assertFalse(Files.exists(out.resolve("report.md")), "the old run's file is gone");
        assertTrue(Files.exists(out.resolve("Z.npy")) && Files.exists(out.resolve("manifest.json")));
        assertNoStagingLeft();
    }

    @Test
    void certifyNeverRewritesASolveFolder() throws IOException {
        Path solve = tmp.resolve("solve");
        assertEquals(0, CliTest.run(solveArgs(solve)).code());
        Map<String, byte[]> before = snapshot(solve);
        Path f = CliTest.fixture("mod-division-p7-softmax");
        String[] certify = {"certify", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(), "--beta-ratio",
            "0.1", "--z", solve.resolve("Z.npy").toString(), "--out", solve.toString()};
        CliTest.Run r = CliTest.run(certify);
        assertEquals(2, r.code(), r.err());
        oneLine(r);
        List<String> withOverwrite = new ArrayList<>(List.of(certify));
        withOverwrite.add("--overwrite");
        CliTest.Run r2 = CliTest.run(withOverwrite.toArray(new String[0]));
        assertEquals(2, r2.code(), r2.err());
        assertTrue(oneLine(r2).contains("holds the input"), r2.err());
        assertSameFolder(before, solve);
        // its own subfolder works and leaves the solve's files alone
        certify[certify.length - 1] = solve.resolve("certify").toString();
        CliTest.Run ok = CliTest.run(certify);
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.exists(solve.resolve("certify").resolve("certificate.json")));
        for (String k : before.keySet()) {
            assertArrayEquals(before.get(k), Files.readAllBytes(solve.resolve(k)), k);
        }
    }

    @Test
    void diskFullLeavesOldFolderUntouched() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(solveArgs(out)).code());
        Map<String, byte[]> before = snapshot(out);
        // the second file of the new run cannot be written: as on a full disk
        RunFolder.writeHook = file -> {
            if (file.getFileName().toString().equals("certificate.json")) {
                throw new FileSystemException(file.toString(), null, "No space left on device");
            }
        };
        CliTest.Run r = CliTest.run(solveArgs(out, "--overwrite"));
        assertEquals(1, r.code(), r.err());
        String err = oneLine(r);
        assertTrue(err.contains("No space left on device") && err.contains("was left as it was"), err);
        assertFalse(err.contains("internal error"), err);
        assertSameFolder(before, out);
        assertNoStagingLeft();
        // and with no earlier run there is no folder at all
        Path fresh = tmp.resolve("fresh");
        CliTest.Run r2 = CliTest.run(solveArgs(fresh));
        assertEquals(1, r2.code(), r2.err());
        assertTrue(oneLine(r2).contains("nothing was written to"), r2.err());
        assertFalse(Files.exists(fresh));
        assertNoStagingLeft();
    }

    @Test
    void diskFullDuringNeuralRunLeavesNoFolder() throws IOException {
        Path out = tmp.resolve("nn");
        RunFolder.writeHook = file -> {
            if (file.getFileName().toString().equals("summary.json")) {
                throw new FileSystemException(file.toString(), null, "No space left on device");
            }
        };
        CliTest.Run r = CliTest.run(tiny(out, "--epochs", "2"));
        assertEquals(1, r.code(), r.err());
        assertTrue(oneLine(r).contains("No space left on device"), r.err());
        assertFalse(Files.exists(out));
        assertNoStagingLeft();
    }

    // ---- resume continues the recorded run exactly ----

    @Test
    void resumeRefusesChangedLearningRate() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "2")).code());
        Map<String, byte[]> before = snapshot(out);
        for (String[] c : new String[][] {{"--lr", "0.01"}, {"--dataset", "mod-sub"}, {"--model", "convex-stack"}, {"--p", "7"},
            {"--width", "16"}, {"--seed", "3"}, {"--dropout", "0"}, {"--out", tmp.resolve("elsewhere").toString()}}) {
            List<String> a = new ArrayList<>(List.of("train", "--resume", out.toString(), "--epochs", "4"));
            a.addAll(List.of(c));
            CliTest.Run r = CliTest.run(a.toArray(new String[0]));
            assertEquals(2, r.code(), Arrays.toString(c) + ": " + r.err());
            assertTrue(oneLine(r).contains(c[0] + " cannot be given with --resume"), r.err());
            assertSameFolder(before, out);
        }
        assertNoStagingLeft();
    }

    @Test
    void resumeRefusesFewerEpochsThanRecorded() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "3")).code());
        CliTest.Run r = CliTest.run("train", "--resume", out.toString(), "--epochs", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).contains("--epochs 2 is below the recorded budget of 3"), r.err());
        CliTest.Run same = CliTest.run("train", "--resume", out.toString());
        assertEquals(2, same.code(), same.err());
        assertTrue(oneLine(same).contains("give a larger --epochs"), same.err());
    }

    @Test
    void resumeSaysAndRecordsWhatChanged() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "2", "--checkpoint-every", "1")).code());
        CliTest.Run r = CliTest.run("train", "--resume", out.toString(), "--epochs", "4", "--checkpoint-every", "2",
                "--threads", "1", "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("at epoch 2 of 4") && r.out().contains("--epochs 2 -> 4"), r.out());
        JsonNode m = JSON.readTree(out.resolve("manifest.json").toFile());
        assertEquals(4, m.get("parameters").get("epochs").asInt());
        JsonNode resumes = m.get("resumes");
        assertEquals(1, resumes.size());
        assertEquals(2, resumes.get(0).get("at_epoch").asInt());
        assertEquals("[2,4]", resumes.get(0).get("changed").get("epochs").toString());
        assertEquals(1, resumes.get(0).get("threads").asInt());
        assertEquals(5, Files.readAllLines(out.resolve("history.csv")).size(), "header and 4 epochs");
        assertEquals(2, JSON.readTree(out.resolve("summary.json").toFile()).get("resumed").get("at_epoch").asInt());
        assertNoStagingLeft();
    }

    @Test
    void resumeWithoutMaxSecondsHasNoTimeLimit() throws IOException {
        Path out = tmp.resolve("run");
        // a time budget so small that the first session stops after its first epoch
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "4", "--max-seconds", "1e-9")).code());
        JsonNode s1 = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("TIME", s1.get("stop_reason").asText());
        assertEquals(1, s1.get("epochs").asInt());
        CliTest.Run r = CliTest.run("train", "--resume", out.toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no time limit for this session"), r.out());
        JsonNode s2 = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("EPOCHS", s2.get("stop_reason").asText(), "the first session's budget is not reused");
        assertEquals(4, s2.get("epochs").asInt());
    }

    @Test
    void resumeOfAKilledRunsStagingFolderPublishesIt() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "2")).code());
        // what kill -9 leaves: only the staging folder
        Path staging = tmp.resolve(".run.partial-12345");
        Files.move(out, staging);
        CliTest.Run r = CliTest.run("train", "--resume", staging.toString(), "--epochs", "3", "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(staging));
        assertEquals(3, JSON.readTree(out.resolve("summary.json").toFile()).get("epochs").asInt());
        assertNoStagingLeft();
    }

    // ---- checkpoints are verified ----

    @Test
    void corruptedCheckpointIsRefused() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "3", "--checkpoint-every", "1")).code());
        Path ck = out.resolve("checkpoint.bin");
        assertTrue(Files.exists(out.resolve("checkpoint.prev.bin")), "the previous checkpoint is kept");
        byte[] good = Files.readAllBytes(ck);
        try (RandomAccessFile f = new RandomAccessFile(ck.toFile(), "rw")) {
            f.seek(good.length / 2);
            f.write(new byte[] {1, 2, 3, 4});
        }
        Map<String, byte[]> before = snapshot(out);
        CliTest.Run r = CliTest.run("train", "--resume", out.toString(), "--epochs", "5", "--no-progress");
        assertEquals(2, r.code(), r.err());
        String err = oneLine(r);
        assertTrue(err.contains("checkpoint.bin is corrupt: checksum mismatch"), err);
        assertTrue(err.contains("the last good state is") && err.contains("checkpoint.prev.bin") && err.contains("mv "), err);
        assertSameFolder(before, out);
        assertNoStagingLeft();
        // following the advice resumes from the earlier state
        Files.move(out.resolve("checkpoint.prev.bin"), ck, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliTest.Run ok = CliTest.run("train", "--resume", out.toString(), "--epochs", "5", "--no-progress");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("at epoch 2 of 5"), ok.out());
    }

    @Test
    void truncatedOrEmptyCheckpointIsRefused() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.run(tiny(out, "--epochs", "2")).code());
        Path ck = out.resolve("checkpoint.bin");
        byte[] good = Files.readAllBytes(ck);
        Files.write(ck, Arrays.copyOf(good, good.length - 100));
        CliTest.Run t = CliTest.run("train", "--resume", out.toString(), "--epochs", "4");
        assertEquals(2, t.code(), t.err());
        assertTrue(oneLine(t).contains("checkpoint.bin is corrupt: truncated"), t.err());
        assertTrue(t.err().contains("no earlier checkpoint is kept"), t.err());
        Files.write(ck, new byte[0]);
        CliTest.Run e = CliTest.run("train", "--resume", out.toString(), "--epochs", "4");
        assertEquals(2, e.code(), e.err());
        assertTrue(oneLine(e).contains("checkpoint.bin is corrupt: the file is empty"), e.err());
        Files.writeString(ck, "not a checkpoint at all, but long enough to have a header");
        CliTest.Run n = CliTest.run("train", "--resume", out.toString(), "--epochs", "4");
        assertEquals(2, n.code(), n.err());
        assertTrue(oneLine(n).contains("is not a cvxformer checkpoint"), n.err());
    }

    @Test
    void foreignCheckpointIsRefused() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, CliTest.run(tiny(a, "--epochs", "2")).code());
        assertEquals(0, CliTest.run(tiny(b, "--epochs", "2", "--seed", "1")).code());
        Files.copy(b.resolve("checkpoint.bin"), a.resolve("checkpoint.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliTest.Run r = CliTest.run("train", "--resume", a.toString(), "--epochs", "4");
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).contains("checkpoint.bin belongs to another run: seed 1 there, 0 here"), r.err());
    }

    // ---- long runs say how they go ----

    @Test
    void plainProgressLinesWhenNotATerminal() throws IOException {
        Progress.plainEverySeconds = 0;
        Path out = tmp.resolve("run");
        List<String> a = new ArrayList<>(List.of(tiny(out, "--epochs", "3")));
        a.remove("--no-progress");
        CliTest.Run r = CliTest.run(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("history grows in ") && r.err().contains(".run.partial-"), r.err());
        assertTrue(r.err().contains("epoch 3/3  loss ") && r.err().contains("remaining ~"), r.err());
        assertFalse(r.err().contains("\r"), "no carriage returns in a log");
    }

    @Test
    void interruptedRunSaysWhereTheCheckpointIsAndHowToResume() throws IOException {
        NeuralTraining.stopAfterEpochForTests = 2;
        Path out = tmp.resolve("run");
        CliTest.Run r = CliTest.run(tiny(out, "--epochs", "5"));
        NeuralTraining.stopAfterEpochForTests = null;
        assertEquals(0, r.code(), r.err());
        String err = oneLine(r);
        String cmd = "cvxformer train --resume " + out.toAbsolutePath().normalize();
        assertTrue(err.contains("interrupted at epoch 2: the final checkpoint is " + out.toAbsolutePath().normalize()
                .resolve("checkpoint.bin")) && err.endsWith(cmd), err);
        // the printed command continues the run
        CliTest.Run again = CliTest.run(cmd.substring("cvxformer ".length()).split(" "));
        assertEquals(0, again.code(), again.err());
        assertEquals(5, JSON.readTree(out.resolve("summary.json").toFile()).get("epochs").asInt());
    }
}

package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verified checkpoints and the growing history of {@link Trainer} (issue 10). */
class CheckpointTest {
    private static final NetConfig CFG = new NetConfig(7, 4, 8, 1, 5, 0.1);

    private static Trainer trainer(Path dir, int epochs, long seed, Map<String, String> id) {
        return trainer(dir, epochs, new NonconvexTransformer(CFG, seed), id);
    }

    private static Trainer trainer(Path dir, int epochs, Model model, Map<String, String> id) {
        Trainer.Data[] data = TrainingTest.modularAddition(5, 0.6, 3);
        Trainer t = new Trainer(model, AdamW.defaults(),
                new Trainer.Config(4, epochs, 0, 1, 1, 0.99, false, 2), data[0], data[1], dir);
        t.setIdentity(id);
        return t;
    }

    @Test
    void historyGrowsAsTheRunGoes(@TempDir Path tmp) throws Exception {
        Trainer t = trainer(tmp, 4, 1, Map.of());
        List<Integer> linesSeen = new ArrayList<>();
        t.setListener(row -> {
            try {
                linesSeen.add(Files.readAllLines(tmp.resolve(Trainer.HISTORY)).size());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.run();
        // the listener runs right after the row is recorded: the file already holds header + that row
        assertEquals(List.of(2, 3, 4, 5), linesSeen);
        assertEquals(Trainer.historyCsv(t.history()), Files.readString(tmp.resolve(Trainer.HISTORY)));
    }

    @Test
    void flippedByteIsRefusedAndChangesNothing(@TempDir Path tmp) throws Exception {
        trainer(tmp, 3, 1, Map.of("model", "nonconvex")).run();
        assertTrue(Files.exists(tmp.resolve(Trainer.PREVIOUS_CHECKPOINT)), "the checkpoint before the last is kept");
        Path ck = tmp.resolve(Trainer.CHECKPOINT);
        byte[] b = Files.readAllBytes(ck);
        b[b.length / 3] ^= 0x10;
        Files.write(ck, b);
        NonconvexTransformer model = new NonconvexTransformer(CFG, 9);
        double[] initial = model.parameters().clone();
        Trainer fresh = trainer(null, 6, model, Map.of("model", "nonconvex"));
        Trainer.CheckpointException e = assertThrows(Trainer.CheckpointException.class, () -> fresh.resume(tmp));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(Trainer.PREVIOUS_CHECKPOINT),
                e.getMessage());
        assertEquals(0, fresh.epoch());
        assertTrue(fresh.history().isEmpty());
        assertArrayEquals(initial, model.parameters(), "a refused checkpoint changes no parameter");
        // the previous checkpoint is intact and resumes at epoch 2
        Files.move(tmp.resolve(Trainer.PREVIOUS_CHECKPOINT), ck, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(fresh.resume(tmp));
        assertEquals(2, fresh.epoch());
    }

    @Test
    void checkpointOfAnotherRunIsRefused(@TempDir Path tmp) throws Exception {
        trainer(tmp, 2, 1, Map.of("lr", "0.001")).run();
        Trainer other = trainer(null, 4, 1, Map.of("lr", "0.01"));
        Trainer.CheckpointException e = assertThrows(Trainer.CheckpointException.class, () -> other.resume(tmp));
        assertTrue(e.getMessage().contains("belongs to another run: lr 0.001 there, 0.01 here"), e.getMessage());
        assertEquals(0, other.epoch());
    }

    @Test
    void resumeFromAVerifiedCheckpointIsExact(@TempDir Path tmp) throws Exception {
        Trainer full = trainer(tmp.resolve("full"), 4, 1, Map.of());
        full.run();
        trainer(tmp.resolve("part"), 2, 1, Map.of()).run();
        Trainer rest = trainer(null, 4, 77, Map.of());
        assertTrue(rest.resume(tmp.resolve("part")));
        rest.run();
        assertEquals(full.history().size(), rest.history().size());
        for (int i = 0; i < full.history().size(); i++) {
            assertEquals(full.history().get(i).trainLoss(), rest.history().get(i).trainLoss(), 0.0);
        }
        assertArrayEquals(Files.readAllLines(tmp.resolve("full/spectra/epoch-000004.csv")).toArray(),
                Files.readAllLines(tmp.resolve("part/spectra/epoch-000004.csv")).toArray());
    }
}

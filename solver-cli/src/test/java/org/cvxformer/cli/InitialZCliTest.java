package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code solve --initial Z.npy}: a warm start from an earlier solve's Z, checked against the problem's shape. */
class InitialZCliTest {
    @TempDir
    Path tmp;

    @Test
    void aSolvedZAsTheStartNeedsFewIterationsAndIsRecordedInTheManifest() throws Exception {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        String x = f.resolve("X.npy").toString(), y = f.resolve("y.npy").toString();
        Path first = tmp.resolve("first");
        CliTest.Run a = CliTest.run("solve", "--x", x, "--y", y, "--beta", "0.02", "--solver", "fista", "--tol", "1e-9",
                "--out", first.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode ca = Reports.JSON.readTree(first.resolve("certificate.json").toFile());
        Path second = tmp.resolve("second");
        CliTest.Run b = CliTest.run("solve", "--x", x, "--y", y, "--beta", "0.02", "--solver", "fista", "--tol", "1e-9",
                "--initial", first.resolve("Z.npy").toString(), "--out", second.toString());
        assertEquals(0, b.code(), b.err());
        JsonNode cb = Reports.JSON.readTree(second.resolve("certificate.json").toFile());
        assertTrue(cb.path("iterations").asInt() < ca.path("iterations").asInt() / 4,
                cb.path("iterations") + " iterations from the solved Z, " + ca.path("iterations") + " from zero");
        assertEquals(ca.path("objective").asDouble(), cb.path("objective").asDouble(), 2e-9 * ca.path("objective").asDouble());
        JsonNode m = Reports.JSON.readTree(second.resolve("manifest.json").toFile());
        assertTrue(m.path("inputs").has("initial"), m.toString());
    }

    @Test
    void aZOfTheWrongShapeIsBadInput() throws Exception {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        Path z = tmp.resolve("z.npy");
        Npy.write(z, NpyArray.ofDoubles(new double[7 * 7 * 2], 7, 7, 2));
        CliTest.Run r = CliTest.run("solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--beta", "0.02", "--initial", z.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("expected (c, n, d) = (7, 2, 7)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(tmp.resolve("o")), "nothing is written");
    }
}

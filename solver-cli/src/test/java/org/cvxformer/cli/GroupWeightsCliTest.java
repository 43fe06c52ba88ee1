package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code solve --group-weights W.npy}: the weighted group lasso from the command line. */
class GroupWeightsCliTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path weights(String name, double value, int... shape) throws IOException {
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] w = new double[size];
        Arrays.fill(w, value);
        Path p = tmp.resolve(name);
        Npy.write(p, NpyArray.ofDoubles(w, shape));
        return p;
    }

    private JsonNode solve(String... extra) throws IOException {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        String[] base = {"solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
            "--loss", "softmax", "--tol", "1e-10", "--solver", "fista", "--json"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void weightsScaleBeta() throws IOException {
        // beta * sum 1 ||z|| with weights 1 is the plain problem; weights 2 at beta b is the plain problem at 2b
        JsonNode plain = solve("--beta", "0.02");
        JsonNode ones = solve("--beta", "0.02", "--group-weights", weights("ones.npy", 1.0, 7, 2).toString());
        assertEquals(plain.get("objective").asDouble(), ones.get("objective").asDouble(), 0.0);
        JsonNode plain2 = solve("--beta", "0.04");
        JsonNode twos = solve("--beta", "0.02", "--group-weights", weights("twos.npy", 2.0, 7, 2).toString());
        assertEquals(plain2.get("objective").asDouble(), twos.get("objective").asDouble(), 1e-8);
        assertTrue(twos.get("converged").asBoolean());
    }

    @Test
    void wrongShapeIsBadInput() throws IOException {
        Path f = CliTest.fixture("mod-division-p7-softmax");
        CliTest.Run r = CliTest.run("solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--beta", "0.02", "--group-weights", weights("bad.npy", 1.0, 2, 7).toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("expected (c, n) = (7, 2)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}

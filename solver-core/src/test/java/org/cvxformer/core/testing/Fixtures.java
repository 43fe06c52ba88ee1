package org.cvxformer.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;

/**
 * The problem instances of the repository's {@code fixtures/} (copied from the project's shared
 * fixtures; provenance in {@code fixtures/README.md}) (optimal values from an independent
 * solver, cross-checked by an interior-point method). Missing fixtures fail the tests: they are
 * part of what the project is checked against.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** One fixture: the problem, its reference optimum and a reference solution. */
    public record Instance(String name, Problem problem, double objective, double cvxoptObjective,
            double betaMax, double[] zReference, JsonNode json) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The repository's {@code fixtures/} folder: property {@code cvxformer.fixtures} (Surefire sets
     * it), else found by walking up from the working directory to the repository root (the first
     * folder with {@code .mvn/}); never a path outside the repository.
     */
    public static Path fixturesDir() {
        String prop = System.getProperty("cvxformer.fixtures");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(".mvn"))) {
                Path f = d.resolve("fixtures");
                if (Files.isDirectory(f)) {
                    return f;
                }
                break;
            }
        }
        throw new IllegalStateException("the repository's fixtures/ folder was not found (property "
                + "cvxformer.fixtures is " + (prop == null ? "unset" : "'" + prop + "'") + "); run the tests "
                + "from the repository with mvn");
    }

    /** Every problem fixture (directories holding problem.json). */
    public static List<Instance> all() {
        Path dir = fixturesDir();
        try (Stream<Path> s = Files.list(dir)) {
            List<Instance> list = s.filter(p -> Files.exists(p.resolve("problem.json"))).sorted()
                    .map(Fixtures::load).toList();
            if (list.isEmpty()) {
                throw new IllegalStateException("no problem fixtures in " + dir);
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads one fixture directory. */
    public static Instance load(Path dir) {
        try {
            JsonNode j = new ObjectMapper().readTree(dir.resolve("problem.json").toFile());
            NpyArray x = Npy.read(dir.resolve("X.npy"));
            NpyArray y = Npy.read(dir.resolve("y.npy"));
            NpyArray z = Npy.read(dir.resolve("Z_reference.npy"));
            int[] sh = x.shape();
            int c = j.get("c").asInt();
            Targets targets = Targets.ofLabels(y.toIntArray(), c);
            Problem pb = new Problem(Designs.of(x.toDoubleArray(), sh[0], sh[1], sh[2]), targets,
                    Loss.byName(j.get("loss").asText()), j.get("beta").asDouble());
            return new Instance(dir.getFileName().toString(), pb, j.get("objective").asDouble(),
                    j.get("cvxopt_objective").asDouble(), j.get("beta_max").asDouble(), z.toDoubleArray(), j);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

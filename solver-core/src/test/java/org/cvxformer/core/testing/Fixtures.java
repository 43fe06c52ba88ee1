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
 * The problem instances of {@code ../shared/fixtures} (optimal values from an independent
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

    /** The shared directory: property {@code cvxformer.shared}, else found by walking up from here. */
    public static Path sharedDir() {
        String prop = System.getProperty("cvxformer.shared");
        if (prop != null && Files.isDirectory(Paths.get(prop, "fixtures"))) {
            return Paths.get(prop);
        }
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            for (Path cand : List.of(p.resolve("shared"), p.resolve("../shared"))) {
                if (Files.isDirectory(cand.resolve("fixtures"))) {
                    return cand.normalize();
                }
            }
            p = p.getParent();
        }
        throw new IllegalStateException("shared/fixtures not found (set -Dcvxformer.shared=PATH; "
                + "CI keeps shared/ beside the repository)");
    }

    /** Every problem fixture (directories holding problem.json). */
    public static List<Instance> all() {
        Path dir = sharedDir().resolve("fixtures");
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

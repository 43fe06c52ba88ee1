package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties every registered solver must have (fixtures, agreement, threads, warm start). */
class SolversTest {
    static final List<String> SOLVERS = Solvers.names();

    static Stream<Arguments> solverAndFixture() {
        List<Arguments> a = new ArrayList<>();
        for (Fixtures.Instance f : Fixtures.all()) {
            for (String s : SOLVERS) {
                a.add(Arguments.of(s, f));
            }
        }
        return a.stream();
    }

    static Stream<String> solvers() {
        return SOLVERS.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("solverAndFixture")
    void reachesTheReferenceObjectiveWithAnHonestCertifiedGap(String solver, Fixtures.Instance f) {
        SolverResult r = Solvers.byName(solver).solve(f.problem(), SolverConfig.defaults().withTolerance(1e-9));
        Certificate cert = r.certificate();
        assertSame(Status.OPTIMAL, r.status(), r.message());
        assertTrue(cert.relativeGap() <= 1e-9, "gap " + cert.relativeGap());
        assertEquals(f.objective(), cert.primal(), 1e-8 * f.objective(), "objective vs reference");
        assertTrue(cert.dual() <= f.objective() * (1 + 1e-12), "dual " + cert.dual() + " above optimum " + f.objective());
        for (IterationRecord rec : r.history()) {
            assertTrue(rec.dual() <= f.objective() * (1 + 1e-12), "history dual above optimum at " + rec.iteration());
        }
    }

    static Stream<Arguments> randomProblems() {
        List<Arguments> a = new ArrayList<>();
        long seed = 100;
        for (String loss : new String[] {"squared", "softmax"}) {
            for (double zero : new double[] {0.0, 0.8}) {
                for (double ratio : new double[] {0.05, 0.3}) {
                    a.add(Arguments.of(loss, zero, ratio, seed++));
                }
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, zero fraction {1}, beta ratio {2}")
    @MethodSource("randomProblems")
    void solversAgreeOnRandomProblems(String loss, double zero, double ratio, long seed) {
        Problem pb = RandomProblems.problem(seed, 60, 3, 4, 3, loss, ratio, zero);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-11);
        double ref = new Fista().solve(pb, cfg).certificate().primal();
        for (String s : SOLVERS) {
            SolverResult r = Solvers.byName(s).solve(pb, cfg);
            assertSame(Status.OPTIMAL, r.status(), s + ": " + r.message());
            assertEquals(ref, r.certificate().primal(), 1e-8 * Math.abs(ref), s);
        }
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void resultDoesNotDependOnThreadCount(String solver) {
        Problem pb = RandomProblems.problem(6, 400, 4, 40, 6, "softmax", 0.05, 0);
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-8);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] z1 = Solvers.byName(solver).solve(pb, cfg).z();
            Parallel.setThreads(2);
            double[] z2 = Solvers.byName(solver).solve(pb, cfg).z();
            assertArrayEquals(z1, z2, 1e-12);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void warmStartFromTheSolutionConvergesAtOnce(String solver) {
        for (String loss : new String[] {"squared", "softmax"}) {
            Problem pb = RandomProblems.problem(5, 60, 2, 4, 3, loss, 0.1, 0);
            SolverResult cold = new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-10));
            SolverResult warm = Solvers.byName(solver).solve(pb,
                    SolverConfig.defaults().withTolerance(1e-8).withInitial(cold.z()));
            assertSame(Status.OPTIMAL, warm.status(), warm.message());
            assertTrue(warm.iterations() <= 3, solver + " iterations from the optimum: " + warm.iterations());
        }
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void iterationLimitIsRespected(String solver) {
        Problem pb = RandomProblems.problem(3, 80, 3, 4, 3, "softmax", 0.02, 0);
        SolverResult r = Solvers.byName(solver).solve(pb, SolverConfig.defaults().withTolerance(1e-14).withMaxIterations(3));
        assertSame(Status.ITERATION_LIMIT, r.status(), r.message());
        assertTrue(r.iterations() <= 3, "iterations " + r.iterations());
    }
}

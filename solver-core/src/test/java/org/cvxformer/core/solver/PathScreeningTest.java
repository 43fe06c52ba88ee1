package org.cvxformer.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.testing.Fixtures;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sequential GAP safe rule along a decreasing beta path ({@link GapSafeScreening#sequential})
 * and the groups screened at start that carry it into {@code bcd} ({@link SolverConfig#screened()}).
 */
class PathScreeningTest {
    /**
     * Two 5-point decreasing paths, as ratios of beta_max (the first point screens from
     * {@code Z = 0}): a fine one, on which the sequential rule screens most groups, and a coarse
     * one reaching dense solutions, on which it screens little from the previous solution (but
     * the crude points below still screen).
     */
    static final double[][] PATHS = {{1.0, 0.97, 0.9, 0.75, 0.5}, {0.7, 0.4, 0.2, 0.08, 0.03}};

    static List<Fixtures.Instance> fixtures() {
        return Fixtures.all();
    }

    static int count(boolean[] s) {
        int k = 0;
        for (boolean b : s) {
            k += b ? 1 : 0;
        }
        return k;
    }

    /**
     * Walks the path as {@code cvxformer path} does (sequential screening from the previous bcd
     * solution, then a warm-started bcd solve with the screened set) and checks every screened set
     * against a FISTA reference solved to 1e-10 at that beta; the rule is also applied from a crude
     * point (5 FISTA iterations) and from the previous reference, which must be safe as well.
     * Returns the number of groups screened from the path's own points.
     */
    static int walkPaths(Problem base, String what) {
        int screened = 0;
        for (double[] path : PATHS) {
            screened += walkPath(base, path, what);
        }
        return screened;
    }

    static int walkPath(Problem base, double[] path, String what) {
        int d = base.features();
        double betaMax = base.betaMax();
        double[] z = null;
        double[] prevRef = null;
        int screenedTotal = 0;
        for (double ratio : path) {
            Problem pb = base.withBeta(ratio * betaMax);
            SolverConfig refCfg = SolverConfig.defaults().withTolerance(1e-10).withHistoryEvery(1_000_000);
            SolverResult ref = new Fista().solve(pb, prevRef == null ? refCfg : refCfg.withInitial(prevRef));
            assertTrue(ref.converged(), what + ": reference at ratio " + ratio + ": " + ref.message());
            double[] zRef = ref.z();
            List<boolean[]> sets = new ArrayList<>();
            boolean[] s = GapSafeScreening.sequential(pb, z);
            sets.add(s);
            SolverConfig crude = SolverConfig.defaults().withMaxIterations(5).withHistoryEvery(1_000_000);
            sets.add(GapSafeScreening.sequential(pb, new Fista().solve(pb, z == null ? crude : crude.withInitial(z)).z()));
            sets.add(GapSafeScreening.sequential(pb, prevRef));
            for (boolean[] set : sets) {
                for (int g = 0; g < set.length; g++) {
                    assertFalse(set[g] && Vec.norm2(zRef, g * d, d) > 0, what + ": group " + g
                            + " screened before the solve at beta/beta_max = " + ratio + " but non-zero in the reference");
                }
            }
            screenedTotal += count(s);
            SolverConfig cfg = SolverConfig.defaults().withHistoryEvery(1_000_000).withScreened(pb, s);
            SolverResult r = new BlockCoordinateDescent().solve(pb, z == null ? cfg : cfg.withInitial(z));
            assertTrue(r.converged(), what + " at ratio " + ratio + ": " + r.message());
            z = r.z();
            prevRef = zRef;
        }
        return screenedTotal;
    }

    @Test
    void sequentialRuleNeverScreensAGroupActiveAtTheNextBeta_randomProblems() {
        int screened = 0;
        long seed = 4100;
        for (String loss : new String[] {"squared", "softmax"}) {
            for (double zero : new double[] {0.0, 0.7}) {
                Problem pb = RandomProblems.problem(seed++, 60, 6, 3, 3, loss, 1.0, zero);
                screened += walkPaths(pb, loss + " seed " + (seed - 1));
            }
        }
        assertTrue(screened > 0, "the test should exercise the sequential rule at least once");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void sequentialRuleNeverScreensAGroupActiveAtTheNextBeta_fixtures(Fixtures.Instance f) {
        assertTrue(walkPaths(f.problem(), f.name()) > 0, "the test should exercise the sequential rule");
    }

    @Test
    void atBetaMaxFromZeroEveryGroupBelowBetaMaxIsScreened() {
        // From Z = 0 at beta = beta_max the exact gap is 0 (the rescaled residual is dual optimal):
        // the computed gap, possibly -1e-16, must be rounded up, not thrown away.
        for (String loss : new String[] {"squared", "softmax"}) {
            Problem pb = RandomProblems.problem(4200, 60, 6, 3, 3, loss, 1.0, 0.0);
            boolean[] s = GapSafeScreening.sequential(pb, null);
            assertTrue(count(s) >= pb.groupCount() - 1 && count(s) < pb.groupCount(),
                    loss + ": screened " + count(s) + " of " + pb.groupCount());
        }
    }

    /** bcd with the sequential screened set agrees with bcd without it, and certifies. */
    static int checkBcdAgrees(Problem base, double[] ratios, String what) {
        int screened = 0;
        double betaMax = base.betaMax();
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-10).withHistoryEvery(1_000_000);
        for (int q = 1; q < ratios.length; q++) {
            Problem prev = base.withBeta(ratios[q - 1] * betaMax);
            Problem pb = base.withBeta(ratios[q] * betaMax);
            double[] zPrev = new BlockCoordinateDescent().solve(prev, cfg.withTolerance(1e-6)).z();
            SolverResult without = new BlockCoordinateDescent().solve(pb, cfg.withInitial(zPrev));
            // from the previous solution (as the path does) and from a crude point at this beta
            boolean[] fromPrev = GapSafeScreening.sequential(pb, zPrev);
            boolean[] fromCrude = GapSafeScreening.sequential(pb,
                    new Fista().solve(pb, cfg.withInitial(zPrev).withMaxIterations(5)).z());
            for (boolean[] s : List.of(fromPrev, fromCrude)) {
                screened += count(s);
                SolverResult with = new BlockCoordinateDescent().solve(pb, cfg.withInitial(zPrev).withScreened(pb, s));
                assertTrue(with.converged() && without.converged(), what + ": " + with.message() + " / " + without.message());
                assertTrue(with.certificate().relativeGap() <= 1e-10, what + ": " + with.certificate());
                double pw = with.certificate().primal();
                double po = without.certificate().primal();
                assertEquals(po, pw, 1e-8 * Math.abs(po), what + " at ratio " + ratios[q]);
                assertTrue(with.message().contains("(" + count(s) + " given at start)"), with.message());
                double[] zw = with.z();
                for (int g = 0; g < s.length; g++) {
                    if (s[g]) {
                        assertEquals(0.0, Vec.norm2(zw, g * pb.features(), pb.features()), what + ": screened group " + g);
                    }
                }
            }
        }
        return screened;
    }

    @Test
    void bcdWithTheScreenedSetMatchesBcdWithoutIt_randomProblems() {
        int screened = 0;
        long seed = 4300;
        for (String loss : new String[] {"squared", "softmax"}) {
            Problem pb = RandomProblems.problem(seed++, 80, 8, 3, 4, loss, 1.0, 0.5);
            screened += checkBcdAgrees(pb, new double[] {1.0, 0.95, 0.8, 0.5}, loss);
        }
        assertTrue(screened > 0, "the test should carry a non-empty screened set into bcd");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void bcdWithTheScreenedSetMatchesBcdWithoutIt_fixtures(Fixtures.Instance f) {
        assertTrue(checkBcdAgrees(f.problem(), new double[] {1.0, 0.9, 0.6, 0.2}, f.name()) > 0);
    }

    @Test
    void bcdZeroesScreenedGroupsThatAWarmStartHoldsNonZero() {
        Problem pb = RandomProblems.problem(4400, 80, 8, 3, 4, "squared", 0.5, 0.5);
        boolean[] s = GapSafeScreening.sequential(pb, new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-8)).z());
        assertTrue(count(s) > 0);
        double[] start = new double[pb.parameterCount()];
        SplittableRandom r = new SplittableRandom(1);
        for (int p = 0; p < start.length; p++) {
            start[p] = 0.1 * RandomProblems.gauss(r); // every group non-zero
        }
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-10).withInitial(start);
        SolverResult with = new BlockCoordinateDescent().solve(pb, cfg.withScreened(pb, s));
        SolverResult without = new BlockCoordinateDescent().solve(pb, cfg);
        assertTrue(with.converged() && without.converged());
        assertEquals(without.certificate().primal(), with.certificate().primal(), 1e-8 * without.certificate().primal());
    }

    @Test
    void otherSolversIgnoreTheScreenedSetAndStillCertify() {
        Problem pb = RandomProblems.problem(4500, 60, 6, 3, 3, "softmax", 0.4, 0.5);
        boolean[] s = GapSafeScreening.sequential(pb, new Fista().solve(pb, SolverConfig.defaults().withTolerance(1e-8)).z());
        SolverConfig cfg = SolverConfig.defaults().withTolerance(1e-8).withScreened(pb, s);
        for (String name : new String[] {"fista", "auto", "prox-newton"}) {
            SolverResult res = Solvers.byName(name).solve(pb, cfg);
            assertTrue(res.converged(), name + ": " + res.message());
        }
    }

    @Test
    void solverConfigRejectsAScreenedArrayOfTheWrongLength() {
        Problem pb = RandomProblems.problem(4600, 20, 3, 2, 2, "squared", 0.5, 0.0); // 6 groups
        SolverConfig cfg = SolverConfig.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cfg.withScreened(pb, new boolean[7]));
        assertTrue(e.getMessage().contains("length 7") && e.getMessage().contains("= 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cfg.withScreened(pb, new boolean[5]));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new SolverConfig(1e-6, 10, 1, 1, true, 2, 5, null, null, new boolean[0]));
        assertTrue(empty.getMessage().contains("length 0"), empty.getMessage());
        // A configuration built for one problem, used with another: the solver checks again.
        Problem other = RandomProblems.problem(4601, 20, 4, 2, 2, "squared", 0.5, 0.0); // 8 groups
        SolverConfig forPb = cfg.withScreened(pb, new boolean[6]);
        IllegalArgumentException reuse = assertThrows(IllegalArgumentException.class,
                () -> new BlockCoordinateDescent().solve(other, forPb));
        assertTrue(reuse.getMessage().contains("length 6") && reuse.getMessage().contains("= 8"), reuse.getMessage());
        assertNull(cfg.withScreened(pb, null).screened());
    }

    @Test
    void theScreenedSetIsImmutableAndCarriedByEveryWithMethod() {
        Problem pb = RandomProblems.problem(4700, 20, 3, 2, 2, "squared", 0.5, 0.0);
        boolean[] s = {true, false, false, true, false, false};
        SolverConfig cfg = SolverConfig.defaults().withScreened(pb, s);
        s[1] = true;
        cfg.screened()[2] = true;
        boolean[] expected = {true, false, false, true, false, false};
        assertArrayEquals(expected, cfg.screened());
        SolverConfig derived = cfg.withTolerance(1e-3).withMaxIterations(5).withMaxSeconds(9).withHistoryEvery(2)
                .withRestart(false).withTuning(SolverConfig.Tuning.defaults()).withInitial(new double[pb.parameterCount()]);
        assertArrayEquals(expected, derived.screened());
        assertArrayEquals(expected, derived.screenedFor(pb));
    }
}

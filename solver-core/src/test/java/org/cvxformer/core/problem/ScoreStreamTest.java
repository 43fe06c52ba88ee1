package org.cvxformer.core.problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cvxformer.core.linalg.Parallel;
import org.cvxformer.core.testing.RandomProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The streamed passes of {@link ScoreStream} against the unstreamed products and losses over
 * whole {@code N x c} arrays (issue 13): bit for bit on the block-invariant layouts (sparse rows,
 * token tables) for every block size, to rounding on the dense layout, and bit for bit on every
 * layout whatever the thread count.
 */
class ScoreStreamTest {
    static Stream<Arguments> problems() {
        SplittableRandom r = new SplittableRandom(11);
        int N = 53, n = 3, d = 4, c = 5;
        int[] tokens = new int[N * n];
        for (int q = 0; q < tokens.length; q++) {
            tokens[q] = r.nextInt(d);
        }
        Design sparse = SparseDesign.oneHot(tokens, N, n, d);
        double[] table = RandomProblems.gaussian(r, 7, 1, d, 0);
        double[] x = new double[N * n * d];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < n; k++) {
                System.arraycopy(table, r.nextInt(7) * d, x, (i * n + k) * d, d);
            }
        }
        Design tables = TokenTableDesign.factor(x, N, n, d, Long.MAX_VALUE);
        Design dense = new DenseDesign(RandomProblems.gaussian(r, N, n, d, 0), N, n, d);
        int[] labels = RandomProblems.labels(r, N, c);
        double[] soft = new double[N * c];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int l = 0; l < c; l++) {
                soft[i * c + l] = r.nextDouble();
                s += soft[i * c + l];
            }
            for (int l = 0; l < c; l++) {
                soft[i * c + l] /= s;
            }
        }
        Stream.Builder<Arguments> b = Stream.builder();
        for (Design A : new Design[] {sparse, tables, dense}) {
            for (String loss : new String[] {"softmax", "squared"}) {
                b.add(Arguments.of(A.layout() + "/" + loss + "/labels", new Problem(A, Targets.ofLabels(labels, c), Loss.byName(loss), 0.01)));
                b.add(Arguments.of(A.layout() + "/" + loss + "/rows", new Problem(A, Targets.ofMatrix(soft, N, c), Loss.byName(loss), 0.01)));
            }
        }
        return b.build();
    }

    private static double[] params(Problem pb, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] W = new double[pb.parameterCount()];
        for (int p = 0; p < W.length; p++) {
            W[p] = 0.7 * RandomProblems.gauss(r);
        }
        return W;
    }

    /** The unstreamed reference: whole N x c arrays through Design.multiply and the full-array losses. */
    private static double[] reference(Problem pb, double[] W, double t) {
        double[] S = pb.scores(W);
        double[] U = new double[S.length];
        double f = pb.loss().valueAndGradient(S, pb.targets(), U);
        double[] G = new double[pb.parameterCount()];
        pb.design().transposeMultiply(U, pb.classes(), G);
        for (int p = 0; p < U.length; p++) {
            U[p] *= t;
        }
        double[] r = new double[G.length + 3];
        r[0] = f;
        r[1] = pb.loss().value(S, pb.targets());
        r[2] = pb.loss().dual(U, pb.targets());
        System.arraycopy(G, 0, r, 3, G.length);
        return r;
    }

    private static double[] streamed(Problem pb, double[] W, double t, int blockRows) {
        ScoreStream s = new ScoreStream(pb, blockRows);
        double[] G = new double[pb.parameterCount()];
        double[] r = new double[G.length + 3];
        r[0] = s.valueAndGradient(W, G);
        r[1] = s.value(W);
        r[2] = s.scaledResidualDual(W, t);
        System.arraycopy(G, 0, r, 3, G.length);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void streamedPassesEqualTheUnstreamedOnes(String name, Problem pb) {
        double[] W = params(pb, 3);
        double t = 0.37;
        double[] ref = reference(pb, W, t);
        for (int B : new int[] {1, 2, 7, 16, pb.samples(), 10 * pb.samples()}) {
            double[] got = streamed(pb, W, t, B);
            if (pb.design().blockInvariant() || B >= pb.samples()) {
                assertArrayEquals(ref, got, 0.0, name + ": block " + B + " must be bit-identical");
            } else {
                for (int q = 0; q < ref.length; q++) {
                    assertEquals(ref[q], got[q], 1e-12 * Math.max(1, Math.abs(ref[q])), name + ": block " + B + ", entry " + q);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void streamedPassesDoNotDependOnTheThreadCount(String name, Problem pb) {
        double[] W = params(pb, 5);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] one = streamed(pb, W, 0.5, 9);
            Parallel.setThreads(3);
            double[] three = streamed(pb, W, 0.5, 9);
            assertArrayEquals(one, three, 0.0, name);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void labelTargetsHoldNoDenseMatrix() {
        Targets y = Targets.ofLabels(new int[] {0, 2, 1, 2}, 1000);
        assertEquals(16, y.bytes());
        assertEquals(1.0, y.get(1, 2));
        assertEquals(0.0, y.get(1, 1));
    }

    @Test
    void estimatedBytesHasNoScoreMatrixTerm() {
        // p = 997 sizes without building the data: N = 497,000 rows, c = 997, one-hot pairs
        int N = 4970, c = 997, n = 2, d = 997;
        int[] tokens = new int[N * n];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            tokens[i * n] = i % d;
            tokens[i * n + 1] = (7 * i) % d;
            labels[i] = (3 * i) % c;
        }
        Problem pb = new Problem(SparseDesign.oneHot(tokens, N, n, d), Targets.ofLabels(labels, c), Loss.byName("softmax"), 0.1);
        long bytes = pb.estimatedBytes();
        long params = 8L * pb.parameterCount();
        assertTrue(bytes < 12 * params + 8L * ScoreStream.BLOCK_ENTRIES + 64L * N, "estimate " + bytes);
        assertTrue(bytes >= Problem.PARAMETER_ARRAYS * params, "estimate " + bytes);
    }

    @Test
    void streamedAccuracyMatchesTheArgmaxOfTheFullScores() {
        Problem pb = problems().map(a -> (Problem) a.get()[1]).filter(p -> p.targets().hasLabels()).findFirst().orElseThrow();
        double[] W = params(pb, 9);
        double[] S = pb.scores(W);
        int c = pb.classes();
        int right = 0;
        for (int i = 0; i < pb.samples(); i++) {
            int best = 0;
            for (int l = 1; l < c; l++) {
                if (S[i * c + l] > S[i * c + best]) {
                    best = l;
                }
            }
            right += best == pb.targets().label(i) ? 1 : 0;
        }
        assertEquals((double) right / pb.samples(), ScoreStream.accuracy(pb.design(), pb.targets(), W), 0.0);
    }
}

package org.cvxformer.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturizersTest {

    @Test
    void onehotExactValues() {
        Featurizer f = Featurizers.onehot();
        assertTrue(f.isOneHot());
        assertEquals("onehot", f.name());
        assertEquals(3, f.dimension(3));
        // Two sequences of two tokens, V = 3: [0, 2] and [1, 1].
        double[] x = f.featurize(new int[] {0, 2, 1, 1}, 2, 2, 3);
        assertArrayEquals(new double[] {
            1, 0, 0, /* k=1 */ 0, 0, 1,
            0, 1, 0, /* k=1 */ 0, 1, 0}, x, 0.0);
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, f.embeddingTable(3), 0.0);
    }

    @Test
    void tokenMajorLayoutForEveryFeaturizer() {
        AlgorithmicDataset ds = AlgorithmicDataset.generate(Operation.MOD_DIVISION, 11, TokenFormat.EQUATION);
        int v = ds.vocabularySize();
        int n = ds.sequenceLength();
        int[] idx = {0, 5, 17, 109};
        for (Featurizer f : new Featurizer[] {Featurizers.onehot(), Featurizers.gaussian(7, 1),
            Featurizers.fastfoodCvx(20, 1.0, 2), Featurizers.rff(9, 0.5, 3)}) {
            int d = f.dimension(v);
            double[] table = f.embeddingTable(v);
            assertEquals(v * d, table.length);
            double[] x = ds.features(f, idx);
            assertEquals(idx.length * n * d, x.length);
            for (int r = 0; r < idx.length; r++) {
                for (int k = 0; k < n; k++) {
                    int t = ds.token(idx[r], k);
                    for (int j = 0; j < d; j++) {
                        assertEquals(table[t * d + j], x[r * n * d + k * d + j], 0.0, f.name());
                    }
                }
            }
            assertFalse(f.name().equals("onehot") ^ f.isOneHot());
        }
    }

    @Test
    void fastfoodFeaturesAreTheMapOfTheOneHotVector() {
        Featurizer f = Featurizers.fastfoodCvx(300, 1.3, 8);
        FastfoodCvx map = new FastfoodCvx(99, 300, 1.3, 8);
        double[] table = f.embeddingTable(99);
        for (int t : new int[] {0, 50, 98}) {
            double[] e = new double[99];
            e[t] = 1;
            assertArrayEquals(map.apply(e), Arrays.copyOfRange(table, t * 300, (t + 1) * 300), 0.0);
        }
    }

    @Test
    void rffBoundedExactAndDeterministic() {
        int v = 5;
        int dD = 64;
        double sigma = 0.7;
        Featurizer f = Featurizers.rff(dD, sigma, 12);
        RandomFourierFeatures map = new RandomFourierFeatures(v, dD, sigma, 12);
        double[] table = f.embeddingTable(v);
        double bound = Math.sqrt(2.0 / dD);
        for (double e : table) {
            assertTrue(Math.abs(e) <= bound, "entry " + e + " exceeds sqrt(2/D)");
        }
        for (int t = 0; t < v; t++) {
            for (int j = 0; j < dD; j++) {
                double expected = bound * Math.cos(map.frequency(j, t) / sigma + map.phase(j));
                assertEquals(expected, table[t * dD + j], 1e-15);
            }
        }
        for (int j = 0; j < dD; j++) {
            assertTrue(map.phase(j) >= 0 && map.phase(j) <= 2 * Math.PI);
        }
        assertArrayEquals(table, Featurizers.rff(dD, sigma, 12).embeddingTable(v), 0.0);
        assertFalse(Arrays.equals(table, Featurizers.rff(dD, sigma, 13).embeddingTable(v)));
    }

    @Test
    void rffApproximatesTheGaussianKernel() {
        // phi(e_s).phi(e_t) estimates exp(-||e_s - e_t||^2 / (2 sigma^2)) = exp(-1) for s != t and
        // 1 for s = t; each estimate averages D = 4096 bounded terms, standard deviation below
        // 1/sqrt(D) ~ 0.016, so 0.1 is over 6 standard deviations.
        int dD = 4096;
        double[] table = Featurizers.rff(dD, 1.0, 4).embeddingTable(4);
        for (int s = 0; s < 4; s++) {
            for (int t = 0; t < 4; t++) {
                double dot = 0;
                for (int j = 0; j < dD; j++) {
                    dot += table[s * dD + j] * table[t * dD + j];
                }
                assertEquals(s == t ? 1.0 : Math.exp(-1), dot, 0.1, "s=" + s + " t=" + t);
            }
        }
    }

    @Test
    void gaussianTableHasVarianceOneOverDim() {
        // 200 x 500 = 100000 entries N(0, 1/500): the sample variance has relative standard
        // deviation sqrt(2 / 100000) = 0.45%, so 5% is 11 standard deviations; the sample mean has
        // standard deviation sqrt(0.002 / 100000) = 1.4e-4, so 1e-3 is 7.
        int dim = 500;
        double[] table = Featurizers.gaussian(dim, 99).embeddingTable(200);
        double mean = Arrays.stream(table).average().orElseThrow();
        double var = Arrays.stream(table).map(e -> (e - mean) * (e - mean)).sum() / (table.length - 1);
        assertEquals(0.0, mean, 1e-3);
        assertEquals(1.0 / dim, var, 0.05 / dim);
    }

    @Test
    void gaussianTableOfASmallerVocabularyIsAPrefix() {
        GaussianEmbedding small = new GaussianEmbedding(10, 6, 3);
        GaussianEmbedding large = new GaussianEmbedding(20, 6, 3);
        assertArrayEquals(small.table(), Arrays.copyOf(large.table(), 60), 0.0);
        double[] e = new double[10];
        e[4] = 1;
        assertArrayEquals(Arrays.copyOfRange(small.table(), 24, 30), small.apply(e), 0.0);
        assertArrayEquals(small.table(), new GaussianEmbedding(10, 6, 3).table(), 0.0);
    }

    @Test
    void createAndFromNameWithDefaultsAndProvenance() {
        Featurizer f = Featurizers.fromName("fastfood-cvx", Map.of());
        assertEquals(FastfoodCvx.DEFAULT_FEATURES, f.dimension(99));
        assertEquals(FastfoodCvx.DEFAULT_FEATURES, f.parameters().get("feature-dim"));
        assertEquals(FastfoodCvx.DEFAULT_SIGMA, f.parameters().get("sigma"));
        assertEquals(0L, f.parameters().get("feature-seed"));
        assertEquals("fastfood-cvx", f.parameters().get("features"));

        Featurizer g = Featurizers.fromName("GAUSSIAN", Map.of("--feature-dim", "16", "feature-seed", "-5"));
        assertEquals("gaussian", g.name());
        assertEquals(16, g.dimension(97));
        assertEquals(-5L, g.parameters().get("feature-seed"));
        assertArrayEquals(Featurizers.gaussian(16, -5).embeddingTable(97), g.embeddingTable(97), 0.0);

        Featurizer r = Featurizers.fromName("rff", Map.of("feature-dim", "32", "sigma", "0.25", "feature-seed", "7"));
        assertArrayEquals(Featurizers.rff(32, 0.25, 7).embeddingTable(13), r.embeddingTable(13), 0.0);
        assertEquals(97, Featurizers.fromName("onehot", null).dimension(97));
        // create() ignores what a featurizer does not take.
        assertTrue(Featurizers.create("onehot", -1, Double.NaN, 3).isOneHot());
        assertThrows(UnsupportedOperationException.class, () -> f.parameters().put("x", 1));
    }

    @Test
    void fromNameErrorsAreClear() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Featurizers.fromName("fastfood", Map.of()));
        assertTrue(unknown.getMessage().contains("'fastfood'"), unknown.getMessage());
        for (String name : Featurizers.NAMES) {
            assertTrue(unknown.getMessage().contains(name), unknown.getMessage());
        }
        for (String dim : new String[] {"0", "-3"}) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> Featurizers.fromName("gaussian", Map.of("feature-dim", dim)));
            assertTrue(bad.getMessage().contains("dimension = " + dim), bad.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Featurizers.create("rff", 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Featurizers.create("fastfood-cvx", 8, 0, 0));
        IllegalArgumentException sigma = assertThrows(IllegalArgumentException.class,
                () -> Featurizers.fromName("rff", Map.of("sigma", "NaN")));
        assertTrue(sigma.getMessage().contains("sigma = NaN"), sigma.getMessage());
        IllegalArgumentException parse = assertThrows(IllegalArgumentException.class,
                () -> Featurizers.fromName("rff", Map.of("feature-dim", "many")));
        assertTrue(parse.getMessage().contains("'many'"), parse.getMessage());
        IllegalArgumentException notApplicable = assertThrows(IllegalArgumentException.class,
                () -> Featurizers.fromName("gaussian", Map.of("sigma", "2")));
        assertTrue(notApplicable.getMessage().contains("--sigma does not apply to gaussian"), notApplicable.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Featurizers.fromName("onehot", Map.of("feature-dim", "5")));
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> Featurizers.fromName("rff", Map.of("bandwidth", "2")));
        assertTrue(key.getMessage().contains("'bandwidth'"), key.getMessage());
    }

    @Test
    void featurizeValidatesItsInput() {
        Featurizer f = Featurizers.gaussian(4, 0);
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> f.featurize(new int[] {0, 5}, 1, 2, 5));
        assertTrue(range.getMessage().contains("token 5"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.featurize(new int[] {0, 1, 2}, 1, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> f.featurize(new int[] {0, -1}, 1, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> f.dimension(0));
        assertEquals(0, f.featurize(new int[0], 0, 2, 5).length);
    }
}

package org.cvxformer.datasets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Builds the featurizers of math.md section 7, by method or by CLI name.
 *
 * <ul>
 *   <li>{@code onehot}: {@code x_ik = e_{token_ik}}, d = V (no parameters).</li>
 *   <li>{@code gaussian}: a fixed {@link GaussianEmbedding} table, entries N(0, 1/d); parameters
 *       {@code feature-dim}, {@code feature-seed}.</li>
 *   <li>{@code fastfood-cvx}: the seed paper's convex kernel preconditioning {@link FastfoodCvx}
 *       (seeds/004 section 4; Le, Sarlos, Smola 2013) applied to the one-hot token vector in R^V;
 *       parameters {@code feature-dim} (D), {@code sigma}, {@code feature-seed}.</li>
 *   <li>{@code rff}: {@link RandomFourierFeatures} (Rahimi and Recht 2007) of the one-hot token
 *       vector; parameters {@code feature-dim} (D), {@code sigma}, {@code feature-seed}.</li>
 * </ul>
 */
public final class Featurizers {

    /** Names accepted by {@link #create} and {@link #fromName}, in this order. */
    public static final List<String> NAMES = List.of("onehot", "gaussian", "fastfood-cvx", "rff");

    /** Parameter keys of {@link #fromName(String, Map)} (the CLI options without the dashes). */
    public static final String KEY_DIM = "feature-dim";
    public static final String KEY_SIGMA = "sigma";
    public static final String KEY_SEED = "feature-seed";

    /** Default feature dimension of gaussian, fastfood-cvx and rff: {@link FastfoodCvx#DEFAULT_FEATURES}. */
    public static final int DEFAULT_DIMENSION = FastfoodCvx.DEFAULT_FEATURES;
    /** Default sigma of fastfood-cvx and rff: {@link FastfoodCvx#DEFAULT_SIGMA}. */
    public static final double DEFAULT_SIGMA = FastfoodCvx.DEFAULT_SIGMA;
    /** Default feature seed. */
    public static final long DEFAULT_SEED = 0L;

    private static final String GENERATOR = "xoroshiro128++ seeded by SplitMix64(feature-seed)";

    private Featurizers() {
    }

    /** {@code onehot}. */
    public static Featurizer onehot() {
        return new TokenTableFeaturizer("onehot", v -> v, v -> {
            double[] t = new double[v * v];
            for (int i = 0; i < v; i++) {
                t[i * v + i] = 1.0;
            }
            return t;
        }, Map.of(), true);
    }

    /** {@code gaussian}: a V x dim table with entries N(0, 1/dim). */
    public static Featurizer gaussian(int dim, long seed) {
        checkDim("gaussian", dim);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(KEY_DIM, dim);
        p.put(KEY_SEED, seed);
        p.put("distribution", "table entries N(0, 1/feature-dim), row-major");
        p.put("generator", GENERATOR);
        return new TokenTableFeaturizer("gaussian", v -> dim, v -> new GaussianEmbedding(v, dim, seed).table(), p, false);
    }

    /** {@code fastfood-cvx}: {@link FastfoodCvx} with D features on the one-hot vector of R^V. */
    public static Featurizer fastfoodCvx(int features, double sigma, long seed) {
        checkDim("fastfood-cvx", features);
        checkSigma("fastfood-cvx", sigma);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(KEY_DIM, features);
        p.put(KEY_SIGMA, sigma);
        p.put(KEY_SEED, seed);
        p.put("formula", "(1/(sigma sqrt(D))) S H G_chi Pi H B e_token, m = next power of two >= V");
        p.put("distribution", "B signs; Pi uniform; G_chi chi(1) = |N(0,1)|; S chi(m)/||G_chi||_F");
        p.put("generator", GENERATOR);
        return new TokenTableFeaturizer("fastfood-cvx", v -> features, v -> tableOf(new FastfoodCvx(v, features, sigma, seed)::apply, v, features), p, false);
    }

    /** {@code rff}: {@link RandomFourierFeatures} with D features on the one-hot vector of R^V. */
    public static Featurizer rff(int features, double sigma, long seed) {
        checkDim("rff", features);
        checkSigma("rff", sigma);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(KEY_DIM, features);
        p.put(KEY_SIGMA, sigma);
        p.put(KEY_SEED, seed);
        p.put("formula", "sqrt(2/D) cos(W e_token / sigma + b)");
        p.put("distribution", "W N(0,1) row-major, then b uniform [0, 2 pi)");
        p.put("generator", GENERATOR);
        return new TokenTableFeaturizer("rff", v -> features, v -> tableOf(new RandomFourierFeatures(v, features, sigma, seed)::apply, v, features), p, false);
    }

    /**
     * The featurizer with the given name; arguments that the named featurizer does not take are
     * ignored (onehot ignores all three, gaussian ignores sigma). Use {@link #fromName} for the
     * strict CLI form.
     *
     * @throws IllegalArgumentException for an unknown name (listing the valid ones), dim <= 0,
     *                                  sigma not finite and positive
     */
    public static Featurizer create(String name, int dim, double sigma, long seed) {
        switch (canonical(name)) {
            case "onehot":
                return onehot();
            case "gaussian":
                return gaussian(dim, seed);
            case "fastfood-cvx":
                return fastfoodCvx(dim, sigma, seed);
            case "rff":
                return rff(dim, sigma, seed);
            default:
                throw new AssertionError(name);
        }
    }

    /**
     * The featurizer of the CLI's {@code --features NAME --feature-dim D --sigma S --feature-seed K}.
     * {@code params} holds the options that were given, keyed {@link #KEY_DIM}, {@link #KEY_SIGMA},
     * {@link #KEY_SEED} (a leading "--" is tolerated); absent keys take {@link #DEFAULT_DIMENSION},
     * {@link #DEFAULT_SIGMA}, {@link #DEFAULT_SEED}. Strict: a key the named featurizer does not
     * take (e.g. sigma for gaussian, anything for onehot) is an error, so that a mistyped command
     * line does not silently run something else.
     *
     * @throws IllegalArgumentException naming the bad name, key or value and what was expected
     */
    public static Featurizer fromName(String name, Map<String, String> params) {
        String canon = canonical(name);
        Map<String, String> given = new LinkedHashMap<>();
        if (params != null) {
            for (Map.Entry<String, String> e : params.entrySet()) {
                String k = e.getKey() == null ? "null" : e.getKey().trim();
                if (k.startsWith("--")) {
                    k = k.substring(2);
                }
                given.put(k.toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        Set<String> allowed = switch (canon) {
            case "onehot" -> Set.of();
            case "gaussian" -> Set.of(KEY_DIM, KEY_SEED);
            default -> Set.of(KEY_DIM, KEY_SIGMA, KEY_SEED);
        };
        for (String k : given.keySet()) {
            if (!Set.of(KEY_DIM, KEY_SIGMA, KEY_SEED).contains(k)) {
                throw new IllegalArgumentException("unknown feature parameter '" + k + "': expected " + KEY_DIM + ", "
                        + KEY_SIGMA + " or " + KEY_SEED);
            }
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("--" + k + " does not apply to " + canon + " features ("
                        + (allowed.isEmpty() ? "onehot takes no parameters: d = vocabulary size" : "it takes " + String.join(", ", sorted(allowed))) + ")");
            }
        }
        int dim = given.containsKey(KEY_DIM) ? parseInt(KEY_DIM, given.get(KEY_DIM)) : DEFAULT_DIMENSION;
        double sigma = given.containsKey(KEY_SIGMA) ? parseDouble(KEY_SIGMA, given.get(KEY_SIGMA)) : DEFAULT_SIGMA;
        long seed = given.containsKey(KEY_SEED) ? parseLong(KEY_SEED, given.get(KEY_SEED)) : DEFAULT_SEED;
        return create(canon, dim, sigma, seed);
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new IllegalArgumentException("unknown features '" + name + "': expected one of " + String.join(", ", NAMES));
        }
        return n;
    }

    private static double[] tableOf(BiConsumer<double[], double[]> map, int v, int d) {
        double[] table = new double[Math.multiplyExact(v, d)];
        double[] e = new double[v];
        double[] row = new double[d];
        for (int t = 0; t < v; t++) {
            e[t] = 1.0;
            map.accept(e, row);
            e[t] = 0.0;
            System.arraycopy(row, 0, table, t * d, d);
        }
        return table;
    }

    private static void checkDim(String name, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException(name + " feature dimension = " + dim + ": expected a positive integer");
        }
    }

    private static void checkSigma(String name, double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException(name + " sigma = " + sigma + ": expected a finite number > 0");
        }
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " = '" + value + "': expected an integer", e);
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " = '" + value + "': expected an integer", e);
        }
    }

    private static double parseDouble(String key, String value) {
        try {
            return Double.parseDouble(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " = '" + value + "': expected a number", e);
        }
    }
}

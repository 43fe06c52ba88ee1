package org.cvxformer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which algorithmic dataset, split and token features (math.md section 7). */
public final class DatasetOptions {
    @Option(names = "--dataset", paramLabel = "NAME",
            description = "mod-division, periodicity, mod-add, mod-sub, mod-mul or mod-x2y2.")
    String dataset;

    @Option(names = "--p", defaultValue = "97", paramLabel = "P", description = "Prime modulus (default: ${DEFAULT-VALUE}).")
    int p;

    @Option(names = "--format", paramLabel = "FMT",
            description = "Token format: pair ([a, b]) or equation ([a, op, b, =]) (default: pair for the convex block, "
                    + "equation for nonconvex and the convex stacks).")
    String format;

    @Option(names = "--train-fraction", defaultValue = "0.5", paramLabel = "F",
            description = "Fraction of examples used for training, in (0, 1) (default: ${DEFAULT-VALUE}).")
    double trainFraction;

    @Option(names = "--split-seed", defaultValue = "0", paramLabel = "SEED",
            description = "Seed of the train/validation shuffle (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--features", paramLabel = "F",
            description = "Token features: onehot, gaussian, fastfood-cvx or rff (default: onehot; convex-kernel: fastfood-cvx).")
    String features;

    @Option(names = "--feature-dim", paramLabel = "D", description = "Feature dimension for gaussian, fastfood-cvx, rff.")
    Integer featureDim;

    @Option(names = "--sigma", paramLabel = "S", description = "Kernel bandwidth for fastfood-cvx and rff.")
    Double sigma;

    @Option(names = "--feature-seed", paramLabel = "SEED", description = "Seed of the random features.")
    Long featureSeed;

    /** The feature parameters the user gave (only those), for strict validation by the featurizer. */
    Map<String, String> givenFeatureParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        if (featureDim != null) {
            m.put("feature-dim", Integer.toString(featureDim));
        }
        if (sigma != null) {
            m.put("sigma", Double.toString(sigma));
        }
        if (featureSeed != null) {
            m.put("feature-seed", Long.toString(featureSeed));
        }
        return m;
    }
}

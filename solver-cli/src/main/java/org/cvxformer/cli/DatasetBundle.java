package org.cvxformer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Designs;
import org.cvxformer.core.problem.SparseDesign;
import org.cvxformer.core.problem.Targets;
import org.cvxformer.datasets.AlgorithmicDataset;
import org.cvxformer.datasets.Featurizer;
import org.cvxformer.datasets.Featurizers;
import org.cvxformer.datasets.Operation;
import org.cvxformer.datasets.Split;
import org.cvxformer.datasets.TokenFormat;

/**
 * A dataset with its seeded split and featurised train and validation designs. The solver sees
 * only the training rows; validation rows are featurised separately and only ever scored.
 */
final class DatasetBundle {
    final AlgorithmicDataset data;
    final Operation operation;
    final TokenFormat format;
    final Split split;
    final Featurizer featurizer;
    final Design trainDesign;
    final Design valDesign;
    final Targets trainTargets;
    final Targets valTargets;

    private DatasetBundle(AlgorithmicDataset data, Operation op, TokenFormat fmt, Split split, Featurizer f) {
        this.data = data;
        this.operation = op;
        this.format = fmt;
        this.split = split;
        this.featurizer = f;
        this.trainDesign = design(data, f, split.trainIndices());
        this.valDesign = design(data, f, split.valIndices());
        this.trainTargets = Targets.ofLabels(data.labels(split.trainIndices()), data.numClasses());
        this.valTargets = Targets.ofLabels(data.labels(split.valIndices()), data.numClasses());
    }

    /** Builds everything from the options; {@code defaultFeatures} applies when --features is absent. */
    static DatasetBundle build(DatasetOptions o, String defaultFeatures) {
        return build(o, defaultFeatures, "pair");
    }

    /** As {@link #build(DatasetOptions, String)}, with the token format to use when --format is absent. */
    static DatasetBundle build(DatasetOptions o, String defaultFeatures, String defaultFormat) {
        if (o.dataset == null) {
            throw new IllegalArgumentException("no dataset given: pass --dataset NAME (see 'cvxformer data list')");
        }
        Operation op = Operation.fromName(o.dataset);
        TokenFormat fmt = TokenFormat.fromName(o.format != null ? o.format : defaultFormat);
        AlgorithmicDataset data = AlgorithmicDataset.generate(op, o.p, fmt);
        Split split = Split.of(data.size(), o.trainFraction, o.splitSeed);
        String fname = o.features != null ? o.features : defaultFeatures;
        Featurizer f = Featurizers.fromName(fname, o.givenFeatureParameters());
        return new DatasetBundle(data, op, fmt, split, f);
    }

    /** One-hot features are built directly in sparse form; others densely, then stored as the cheaper layout. */
    static Design design(AlgorithmicDataset data, Featurizer f, int[] idx) {
        int n = data.sequenceLength();
        int V = data.vocabularySize();
        int[] tokens = data.tokensFlat(idx);
        if (f.isOneHot()) {
            return SparseDesign.oneHot(tokens, idx.length, n, V);
        }
        double[] x = f.featurize(tokens, idx.length, n, V);
        return Designs.of(x, idx.length, n, f.dimension(V));
    }

    /** Provenance of the data: everything needed to rebuild it bit for bit. */
    Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", operation.cliName());
        m.put("p", data.modulus());
        m.put("format", format.cliName());
        m.put("examples", data.size());
        m.put("sequence_length", data.sequenceLength());
        m.put("vocabulary", data.vocabularySize());
        m.put("classes", data.numClasses());
        m.put("train_fraction", split.trainFraction());
        m.put("split_seed", split.seed());
        m.put("train_size", split.trainSize());
        m.put("val_size", split.valSize());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", featurizer.name());
        f.put("d", featurizer.dimension(data.vocabularySize()));
        f.putAll(featurizer.parameters());
        m.put("features", f);
        return m;
    }

    /** Fraction of rows whose arg-max score is the label (ties to the lowest class); streamed, no N x c array. */
    static double accuracy(Design A, Targets y, double[] z) {
        return org.cvxformer.core.problem.ScoreStream.accuracy(A, y, z);
    }
}

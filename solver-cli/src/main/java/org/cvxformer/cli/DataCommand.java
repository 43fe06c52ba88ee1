package org.cvxformer.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.cvxformer.datasets.AlgorithmicDataset;
import org.cvxformer.datasets.LabelSummary;
import org.cvxformer.datasets.Operation;
import org.cvxformer.datasets.TokenFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cvxformer data list | describe | export}. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "The algorithmic datasets of math.md section 7: list, describe, export to .npy.",
        subcommands = {DataCommand.ListCommand.class, DataCommand.DescribeCommand.class, DataCommand.ExportCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, describe or export");
    }

    static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        DESCRIPTIONS.put("mod-division", "c = a * b^{-1} mod p, a in 0..p-1, b in 1..p-1 (seed paper; Power et al. 2022)");
        DESCRIPTIONS.put("periodicity", "z = ((x^{-1} + y^2) * (2x mod floor(log2 p))) mod p, x in 1..p-1, y in 0..p-1 (seed paper)");
        DESCRIPTIONS.put("mod-add", "c = a + b mod p, a, b in 0..p-1");
        DESCRIPTIONS.put("mod-sub", "c = a - b mod p, a, b in 0..p-1");
        DESCRIPTIONS.put("mod-mul", "c = a * b mod p, a, b in 0..p-1");
        DESCRIPTIONS.put("mod-x2y2", "c = a^2 + b^2 mod p, a, b in 0..p-1");
    }

    /** {@code data list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
            description = "List the datasets.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (Operation op : Operation.values()) {
                out.printf(Locale.ROOT, "%-14s %s%n", op.cliName(), DESCRIPTIONS.getOrDefault(op.cliName(), ""));
            }
            out.println("token formats: pair [a, b] (vocabulary p), equation [a, op, b, =] (op = p, = is p+1)");
            out.println("features: onehot, gaussian, fastfood-cvx, rff");
            out.flush();
            return Main.OK;
        }
    }

    /** {@code data describe NAME --p P}. */
    @Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
            description = "Size, classes and label histogram of a dataset.")
    static final class DescribeCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name (see 'data list').")
        String name;

        @Option(names = "--p", defaultValue = "97", description = "Prime modulus (default: ${DEFAULT-VALUE}).")
        int p;

        @Option(names = "--format", defaultValue = "pair", description = "pair or equation (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Operation op = Operation.fromName(name);
            MemoryEstimate.dataset(DatasetBundle.plan(name, p, format)).check(); // before allocating (issue 10)
            AlgorithmicDataset d = AlgorithmicDataset.generate(op, p, TokenFormat.fromName(format));
            LabelSummary s = d.summary();
            int mode = 0;
            for (int l = 0; l < s.classes(); l++) {
                if (s.count(l) > s.count(mode)) {
                    mode = l;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataset", op.cliName());
            m.put("definition", DESCRIPTIONS.get(op.cliName()));
            m.put("p", p);
            m.put("format", d.sequenceLength() == 2 ? "pair" : "equation");
            m.put("examples", d.size());
            m.put("sequence_length", d.sequenceLength());
            m.put("vocabulary", d.vocabularySize());
            m.put("classes", s.classes());
            m.put("classes_present", s.classesPresent());
            m.put("label_count_min", s.minCount());
            m.put("label_count_max", s.maxCount());
            m.put("label_count_mean", s.meanCount());
            m.put("most_common_label", mode);
            m.put("majority_baseline_accuracy", (double) s.count(mode) / d.size());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Reports.toJson(m));
            } else {
                m.forEach((k, v) -> out.printf(Locale.ROOT, "%-27s %s%n", k, v));
            }
            out.flush();
            return Main.OK;
        }
    }

    /** {@code data export NAME --p P --features F --out DIR}. */
    @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
            description = "Write X_train.npy, y_train.npy, X_val.npy, y_val.npy (and the tokens) with a manifest, "
                    + "so any other solver can be given the same problem.")
    static final class ExportCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Dataset name (see 'data list'); or --dataset.")
        String name;

        @Mixin
        DatasetOptions options;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (staged beside it and "
                + "published when complete; refused if it holds files, unless --overwrite).")
        Path out;

        @Option(names = "--overwrite", description = "Replace an --out that holds files (the whole folder).")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            RunFolder.check(out, overwrite, "--out");
            if (name != null) {
                options.dataset = name;
            }
            MemoryEstimate.export(DatasetBundle.plan(options, "onehot", "pair")).check(); // before allocating (issue 10)
            DatasetBundle b = DatasetBundle.build(options, "onehot");
            int n = b.data.sequenceLength();
            int V = b.data.vocabularySize();
            int d = b.featurizer.dimension(V);
            int[] tr = b.split.trainIndices();
            int[] va = b.split.valIndices();
            double[] xtr = b.featurizer.featurize(b.data.tokensFlat(tr), tr.length, n, V);
            double[] xva = b.featurizer.featurize(b.data.tokensFlat(va), va.length, n, V);
            Path published = RunFolder.write(out, run -> {
                Npy.write(run.file("X_train.npy"), NpyArray.ofDoubles(xtr, tr.length, n, d));
                Npy.write(run.file("y_train.npy"), NpyArray.ofLongs(toLong(b.data.labels(tr)), tr.length));
                Npy.write(run.file("X_val.npy"), NpyArray.ofDoubles(xva, va.length, n, d));
                Npy.write(run.file("y_val.npy"), NpyArray.ofLongs(toLong(b.data.labels(va)), va.length));
                Npy.write(run.file("tokens_train.npy"), NpyArray.ofLongs(toLong(b.data.tokensFlat(tr)), tr.length, n));
                Npy.write(run.file("tokens_val.npy"), NpyArray.ofLongs(toLong(b.data.tokensFlat(va)), va.length, n));
                Npy.write(run.file("train_indices.npy"), NpyArray.ofLongs(toLong(tr), tr.length));
                Manifest m = new Manifest("data export", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]));
                m.put("data", b.provenance());
                m.put("files", Map.of("X_train.npy", "(N_train, n, d) float64", "y_train.npy", "(N_train,) int64 labels",
                        "X_val.npy", "(N_val, n, d) float64", "y_val.npy", "(N_val,) int64 labels",
                        "tokens_train.npy", "(N_train, n) int64 token ids", "tokens_val.npy", "(N_val, n) int64 token ids",
                        "train_indices.npy", "indices of the training examples in the dataset's order"));
                Reports.writeJson(run.file("manifest.json"), m.toMap());
            });
            PrintWriter pw = spec.commandLine().getOut();
            pw.printf(Locale.ROOT, "wrote %s: %d train and %d validation examples, X shape (N, %d, %d), %d classes%n", published,
                    tr.length, va.length, n, d, b.data.numClasses());
            pw.flush();
            return Main.OK;
        }

        private static long[] toLong(int[] v) {
            long[] r = new long[v.length];
            for (int q = 0; q < v.length; q++) {
                r[q] = v[q];
            }
            return r;
        }
    }
}

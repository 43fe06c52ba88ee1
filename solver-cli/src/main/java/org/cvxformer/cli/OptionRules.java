package org.cvxformer.cli;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Which options apply to which model, in one table: an option the user typed that does not apply
 * to the chosen model (or mode) is refused with one line, never silently ignored. Options not in
 * the table (data, split, output, progress, threads) apply to every model.
 *
 * <p>Only what the user typed counts ({@link ParseResult#hasMatchedOption}), so defaults never trip
 * the rule.
 */
final class OptionRules {
    /** The models and modes of {@code train} (and {@code path}, {@code bench}, which use the convex ones). */
    enum Mode {
        CONVEX("--model convex"),
        CONVEX_KERNEL("--model convex-kernel"),
        ADAM("--optimizer adam"),
        NONCONVEX("--model nonconvex"),
        CONVEX_STACK("--model convex-stack"),
        CONVEX_STACK_KERNEL("--model convex-stack-kernel");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        static Mode of(String model, String optimizer) {
            boolean adam = switch (optimizer) {
                case "solver" -> false;
                case "adam" -> true;
                default -> throw new IllegalArgumentException("--optimizer " + optimizer + " is unknown: expected solver or adam");
            };
            Mode m = switch (model) {
                case "convex" -> CONVEX;
                case "convex-kernel" -> CONVEX_KERNEL;
                case "nonconvex" -> NONCONVEX;
                case "convex-stack" -> CONVEX_STACK;
                case "convex-stack-kernel" -> CONVEX_STACK_KERNEL;
                default -> throw new IllegalArgumentException("--model " + model
                        + " is unknown: expected convex, convex-kernel, nonconvex, convex-stack or convex-stack-kernel");
            };
            if (adam && (m == NONCONVEX || m == CONVEX_STACK || m == CONVEX_STACK_KERNEL)) {
                throw new IllegalArgumentException("--optimizer applies to --model convex and convex-kernel; --model " + model
                        + " has its own optimizer (AdamW or Adam)");
            }
            return adam ? ADAM : m;
        }
    }

    private static final Set<Mode> CONVEX_FAMILY = EnumSet.of(Mode.CONVEX, Mode.CONVEX_KERNEL, Mode.ADAM);
    private static final Set<Mode> MINIBATCH = EnumSet.of(Mode.ADAM, Mode.NONCONVEX, Mode.CONVEX_STACK,
            Mode.CONVEX_STACK_KERNEL);
    private static final Set<Mode> NEURAL = EnumSet.of(Mode.NONCONVEX, Mode.CONVEX_STACK, Mode.CONVEX_STACK_KERNEL);
    private static final Set<Mode> STACKS = EnumSet.of(Mode.CONVEX_STACK, Mode.CONVEX_STACK_KERNEL);

    /** Option -> the modes it applies to. */
    static final Map<String, Set<Mode>> TRAIN = new LinkedHashMap<>();

    static {
        for (String o : List.of("--features", "--feature-dim", "--sigma", "--feature-seed", "--loss", "--beta", "--beta-ratio",
                "--solver", "--tol", "--max-iter", "--history-every", "--optimizer")) {
            TRAIN.put(o, CONVEX_FAMILY);
        }
        for (String o : List.of("--batch", "--lr", "--epochs", "--seed")) {
            TRAIN.put(o, MINIBATCH);
        }
        TRAIN.put("--certify-every", EnumSet.of(Mode.ADAM));
        for (String o : List.of("--width", "--layers", "--dropout", "--weight-decay", "--adam-variant", "--warmup", "--eval-every",
                "--checkpoint-every", "--no-stop-at-convergence")) {
            TRAIN.put(o, NEURAL);
        }
        for (String o : List.of("--stack-beta", "--head-solve-seconds", "--no-head-certificate", "--save-head-problems")) {
            TRAIN.put(o, STACKS);
        }
        TRAIN.put("--kernel-sigma", EnumSet.of(Mode.CONVEX_STACK_KERNEL));
    }

    /** What {@code train --resume} accepts: settings that can change without changing the result's meaning. */
    static final Set<String> RESUMABLE = Set.of("--resume", "--epochs", "--max-seconds", "--threads", "--checkpoint-every",
            "--no-progress", "--json");

    private OptionRules() {
    }

    /** Refuses the first typed option that {@code table} does not allow for {@code mode}. */
    static void refuseInapplicable(ParseResult pr, Map<String, Set<Mode>> table, Mode mode) {
        for (OptionSpec o : pr.matchedOptions()) {
            String name = o.longestName();
            Set<Mode> allowed = table.get(name);
            if (allowed != null && !allowed.contains(mode)) {
                List<String> labels = new ArrayList<>();
                allowed.forEach(m -> labels.add(m.label));
                throw new IllegalArgumentException(name + " does not apply to " + mode.label + " (it is an option of "
                        + String.join(", ", labels) + "): remove it");
            }
        }
    }

    /** Refuses every typed option outside {@code allowed}, for a mode that fixes all other settings. */
    static void refuseOutside(ParseResult pr, Set<String> allowed, String why) {
        for (OptionSpec o : pr.matchedOptions()) {
            if (!allowed.contains(o.longestName())) {
                throw new IllegalArgumentException(o.longestName() + " " + why);
            }
        }
    }
}

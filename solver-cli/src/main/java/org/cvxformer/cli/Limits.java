package org.cvxformer.cli;

/**
 * The one rule for time and count limits in every subcommand: a limit is a positive number, and
 * {@code 0} (or a negative number) is refused everywhere. "No limit" is said by leaving the option
 * out (where the option has no default), never by {@code 0}: a {@code 0} that meant "no limit" in
 * one command and "stop at once" in another is how a run silently does the wrong thing.
 */
final class Limits {
    /** The sentence every --help uses for the rule. */
    static final String RULE = "0 is refused, as for every time or count limit";

    /** The paragraph of every command's --help that states the rule. */
    static final String HELP = "Every time or count limit must be positive: 0 is refused in every command (leave the option "
            + "out for its default; for --max-seconds of solve, train and path that is no time limit).";

    private Limits() {
    }

    /** A count limit ({@code --epochs}, {@code --max-iter}, {@code --checkpoint-every}, ...): an integer >= 1. */
    static int count(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " = " + value + ": expected an integer >= 1 ("
                    + (value == 0 ? "0 is refused for every limit; omit " + option + " for its default" : "a count") + ")");
        }
        return value;
    }

    /** A time limit in seconds: a finite number > 0. */
    static double seconds(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " = " + value + ": expected a finite number of seconds > 0"
                    + (value == 0 ? " (0 is refused for every limit; omit " + option + " for its default, see --help)" : ""));
        }
        return value;
    }
}

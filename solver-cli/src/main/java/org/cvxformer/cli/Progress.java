package org.cvxformer.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on stderr, shown only on an interactive terminal (never in logs
 * or pipes, where carriage returns and ANSI codes would garble the output).
 */
final class Progress implements AutoCloseable {
    private final boolean enabled;
    private final PrintStream err;
    private final String label;
    private long lastDraw;

    Progress(String label, boolean allowed) {
        this.enabled = allowed && System.console() != null && System.getenv("CI") == null;
        this.err = System.err;
        this.label = label;
    }

    /** Redraws at most ten times a second. */
    void update(int iteration, double seconds, double relativeGap, double tolerance, String extra) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        // progress in log-gap space: from 1 down to the tolerance
        double frac = relativeGap <= tolerance ? 1
                : Math.max(0, Math.min(1, Math.log10(Math.max(relativeGap, 1e-300)) / Math.log10(tolerance)));
        int width = 24;
        int filled = (int) Math.round(frac * width);
        if (Double.isNaN(relativeGap)) {
            err.printf(Locale.ROOT, "\r%s  %.1fs  %s   ", label, seconds, extra == null ? "" : extra);
        } else {
            err.printf(Locale.ROOT, "\r%s [%s%s] it %d  %.1fs  rel gap %.2e%s   ", label, "#".repeat(filled),
                    ".".repeat(width - filled), iteration, seconds, relativeGap, extra == null ? "" : "  " + extra);
        }
        err.flush();
    }

    @Override
    public void close() {
        if (enabled) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
        }
    }
}

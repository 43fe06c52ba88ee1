package org.cvxformer.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * How a long run goes, on stderr. On an interactive terminal: a one-line display redrawn in
 * place (at most ten times a second). Anywhere else (a log file, CI, nohup, a pipe), where
 * carriage returns would garble the output: one plain line every {@link #plainEverySeconds}
 * seconds, none at all for runs shorter than that. {@code --no-progress} turns both off.
 */
final class Progress implements AutoCloseable {
    /** Seconds between plain lines when stderr is not a terminal (tests lower it). */
    static volatile double plainEverySeconds = 5;

    private final boolean bar;
    private final boolean plain;
    private final PrintWriter err;
    private final String label;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long lastPlain = System.nanoTime();

    Progress(String label, boolean allowed) {
        this(label, allowed, new PrintWriter(System.err, true));
    }

    /** {@code err}: the command's stderr (plain lines go there; the bar is drawn only on a real terminal). */
    Progress(String label, boolean allowed, PrintWriter err) {
        boolean terminal = System.console() != null && System.getenv("CI") == null;
        this.bar = allowed && terminal;
        this.plain = allowed && !terminal;
        this.err = err;
        this.label = label;
    }

    /** Seconds since this display started. */
    double elapsed() {
        return (System.nanoTime() - started) * 1e-9;
    }

    /** Solver progress: iteration, clock, certified relative gap against the tolerance. */
    void update(int iteration, double seconds, double relativeGap, double tolerance, String extra) {
        if (bar) {
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
        } else if (plain && due()) {
            if (Double.isNaN(relativeGap)) {
                line(String.format(Locale.ROOT, "%s  elapsed %.1fs", extra == null ? "" : extra, seconds));
            } else {
                line(String.format(Locale.ROOT, "it %d  rel gap %.2e (tol %.0e)%s  elapsed %.1fs", iteration, relativeGap,
                        tolerance, extra == null ? "" : "  " + extra, seconds));
            }
        }
    }

    /**
     * Epoch progress of a neural run: the bar on a terminal, otherwise a plain line with the
     * estimated time remaining (from the mean seconds per epoch of this session, capped by the
     * time budget).
     */
    void epoch(int epoch, int maxEpochs, int firstEpoch, double loss, double trainAcc, double valAcc, double maxSeconds) {
        double session = elapsed();
        int done = epoch - firstEpoch;
        double remaining = done > 0 ? session / done * (maxEpochs - epoch) : Double.NaN;
        if (maxSeconds > 0) {
            remaining = Math.min(remaining, Math.max(0, maxSeconds - session));
        }
        String text = String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  train %.3f  val %.3f  elapsed %.1fs  remaining ~%s",
                epoch, maxEpochs, loss, trainAcc, valAcc, session, Double.isNaN(remaining) ? "?" : String.format(Locale.ROOT,
                        "%.0fs", remaining));
        if (bar) {
            update(epoch, session, Double.NaN, 0, text);
        } else if (plain && due()) {
            line(text);
        }
    }

    private boolean due() {
        long now = System.nanoTime();
        if ((now - lastPlain) * 1e-9 < plainEverySeconds) {
            return false;
        }
        lastPlain = now;
        return true;
    }

    /** A plain line now (also for notices such as where history.csv grows), unless progress is off. */
    void line(String text) {
        if (plain || bar) {
            if (bar) {
                err.print("\r" + " ".repeat(100) + "\r");
            }
            err.println(label + ": " + text);
            err.flush();
        }
    }

    @Override
    public void close() {
        if (bar) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
        }
    }
}

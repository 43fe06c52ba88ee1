package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a run or a report ran on: the CPU's model name (from {@code /proc/cpuinfo}) and the cores the JVM
 * sees. Every manifest records both, so that a timing can be traced to its hardware even when a report gathers
 * runs made on different machines.
 */
final class Hardware {
    /** What a manifest or report says when the CPU's name cannot be read (not Linux, or no model name line). */
    static final String UNKNOWN_CPU = "unknown CPU";

    private Hardware() {
    }

    /** The CPU's model name, or {@link #UNKNOWN_CPU}. */
    static String cpuModel() {
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                for (String l : Files.readAllLines(info)) {
                    if (l.startsWith("model name")) {
                        return l.substring(l.indexOf(':') + 1).strip();
                    }
                }
            }
        } catch (IOException e) {
            // the CPU's name is decoration; the core count still says what ran
        }
        return UNKNOWN_CPU;
    }

    /** Cores visible to this JVM. */
    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** One line: CPU model, cores visible, threads used, Java version. */
    static String describe(int threads) {
        return String.format(Locale.ROOT, "%s, %d cores visible to the JVM, %d threads used, CPU only (Java %s)",
                cpuModel(), cores(), threads, System.getProperty("java.version"));
    }
}

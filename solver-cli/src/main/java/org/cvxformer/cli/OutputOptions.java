package org.cvxformer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out DIR} and {@code --json}, shared by commands that report results. */
public final class OutputOptions {
    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory for the results (created if missing; files are written atomically).")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout instead of the table.")
    boolean json;

    /** Fails early, before any work, if {@code --out} names an existing non-directory. */
    void checkWritable() {
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory: choose another path");
        }
    }
}

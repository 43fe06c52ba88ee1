package org.cvxformer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out DIR}, {@code --overwrite} and {@code --json}, shared by commands that report results. */
public final class OutputOptions {
    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for the results: staged beside it as .DIR.partial-PID and renamed to DIR when complete "
                    + "(a failure leaves DIR as it was); refused if DIR holds files, unless --overwrite.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an --out that holds another run (the whole folder, once the new results are complete).")
    boolean overwrite;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout instead of the table.")
    boolean json;

    /** Fails early, before any work, if {@code --out} cannot take this run ({@link RunFolder#check}). */
    void checkWritable(Path... inputs) {
        if (out == null && overwrite) {
            throw new IllegalArgumentException("--overwrite applies to --out: give --out DIR, or drop --overwrite");
        }
        RunFolder.check(out, overwrite, "--out", inputs);
    }
}

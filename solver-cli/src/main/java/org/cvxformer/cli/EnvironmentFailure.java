package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * The machine, not the user's input, stopped the run: a full disk, a permission, a vanished
 * folder. Reported as one line with exit code 1 (not "internal error": nothing is wrong with the
 * program, and the message says what to free or fix).
 */
final class EnvironmentFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EnvironmentFailure(String message) {
        super(message);
    }

    /** The operating system's reason for an I/O failure, without the file name (the caller says which file). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    /** One line for any I/O failure that reached the top (an {@link EnvironmentFailure} says it itself). */
    static String describe(Throwable ex) {
        if (ex instanceof EnvironmentFailure) {
            return ex.getMessage();
        }
        if (ex instanceof FileSystemException f && f.getFile() != null) {
            return "cannot access " + f.getFile() + ": " + reason(f);
        }
        return "input/output failure: " + reason((IOException) ex);
    }
}

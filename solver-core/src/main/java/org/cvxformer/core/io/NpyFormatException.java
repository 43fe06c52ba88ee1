package org.cvxformer.core.io;

/**
 * Thrown when a {@code .npy} file (NumPy format, see {@code numpy.lib.format}) is malformed or
 * holds something this project cannot use, or when an {@link NpyArray} cannot be converted as
 * asked (for example a float array with non-integral values read as labels).
 *
 * <p>It extends {@link IllegalArgumentException} because in this project bad <em>input</em> is an
 * {@code IllegalArgumentException}: the CLI prints such exceptions as one line and exits with
 * code 2, whereas genuine I/O failures ({@link java.io.IOException}, e.g.
 * {@link java.nio.file.NoSuchFileException}) are reported separately. Messages are therefore
 * written to be shown to a user verbatim: a single line that names the file, says what is wrong
 * and, where it helps, how to fix it.
 */
public class NpyFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a one-line, user-facing message.
     *
     * @param message what is wrong, naming the file where there is one
     */
    public NpyFormatException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a one-line, user-facing message and the low-level cause.
     *
     * @param message what is wrong, naming the file where there is one
     * @param cause the underlying problem (kept for debugging; the message stands on its own)
     */
    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

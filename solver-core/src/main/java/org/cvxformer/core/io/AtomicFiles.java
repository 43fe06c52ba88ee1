package org.cvxformer.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that readers never see a half-written result: the content goes to a temporary
 * file in the target's directory, which is then renamed over the target.
 *
 * <p>Why: the solver's outputs ({@code .npy} arrays, JSON and CSV reports) are read by other tools
 * and by later runs. If a run is killed, or the disk fills, in the middle of a write, a plain
 * {@code Files.write} leaves a truncated file that looks valid by name. With a rename, the target
 * is either the complete new file or whatever was there before.
 *
 * <p>Facts relied on:
 * <ul>
 *   <li>The temporary file lives in the same directory as the target, so the rename stays on one
 *       file system, where {@link StandardCopyOption#ATOMIC_MOVE} is normally supported (POSIX
 *       {@code rename(2)} replaces the target atomically).</li>
 *   <li>Where an atomic move is not supported, the code falls back to a plain
 *       {@link StandardCopyOption#REPLACE_EXISTING} move: still never a truncated target on
 *       failure of the writer, only without the atomicity guarantee of the rename itself.</li>
 *   <li>The data is forced to the device before the rename, because on some file systems a
 *       rename can reach the disk before the data it points to, leaving an empty file after a
 *       crash.</li>
 * </ul>
 *
 * <p>The parent directory must exist; it is not created (a missing directory is reported as the
 * usual {@link java.nio.file.NoSuchFileException}).
 */
public final class AtomicFiles {

    /** Attempts at finding an unused temporary name before giving up (collisions are very rare). */
    private static final int TEMP_NAME_ATTEMPTS = 16;

    /** Large enough that bulk writers (e.g. {@link Npy}) pass their chunks straight through. */
    private static final int BUFFER_SIZE = 1 << 16;

    private AtomicFiles() {
    }

    /**
     * Something that writes content to a stream and may fail with an {@link IOException}; the
     * checked-exception counterpart of {@link java.util.function.Consumer}.
     *
     * @param <T> what is consumed (an {@link OutputStream} for {@link AtomicFiles#write})
     */
    @FunctionalInterface
    public interface IoConsumer<T> {
        /**
         * Consumes {@code value}.
         *
         * @param value the value to consume
         * @throws IOException if writing fails
         */
        void accept(T value) throws IOException;
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code writer} writes.
     *
     * <p>The writer gets a buffered stream onto a fresh temporary file
     * {@code .<name>.<random>.tmp} in the target's directory; it must not close the stream (doing
     * so is harmless). When the writer returns normally the data is flushed and forced to disk and
     * the temporary file is moved over the target. If the writer (or anything after it) throws,
     * the temporary file is deleted, the target is left exactly as it was, and the exception is
     * rethrown unchanged.
     *
     * <p>The temporary file is created with the ordinary permissions of a new file (subject to
     * the umask), not the owner-only permissions of {@link Files#createTempFile}, so the final
     * file is as readable as one written directly.
     *
     * @param target the file to create or replace; its parent directory must exist
     * @param writer writes the complete content
     * @throws IOException if creating, writing, syncing or moving the file fails, or the writer
     *     throws one
     */
    public static void write(Path target, IoConsumer<? super OutputStream> writer)
            throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("not a file path: " + target);
        }
        String name = absolute.getFileName().toString();
        FileChannel channel = null;
        Path temp = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve("." + name + "." + Long.toHexString(
                    ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
            try {
                // CREATE_NEW: never clobber another writer's temporary file.
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt + 1 >= TEMP_NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
        try {
            try (FileChannel ch = channel;
                 OutputStream out = new BufferedOutputStream(
                         Channels.newOutputStream(ch), BUFFER_SIZE)) {
                writer.accept(new UncloseableOutputStream(out));
                out.flush();
                ch.force(true);
            }
            moveReplacing(temp, absolute);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException cleanup) {
                t.addSuppressed(cleanup);
            }
            throw t;
        }
    }

    /**
     * Atomically replaces (or creates) {@code target} with {@code content} encoded as UTF-8.
     *
     * @param target the file to create or replace; its parent directory must exist
     * @param content the complete text (e.g. a JSON document or a CSV table)
     * @throws IOException if writing fails
     */
    public static void writeString(Path target, String content) throws IOException {
        Objects.requireNonNull(content, "content");
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    private static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Lets the writer close "its" stream (as try-with-resources code tends to) without closing
     * the channel before it has been flushed and forced.
     */
    private static final class UncloseableOutputStream extends OutputStream {
        private final OutputStream out;

        UncloseableOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}

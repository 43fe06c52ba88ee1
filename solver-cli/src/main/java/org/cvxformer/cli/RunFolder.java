package org.cvxformer.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run's output folder, published all at once.
 *
 * <p>Why: a run folder is read as one result (Z with its certificate, a history with its
 * manifest). Writing files one by one into {@code --out} leaves a mix of two runs when the
 * folder held an earlier one, or when the run dies half way (bad option, full disk, kill -9).
 *
 * <p>How: every file is written into a staging folder {@code .NAME.partial-PID} beside
 * {@code --out} (same parent, so the same file system, where {@code rename(2)} is atomic).
 * {@link #publish()} renames it to {@code --out} once everything is written. If {@code --out}
 * already exists (only with {@code --overwrite}, or a resumed run), it is first renamed to
 * {@code .NAME.old-PID}, the staging folder takes its place, and the old one is deleted: a crash
 * between the two renames leaves two clearly named hidden folders and no {@code --out}, never a
 * mix. {@link #close()} without {@link #publish()} deletes the staging folder, so a failure leaves
 * the old folder untouched (or no folder). {@code kill -9} can leave only the staging folder.
 *
 * <p>An {@code --out} that is a non-empty directory holds another run and is refused unless
 * {@code --overwrite} is given ({@link #check}); that check runs before any work, and the staging
 * folder is created only after every option has been validated, so a bad option writes nothing.
 */
final class RunFolder implements AutoCloseable {
    private static final Pattern STAGING = Pattern.compile("^\\.(.+)\\.(partial|old)-\\d+$");

    /** Test hook: called with each file path handed out by {@link #file}; may throw (e.g. a full disk). */
    static volatile IoHook writeHook = null;

    /** A test hook that may fail a write. */
    @FunctionalInterface
    interface IoHook {
        void beforeWrite(Path file) throws IOException;
    }

    private final Path target;
    private final Path staging;
    private boolean published;

    private RunFolder(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Refuses, before any work, an {@code --out} that cannot take a new run: an existing
     * non-directory, or a non-empty directory without {@code --overwrite}, or a folder that holds
     * one of the run's own inputs (overwriting it would delete them).
     */
    static void check(Path out, boolean overwrite, String option, Path... inputs) {
        if (out == null) {
            return;
        }
        Path abs = out.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw new IllegalArgumentException(option + " " + out + " is the root folder: choose a folder to create");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + " " + out + " exists and is not a directory: choose another path");
        }
        if (!isEmptyOrMissing(out)) {
            for (Path in : inputs) {
                if (in != null && in.toAbsolutePath().normalize().startsWith(abs)) {
                    throw new IllegalArgumentException(option + " " + out + " holds the input " + in
                            + ": write this result to its own folder, e.g. " + option + " " + out.resolve("certify"));
                }
            }
            if (!overwrite) {
                throw new IllegalArgumentException(option + " " + out + " already holds files (another run): choose another "
                        + option + ", or pass --overwrite to replace the whole folder");
            }
        }
    }

    static boolean isEmptyOrMissing(Path dir) {
        if (!Files.isDirectory(dir)) {
            return !Files.exists(dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new EnvironmentFailure("cannot read " + dir + ": " + EnvironmentFailure.reason(e));
        }
    }

    /** Creates the staging folder for {@code out} (after {@link #check}); nothing is visible at {@code out} yet. */
    static RunFolder create(Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path staging = stagingPath(target, "partial");
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(staging)) {
                deleteTree(staging); // left by an earlier process with the same pid
            }
            Files.createDirectory(staging);
        } catch (IOException e) {
            throw new EnvironmentFailure("cannot create " + staging + ": " + EnvironmentFailure.reason(e));
        }
        return new RunFolder(target, staging);
    }

    /**
     * Creates the staging folder for {@code out} as a copy of {@code source} (for a resume: the
     * published run itself, or a staging folder a killed process left). The source is not changed.
     */
    static RunFolder copyOf(Path source, Path out) {
        RunFolder rf = create(out);
        try {
            copyTree(source, rf.staging);
        } catch (IOException e) {
            rf.close();
            throw new EnvironmentFailure("cannot copy " + source + " into " + rf.staging + ": " + EnvironmentFailure.reason(e));
        }
        return rf;
    }

    /** Writes a whole run: {@link #create}, {@code writer}, {@link #publish}; on any failure nothing is published. */
    static Path write(Path out, Writer writer) {
        try (RunFolder rf = create(out)) {
            try {
                writer.write(rf);
            } catch (IOException e) {
                throw rf.failure(e);
            }
            rf.publish();
            return rf.target;
        }
    }

    /** Writes the files of a run into its staging folder. */
    @FunctionalInterface
    interface Writer {
        void write(RunFolder run) throws IOException;
    }

    private static Path stagingPath(Path target, String kind) {
        return target.resolveSibling("." + target.getFileName() + "." + kind + "-" + ProcessHandle.current().pid());
    }

    /** If {@code dir} is a staging folder ({@code .NAME.partial-PID}), the folder it was to be published as. */
    static Path publishedNameOf(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Matcher m = STAGING.matcher(abs.getFileName().toString());
        return m.matches() ? abs.resolveSibling(m.group(1)) : null;
    }

    /** The staging folder, where every file of the run is written. */
    Path dir() {
        return staging;
    }

    /** Where the run will be published. */
    Path target() {
        return target;
    }

    /** {@code dir().resolve(name)}, after the test hook (which may simulate a failing write). */
    Path file(String name) throws IOException {
        Path f = staging.resolve(name);
        IoHook h = writeHook;
        if (h != null) {
            h.beforeWrite(f);
        }
        return f;
    }

    /**
     * Publishes the staging folder as {@code --out} (one rename when {@code --out} does not
     * exist; otherwise old out aside, staging in, old deleted).
     */
    void publish() {
        Path old = stagingPath(target, "old");
        try {
            IoHook h = writeHook;
            if (h != null) {
                h.beforeWrite(target);
            }
            if (Files.exists(target)) {
                if (Files.exists(old)) {
                    deleteTree(old);
                }
                move(target, old);
                move(staging, target);
                deleteTree(old);
            } else {
                move(staging, target);
            }
            published = true;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * The environment failure for an I/O error while the run was staged: says which file and
     * that {@code --out} was left as it was.
     */
    EnvironmentFailure failure(IOException e) {
        String what = e instanceof FileSystemException f && f.getFile() != null ? "cannot write " + f.getFile()
                : "cannot write the results in " + staging;
        return new EnvironmentFailure(what + ": " + EnvironmentFailure.reason(e) + "; "
                + (Files.exists(target) ? target + " was left as it was" : "nothing was written to " + target));
    }

    /** Deletes the staging folder unless the run was published. */
    @Override
    public void close() {
        if (!published) {
            try {
                deleteTree(staging);
            } catch (IOException ignored) {
                // best effort: the staging folder is clearly named and may be deleted by hand
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void copyTree(Path from, Path to) throws IOException {
        copyTree(from, to, p -> true);
    }

    static void copyTree(Path from, Path to, Predicate<Path> include) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (include.test(file)) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

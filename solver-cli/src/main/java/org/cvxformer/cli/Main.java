package org.cvxformer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cvxformer} command line.
 *
 * <p>Exit codes: 0 converged (or the command succeeded), 3 a solver stopped at a limit before
 * the tolerance (results are still written), 2 bad input or usage (one line on stderr),
 * 1 an environment failure (disk full, permission denied while running, out of memory) or an
 * internal error (one line on stderr; {@code CVXFORMER_DEBUG=1} adds the stack trace).
 *
 * <p>How a failure is classified ({@link #classify}): {@link IllegalArgumentException} (every
 * validation failure, including {@link MemoryEstimate}'s refusals), a missing file, a path that
 * is a directory where a file is expected, a symbolic-link loop, a path whose parent is not a
 * directory and an existing non-directory in place of a directory are the user's to fix: exit 2.
 * Inputs are checked up front ({@link Inputs#requireReadableFile}), so an unreadable input is
 * exit 2 too; any other {@link IOException} (no space left, permission denied on a write, a
 * device error) and {@link OutOfMemoryError} happen while running and are exit 1 with a line
 * saying it is the environment, not the input.
 */
@Command(name = "cvxformer", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Certified convex training of the convexified transformer (group-lasso primal and dual).",
        subcommands = {SolveCommand.class, CertifyCommand.class, DataCommand.class, TrainCommand.class, PathCommand.class, BenchSolversCommand.class, SpectrumCommand.class, BenchCommand.class, ReproduceCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (for solvers: the certified relative gap reached --tol)",
            "1:an environment failure (disk full, permission denied while writing, out of memory) or an internal error",
            "2:bad input or usage",
            "3:a solver stopped at --max-iter or --max-seconds first (results still written)"})
public final class Main implements Runnable {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: internal error. */
    public static final int INTERNAL_ERROR = 1;
    /** Exit code: bad input or usage. */
    public static final int BAD_INPUT = 2;
    /** Exit code: a solver stopped at a limit before the tolerance. */
    public static final int NOT_CONVERGED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // the parameter-exception handler adds "(try 'cvxformer --help')"
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the execution-exception handler; Errors come here
            return report(e, err);
        }
    }

    /** The configured picocli command line, with the project's error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> report(ex, cmd.getErr()));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("cvxformer: error: " + ex.getMessage().replace('\n', ' ').replaceFirst("^Error: ", "")
                    + " (try '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return BAD_INPUT;
        });
        return cl;
    }

    /** Prints the one line for a failure and returns its exit code. */
    static int report(Throwable ex, PrintWriter err) {
        int code = classify(ex);
        Throwable cause = rootOf(ex);
        if (code == BAD_INPUT) {
            err.println("cvxformer: error: " + describe(cause));
        } else if (cause instanceof OutOfMemoryError) {
            err.println("cvxformer: error: out of memory (the JVM's maximum heap is "
                    + MemoryEstimate.human(Runtime.getRuntime().maxMemory()) + "): give it more with "
                    + "CVXFORMER_JAVA_OPTS=-Xmx<size>, or make the problem smaller (fewer classes, a smaller --p)");
        } else if (cause instanceof EnvironmentFailure) {
            // RunFolder's own sentence: what could not be written, and that the old folder is untouched
            err.println("cvxformer: error: " + cause.getMessage());
        } else if (cause instanceof IOException io) {
            err.println("cvxformer: error: " + describeEnvironment(io)
                    + " (a problem of the machine, not of the input: fix it and run again)");
        } else {
            err.println("cvxformer: internal error: " + ex + " (set CVXFORMER_DEBUG=1 for the stack trace)");
        }
        if (System.getenv("CVXFORMER_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** {@link #BAD_INPUT} for failures the user fixes by changing the command or its files, else {@link #INTERNAL_ERROR}. */
    static int classify(Throwable ex) {
        return isBadInput(rootOf(ex)) ? BAD_INPUT : INTERNAL_ERROR;
    }

    /** The exception that says what happened: unwraps {@link UncheckedIOException} and causes that are Errors or IOExceptions. */
    static Throwable rootOf(Throwable ex) {
        Throwable t = ex;
        for (int depth = 0; depth < 10 && t.getCause() != null && t.getCause() != t; depth++) {
            Throwable c = t.getCause();
            if (t instanceof UncheckedIOException || c instanceof OutOfMemoryError || c instanceof IOException
                    || c instanceof IllegalArgumentException && !(t instanceof IllegalArgumentException)) {
                t = c;
            } else {
                break;
            }
        }
        return t;
    }

    static boolean isBadInput(Throwable ex) {
        return ex instanceof IllegalArgumentException || ex instanceof NoSuchFileException
                || ex instanceof NotDirectoryException || ex instanceof FileAlreadyExistsException
                || ex instanceof FileSystemLoopException || ex instanceof java.io.EOFException
                || isLoop(ex) || isDirectory(ex);
    }

    /** The OS reports a symbolic-link loop as ELOOP, which Java passes on as a plain FileSystemException. */
    private static boolean isLoop(Throwable ex) {
        return ex instanceof FileSystemException e && e.getReason() != null
                && e.getReason().toLowerCase(Locale.ROOT).contains("too many levels of symbolic links");
    }

    /** Reading a directory as a file gives EISDIR, passed on as an IOException "Is a directory". */
    private static boolean isDirectory(Throwable ex) {
        String m = ex instanceof FileSystemException e ? e.getReason() : ex instanceof IOException ? ex.getMessage() : null;
        return m != null && m.toLowerCase(Locale.ROOT).contains("is a directory");
    }

    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException e) {
            return "file not found: " + e.getFile() + " (check the path)";
        }
        if (ex instanceof NotDirectoryException e) {
            return "not a directory: " + e.getFile();
        }
        if (ex instanceof FileAlreadyExistsException e) {
            return "already exists and is not a directory: " + e.getFile();
        }
        if (ex instanceof FileSystemLoopException || isLoop(ex)) {
            return "symbolic link loop at " + ((FileSystemException) ex).getFile()
                    + " (too many levels of symbolic links): point it at a real file";
        }
        if (isDirectory(ex)) {
            String f = ex instanceof FileSystemException e && e.getFile() != null ? e.getFile() + " " : "a path ";
            return f + "is a directory where a file is expected: name the file itself";
        }
        String m = ex.getMessage();
        return m == null ? ex.toString() : m.replace('\n', ' ');
    }

    /** One line for an I/O failure while running (no space, permission denied on a write, device error). */
    static String describeEnvironment(IOException ex) {
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            return reason + (e.getFile() != null ? ": " + e.getFile() : "");
        }
        String m = ex.getMessage();
        return "I/O failure: " + (m == null ? ex.getClass().getSimpleName() : m.replace('\n', ' '));
    }
}

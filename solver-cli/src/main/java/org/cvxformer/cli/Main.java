package org.cvxformer.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cvxformer} command line.
 *
 * <p>Exit codes: 0 converged (or the command succeeded), 3 a solver stopped at a limit before
 * the tolerance (results are still written), 2 bad input or usage (one line on stderr),
 * 1 internal error.
 */
@Command(name = "cvxformer", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Certified convex training of the convexified transformer (group-lasso primal and dual).",
        subcommands = {SolveCommand.class, CertifyCommand.class, DataCommand.class, TrainCommand.class, PathCommand.class, BenchSolversCommand.class, SpectrumCommand.class, BenchCommand.class, ReproduceCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (for solvers: the certified relative gap reached --tol)",
            "1:internal error",
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
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (try 'cvxformer --help')");
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
        return cl.execute(args);
    }

    /** The configured picocli command line, with the project's error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (isBadInput(ex)) {
                err.println("cvxformer: error: " + describe(ex));
                err.flush();
                return BAD_INPUT;
            }
            if (ex instanceof EnvironmentFailure || ex instanceof java.io.IOException) {
                // the machine stopped the run (full disk, permission): one line, exit 1 (RunFolder, issue 10)
                err.println("cvxformer: error: " + EnvironmentFailure.describe(ex));
                err.flush();
                return INTERNAL_ERROR;
            }
            err.println("cvxformer: internal error: " + ex + " (set CVXFORMER_DEBUG=1 for the stack trace)");
            if (System.getenv("CVXFORMER_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.flush();
            return INTERNAL_ERROR;
        });
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

    static boolean isBadInput(Throwable ex) {
        return ex instanceof IllegalArgumentException || ex instanceof NoSuchFileException
                || ex instanceof AccessDeniedException || ex instanceof NotDirectoryException
                || ex instanceof FileAlreadyExistsException || ex instanceof java.io.EOFException;
    }

    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException e) {
            return "file not found: " + e.getFile() + " (check the path)";
        }
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof NotDirectoryException e) {
            return "not a directory: " + e.getFile();
        }
        if (ex instanceof FileAlreadyExistsException e) {
            return "already exists and is not a directory: " + e.getFile();
        }
        String m = ex.getMessage();
        return m == null ? ex.toString() : m.replace('\n', ' ');
    }
}

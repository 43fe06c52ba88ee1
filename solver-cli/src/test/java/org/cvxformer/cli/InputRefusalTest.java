package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.cvxformer.core.io.Npy;
import org.cvxformer.core.io.NpyArray;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, requirements 5 and 6 and the smaller ones: bad input of any size is refused before
 * it is allocated, with exit 2 and exactly one line on stderr; environment failures are exit 1
 * and one line; help and normal runs print no warnings.
 */
class InputRefusalTest {
    @TempDir
    Path tmp;

    Path x;
    Path y;

    record Run(int code, String out, String err) {
        /** The stderr lines (an error is exactly one). */
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n", -1)).subList(0, err.split("\n", -1).length - 1);
        }
    }

    /** Runs the command line; also captures what picocli or the JVM print on System.err directly. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream saved = System.err;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(raw, true, StandardCharsets.UTF_8));
            code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.setErr(saved);
        }
        return new Run(code, out.toString(), raw.toString(StandardCharsets.UTF_8) + err);
    }

    /** Exit 2 and exactly one line on stderr, which is returned. */
    static String usageError(Run r) {
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertEquals(1, r.errLines().size(), "exactly one stderr line: " + r.err());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("cvxformer: error: "), line);
        return line;
    }

    @BeforeEach
    void smallProblem() throws IOException {
        double[] xs = new double[20 * 2 * 3];
        for (int q = 0; q < xs.length; q++) {
            xs[q] = Math.sin(q + 1.0);
        }
        x = tmp.resolve("X.npy");
        Npy.write(x, NpyArray.ofDoubles(xs, 20, 2, 3));
        y = labels("y.npy", 0);
    }

    /** Labels 0, 1, 2, 0, ... with y[0] replaced by {@code first} when it is non-zero. */
    Path labels(String name, long first) throws IOException {
        long[] l = new long[20];
        for (int i = 0; i < l.length; i++) {
            l[i] = i % 3;
        }
        if (first != 0) {
            l[0] = first;
        }
        Path p = tmp.resolve(name);
        Npy.write(p, NpyArray.ofLongs(l, l.length));
        return p;
    }

    /** A .npy file whose header claims {@code shape} of float64 and whose data is a sparse hole of {@code dataBytes}. */
    Path claimedShape(String name, String shape, long dataBytes) throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        int prefix = 10;
        int pad = 64 - (prefix + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        Path p = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            f.write(header.length() & 0xFF);
            f.write(header.length() >> 8);
            f.write(header.getBytes(StandardCharsets.US_ASCII));
            f.setLength(f.length() + dataBytes);
        }
        return p;
    }

    // ------------------------------------------------------------------ huge numbers

    @Test
    void hugeLabelIsRefusedBeforeAllocating() throws IOException {
        for (long label : new long[] {1_000_000L, 1_000_000_000L}) {
            Path big = labels("y-" + label + ".npy", label);
            String line = usageError(run("solve", "--x", x.toString(), "--y", big.toString(), "--beta", "0.1"));
            assertTrue(line.contains("y[0] = " + label) && line.contains("--classes " + (label + 1)), line);
            assertTrue(line.contains("more classes than the 20 samples"), line);
        }
    }

    @Test
    void labelBeyondTheInferenceBoundNeedsClasses() {
        int[] labels = new int[200_001];
        labels[0] = 150_000;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Inputs.classes(labels, Path.of("y.npy"), null));
        assertTrue(e.getMessage().contains("more than the 100000 classes inferred without --classes"), e.getMessage());
        assertEquals(150_001, Inputs.classes(labels, Path.of("y.npy"), 150_001));
        assertEquals(3, Inputs.classes(new int[] {0, 2, 1}, Path.of("y.npy"), null));
    }

    @Test
    void hugeClassesAreRefusedWithTheEstimate() {
        // c = 10^9 with N = 20: N x c scores are 2e10 entries, more than one Java array holds
        String line = usageError(run("solve", "--x", x.toString(), "--y", y.toString(), "--beta", "0.1",
                "--classes", "1000000000"));
        assertTrue(line.contains("needs about") && line.contains("larger than one Java array can hold"), line);
    }

    @Test
    void intOverflowInParametersIsRefused() {
        // c n d = 4e8 * 6 = 2.4e9 parameters: an int product would overflow
        String line = usageError(run("solve", "--x", x.toString(), "--y", y.toString(), "--beta", "0.1",
                "--classes", "400000000", "--loss", "squared"));
        assertTrue(line.contains("needs about"), line);
    }

    @Test
    void hugePrimeIsRefusedWithEstimate() {
        Path out = tmp.resolve("export");
        String line = usageError(run("data", "export", "mod-division", "--p", "10007", "--out", out.toString()));
        assertTrue(line.contains("mod-division p = 10007") && line.contains("needs about") && line.contains("TB"), line);
        assertTrue(line.contains("a smaller --p"), line);
        assertFalse(Files.exists(out), "nothing written");
        for (String cmd : List.of("train", "path")) {
            String l = usageError(run(cmd, "--dataset", "mod-division", "--p", "10007", "--out", tmp.resolve(cmd).toString()));
            assertTrue(l.contains("needs about"), l);
            assertFalse(Files.exists(tmp.resolve(cmd)));
        }
        String nn = usageError(run("train", "--dataset", "mod-division", "--p", "10007", "--model", "nonconvex",
                "--out", tmp.resolve("nn").toString()));
        assertTrue(nn.contains("needs about"), nn);
    }

    @Test
    void oversizedOptionIsNamedInTheRefusal() {
        String feat = usageError(run("train", "--dataset", "mod-division", "--p", "97", "--features", "gaussian",
                "--feature-dim", "1000000000", "--out", tmp.resolve("f").toString()));
        assertTrue(feat.endsWith("use a smaller --feature-dim (or --p)"), feat);
        String width = usageError(run("train", "--dataset", "mod-division", "--p", "97", "--model", "nonconvex",
                "--width", "100000", "--out", tmp.resolve("w").toString()));
        assertTrue(width.endsWith("use a smaller --width or --layers (or --p)"), width);
        String batch = usageError(run("train", "--dataset", "mod-division", "--p", "97", "--model", "convex-stack",
                "--batch", "1000000000", "--out", tmp.resolve("b").toString()));
        assertTrue(batch.endsWith("use a smaller --batch"), batch);
        String bench = usageError(run("bench", "--dataset", "mod-division", "--p", "10007", "--out", tmp.resolve("bench").toString()));
        assertTrue(bench.contains("needs about"), bench);
        assertFalse(Files.exists(tmp.resolve("bench")) || Files.exists(tmp.resolve("f")) || Files.exists(tmp.resolve("w")));
    }

    @Test
    void smallPrimeExportStillSucceeds() {
        Run r = run("data", "export", "mod-division", "--p", "7", "--out", tmp.resolve("e7").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void npyHeaderClaimingHugeShapeIsRefused() throws IOException {
        // a header claiming 10^18 entries over a 1 KB file: a one-line format error, no allocation
        Path lie = claimedShape("lie.npy", "(1000000000, 1000000000, 1)", 1024);
        String line = usageError(run("solve", "--x", lie.toString(), "--y", y.toString(), "--beta", "0.1"));
        assertTrue(line.contains("lie.npy"), line);
        // a sparse file that really is 8 GB long: the shape is honest, the memory estimate refuses it
        // (X alone is estimated at 3 x 8 GB; skipped on a JVM whose heap would hold that)
        assumeTrue(Runtime.getRuntime().maxMemory() < 24L * 20 * 50_000 * 1000, "the heap is large enough to try it");
        Path sparse = claimedShape("sparse.npy", "(20, 50000, 1000)", 20L * 50_000 * 1000 * 8);
        String est = usageError(run("solve", "--x", sparse.toString(), "--y", y.toString(), "--beta", "0.1"));
        assertTrue(est.contains("needs about") && (est.contains("maximum heap") || est.contains("Java array")), est);
    }

    // ------------------------------------------------------------------ files

    @Test
    void directoryAsInputIsUsageError() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("adir"));
        String lx = usageError(run("solve", "--x", dir.toString(), "--y", y.toString(), "--beta", "0.1"));
        assertTrue(lx.contains("--x " + dir + " is a directory"), lx);
        String ly = usageError(run("solve", "--x", x.toString(), "--y", dir.toString(), "--beta", "0.1"));
        assertTrue(ly.contains("--y " + dir + " is a directory"), ly);
        String lz = usageError(run("certify", "--x", x.toString(), "--y", y.toString(), "--z", dir.toString(), "--beta", "0.1"));
        assertTrue(lz.contains("--z " + dir + " is a directory"), lz);
    }

    @Test
    void symlinkLoopIsUsageError() throws IOException {
        Path a = tmp.resolve("loop-a");
        Path b = tmp.resolve("loop-b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        String line = usageError(run("solve", "--x", a.toString(), "--y", y.toString(), "--beta", "0.1"));
        assertTrue(line.contains("symbolic link loop"), line);
    }

    @Test
    void missingFileIsUsageError() {
        String line = usageError(run("solve", "--x", tmp.resolve("none.npy").toString(), "--y", y.toString(), "--beta", "0.1"));
        assertTrue(line.contains("file not found"), line);
    }

    @Test
    void unreadableFileIsUsageError() throws IOException {
        Path locked = Files.copy(x, tmp.resolve("locked.npy"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeTrue(!Files.isReadable(locked), "running as root: every file is readable");
        String line = usageError(run("solve", "--x", locked.toString(), "--y", y.toString(), "--beta", "0.1"));
        assertTrue(line.contains("permission denied"), line);
    }

    @Test
    void environmentFailuresAreOneLineExitOne() {
        StringWriter sw = new StringWriter();
        int code = Main.report(new IOException("No space left on device"), new PrintWriter(sw, true));
        assertEquals(Main.INTERNAL_ERROR, code);
        String s = sw.toString();
        assertEquals(1, s.split("\n").length, s);
        assertTrue(s.contains("No space left on device") && s.contains("not of the input") && !s.contains("internal error"), s);

        StringWriter oom = new StringWriter();
        assertEquals(Main.INTERNAL_ERROR, Main.report(new OutOfMemoryError("Java heap space"), new PrintWriter(oom, true)));
        assertTrue(oom.toString().contains("out of memory") && oom.toString().contains("CVXFORMER_JAVA_OPTS"), oom.toString());
        assertEquals(1, oom.toString().split("\n").length);

        StringWriter loop = new StringWriter();
        assertEquals(Main.BAD_INPUT, Main.report(new FileSystemException("/a", null, "Too many levels of symbolic links"),
                new PrintWriter(loop, true)));
        assertTrue(loop.toString().contains("symbolic link loop"), loop.toString());
    }

    // ------------------------------------------------------------------ messages

    @Test
    void columnLabelsGetReshapeHint() throws IOException {
        Path col = tmp.resolve("ycol.npy");
        long[] l = new long[20];
        for (int i = 0; i < 20; i++) {
            l[i] = i % 3;
        }
        Npy.write(col, NpyArray.ofLongs(l, 20, 1));
        String line = usageError(run("solve", "--x", x.toString(), "--y", col.toString(), "--beta", "0.1"));
        assertTrue(line.contains("(20, 1)") && line.contains("reshape it to (N,)") && line.contains("y.reshape(-1)"), line);
        // with the squared loss one real column is a legitimate regression target
        Run sq = run("solve", "--x", x.toString(), "--y", col.toString(), "--beta", "0.01", "--loss", "squared");
        assertTrue(sq.code() == 0 || sq.code() == 3, sq.err());
    }

    @Test
    void periodicityErrorNamesPeriodicity() {
        String per = usageError(run("train", "--dataset", "periodicity", "--p", "4", "--out", tmp.resolve("r").toString()));
        assertTrue(per.endsWith("p = 4 is not prime: periodicity needs a prime modulus (try 5)"), per);
        String add = usageError(run("train", "--dataset", "mod-add", "--p", "10", "--out", tmp.resolve("r").toString()));
        assertTrue(add.endsWith("p = 10 is not prime: mod-add needs a prime modulus (try 11)"), add);
    }

    @Test
    void betaAboveBetaMaxSaysZeroIsOptimal() {
        Run r = run("solve", "--x", x.toString(), "--y", y.toString(), "--beta-ratio", "5");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("beta >= beta_max, so Z = 0 is optimal"), r.out());
        Run below = run("solve", "--x", x.toString(), "--y", y.toString(), "--beta-ratio", "0.5");
        assertFalse(below.out().contains("Z = 0 is optimal"), below.out());
    }

    @Test
    void trainHelpPrintsNoWarnings() {
        for (String cmd : List.of("train", "solve", "certify", "path", "bench", "bench-solvers", "spectrum", "data")) {
            Run r = run(cmd, "--help");
            if (cmd.equals("train")) {
                // Picocli wraps the description, so compare with the line breaks and indentation folded.
                String folded = r.out().replaceAll("\\s+", " ");
                assertTrue(folded.contains("reaches 99%."), "the escaped percent sign is shown as one");
            }
            assertEquals(0, r.code(), cmd);
            assertEquals("", r.err(), cmd + " --help printed on stderr");
            assertFalse(r.out().contains("%%") || r.out().contains("%n"), cmd + " --help shows a raw format string");
        }
    }

    @Test
    void bareCommandSaysTryHelpOnce() {
        Run r = run();
        String line = usageError(r);
        assertEquals("cvxformer: error: a subcommand is required (try 'cvxformer --help')", line);
    }

    // ------------------------------------------------------------------ the estimate itself

    @Test
    void estimateRefusesWithOneLineNamingEstimateHeapAndFix() {
        MemoryEstimate m = new MemoryEstimate("the problem", "fewer classes").doubles("scores", 1000, 1000);
        assertEquals(8_000_000L, m.total());
        m.check(1L << 30, 0, 0); // fits in 1 GB
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.check(4_000_000L, 0, 16L << 30));
        String s = e.getMessage();
        assertFalse(s.contains("\n"));
        assertTrue(s.startsWith("the problem needs about 7.6 MB of memory (scores 7.6 MB)"), s);
        assertTrue(s.contains("maximum heap of 3.8 MB") && s.contains("CVXFORMER_JAVA_OPTS=-Xmx1g") && s.endsWith("fewer classes"), s);
        // more than the machine has: no -Xmx hint
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> m.check(4_000_000L, 0, 5_000_000L));
        assertTrue(big.getMessage().contains("more than this machine's") && !big.getMessage().contains("-Xmx"), big.getMessage());
    }

    @Test
    void solverEstimateFollowsItsFormula() {
        long N = 1000;
        long nd = 30;
        long c = 7;
        long square = Math.min(nd * nd, N * N);
        long expected = 8 * (MemoryEstimate.SCORE_COPIES * N * c + MemoryEstimate.PARAMETER_COPIES * c * nd
                + MemoryEstimate.SQUARE_COPIES * square);
        assertEquals(expected, MemoryEstimate.solver(N, nd, c).total());
        // p = 997's training half: scores streamed in blocks, so the estimate does not grow with N x c
        long bigN = 496_506;
        long bigC = 997;
        long bigNd = 2 * 997;
        long streamed = 8 * (MemoryEstimate.STREAM_BLOCK_COPIES * (long) org.cvxformer.core.problem.ScoreStream.BLOCK_ENTRIES
                + MemoryEstimate.SAMPLE_ARRAYS * bigN + MemoryEstimate.PARAMETER_COPIES * bigC * bigNd
                + MemoryEstimate.SQUARE_COPIES * Math.min(org.cvxformer.core.problem.Designs.MAX_SQUARE_ENTRIES,
                        Math.min(bigNd * bigNd, bigN * bigN)));
        assertEquals(streamed, MemoryEstimate.solver(bigN, bigNd, bigC).total());
        assertTrue(streamed < 1L << 30, "well under 1 GiB at p = 997");
    }

    @Test
    void neuralParameterCountMatchesTheModel() {
        org.cvxformer.neural.NetConfig cfg = new org.cvxformer.neural.NetConfig(99, 4, 16, 2, 97, 0.0);
        assertEquals(new org.cvxformer.neural.NonconvexTransformer(cfg, 0).parameterCount(),
                MemoryEstimate.neuralParameters(true, 99, 4, 16, 2, 97));
        assertEquals(new org.cvxformer.neural.ConvexStack(cfg, 1e-4, org.cvxformer.neural.ConvexStack.Penalty.GROUP, 0)
                .parameterCount(), MemoryEstimate.neuralParameters(false, 99, 4, 16, 2, 97));
    }

    @Test
    void overflowingProductsSaturateInsteadOfWrapping() {
        assertEquals(Long.MAX_VALUE, MemoryEstimate.product(1L << 40, 1L << 40));
        MemoryEstimate m = new MemoryEstimate("x", "less").doubles("huge", 1L << 40, 1L << 40);
        assertEquals(Long.MAX_VALUE, m.total());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.check(Long.MAX_VALUE, 0, 0));
        assertTrue(e.getMessage().contains("larger than one Java array can hold"), e.getMessage());
    }
}

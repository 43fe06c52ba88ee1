package org.cvxformer.core.io;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cvxformer.core.io.NpyArray.Dtype;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link Npy}, {@link NpyArray} and {@link AtomicFiles}: the shared NumPy-written
 * fixtures, round trips, byte-level layout against {@code numpy.lib.format}, malformed input,
 * and (when a Python with NumPy is available) interchange with {@code numpy.load}/{@code save}.
 */
class NpyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code x[i,j,k] = (12 i + 4 j + k)/8 - 1}, shape (2,3,4), C order (expected.json). */
    private static final int[] X_SHAPE = {2, 3, 4};
    private static final double[] X_VALUES = xValues();
    private static final long[] Y_VALUES = {0, 2, 1, 2, 0};

    @TempDir
    Path tmp;

    private static double[] xValues() {
        double[] x = new double[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    x[12 * i + 4 * j + k] = (12 * i + 4 * j + k) / 8.0 - 1;
                }
            }
        }
        return x;
    }

    // ------------------------------------------------------------------ shared fixtures

    @TestFactory
    Stream<DynamicTest> everyNpyVariantReadsCorrectly() throws IOException {
        Path dir = org.cvxformer.core.testing.Fixtures.fixturesDir().resolve("npy-variants");
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        JsonNode files = expected.get("files");
        assertEquals(List.of(0L, 2L, 1L, 2L, 0L), longList(expected.get("values_y")),
                "values_y in expected.json");

        TreeSet<String> onDisk = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy"))
                    .forEach(onDisk::add);
        }
        TreeSet<String> described = new TreeSet<>();
        files.fieldNames().forEachRemaining(described::add);
        assertEquals(described, onDisk,
                "every .npy in npy-variants must be described in expected.json and vice versa");
        assertFalse(onDisk.isEmpty(), "no .npy files in " + dir);

        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : files.properties()) {
            String name = e.getKey();
            JsonNode meta = e.getValue();
            tests.add(dynamicTest(name, () -> checkVariant(dir.resolve(name), meta)));
        }
        return tests.stream();
    }

    private static void checkVariant(Path file, JsonNode meta) throws IOException {
        String name = file.getFileName().toString();
        int[] shape = longList(meta.get("shape")).stream().mapToInt(Long::intValue).toArray();
        String descr = meta.get("dtype").asText();
        boolean fortran = meta.get("fortran_order").asBoolean();
        String version = meta.has("version") ? meta.get("version").asText() : "1.0";

        Npy.Header h = Npy.readHeader(file);
        assertEquals(version, h.version(), name + " version");
        assertEquals(descr, h.descr(), name + " descr");
        assertEquals(fortran, h.fortranOrder(), name + " fortran_order");
        assertArrayEquals(shape, h.shape(), name + " header shape");
        assertEquals(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
                h.byteOrder(), name + " byte order");
        assertEquals(0, h.dataOffset() % 64, name + " data offset (numpy aligns to 64)");

        NpyArray a = Npy.read(file);
        assertArrayEquals(shape, a.shape(), name + " shape");
        assertEquals(Npy.dtypeOf(descr), a.dtype(), name + " dtype");
        assertEquals(descr.substring(1), a.dtype().descr().substring(1), name + " dtype kind");
        if (name.startsWith("x")) {
            assertArrayEquals(X_SHAPE, a.shape(), name);
            assertFalse(a.isInteger(), name);
            assertArrayEquals(X_VALUES, a.toDoubleArray(), 0.0, name + " values in C order");
        } else if (name.startsWith("y")) {
            assertTrue(a.isInteger(), name);
            assertArrayEquals(Y_VALUES, a.toLongArray(), name + " values");
            assertArrayEquals(new int[] {0, 2, 1, 2, 0}, a.toIntArray(), name + " as ints");
        } else {
            fail("unexpected fixture " + name + ": tell this test what it holds");
        }
    }

    @TestFactory
    Stream<DynamicTest> fixtureProblemsHaveConsistentShapes() throws IOException {
        Path fixtures = org.cvxformer.core.testing.Fixtures.fixturesDir();
        List<Path> problems = new ArrayList<>();
        try (Stream<Path> s = Files.list(fixtures)) {
            s.filter(d -> Files.isRegularFile(d.resolve("problem.json"))).sorted()
                    .forEach(problems::add);
        }
        assertTrue(problems.size() >= 4, "expected at least 4 fixture problems in " + fixtures
                + ", found " + problems);
        return problems.stream().map(d -> dynamicTest(d.getFileName().toString(), () -> {
            JsonNode p = JSON.readTree(d.resolve("problem.json").toFile());
            int n = p.get("N").asInt();
            int rows = p.get("n").asInt();
            int dim = p.get("d").asInt();
            int c = p.get("c").asInt();

            NpyArray x = Npy.read(d.resolve("X.npy"));
            assertEquals(Dtype.FLOAT64, x.dtype(), "X dtype");
            assertArrayEquals(new int[] {n, rows, dim}, x.shape(), "X shape (N, n, d)");
            assertTrue(Arrays.stream(x.toDoubleArray()).allMatch(Double::isFinite), "X finite");

            NpyArray y = Npy.read(d.resolve("y.npy"));
            assertEquals(Dtype.INT64, y.dtype(), "y dtype");
            assertArrayEquals(new int[] {n}, y.shape(), "y shape (N,)");
            assertTrue(Arrays.stream(y.toLongArray()).allMatch(v -> v >= 0 && v < c),
                    "labels y must lie in {0..c-1} (math.md)");

            NpyArray z = Npy.read(d.resolve("Z_reference.npy"));
            assertEquals(Dtype.FLOAT64, z.dtype(), "Z dtype");
            assertArrayEquals(new int[] {c, rows, dim}, z.shape(), "Z shape (c, n, d)");
            assertTrue(Arrays.stream(z.toDoubleArray()).allMatch(Double::isFinite), "Z finite");
        }));
    }

    /** NumPy's own files for the same arrays must be byte-identical to what we write. */
    @Test
    void writtenFilesAreByteIdenticalToNumpySave() throws IOException {
        Path dir = org.cvxformer.core.testing.Fixtures.fixturesDir().resolve("npy-variants");
        float[] xf = new float[X_VALUES.length];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = (float) X_VALUES[i];
        }
        Map<String, NpyArray> cases = Map.of(
                "x_lef8_C.npy", NpyArray.ofDoubles(X_VALUES, X_SHAPE),
                "x_lef4_C.npy", NpyArray.ofFloats(xf, X_SHAPE),
                "y_lei8.npy", NpyArray.ofLongs(Y_VALUES, 5),
                "y_lei4.npy", NpyArray.ofInts(new int[] {0, 2, 1, 2, 0}, 5));
        for (Map.Entry<String, NpyArray> e : cases.entrySet()) {
            Path out = tmp.resolve(e.getKey());
            Npy.write(out, e.getValue());
            assertArrayEquals(Files.readAllBytes(dir.resolve(e.getKey())), Files.readAllBytes(out),
                    e.getKey());
        }
    }

    // ------------------------------------------------------------------ round trips, layout

    private static final int[][] SHAPES = {{}, {5}, {0}, {3, 4}, {2, 3, 4}, {2, 0, 3}, {1, 1, 7}};

    private static NpyArray sample(Dtype dtype, int[] shape, long seed) {
        int n = (int) NpyArray.elementCount(shape);
        Random r = new Random(seed);
        switch (dtype) {
            case FLOAT64: {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = r.nextGaussian() * 1e3;
                }
                if (n > 2) {
                    d[0] = Double.NaN;
                    d[1] = Double.NEGATIVE_INFINITY;
                    d[2] = -0.0;
                }
                return NpyArray.ofDoubles(d, shape);
            }
            case FLOAT32: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) (r.nextGaussian() * 1e3);
                }
                if (n > 1) {
                    f[0] = Float.MIN_VALUE;
                    f[1] = Float.MAX_VALUE;
                }
                return NpyArray.ofFloats(f, shape);
            }
            case INT64: {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = r.nextLong();
                }
                if (n > 1) {
                    l[0] = Long.MIN_VALUE;
                    l[1] = Long.MAX_VALUE;
                }
                return NpyArray.ofLongs(l, shape);
            }
            default: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt();
                }
                if (n > 1) {
                    v[0] = Integer.MIN_VALUE;
                    v[1] = Integer.MAX_VALUE;
                }
                return NpyArray.ofInts(v, shape);
            }
        }
    }

    @Test
    void roundTripEveryDtypeAndRank() throws IOException {
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        int seed = 0;
        for (Dtype dt : Dtype.values()) {
            for (int[] shape : SHAPES) {
                NpyArray a = sample(dt, shape, seed++);
                Path f = tmp.resolve(dt + "_" + shape.length + "_" + seed + ".npy");
                Npy.write(f, a);
                NpyArray b = Npy.read(f);
                checks.add(() -> {
                    String what = dt + " " + Arrays.toString(shape);
                    assertEquals(a, b, what);
                    assertEquals(dt, b.dtype(), what);
                    assertArrayEquals(shape, b.shape(), what);
                    assertEquals(a.size(), b.size(), what);
                    if (dt.isInteger()) {
                        assertArrayEquals(a.toLongArray(), b.toLongArray(), what);
                    } else {
                        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0, what);
                    }
                });
            }
        }
        assertAll(checks);
    }

    @Test
    void writtenHeaderLayoutFollowsNumpyFormat() throws IOException {
        for (Dtype dt : Dtype.values()) {
            for (int[] shape : SHAPES) {
                NpyArray a = sample(dt, shape, 7);
                Path f = tmp.resolve("layout.npy");
                Npy.write(f, a);
                byte[] b = Files.readAllBytes(f);
                String what = dt + " " + Arrays.toString(shape);
                assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'},
                        Arrays.copyOf(b, 6), what + " magic");
                assertEquals(1, b[6], what + " major version");
                assertEquals(0, b[7], what + " minor version");
                int hlen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
                int block = 10 + hlen;
                assertEquals(0, block % 64, what + " header block length " + block);
                assertEquals('\n', b[block - 1], what + " header ends with newline");
                String header = new String(b, 10, hlen, StandardCharsets.US_ASCII);
                assertTrue(header.startsWith("{'descr': '" + dt.descr()
                        + "', 'fortran_order': False, 'shape': "
                        + NpyArray.shapeString(shape) + ", }"), what + ": " + header);
                assertEquals(block + a.size() * dt.itemSize(), b.length, what + " file length");
                Npy.Header h = Npy.readHeader(f);
                assertEquals(block, h.dataOffset(), what);
            }
        }
    }

    @Test
    void hugeHeaderIsWrittenAsVersion2() throws IOException {
        // 30000 unit dimensions make a ~90 kB header, beyond the u16 length of version 1.0.
        int[] shape = new int[30000];
        Arrays.fill(shape, 1);
        NpyArray a = NpyArray.ofDoubles(new double[] {2.5}, shape);
        Path f = tmp.resolve("v2.npy");
        Npy.write(f, a);
        byte[] b = Files.readAllBytes(f);
        assertEquals(2, b[6]);
        assertEquals(0, b[7]);
        long hlen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertTrue(hlen > 0xFFFF);
        assertEquals(0, (12 + hlen) % 64);
        assertEquals('\n', b[(int) (12 + hlen - 1)]);
        assertEquals("2.0", Npy.readHeader(f).version());
        assertEquals(a, Npy.read(f));
    }

    @Test
    void largeArraysCrossChunkBoundaries() throws IOException {
        // Sizes that do not divide the 1 MiB transfer chunk, for every element width.
        for (Dtype dt : Dtype.values()) {
            int n = 2 * Npy.CHUNK_BYTES / dt.itemSize() + 3;
            NpyArray a = sample(dt, new int[] {n}, 11);
            Path f = tmp.resolve("big_" + dt + ".npy");
            Npy.write(f, a);
            assertEquals(a, Npy.read(f), dt.toString());
        }
        // And Fortran-order rearrangement at that size, against the index formula.
        int[] shape = {61, 97, 53};
        int n = 61 * 97 * 53;
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = i;
        }
        double[] c = Npy.fortranToC(f, shape);
        for (int i = 0; i < 61; i++) {
            for (int j = 0; j < 97; j++) {
                for (int k = 0; k < 53; k++) {
                    int cIndex = (i * 97 + j) * 53 + k;
                    int fIndex = i + 61 * (j + 97 * k);
                    if (c[cIndex] != fIndex) {
                        fail("fortranToC wrong at (" + i + "," + j + "," + k + ")");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ hand-built images

    /** A complete .npy image with the given version, header text (padded here) and data. */
    private static byte[] npyImage(int major, int minor, String dict, byte[] data) {
        byte[] text = dict.getBytes(major >= 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        int hlen = text.length + 1;
        int pad = (64 - (prefix + hlen) % 64) % 64;
        ByteBuffer b = ByteBuffer.allocate(prefix + hlen + pad + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, (byte) minor});
        if (major == 1) {
            b.putShort((short) (hlen + pad));
        } else {
            b.putInt(hlen + pad);
        }
        b.put(text);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n').put(data);
        return b.array();
    }

    /** X_VALUES encoded in Fortran order with the given type and byte order. */
    private static byte[] xFortranBytes(Dtype dt, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(24 * dt.itemSize()).order(order);
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 2; i++) {
                    double v = X_VALUES[12 * i + 4 * j + k];
                    switch (dt) {
                        case FLOAT64 -> b.putDouble(v);
                        case FLOAT32 -> b.putFloat((float) v);
                        // Integers: scale so that the values are integral (8x + 8 = 12i+4j+k).
                        case INT64 -> b.putLong((long) (8 * v + 8));
                        case INT32 -> b.putInt((int) (8 * v + 8));
                        default -> throw new AssertionError(dt);
                    }
                }
            }
        }
        return b.array();
    }

    @Test
    void handBuiltBigEndianFortranImagesOfAllVersionsRead() throws IOException {
        for (int major = 1; major <= 3; major++) {
            for (Dtype dt : Dtype.values()) {
                String descr = ">" + dt.descr().substring(1);
                // Version 3.0 exists for UTF-8 headers; an extra non-ASCII entry proves decoding.
                String extra = major == 3 ? "'note': 'r\u00e9sum\u00e9 \u2713', " : "";
                String dict = "{'descr': '" + descr + "', 'fortran_order': True, " + extra
                        + "'shape': (2, 3, 4), }";
                Path f = tmp.resolve("hand_v" + major + "_" + dt + ".npy");
                Files.write(f, npyImage(major, 0, dict, xFortranBytes(dt, ByteOrder.BIG_ENDIAN)));
                String what = "v" + major + " " + descr;

                Npy.Header h = Npy.readHeader(f);
                assertEquals(major + ".0", h.version(), what);
                assertTrue(h.fortranOrder(), what);
                assertEquals(ByteOrder.BIG_ENDIAN, h.byteOrder(), what);

                NpyArray a = Npy.read(f);
                // the owned read gives the same values in C order, for every dtype and order
                assertArrayEquals(a.toDoubleArray(), Npy.readDoubles(f), 0.0, what + ": readDoubles");
                assertEquals(dt, a.dtype(), what);
                assertArrayEquals(X_SHAPE, a.shape(), what);
                if (dt.isInteger()) {
                    long[] expect = new long[24];
                    for (int i = 0; i < 24; i++) {
                        expect[i] = i;
                    }
                    assertArrayEquals(expect, a.toLongArray(), what);
                } else {
                    assertArrayEquals(X_VALUES, a.toDoubleArray(), 0.0, what);
                }
            }
        }
    }

    @Test
    void headerVariantsThatPythonAcceptsAreParsed() throws IOException {
        byte[] le = new byte[16];
        ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(-4);
        String[] dicts = {
            "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<i8\"}",
            "{ 'descr' : '=i8' ,'fortran_order':False,'shape':( 2 , ) }",
            "{'descr': '|i8', 'fortran_order': False, 'shape': (2L,), }",
            "{'descr': u'<i8', 'fortran_order': False, 'shape': [2], }",
            "{'descr': 'i8', 'fortran_order': True, 'shape': (2,)}",
        };
        for (String dict : dicts) {
            Path f = tmp.resolve("variant.npy");
            Files.write(f, npyImage(1, 0, dict, le));
            NpyArray a = Npy.read(f);
            assertEquals(Dtype.INT64, a.dtype(), dict);
            assertArrayEquals(new long[] {3, -4}, a.toLongArray(), dict);
        }
        // A scalar: shape () holds exactly one element.
        Path f = tmp.resolve("scalar.npy");
        byte[] d = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(-1.25).array();
        Files.write(f, npyImage(1, 0, "{'descr': '>f8', 'fortran_order': False, 'shape': ()}", d));
        NpyArray s = Npy.read(f);
        assertEquals(0, s.rank());
        assertEquals(1, s.size());
        assertArrayEquals(new double[] {-1.25}, s.toDoubleArray());
    }

    // ------------------------------------------------------------------ malformed input

    private Path validFile(String name) throws IOException {
        Path f = tmp.resolve(name);
        Npy.write(f, NpyArray.ofDoubles(X_VALUES, X_SHAPE));
        return f;
    }

    private static NpyFormatException assertBad(Path f, String... phrases) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f),
                f.toString());
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), "message must name the file: " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), "message must be one line: " + m);
        for (String p : phrases) {
            assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
        }
        // readHeader performs the same validation.
        assertThrows(NpyFormatException.class, () -> Npy.readHeader(f));
        return e;
    }

    @Test
    void badMagicIsRejected() throws IOException {
        Path f = tmp.resolve("bad_magic.npy");
        Files.writeString(f, "x,y\n1,2\n");
        assertBad(f, "not a .npy file (bad magic string): " + f);
        Path empty = tmp.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertBad(empty, "bad magic string", "empty");
        Path zip = tmp.resolve("arrays.npz");
        Files.write(zip, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
        assertBad(zip, "bad magic string", "zip archive");
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        byte[] full = Files.readAllBytes(validFile("full.npy"));
        Path f = tmp.resolve("trunc_header.npy");
        Files.write(f, Arrays.copyOf(full, 50));
        assertBad(f, "truncated .npy header", "expected 118 header bytes", "found 40");
        Files.write(f, Arrays.copyOf(full, 9));
        assertBad(f, "truncated .npy header", "found 9");
        Files.write(f, Arrays.copyOf(full, 7));
        assertBad(f, "truncated .npy header");
    }

    @Test
    void truncatedDataIsRejected() throws IOException {
        byte[] full = Files.readAllBytes(validFile("full.npy"));
        Path f = tmp.resolve("trunc_data.npy");
        Files.write(f, Arrays.copyOf(full, full.length - 8));
        assertBad(f, "truncated data", "needs 192 bytes", "found 184");
    }

    @Test
    void unsupportedDtypesAreRejectedWithTheSupportedList() throws IOException {
        String[][] cases = {
            {"'<c16'", "complex128"}, {"'|b1'", "bool"}, {"'|u1'", "uint8"},
            {"'|O'", "Python object"}, {"'<U5'", "unicode string"}, {"'<f2'", "float16"},
            {"[('a', '<f8'), ('b', '<i4')]", "structured"},
        };
        for (String[] c : cases) {
            Path f = tmp.resolve("dtype.npy");
            Files.write(f, npyImage(1, 0, "{'descr': " + c[0]
                    + ", 'fortran_order': False, 'shape': (2,), }", new byte[64]));
            NpyFormatException e = assertBad(f, "unsupported dtype", c[1], "float64 (<f8)",
                    "int32 (<i4)", "astype(");
            assertTrue(e.getMessage().contains(c[0]) || c[0].startsWith("["), e.getMessage());
        }
    }

    @Test
    void unsupportedVersionIsRejected() throws IOException {
        byte[] full = Files.readAllBytes(validFile("full.npy"));
        Path f = tmp.resolve("version.npy");
        full[6] = 4;
        Files.write(f, full);
        assertBad(f, "unsupported .npy format version 4.0", "1.0, 2.0 and 3.0");
        full[6] = 1;
        full[7] = 1;
        Files.write(f, full);
        assertBad(f, "unsupported .npy format version 1.1");
        full[6] = 0;
        full[7] = 0;
        Files.write(f, full);
        assertBad(f, "unsupported .npy format version 0.0");
    }

    @Test
    void malformedHeadersAreRejected() throws IOException {
        String[][] cases = {
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }", "negative dimension"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3", "cannot parse"},
            {"{'descr': '<f8', 'fortran_order': False}", "no 'shape' entry"},
            {"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "'fortran_order' must"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}", "cannot parse"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2)}", "'shape' must be a tuple"},
            {"['descr', '<f8']", "not a dict"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296,)}", "too large"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (65536, 65536)}", "too large"},
            {"", "cannot parse"},
        };
        for (String[] c : cases) {
            Path f = tmp.resolve("header.npy");
            Files.write(f, npyImage(1, 0, c[0], new byte[64]));
            assertBad(f, c[1]);
        }
        Path f = tmp.resolve("utf8.npy");
        byte[] img = npyImage(3, 0, "{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
                new byte[8]);
        img[13] = (byte) 0xFF; // invalid UTF-8 inside 'descr'
        Files.write(f, img);
        assertBad(f, "UTF-8");
    }

    @Test
    void missingFileThrowsNoSuchFileException() {
        Path f = tmp.resolve("does-not-exist.npy");
        assertThrows(NoSuchFileException.class, () -> Npy.read(f));
        assertThrows(NoSuchFileException.class, () -> Npy.readHeader(f));
    }

    @Test
    void npyFormatExceptionIsAnIllegalArgumentException() {
        assertTrue(IllegalArgumentException.class.isAssignableFrom(NpyFormatException.class));
    }

    // ------------------------------------------------------------------ NpyArray

    @Test
    void factoriesValidateShapeAgainstDataLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofDoubles(new double[5], 2, 3));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofLongs(new long[3]));
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofInts(new int[0], -1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofFloats(new float[1], 65536, 65536));
        assertEquals(1, NpyArray.ofInts(new int[] {4}).size());
        assertEquals(0, NpyArray.ofDoubles(new double[0], 3, 0).size());
    }

    @Test
    void arraysAreImmutable() {
        double[] data = {1, 2, 3, 4, 5, 6};
        int[] shape = {2, 3};
        NpyArray a = NpyArray.ofDoubles(data, shape);
        data[0] = 99;
        shape[0] = 6;
        a.shape()[1] = 1;
        a.toDoubleArray()[1] = 99;
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toDoubleArray());
        assertEquals(NpyArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), a);
        assertNotEquals(NpyArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 3, 2), a);
        assertNotEquals(NpyArray.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3), a);
        assertEquals("NpyArray[float64 (2, 3)]", a.toString());
    }

    @Test
    void conversionsCheckIntegralityAndRange() {
        NpyArray ints = NpyArray.ofDoubles(new double[] {0, 2, -1, 1e9}, 4);
        assertArrayEquals(new long[] {0, 2, -1, 1_000_000_000}, ints.toLongArray());
        assertArrayEquals(new int[] {0, 2, -1, 1_000_000_000}, ints.toIntArray());
        assertFalse(ints.isInteger());

        NpyArray frac = NpyArray.ofDoubles(new double[] {0, 1, 0.5, 2}, 2, 2);
        NpyFormatException e = assertThrows(NpyFormatException.class, frac::toLongArray);
        assertTrue(e.getMessage().contains("[1, 0]") && e.getMessage().contains("0.5"),
                e.getMessage());
        assertThrows(NpyFormatException.class, frac::toIntArray);
        assertThrows(NpyFormatException.class,
                () -> NpyArray.ofDoubles(new double[] {Double.NaN}).toLongArray());
        assertThrows(NpyFormatException.class,
                () -> NpyArray.ofDoubles(new double[] {1e19}).toLongArray());
        assertThrows(NpyFormatException.class,
                () -> NpyArray.ofDoubles(new double[] {3e9}).toIntArray());

        NpyArray big = NpyArray.ofLongs(new long[] {1, 1L << 40}, 2);
        assertTrue(big.isInteger());
        NpyFormatException r = assertThrows(NpyFormatException.class, big::toIntArray);
        assertTrue(r.getMessage().contains("int range"), r.getMessage());
        assertArrayEquals(new double[] {1, 0x1p40}, big.toDoubleArray());
    }

    // ------------------------------------------------------------------ AtomicFiles

    @Test
    void atomicWriteLeavesNothingBehindOnFailure() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("atomic"));
        Path target = dir.resolve("out.json");
        IOException boom = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", boom.getMessage());
        assertFalse(Files.exists(target), "target must not be created");
        assertEquals(List.of(), listNames(dir), "no temporary file may remain");

        AtomicFiles.writeString(target, "old \u00e9");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("bug (simulated)");
        }));
        assertEquals("old \u00e9", Files.readString(target), "target must stay unchanged");
        assertEquals(List.of("out.json"), listNames(dir), "no temporary file may remain");

        // A failing Npy.write must not damage an existing file either.
        Path npy = dir.resolve("keep.npy");
        Npy.write(npy, NpyArray.ofDoubles(X_VALUES, X_SHAPE));
        byte[] before = Files.readAllBytes(npy);
        assertThrows(NoSuchFileException.class,
                () -> Npy.write(dir.resolve("missing-dir").resolve("x.npy"),
                        NpyArray.ofInts(new int[] {1}, 1)));
        assertArrayEquals(before, Files.readAllBytes(npy));
        assertEquals(List.of("keep.npy", "out.json"), listNames(dir));
    }

    @Test
    void atomicWriteReplacesAndToleratesClosingTheStream() throws IOException {
        Path target = tmp.resolve("report.csv");
        AtomicFiles.writeString(target, "a,b\n1,2\n");
        AtomicFiles.write(target, out -> {
            try (OutputStream o = out) {
                o.write("x,y\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        assertEquals("x,y\n", Files.readString(target));
        assertEquals(List.of("report.csv"), listNames(tmp));
    }

    // ------------------------------------------------------------------ NumPy interop

    /** A Python interpreter that can import numpy, or null. */
    private static String pythonWithNumpy() {
        for (String py : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import numpy")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // This interpreter is not installed; try the next one.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static String runPython(String python, String script, Path... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, "-c", script));
        for (Path a : args) {
            cmd.add(a.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "python failed: " + out);
        return out;
    }

    @Test
    void numpyLoadsWhatWeWriteAndWeReadWhatNumpySaves() throws Exception {
        String python = pythonWithNumpy();
        Assumptions.assumeTrue(python != null,
                "neither /usr/bin/python3 nor python3 on PATH can import numpy");

        // Direction 1: numpy.load reads our files to the same dtype, shape and values.
        List<NpyArray> arrays = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Dtype dt : Dtype.values()) {
            for (int[] shape : SHAPES) {
                NpyArray a = sample(dt, shape, 42 + files.size());
                Path f = tmp.resolve("ours_" + files.size() + ".npy");
                Npy.write(f, a);
                arrays.add(a);
                files.add(f);
            }
        }
        String script = String.join("\n",
                "import sys, json, numpy as np",
                "out = []",
                "for f in sys.argv[1:]:",
                "    a = np.load(f)",
                "    vals = [repr(float(v)) if a.dtype.kind == 'f' else str(int(v))"
                        + " for v in a.ravel(order='C')]",
                "    out.append({'dtype': a.dtype.str, 'shape': list(a.shape), 'values': vals,"
                        + " 'c': bool(a.flags['C_CONTIGUOUS'])})",
                "print(json.dumps(out))");
        JsonNode loaded = JSON.readTree(runPython(python, script, files.toArray(new Path[0])));
        for (int i = 0; i < arrays.size(); i++) {
            NpyArray a = arrays.get(i);
            JsonNode r = loaded.get(i);
            String what = a + " via numpy";
            assertEquals(a.dtype().descr(), r.get("dtype").asText(), what);
            assertArrayEquals(a.shape(), longList(r.get("shape")).stream()
                    .mapToInt(Long::intValue).toArray(), what);
            JsonNode vals = r.get("values");
            assertEquals(a.size(), vals.size(), what);
            if (a.isInteger()) {
                long[] expect = a.toLongArray();
                for (int k = 0; k < expect.length; k++) {
                    assertEquals(expect[k], Long.parseLong(vals.get(k).asText()), what + " @" + k);
                }
            } else {
                double[] expect = a.toDoubleArray();
                for (int k = 0; k < expect.length; k++) {
                    String v = vals.get(k).asText();
                    double got = v.equals("nan") ? Double.NaN : v.equals("-inf")
                            ? Double.NEGATIVE_INFINITY : v.equals("inf")
                            ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
                    assertEquals(Double.doubleToLongBits(expect[k]), Double.doubleToLongBits(got),
                            what + " @" + k + ": " + expect[k] + " vs " + v);
                }
            }
        }

        // Direction 2: we read numpy's Fortran-order, big-endian, version 2.0 and 3.0 files.
        Path dir = Files.createDirectory(tmp.resolve("numpy"));
        String save = String.join("\n",
                "import sys, os, numpy as np",
                "from numpy.lib import format as fmt",
                "d = sys.argv[1]",
                "x = np.arange(24).reshape(2, 3, 4) / 8 - 1",
                "np.save(os.path.join(d, 'f8F.npy'), np.asfortranarray(x))",
                "np.save(os.path.join(d, 'bf4F.npy'), np.asfortranarray(x.astype('>f4')))",
                "np.save(os.path.join(d, 'bi8.npy'), (8 * x + 8).astype('>i8'))",
                "np.save(os.path.join(d, 'i4F.npy'), np.asfortranarray((8 * x + 8).astype('<i4')))",
                "for v in [(2, 0), (3, 0)]:",
                "    with open(os.path.join(d, 'v%d.npy' % v[0]), 'wb') as fh:",
                "        fmt.write_array(fh, np.asfortranarray(x.astype('>f8')), version=v)",
                "np.save(os.path.join(d, 'scalar.npy'), np.float64(2.5))");
        runPython(python, save, dir);
        long[] ints = new long[24];
        for (int i = 0; i < 24; i++) {
            ints[i] = i;
        }
        for (String name : List.of("f8F.npy", "bf4F.npy", "v2.npy", "v3.npy")) {
            NpyArray a = Npy.read(dir.resolve(name));
            assertArrayEquals(X_SHAPE, a.shape(), name);
            assertArrayEquals(X_VALUES, a.toDoubleArray(), 0.0, name);
        }
        assertEquals("2.0", Npy.readHeader(dir.resolve("v2.npy")).version());
        assertEquals("3.0", Npy.readHeader(dir.resolve("v3.npy")).version());
        assertArrayEquals(ints, Npy.read(dir.resolve("bi8.npy")).toLongArray());
        assertEquals(Dtype.INT32, Npy.read(dir.resolve("i4F.npy")).dtype());
        assertArrayEquals(ints, Npy.read(dir.resolve("i4F.npy")).toLongArray());
        assertEquals(NpyArray.ofDoubles(new double[] {2.5}), Npy.read(dir.resolve("scalar.npy")));
    }

    // ------------------------------------------------------------------ helpers

    private static List<Long> longList(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

package org.cvxformer.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cvxformer.core.io.NpyArray.Dtype;

/**
 * Reads and writes NumPy {@code .npy} files, the format of {@code numpy.save} / {@code numpy.load}
 * specified in NumPy's {@code numpy.lib.format} module (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Format facts this class relies on ({@code numpy.lib.format}):
 * <ul>
 *   <li>A file starts with the 6-byte magic string {@code \x93NUMPY}, then one byte each for the
 *       major and minor format version.</li>
 *   <li>Version 1.0 follows with the header length as a little-endian unsigned 16-bit integer;
 *       versions 2.0 and 3.0 use a little-endian unsigned 32-bit integer. The header text is
 *       latin-1 (in practice ASCII) in 1.0 and 2.0 and UTF-8 in 3.0.</li>
 *   <li>The header is a Python literal dict with the keys {@code 'descr'} (a dtype string such as
 *       {@code '<f8'}: byte order {@code <} little, {@code >} big, {@code =} native,
 *       {@code |} not applicable; kind; item size), {@code 'fortran_order'} (bool) and
 *       {@code 'shape'} (a tuple of ints; {@code ()} for a scalar, {@code (5,)} for 1-D),
 *       padded with spaces and terminated by {@code '\n'} so that the data starts at a multiple
 *       of 64 bytes.</li>
 *   <li>The raw elements follow immediately: {@code prod(shape) * itemsize} bytes, in C order
 *       (last index fastest) or, when {@code fortran_order} is true, Fortran order (first index
 *       fastest). Bytes after the data are ignored, as {@code numpy.load} ignores them.</li>
 * </ul>
 *
 * <p>Supported dtypes are float64, float32, int64 and int32 in either byte order; {@code =} and
 * {@code |} (and no order character) are read as little-endian, the byte order of every platform
 * the project runs on. Arrays are always returned in C order, whatever the file's order.
 *
 * <p>All problems with the <em>content</em> of a file are reported as {@link NpyFormatException}
 * (an {@link IllegalArgumentException}) with a one-line message naming the file; problems with
 * <em>accessing</em> it (missing file, permissions, disk errors) propagate as the usual
 * {@link IOException}, e.g. {@link java.nio.file.NoSuchFileException}.
 */
public final class Npy {

    /** The magic string {@code \x93NUMPY} that starts every {@code .npy} file. */
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** {@code numpy.lib.format.ARRAY_ALIGN}: the header block is padded to a multiple of this. */
    static final int ARRAY_ALIGN = 64;

    /**
     * {@code numpy.lib.format.GROWTH_AXIS_MAX_DIGITS}: NumPy leaves room in the header for the
     * first dimension to grow to this many digits, so files can be appended to in place. Copying
     * it makes our headers byte-identical to NumPy's.
     */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    /**
     * Bytes per bulk transfer. Large enough that per-call overhead vanishes (a 100 MB file takes
     * 100 reads), small enough not to double the memory needed for the array itself.
     */
    static final int CHUNK_BYTES = 1 << 20;

    /**
     * Headers beyond this size are rejected before allocating them: real headers are a few
     * hundred bytes, so a huge length means a corrupt file, not a big array.
     */
    private static final long MAX_HEADER_BYTES = 1L << 24;

    private static final String SUPPORTED_DTYPES = "float64 (<f8), float32 (<f4), int64 (<i8) "
            + "and int32 (<i4), little- or big-endian";

    private Npy() {
    }

    /**
     * What a {@code .npy} header says about the array that follows it.
     *
     * @param majorVersion format major version (1, 2 or 3)
     * @param minorVersion format minor version (always 0 for supported files)
     * @param descr the dtype string exactly as in the file, e.g. {@code ">f4"}
     * @param dtype the element type it denotes
     * @param byteOrder the byte order of the stored elements
     * @param fortranOrder whether the elements are stored in Fortran (column-major) order
     * @param shape the dimensions (empty for a scalar); accessor returns a copy
     * @param dataOffset the byte offset at which the elements start
     */
    public record Header(int majorVersion, int minorVersion, String descr, Dtype dtype,
            ByteOrder byteOrder, boolean fortranOrder, int[] shape, long dataOffset) {

        /** Copies the shape so that the record stays immutable. */
        public Header {
            shape = shape.clone();
        }

        /**
         * The dimensions (a copy).
         *
         * @return the shape
         */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /**
         * The format version as NumPy writes it, e.g. {@code "1.0"}.
         *
         * @return the version string
         */
        public String version() {
            return majorVersion + "." + minorVersion;
        }

        /**
         * The number of elements (the product of the shape; 1 for a scalar).
         *
         * @return the element count
         */
        public long size() {
            return NpyArray.elementCount(shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && majorVersion == h.majorVersion
                    && minorVersion == h.minorVersion && descr.equals(h.descr)
                    && dtype == h.dtype && byteOrder.equals(h.byteOrder)
                    && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape)
                    && dataOffset == h.dataOffset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(majorVersion, minorVersion, descr, dtype, byteOrder, fortranOrder,
                    Arrays.hashCode(shape), dataOffset);
        }

        @Override
        public String toString() {
            return "Header[version=" + version() + ", descr=" + descr + ", fortran_order="
                    + fortranOrder + ", shape=" + NpyArray.shapeString(shape) + ", dataOffset="
                    + dataOffset + "]";
        }
    }

    /**
     * Reads a {@code .npy} file (format 1.0, 2.0 or 3.0) into memory, in C order.
     *
     * <p>Elements are read with bulk NIO transfers in the file's byte order; Fortran-ordered data
     * is then rearranged into C order (this needs a second array of the same size for a moment).
     *
     * @param path the file
     * @return the array
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read
     * @throws NpyFormatException if it is not a well-formed {@code .npy} file of a supported dtype
     */
    public static NpyArray read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = readHeader(path, ch);
            int n = (int) h.size();
            Dtype dt = h.dtype();
            if (dt.isInteger()) {
                long[] data = new long[n];
                readLongs(path, ch, h, data);
                if (h.fortranOrder() && h.shape.length > 1) {
                    data = fortranToC(data, h.shape);
                }
                return NpyArray.wrapLongs(dt, h.shape, data);
            }
            double[] data = new double[n];
            readDoubles(path, ch, h, data);
            if (h.fortranOrder() && h.shape.length > 1) {
                data = fortranToC(data, h.shape);
            }
            return NpyArray.wrapDoubles(dt, h.shape, data);
        }
    }

    /**
     * The elements of a {@code .npy} file in C order as doubles, in an array the caller owns: what
     * {@code read(path).toDoubleArray()} returns, without the copy that {@link NpyArray} makes to
     * stay immutable (for a large design, 8 bytes an element and the time to copy them).
     *
     * @param path the file
     * @return the elements (integers converted exactly as {@link NpyArray#toDoubleArray} does)
     * @throws IOException if it cannot be read
     * @throws NpyFormatException as {@link #read}
     */
    public static double[] readDoubles(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = readHeader(path, ch);
            if (h.dtype().isInteger()) {
                return read(path).toDoubleArray();
            }
            double[] data = new double[(int) h.size()];
            readDoubles(path, ch, h, data);
            if (h.fortranOrder() && h.shape.length > 1) {
                data = fortranToC(data, h.shape);
            }
            return data;
        }
    }

    /**
     * Reads and validates only the header of a {@code .npy} file: magic string, version, header
     * dict, dtype, shape, and that the file is long enough to hold the data. If this succeeds,
     * {@link #read} will too (unless the file changes or an I/O error occurs).
     *
     * @param path the file
     * @return what the header says
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read
     * @throws NpyFormatException if it is not a well-formed {@code .npy} file of a supported dtype
     */
    public static Header readHeader(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readHeader(path, ch);
        }
    }

    /**
     * Writes {@code array} as a {@code .npy} file that {@code numpy.load} reads back to an equal
     * array: format version 1.0 (2.0 only if the header does not fit the 16-bit length of 1.0),
     * little-endian, C order, in the array's dtype. The header is laid out exactly as NumPy lays
     * it out (keys sorted, spare room for the first dimension, space padding and a final
     * {@code '\n'} so that the header block is a multiple of 64 bytes), which keeps the output
     * byte-identical to {@code numpy.save} for the same array.
     *
     * <p>The file is written atomically via {@link AtomicFiles#write}: readers see either the old
     * file or the complete new one.
     *
     * @param path the file to create or replace; its directory must exist
     * @param array the array
     * @throws IOException if writing fails
     */
    public static void write(Path path, NpyArray array) throws IOException {
        Objects.requireNonNull(array, "array");
        byte[] header = headerBlock(array.dtype(), array.shape());
        AtomicFiles.write(path, out -> {
            out.write(header);
            writeData(out, array);
        });
    }

    // ---------------------------------------------------------------- header: writing

    /**
     * The magic string, version, header length and padded header text, as
     * {@code numpy.lib.format._write_array_header} produces them for a C-order array.
     */
    static byte[] headerBlock(Dtype dtype, int[] shape) {
        StringBuilder dict = new StringBuilder();
        dict.append("{'descr': '").append(dtype.descr()).append("', 'fortran_order': False, ")
                .append("'shape': ").append(NpyArray.shapeString(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0,
                    GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length())));
        }
        // Version 1.0 stores the header length in 16 bits; 2.0 only widens that field to 32.
        for (int major = 1; ; major++) {
            int prefix = MAGIC.length + 2 + (major == 1 ? 2 : 4);
            int hlen = dict.length() + 1;
            int padlen = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
            long headerLen = (long) hlen + padlen;
            if (major == 1 && headerLen > 0xFFFF) {
                continue;
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(prefix + headerLen))
                    .order(ByteOrder.LITTLE_ENDIAN);
            buf.put(MAGIC).put((byte) major).put((byte) 0);
            if (major == 1) {
                buf.putShort((short) headerLen);
            } else {
                buf.putInt((int) headerLen);
            }
            buf.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < padlen; i++) {
                buf.put((byte) ' ');
            }
            buf.put((byte) '\n');
            return buf.array();
        }
    }

    private static void writeData(OutputStream out, NpyArray array) throws IOException {
        Dtype dt = array.dtype();
        int per = CHUNK_BYTES / dt.itemSize();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = array.doublesUnsafe();
        long[] l = array.longsUnsafe();
        int n = (int) array.size();
        float[] ftmp = dt == Dtype.FLOAT32 ? new float[Math.min(per, n)] : null;
        int[] itmp = dt == Dtype.INT32 ? new int[Math.min(per, n)] : null;
        for (int off = 0; off < n; off += per) {
            int k = Math.min(per, n - off);
            buf.clear();
            switch (dt) {
                case FLOAT64 -> buf.asDoubleBuffer().put(d, off, k);
                case FLOAT32 -> {
                    // Values came from float32 (ofFloats or a <f4 file), so the cast is exact.
                    for (int i = 0; i < k; i++) {
                        ftmp[i] = (float) d[off + i];
                    }
                    buf.asFloatBuffer().put(ftmp, 0, k);
                }
                case INT64 -> buf.asLongBuffer().put(l, off, k);
                case INT32 -> {
                    // Values came from int32 (ofInts or a <i4 file), so the cast is exact.
                    for (int i = 0; i < k; i++) {
                        itmp[i] = (int) l[off + i];
                    }
                    buf.asIntBuffer().put(itmp, 0, k);
                }
                default -> throw new AssertionError(dt);
            }
            out.write(buf.array(), 0, k * dt.itemSize());
        }
    }

    // ---------------------------------------------------------------- header: reading

    private static Header readHeader(Path path, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(MAGIC.length + 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        int got = readAt(ch, pre, 0);
        byte[] b = pre.array();
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= got || b[i] != MAGIC[i]) {
                throw badMagic(path, b, got);
            }
        }
        if (got < MAGIC.length + 2) {
            throw new NpyFormatException("truncated .npy header in " + path + ": the file ends "
                    + "after " + got + " bytes, before the format version; save it again");
        }
        int major = b[6] & 0xFF;
        int minor = b[7] & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw new NpyFormatException("unsupported .npy format version " + major + "." + minor
                    + " in " + path + "; supported versions are 1.0, 2.0 and 3.0 (as written by "
                    + "numpy.save); re-save the array with numpy.save");
        }
        int lenBytes = major == 1 ? 2 : 4;
        int prefix = MAGIC.length + 2 + lenBytes;
        if (got < prefix) {
            throw new NpyFormatException("truncated .npy header in " + path + ": expected a "
                    + prefix + "-byte prefix (magic, version " + major + ".0, header length), "
                    + "found " + got + " bytes; save it again");
        }
        long headerLen = major == 1 ? Short.toUnsignedLong(pre.getShort(8))
                : Integer.toUnsignedLong(pre.getInt(8));
        long available = fileSize - prefix;
        if (headerLen > available) {
            throw new NpyFormatException("truncated .npy header in " + path + ": expected "
                    + headerLen + " header bytes after the " + prefix + "-byte prefix, found "
                    + available + "; the file is incomplete, save it again");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new NpyFormatException("corrupt .npy header in " + path + ": declared header "
                    + "length " + headerLen + " bytes is implausibly large (NumPy writes a few "
                    + "hundred); save it again");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        if (readAt(ch, hb, prefix) < headerLen) {
            throw new NpyFormatException("truncated .npy header in " + path + ": the file "
                    + "shrank while being read");
        }
        String text = decodeHeader(path, hb.array(), major);
        long dataOffset = prefix + headerLen;

        Map<Object, Object> dict = parseHeaderDict(path, text);
        Object descrValue = require(path, dict, "descr", text);
        Object fortranValue = require(path, dict, "fortran_order", text);
        Object shapeValue = require(path, dict, "shape", text);

        if (!(fortranValue instanceof Boolean)) {
            throw new NpyFormatException("bad .npy header in " + path + ": 'fortran_order' must "
                    + "be True or False, found " + pyRepr(fortranValue));
        }
        int[] shape = parseShape(path, shapeValue);
        String descr = descrValue instanceof String s ? s : pyRepr(descrValue);
        Dtype dtype = descrValue instanceof String s ? dtypeOf(s) : null;
        if (dtype == null) {
            throw unsupportedDtype(path, descrValue);
        }
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        long count = NpyArray.elementCount(shape);
        if (count < 0) {
            throw new NpyFormatException("array in " + path + " is too large: shape "
                    + NpyArray.shapeString(shape) + " has more than " + NpyArray.MAX_ELEMENTS
                    + " elements, the most one Java array can hold; split it into smaller files");
        }
        long needed = count * dtype.itemSize();
        long found = fileSize - dataOffset;
        if (found < needed) {
            throw new NpyFormatException("truncated data in " + path + ": shape "
                    + NpyArray.shapeString(shape) + " of " + descr + " needs " + needed
                    + " bytes after the " + dataOffset + "-byte header, found " + found
                    + "; the file is incomplete, save it again");
        }
        return new Header(major, minor, descr, dtype, order, (Boolean) fortranValue, shape,
                dataOffset);
    }

    private static NpyFormatException badMagic(Path path, byte[] b, int got) {
        StringBuilder start = new StringBuilder();
        for (int i = 0; i < Math.min(got, MAGIC.length); i++) {
            start.append(String.format("%02x", b[i] & 0xFF));
        }
        String hint;
        if (got >= 2 && b[0] == 'P' && b[1] == 'K') {
            hint = "; it looks like a zip archive such as a .npz file: extract the array "
                    + "(numpy.load(file)[name]) and save it with numpy.save";
        } else {
            hint = "; save the array with numpy.save";
        }
        return new NpyFormatException("not a .npy file (bad magic string): " + path + " (starts "
                + "with " + (got == 0 ? "nothing, the file is empty" : "bytes " + start)
                + ", expected 934e554d5059 = \\x93NUMPY" + ")" + hint);
    }

    private static String decodeHeader(Path path, byte[] bytes, int major) {
        if (major < 3) {
            // Versions 1.0 and 2.0 define the header as latin-1; every byte decodes.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NpyFormatException("bad .npy header in " + path + ": a version 3.0 header "
                    + "must be UTF-8 but is not; save it again with numpy.save", e);
        }
    }

    private static Object require(Path path, Map<Object, Object> dict, String key, String text) {
        if (!dict.containsKey(key)) {
            throw new NpyFormatException("bad .npy header in " + path + ": no '" + key
                    + "' entry in " + oneLine(text) + "; a .npy header has 'descr', "
                    + "'fortran_order' and 'shape'");
        }
        return dict.get(key);
    }

    private static int[] parseShape(Path path, Object value) {
        if (!(value instanceof List<?> dims)) {
            throw new NpyFormatException("bad .npy header in " + path + ": 'shape' must be a "
                    + "tuple of non-negative ints such as (2, 3) or (5,), found " + pyRepr(value));
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = dims.get(i);
            if (!(d instanceof BigInteger v)) {
                throw new NpyFormatException("bad .npy header in " + path + ": 'shape' must be a "
                        + "tuple of ints, found " + pyRepr(value));
            }
            if (v.signum() < 0) {
                throw new NpyFormatException("bad .npy header in " + path + ": negative "
                        + "dimension " + v + " in shape " + pyRepr(value)
                        + "; the file is corrupt, save it again");
            }
            if (v.bitLength() > 31) {
                throw new NpyFormatException("array in " + path + " is too large: dimension "
                        + v + " in shape " + pyRepr(value) + " exceeds " + Integer.MAX_VALUE
                        + "; split it into smaller files");
            }
            shape[i] = v.intValue();
        }
        return shape;
    }

    /**
     * The dtype a descr string denotes, or null if unsupported. {@code =} (native), {@code |}
     * ("not applicable", which NumPy accepts as native for multi-byte types) and a missing order
     * character are taken as little-endian: native order on every platform the project targets.
     */
    static Dtype dtypeOf(String descr) {
        String body = descr;
        if (!body.isEmpty() && "<>=|".indexOf(body.charAt(0)) >= 0) {
            body = body.substring(1);
        }
        for (Dtype d : Dtype.values()) {
            if (body.equals(d.descr().substring(1))) {
                return d;
            }
        }
        return null;
    }

    private static NpyFormatException unsupportedDtype(Path path, Object descr) {
        String name = descr instanceof String s ? describeDescr(s) : "structured dtype";
        boolean integerLike = descr instanceof String s && s.matches("[<>=|]?[biu]\\d*");
        String target = integerLike ? "np.int64" : "np.float64";
        return new NpyFormatException("unsupported dtype " + pyRepr(descr) + " (" + name
                + ") in " + path + "; supported dtypes are " + SUPPORTED_DTYPES
                + "; convert it, e.g. numpy.save(path, arr.astype(" + target + "))");
    }

    /** A human name for a NumPy dtype string, for error messages. */
    private static String describeDescr(String descr) {
        String body = descr.isEmpty() || "<>=|".indexOf(descr.charAt(0)) < 0 ? descr
                : descr.substring(1);
        if (body.isEmpty()) {
            return "empty dtype";
        }
        String digits = body.substring(1);
        int bits = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) * 8 : -1;
        String sized = bits > 0 ? String.valueOf(bits) : "";
        return switch (body.charAt(0)) {
            case 'f' -> "float" + sized;
            case 'i' -> "int" + sized;
            case 'u' -> "uint" + sized;
            case 'c' -> "complex" + sized;
            case 'b' -> "bool";
            case 'U' -> "unicode string";
            case 'S', 'a' -> "byte string";
            case 'O' -> "Python object";
            case 'V' -> "void/structured";
            case 'M' -> "datetime64";
            case 'm' -> "timedelta64";
            default -> "unknown dtype";
        };
    }

    private static Map<Object, Object> parseHeaderDict(Path path, String text) {
        Object value;
        try {
            value = new LiteralParser(text).parseAll();
        } catch (LiteralParser.SyntaxError e) {
            throw new NpyFormatException("cannot parse the .npy header of " + path + ": "
                    + e.getMessage() + " in " + oneLine(text) + "; expected a Python dict like "
                    + "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", e);
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new NpyFormatException("cannot parse the .npy header of " + path + ": it is "
                    + "not a dict: " + oneLine(text));
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> dict = (Map<Object, Object>) m;
        return dict;
    }

    /** Header text for a one-line message: control characters escaped, long text shortened. */
    private static String oneLine(String text) {
        String t = text.strip();
        boolean cut = t.length() > 200;
        if (cut) {
            t = t.substring(0, 200);
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(cut ? "...\"" : "\"").toString();
    }

    /** Python-like rendering of a parsed literal, for messages. */
    private static String pyRepr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof String s) {
            return "'" + oneLine(s).replaceAll("^\"|\"$", "") + "'";
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(pyRepr(l.get(i)));
            }
            return sb.append(l.size() == 1 ? ",)" : ")").toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, x) -> sb.append(sb.length() > 1 ? ", " : "").append(pyRepr(k))
                    .append(": ").append(pyRepr(x)));
            return sb.append('}').toString();
        }
        return String.valueOf(v);
    }

    /**
     * A parser for the subset of Python literal syntax that appears in {@code .npy} headers:
     * dicts, tuples, lists, strings (single or double quotes, optional {@code u}/{@code b}
     * prefix, backslash escapes), integers (optional sign, Python 2 {@code L} suffix, digit
     * separators), {@code True}, {@code False} and {@code None}. Tuples and lists become
     * {@link List}s, integers {@link BigInteger}s. It is a parser rather than a regex so that
     * any key order, spacing, quoting and trailing comma that {@code ast.literal_eval} accepts
     * (as {@code numpy.load} uses) is accepted here too.
     */
    private static final class LiteralParser {

        /** A syntax error; the message says what was expected and at which character. */
        static final class SyntaxError extends Exception {
            private static final long serialVersionUID = 1L;

            SyntaxError(String message) {
                super(message);
            }
        }

        private final String s;
        private int pos;

        LiteralParser(String s) {
            this.s = s;
        }

        Object parseAll() throws SyntaxError {
            Object v = value();
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected text after the dict");
            }
            return v;
        }

        private SyntaxError error(String what) {
            return new SyntaxError(what + " at character " + pos);
        }

        private void skipSpace() {
            while (pos < s.length() && (Character.isWhitespace(s.charAt(pos))
                    || s.charAt(pos) == '\0')) {
                pos++;
            }
        }

        private boolean peek(char c) {
            skipSpace();
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) throws SyntaxError {
            if (!peek(c)) {
                throw error(pos < s.length() ? "expected '" + c + "' but found '"
                        + s.charAt(pos) + "'" : "expected '" + c + "' but the header ended");
            }
            pos++;
        }

        private Object value() throws SyntaxError {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end of the header");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                return sequence('[', ']');
            }
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
                return integer();
            }
            if (Character.isLetter(c)) {
                int start = pos;
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                    pos++;
                }
                String word = s.substring(start, pos);
                if (pos < s.length() && (s.charAt(pos) == '\'' || s.charAt(pos) == '"')
                        && (word.equalsIgnoreCase("u") || word.equalsIgnoreCase("b"))) {
                    return string();
                }
                switch (word) {
                    case "True":
                        return Boolean.TRUE;
                    case "False":
                        return Boolean.FALSE;
                    case "None":
                        return null;
                    default:
                        pos = start;
                        throw error("unknown name '" + word + "'");
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<Object, Object> dict() throws SyntaxError {
            expect('{');
            Map<Object, Object> map = new LinkedHashMap<>();
            while (!peek('}')) {
                Object key = value();
                expect(':');
                map.put(key, value());
                if (!peek(',')) {
                    break;
                }
                pos++;
            }
            expect('}');
            return map;
        }

        /** {@code ()} and {@code (x,)} are tuples; {@code (x)} is just {@code x}, as in Python. */
        private Object tuple() throws SyntaxError {
            int start = pos;
            expect('(');
            if (peek(')')) {
                pos++;
                return List.of();
            }
            Object first = value();
            if (peek(')')) {
                pos++;
                return first;
            }
            pos = start;
            return sequence('(', ')');
        }

        private List<Object> sequence(char open, char close) throws SyntaxError {
            expect(open);
            List<Object> items = new ArrayList<>();
            while (!peek(close)) {
                items.add(value());
                if (!peek(',')) {
                    break;
                }
                pos++;
            }
            expect(close);
            return items;
        }

        private BigInteger integer() throws SyntaxError {
            int start = pos;
            if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
                pos++;
            }
            StringBuilder digits = new StringBuilder(s.substring(start, pos));
            while (pos < s.length() && (Character.isDigit(s.charAt(pos))
                    || (s.charAt(pos) == '_' && digits.length() > 0))) {
                if (s.charAt(pos) != '_') {
                    digits.append(s.charAt(pos));
                }
                pos++;
            }
            if (digits.length() == 0 || !Character.isDigit(digits.charAt(digits.length() - 1))) {
                pos = start;
                throw error("expected an integer");
            }
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++;
            } else if (pos < s.length() && ".eEjJxXoObB".indexOf(s.charAt(pos)) >= 0) {
                pos = start;
                throw error("expected an integer, found a number of another kind");
            }
            return new BigInteger(digits.toString());
        }

        private String string() throws SyntaxError {
            char quote = s.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length() || s.charAt(pos) == '\n') {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    case 'x' -> sb.append((char) hex(2));
                    case 'u' -> sb.append((char) hex(4));
                    default -> sb.append(e); // \\, \', \" and anything else: the character
                }
            }
        }

        private int hex(int len) throws SyntaxError {
            if (pos + len > s.length()) {
                throw error("truncated escape");
            }
            try {
                int v = Integer.parseInt(s.substring(pos, pos + len), 16);
                pos += len;
                return v;
            } catch (NumberFormatException e) {
                throw error("bad escape");
            }
        }
    }

    // ---------------------------------------------------------------- data

    /** Reads from {@code position} until {@code buf} is full or the file ends; returns bytes read. */
    private static int readAt(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + total);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    /**
     * Fills the next chunk of {@code buf} (already sized by the caller via its limit) from the
     * file, or fails if the file ends early (it can only do so if it shrank after the size check).
     */
    private static void fill(Path path, FileChannel ch, ByteBuffer buf, long position)
            throws IOException {
        int want = buf.remaining();
        int got = readAt(ch, buf, position);
        if (got < want) {
            throw new NpyFormatException("truncated data in " + path + ": expected " + want
                    + " bytes at offset " + position + ", found " + got
                    + "; the file changed while being read");
        }
        buf.flip();
    }

    private static void readDoubles(Path path, FileChannel ch, Header h, double[] dst)
            throws IOException {
        int item = h.dtype().itemSize();
        int per = CHUNK_BYTES / item;
        // A direct buffer: the channel reads into it without an extra copy, and its typed views
        // bulk-copy (byte-swapping if needed) straight into the Java array.
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(item, Math.min(CHUNK_BYTES,
                dst.length * item))).order(h.byteOrder());
        float[] ftmp = h.dtype() == Dtype.FLOAT32 ? new float[Math.min(per, dst.length)] : null;
        long position = h.dataOffset();
        for (int off = 0; off < dst.length; off += per) {
            int k = Math.min(per, dst.length - off);
            buf.clear().limit(k * item);
            fill(path, ch, buf, position);
            position += (long) k * item;
            if (ftmp == null) {
                buf.asDoubleBuffer().get(dst, off, k);
            } else {
                buf.asFloatBuffer().get(ftmp, 0, k);
                for (int i = 0; i < k; i++) {
                    dst[off + i] = ftmp[i];
                }
            }
        }
    }

    private static void readLongs(Path path, FileChannel ch, Header h, long[] dst)
            throws IOException {
        int item = h.dtype().itemSize();
        int per = CHUNK_BYTES / item;
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(item, Math.min(CHUNK_BYTES,
                dst.length * item))).order(h.byteOrder());
        int[] itmp = h.dtype() == Dtype.INT32 ? new int[Math.min(per, dst.length)] : null;
        long position = h.dataOffset();
        for (int off = 0; off < dst.length; off += per) {
            int k = Math.min(per, dst.length - off);
            buf.clear().limit(k * item);
            fill(path, ch, buf, position);
            position += (long) k * item;
            if (itmp == null) {
                buf.asLongBuffer().get(dst, off, k);
            } else {
                buf.asIntBuffer().get(itmp, 0, k);
                for (int i = 0; i < k; i++) {
                    dst[off + i] = itmp[i];
                }
            }
        }
    }

    /**
     * Fortran-order strides: element {@code (i0, ..., ir-1)} sits at {@code sum_k i_k * s_k} with
     * {@code s_0 = 1} and {@code s_k = s_(k-1) * shape[k-1]}.
     */
    private static long[] fortranStrides(int[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int k = 0; k < shape.length; k++) {
            stride[k] = s;
            s *= shape[k];
        }
        return stride;
    }

    /**
     * Rearranges Fortran-ordered data into C order. It walks the output in C order with an
     * odometer over all but the last index and keeps the matching Fortran offset up to date
     * incrementally, so there is no per-element division.
     */
    static double[] fortranToC(double[] f, int[] shape) {
        double[] c = new double[f.length];
        if (f.length == 0) {
            return c;
        }
        int r = shape.length;
        long[] stride = fortranStrides(shape);
        int[] idx = new int[r];
        int last = shape[r - 1];
        long lastStride = stride[r - 1];
        long base = 0;
        for (int p = 0; p < c.length; ) {
            long off = base;
            for (int j = 0; j < last; j++, off += lastStride) {
                c[p++] = f[(int) off];
            }
            for (int k = r - 2; k >= 0; k--) {
                base += stride[k];
                if (++idx[k] < shape[k]) {
                    break;
                }
                base -= stride[k] * shape[k];
                idx[k] = 0;
            }
        }
        return c;
    }

    /** Integer counterpart of {@link #fortranToC(double[], int[])}. */
    static long[] fortranToC(long[] f, int[] shape) {
        long[] c = new long[f.length];
        if (f.length == 0) {
            return c;
        }
        int r = shape.length;
        long[] stride = fortranStrides(shape);
        int[] idx = new int[r];
        int last = shape[r - 1];
        long lastStride = stride[r - 1];
        long base = 0;
        for (int p = 0; p < c.length; ) {
            long off = base;
            for (int j = 0; j < last; j++, off += lastStride) {
                c[p++] = f[(int) off];
            }
            for (int k = r - 2; k >= 0; k--) {
                base += stride[k];
                if (++idx[k] < shape[k]) {
                    break;
                }
                base -= stride[k] * shape[k];
                idx[k] = 0;
            }
        }
        return c;
    }
}

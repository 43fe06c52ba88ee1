package org.cvxformer.core.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable n-dimensional array as stored in a NumPy {@code .npy} file: a {@link Dtype}, a
 * shape and the elements in C (row-major) order, i.e. the last index varies fastest.
 *
 * <p>Only the four dtypes the solver exchanges are modelled (see {@link Dtype}). To stay
 * memory-efficient for arrays of up to ~10<sup>8</sup> elements, floating-point data (float64 and
 * float32) is held in one {@code double[]} and integer data (int64 and int32) in one
 * {@code long[]}; float32 and int32 values are widened losslessly and narrowed again only when
 * written. The element count is therefore limited to what a Java array can hold; larger arrays
 * are rejected with a clear message rather than failing with an obscure error.
 *
 * <p>A rank-0 array (shape {@code ()}) is a NumPy scalar with exactly one element.
 *
 * <p>Instances are immutable: factories copy their input and accessors return copies.
 */
public final class NpyArray {

    /**
     * The largest element count accepted; a little below {@link Integer#MAX_VALUE} because the
     * JVM refuses array lengths that close to the limit.
     */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * The element types supported, with their NumPy names and little-endian
     * {@code descr} strings as written in a {@code .npy} header ({@code numpy.lib.format}).
     */
    public enum Dtype {
        /** IEEE 754 double, NumPy {@code float64}, descr {@code <f8}. */
        FLOAT64("float64", 'f', 8),
        /** IEEE 754 single, NumPy {@code float32}, descr {@code <f4}. */
        FLOAT32("float32", 'f', 4),
        /** Signed 64-bit integer, NumPy {@code int64}, descr {@code <i8}. */
        INT64("int64", 'i', 8),
        /** Signed 32-bit integer, NumPy {@code int32}, descr {@code <i4}. */
        INT32("int32", 'i', 4);

        private final String numpyName;
        private final char kind;
        private final int itemSize;

        Dtype(String numpyName, char kind, int itemSize) {
            this.numpyName = numpyName;
            this.kind = kind;
            this.itemSize = itemSize;
        }

        /**
         * The NumPy type name, e.g. {@code "float64"} (what {@code arr.dtype.name} prints).
         *
         * @return the NumPy name
         */
        public String numpyName() {
            return numpyName;
        }

        /**
         * The little-endian NumPy type string, e.g. {@code "<f8"}: what {@link Npy#write} puts in
         * the header's {@code 'descr'} entry.
         *
         * @return the descr string
         */
        public String descr() {
            return "<" + kind + itemSize;
        }

        /**
         * The NumPy kind character: {@code 'f'} for floating point, {@code 'i'} for signed integer.
         *
         * @return the kind character
         */
        public char kind() {
            return kind;
        }

        /**
         * Bytes per element in a {@code .npy} file.
         *
         * @return 8 or 4
         */
        public int itemSize() {
            return itemSize;
        }

        /**
         * Whether this is an integer type.
         *
         * @return true for INT64 and INT32
         */
        public boolean isInteger() {
            return kind == 'i';
        }
    }

    private final Dtype dtype;
    private final int[] shape;
    /** Elements of FLOAT64/FLOAT32 arrays in C order; null for integer arrays. */
    private final double[] doubles;
    /** Elements of INT64/INT32 arrays in C order; null for float arrays. */
    private final long[] longs;

    /** Takes ownership of the arrays; callers have validated and (where needed) copied them. */
    private NpyArray(Dtype dtype, int[] shape, double[] doubles, long[] longs) {
        this.dtype = dtype;
        this.shape = shape;
        this.doubles = doubles;
        this.longs = longs;
    }

    /**
     * A float64 array with the given data (C order) and shape.
     *
     * @param data the elements in C (row-major) order; copied
     * @param shape the dimensions; none for a scalar (then {@code data} has one element)
     * @return the array
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape is
     *     not {@code data.length}
     */
    public static NpyArray ofDoubles(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int[] s = checkShape(shape, data.length);
        return new NpyArray(Dtype.FLOAT64, s, data.clone(), null);
    }

    /**
     * A float32 array with the given data (C order) and shape.
     *
     * @param data the elements in C (row-major) order; copied
     * @param shape the dimensions; none for a scalar
     * @return the array
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape is
     *     not {@code data.length}
     */
    public static NpyArray ofFloats(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int[] s = checkShape(shape, data.length);
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return new NpyArray(Dtype.FLOAT32, s, d, null);
    }

    /**
     * An int64 array with the given data (C order) and shape.
     *
     * @param data the elements in C (row-major) order; copied
     * @param shape the dimensions; none for a scalar
     * @return the array
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape is
     *     not {@code data.length}
     */
    public static NpyArray ofLongs(long[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int[] s = checkShape(shape, data.length);
        return new NpyArray(Dtype.INT64, s, null, data.clone());
    }

    /**
     * An int32 array with the given data (C order) and shape.
     *
     * @param data the elements in C (row-major) order; copied
     * @param shape the dimensions; none for a scalar
     * @return the array
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape is
     *     not {@code data.length}
     */
    public static NpyArray ofInts(int[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int[] s = checkShape(shape, data.length);
        long[] l = new long[data.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = data[i];
        }
        return new NpyArray(Dtype.INT32, s, null, l);
    }

    /**
     * Wraps data read by {@link Npy} without copying (the reader's buffer is not shared).
     * Float32 values must already be float-representable and int32 values in int range.
     */
    static NpyArray wrapDoubles(Dtype dtype, int[] shape, double[] data) {
        assert !dtype.isInteger() && checkShape(shape, data.length) != null;
        return new NpyArray(dtype, shape.clone(), data, null);
    }

    /** Integer counterpart of {@link #wrapDoubles}. */
    static NpyArray wrapLongs(Dtype dtype, int[] shape, long[] data) {
        assert dtype.isInteger() && checkShape(shape, data.length) != null;
        return new NpyArray(dtype, shape.clone(), null, data);
    }

    /**
     * The number of elements implied by {@code shape}, or -1 if it exceeds {@link #MAX_ELEMENTS}.
     * An empty shape (scalar) has one element.
     *
     * @throws IllegalArgumentException if a dimension is negative
     */
    static long elementCount(int[] shape) {
        long n = 1;
        boolean tooLarge = false;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "negative dimension " + d + " in shape " + shapeString(shape));
            }
            if (d == 0) {
                return 0;
            }
            // Keep scanning after an overflow so that a zero dimension still yields 0 elements.
            if (!tooLarge) {
                n *= d;
                tooLarge = n > MAX_ELEMENTS;
            }
        }
        return tooLarge ? -1 : n;
    }

    private static int[] checkShape(int[] shape, int dataLength) {
        Objects.requireNonNull(shape, "shape");
        long n = elementCount(shape);
        if (n < 0) {
            throw new IllegalArgumentException("shape " + shapeString(shape)
                    + " has more than " + MAX_ELEMENTS + " elements, too many for one Java array");
        }
        if (n != dataLength) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " has " + n
                    + " elements but the data array has " + dataLength);
        }
        return shape.clone();
    }

    /**
     * Formats a shape the way Python prints a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}.
     * This is also the form the {@code 'shape'} entry of a {@code .npy} header takes.
     */
    static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public Dtype dtype() {
        return dtype;
    }

    /**
     * The dimensions (a copy); empty for a scalar.
     *
     * @return the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions, {@code shape().length}.
     *
     * @return the rank (0 for a scalar)
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of elements: the product of the shape (1 for a scalar).
     *
     * @return the element count
     */
    public long size() {
        return doubles != null ? doubles.length : longs.length;
    }

    /**
     * Whether the dtype is an integer type (INT64 or INT32).
     *
     * @return true for integer arrays
     */
    public boolean isInteger() {
        return dtype.isInteger();
    }

    /**
     * The elements in C order as doubles (a copy). Integer values beyond 2<sup>53</sup> in
     * magnitude are rounded to the nearest double, as NumPy's {@code astype(float64)} does.
     *
     * @return the elements
     */
    public double[] toDoubleArray() {
        if (doubles != null) {
            return doubles.clone();
        }
        double[] out = new double[longs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs[i];
        }
        return out;
    }

    /**
     * The elements in C order as longs (a copy). For float arrays every value must be an exact
     * integer within the {@code long} range, because silently truncating e.g. a label of 1.5
     * would hide a data error.
     *
     * @return the elements
     * @throws NpyFormatException if a float element is not integral (or is NaN or infinite)
     */
    public long[] toLongArray() {
        if (longs != null) {
            return longs.clone();
        }
        long[] out = new long[doubles.length];
        for (int i = 0; i < out.length; i++) {
            double v = doubles[i];
            // 2^63 is exactly representable; every double below it in magnitude casts exactly.
            if (v != Math.rint(v) || v >= 0x1p63 || v < -0x1p63) {
                throw notConvertible(i, Double.toString(v), "is not an integer", "long");
            }
            out[i] = (long) v;
        }
        return out;
    }

    /**
     * The elements in C order as ints (a copy), checking that every value is an integer within
     * the {@code int} range.
     *
     * @return the elements
     * @throws NpyFormatException if an element is not integral or does not fit in an int
     */
    public int[] toIntArray() {
        int[] out = new int[(int) size()];
        for (int i = 0; i < out.length; i++) {
            if (longs != null) {
                long v = longs[i];
                if (v != (int) v) {
                    throw notConvertible(i, Long.toString(v), "is outside the int range", "int");
                }
                out[i] = (int) v;
            } else {
                double v = doubles[i];
                if (v != Math.rint(v)) {
                    throw notConvertible(i, Double.toString(v), "is not an integer", "int");
                }
                if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                    throw notConvertible(i, Double.toString(v), "is outside the int range", "int");
                }
                out[i] = (int) v;
            }
        }
        return out;
    }

    private NpyFormatException notConvertible(int flatIndex, String value, String problem,
            String target) {
        return new NpyFormatException(dtype.numpyName() + " array of shape " + shapeString(shape)
                + " cannot be converted to " + target + ": element " + indexString(flatIndex)
                + " = " + value + " " + problem);
    }

    /** The C-order multi-index of a flat position, e.g. {@code [1, 0, 3]}, for error messages. */
    private String indexString(long flat) {
        int[] idx = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = (int) (flat % shape[k]);
            flat /= shape[k];
        }
        return Arrays.toString(idx);
    }

    /**
     * Raw access for {@link Npy#write}: the backing array, not a copy. Never exposed publicly so
     * that immutability holds.
     */
    double[] doublesUnsafe() {
        return doubles;
    }

    /** Integer counterpart of {@link #doublesUnsafe}. */
    long[] longsUnsafe() {
        return longs;
    }

    /**
     * Equal when dtype, shape and every element are equal (doubles compared bitwise, as
     * {@link Arrays#equals(double[], double[])} does, so NaN equals NaN).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NpyArray)) {
            return false;
        }
        NpyArray other = (NpyArray) o;
        return dtype == other.dtype && Arrays.equals(shape, other.shape)
                && Arrays.equals(doubles, other.doubles) && Arrays.equals(longs, other.longs);
    }

    @Override
    public int hashCode() {
        int h = dtype.hashCode() * 31 + Arrays.hashCode(shape);
        return h * 31 + (doubles != null ? Arrays.hashCode(doubles) : Arrays.hashCode(longs));
    }

    /** A short description such as {@code NpyArray[float64 (2, 3, 4)]}; never the elements. */
    @Override
    public String toString() {
        return "NpyArray[" + dtype.numpyName() + " " + shapeString(shape) + "]";
    }
}

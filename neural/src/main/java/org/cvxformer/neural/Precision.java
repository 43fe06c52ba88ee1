package org.cvxformer.neural;

/** The arithmetic a network's forward and backward passes run in (parameters and optimizer state stay double). */
public enum Precision {
    /** float32 activations, weights copied to float once per step, gradients added up in float (PyTorch's default). */
    FLOAT32,
    /** float64 throughout (the gradient checks use it). */
    FLOAT64;

    /** {@code float32} or {@code float64}, case-insensitive. */
    public static Precision parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "f32", "fp32" -> FLOAT32;
            case "float64", "f64", "fp64", "double" -> FLOAT64;
            default -> throw new IllegalArgumentException("precision '" + s + "': expected float32 or float64");
        };
    }
}

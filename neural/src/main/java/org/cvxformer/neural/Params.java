package org.cvxformer.neural;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Hands out consecutive slices of a flat parameter buffer to blocks as they are built, in build order. */
public final class Params {
    private final List<ParamBlock> blocks = new ArrayList<>();
    private int size;
    private int sites;

    /** A fresh dropout site index (each site draws its own masks). */
    public int dropoutSite() {
        return sites++;
    }

    public ParamBlock matrix(String name, int rows, int cols) {
        return add(name, rows, cols, ParamBlock.Kind.MATRIX);
    }

    public ParamBlock vector(String name, int len) {
        return add(name, 1, len, ParamBlock.Kind.VECTOR);
    }

    public ParamBlock simplex(String name, int rows, int cols) {
        return add(name, rows, cols, ParamBlock.Kind.SIMPLEX);
    }

    private ParamBlock add(String name, int rows, int cols, ParamBlock.Kind kind) {
        ParamBlock b = new ParamBlock(name, size, rows, cols, kind);
        blocks.add(b);
        size += rows * cols;
        return b;
    }

    public int size() {
        return size;
    }

    public List<ParamBlock> blocks() {
        return Collections.unmodifiableList(new ArrayList<>(blocks));
    }
}

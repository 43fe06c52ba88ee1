package org.cvxformer.core.problem;

/**
 * Passes over the scores {@code S = A W} in blocks of samples, so that no {@code N x c} array
 * is ever held (issue 13: at p = 997 the training half has N = 497,000 rows and c = 997
 * classes, and one {@code N x c} array is 4 GB). Each pass computes, block by block, the rows of
 * {@code S}, the per-sample loss terms, the rows of the gradient {@code U = grad F(S)} (in place
 * of the scores) and their contribution to {@code A^T U}; only the parameters ({@code c n d}),
 * a block of {@code B x c} scores and {@code N} loss terms are in memory.
 *
 * <p>Reproducibility: the loss terms are summed in row order across blocks, and
 * {@link Design.TransposeAccumulator} receives the blocks in row order, so every result is
 * independent of the thread count; on block-invariant designs ({@link Design#blockInvariant()}:
 * sparse rows and token tables) it is also bit-identical to one pass over all rows, whatever the
 * block size. The block size depends only on {@code c} ({@link #BLOCK_ENTRIES}), never on the
 * thread count. Stateless and thread-safe; work arrays are allocated per pass.
 */
public final class ScoreStream {
    /**
     * Scores held per block (1 Mi doubles, 8 MiB): large enough that the per-block overheads
     * (a thread hand-off per kernel, copying a dense block of rows) are amortised, small enough
     * that the block stays a small fraction of a 4 GB heap at c = 997.
     */
    public static final int BLOCK_ENTRIES = 1 << 20;

    private final Problem pb;
    private final int blockRows;

    /** Blocks of {@link #defaultBlockRows} rows. */
    public ScoreStream(Problem pb) {
        this(pb, defaultBlockRows(pb.samples(), pb.classes()));
    }

    /** Blocks of {@code blockRows} rows (tests use small blocks to exercise the streaming). */
    public ScoreStream(Problem pb, int blockRows) {
        if (blockRows < 1) {
            throw new IllegalArgumentException("block rows = " + blockRows + ": expected >= 1");
        }
        this.pb = pb;
        this.blockRows = Math.min(blockRows, pb.samples());
    }

    /** {@code min(N, max(1, BLOCK_ENTRIES / c))}: a function of the shape only. */
    public static int defaultBlockRows(int N, int c) {
        return Math.max(1, Math.min(N, BLOCK_ENTRIES / Math.max(1, c)));
    }

    /** Rows per block. */
    public int blockRows() {
        return blockRows;
    }

    /** Bytes of the work arrays of one pass: a block of scores and the {@code N} loss terms. */
    public long workBytes() {
        return 8L * blockRows * pb.classes() + 8L * pb.samples();
    }

    /** {@code total + sum_{r < len} terms[r]}, added in index order (the one summation order of every pass). */
    static double sumInOrder(double total, double[] terms, int len) {
        for (int r = 0; r < len; r++) {
            total += terms[r];
        }
        return total;
    }

    /** {@code F(A W)}. */
    public double value(double[] W) {
        return pass(W, null, Double.NaN, false);
    }

    /** {@code F(A W)}, and {@code G = A^T grad F(A W)} in the parameter layout. */
    public double valueAndGradient(double[] W, double[] G) {
        return pass(W, G, Double.NaN, false);
    }

    /**
     * {@code D(t U0)} with {@code U0 = grad F(A W)}: the dual value of the residual at {@code W}
     * scaled by {@code t} (math.md section 4, step 2, when {@code t} is the feasible scale).
     * Feasibility is the caller's business: {@code t ||A^T U0||_* <= beta}.
     */
    public double scaledResidualDual(double[] W, double t) {
        return -pass(W, null, t, true);
    }

    /**
     * One pass. Returns {@code F(AW)}, or with {@code dual} the conjugate {@code F*(t U0)}; with
     * {@code G != null} also {@code A^T U0}.
     */
    private double pass(double[] W, double[] G, double t, boolean dual) {
        Design A = pb.design();
        Loss loss = pb.loss();
        Targets Y = pb.targets();
        int N = pb.samples();
        int c = pb.classes();
        Design.RowProduct mul = A.multiplier(W, c);
        Design.TransposeAccumulator acc = G != null ? A.transposeAccumulator(c) : null;
        double[] block = new double[blockRows * c];
        double[] terms = new double[blockRows];
        boolean needU = G != null || dual;
        double total = 0;
        for (int from = 0; from < N; from += blockRows) {
            int to = Math.min(N, from + blockRows);
            int B = to - from;
            mul.rows(from, to, block);
            loss.rowValues(block, Y, from, to, needU ? block : null, terms);
            if (acc != null) {
                acc.add(from, to, block);
            }
            if (dual) {
                for (int p = 0; p < B * c; p++) {
                    block[p] *= t;
                }
                loss.rowConjugates(block, Y, from, to, terms);
            }
            total = sumInOrder(total, terms, B);
        }
        if (acc != null) {
            acc.finish(G);
        }
        return total / N;
    }

    /** Receives one block of scores: rows {@code from..to-1}, {@code S[(i - from)*c + l] = s_il}. */
    @FunctionalInterface
    public interface BlockVisitor {
        void accept(int from, int to, double[] S);
    }

    /**
     * Visits the scores {@code A W} of any design block by block (for accuracies and other
     * read-only uses that must not hold {@code N x c}).
     */
    public static void forEachBlock(Design A, double[] W, int c, BlockVisitor visitor) {
        int N = A.samples();
        int B = defaultBlockRows(N, c);
        Design.RowProduct mul = A.multiplier(W, c);
        double[] block = new double[B * c];
        for (int from = 0; from < N; from += B) {
            int to = Math.min(N, from + B);
            mul.rows(from, to, block);
            visitor.accept(from, to, block);
        }
    }

    /**
     * Fraction of rows whose arg-max score is the label (ties to the lowest class), streamed:
     * no {@code N x c} array.
     */
    public static double accuracy(Design A, Targets y, double[] W) {
        int c = y.classes();
        long[] right = {0};
        forEachBlock(A, W, c, (from, to, S) -> {
            for (int i = from; i < to; i++) {
                int o = (i - from) * c;
                int best = 0;
                for (int l = 1; l < c; l++) {
                    if (S[o + l] > S[o + best]) {
                        best = l;
                    }
                }
                if (best == y.label(i)) {
                    right[0]++;
                }
            }
        });
        return (double) right[0] / A.samples();
    }
}

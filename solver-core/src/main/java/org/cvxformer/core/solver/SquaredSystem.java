package org.cvxformer.core.solver;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cvxformer.core.linalg.CholeskySolver;
import org.cvxformer.core.linalg.Vec;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Targets;

/**
 * The linear system of {@link Admm}'s W-update for the squared loss,
 * {@code (A^T A / N + rho I) W = A^T Y / N + rho X} with {@code X = V - Lambda}, whose matrix
 * depends only on the design and rho and is shared by the {@code c} classes. One of two
 * factorisations, the smaller (see {@link #choose}):
 * <ul>
 *   <li>{@link Kind#GRAM}: Cholesky of the {@code nd x nd} matrix {@code A^T A / N + rho I};
 *       {@code W} is its solution for the {@code c} right-hand sides.</li>
 *   <li>{@link Kind#OUTER}: Cholesky of the {@code N x N} matrix {@code K = I + A A^T / (N rho)},
 *       through the matrix-inversion lemma (Woodbury; Boyd et al. 2011, section 4.2.4)
 *       {@code (rho I + A^T A / N)^{-1} = (1/rho) [I - A^T (N rho I + A A^T)^{-1} A]}. Applied
 *       to the right-hand side it reduces (push-through identity
 *       {@code (rho I + A^T A / N)^{-1} A^T / N = A^T (N rho I + A A^T)^{-1}}) to
 *       <pre>  W = X + A^T K^{-1} (Y - A X) / (N rho)</pre>
 *       one {@code A} product, one pair of {@code N x N} triangular solves with {@code c}
 *       columns and one {@code A^T} product.</li>
 * </ul>
 * The unscaled Gram matrix is kept for the life of this object and factors are cached by rho
 * (least recently used, at most {@link #MAX_CACHED_FACTORS} and about
 * {@link #FACTOR_CACHE_ENTRIES} doubles), so residual balancing that returns to an earlier rho
 * and the solves of a beta path ({@code Problem#withBeta} shares the design; every solve starts at
 * the same rho) do not factor again. Not thread-safe: {@link Admm} lends it to one solve at a time.
 */
final class SquaredSystem {
    /** Factors kept per system at most. */
    static final int MAX_CACHED_FACTORS = 4;
    /** Cached factors are limited to about this many matrix entries in total (128 MiB), but one is always kept. */
    static final long FACTOR_CACHE_ENTRIES = 16L * 1024 * 1024;

    /** Which matrix is factored. */
    enum Kind {
        /** {@code A^T A / N + rho I}, {@code nd x nd}. */
        GRAM("nd x nd system A^T A / N + rho I"),
        /** {@code I + A A^T / (N rho)}, {@code N x N}, through the matrix-inversion lemma. */
        OUTER("N x N system I + A A^T / (N rho), matrix-inversion lemma");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** For messages, e.g. {@code N x N system I + A A^T / (N rho), matrix-inversion lemma}. */
        String description() {
            return description;
        }
    }

    private final Design design;
    private final Kind kind;
    /** {@code A^T A} ({@link Kind#GRAM}) or {@code A A^T} ({@link Kind#OUTER}), unscaled, {@code m x m}. */
    private final double[] gram;
    private final int m;
    /** Factors by rho, in access order (least recently used first). */
    private final Map<Double, CholeskySolver> factors;
    private int factorisations;
    private int reuses;

    private SquaredSystem(Design design, Kind kind, double[] gram) {
        this.design = design;
        this.kind = kind;
        this.gram = gram;
        this.m = kind == Kind.GRAM ? design.columns() : design.samples();
        int keep = (int) Math.max(1, Math.min(MAX_CACHED_FACTORS, FACTOR_CACHE_ENTRIES / ((long) m * m)));
        this.factors = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Double, CholeskySolver> eldest) {
                return size() > keep;
            }
        };
    }

    /**
     * The system of the smaller size: {@link Kind#OUTER} when {@code N < n d}, else
     * {@link Kind#GRAM}; the other one when the smaller is not cheap to form (possible for a
     * sparse design, whose costs follow the non-zeros); {@code null} when neither is.
     *
     * @param maxWork the multiply-adds allowed for forming the Gram matrix
     */
    static SquaredSystem choose(Design A, long maxWork) {
        Kind first = A.samples() < A.columns() ? Kind.OUTER : Kind.GRAM;
        SquaredSystem s = of(A, first, maxWork);
        return s != null ? s : of(A, first == Kind.OUTER ? Kind.GRAM : Kind.OUTER, maxWork);
    }

    /** The system of the given kind, or {@code null} when its Gram matrix costs more than {@code maxWork}. */
    static SquaredSystem of(Design A, Kind kind, long maxWork) {
        double[] g = kind == Kind.GRAM ? A.gramIfCheap(maxWork) : A.outerGramIfCheap(maxWork);
        return g == null ? null : new SquaredSystem(A, kind, g);
    }

    Design design() {
        return design;
    }

    Kind kind() {
        return kind;
    }

    /** Factorisations computed so far (all solves). */
    int factorisations() {
        return factorisations;
    }

    /** Factors taken from the cache instead of being computed again, so far (all solves). */
    int reuses() {
        return reuses;
    }

    /** The factor of the system at {@code rho}, from the cache or computed (and cached). */
    CholeskySolver factor(double rho) {
        CholeskySolver f = factors.get(rho);
        if (f != null) {
            reuses++;
            return f;
        }
        double[] mat = new double[m * m];
        // GRAM: A^T A / N + rho I; OUTER: I + A A^T / (N rho)
        double scale = kind == Kind.GRAM ? 1.0 / design.samples() : 1.0 / (design.samples() * rho);
        double diagonal = kind == Kind.GRAM ? rho : 1.0;
        for (int p = 0; p < mat.length; p++) {
            mat[p] = gram[p] * scale;
        }
        for (int q = 0; q < m; q++) {
            mat[q * m + q] += diagonal;
        }
        f = new CholeskySolver(mat, m);
        factorisations++;
        factors.put(rho, f);
        return f;
    }

    /** The W-update for the targets {@code Y} ({@code N x c}): the per-solve part. */
    WUpdate bind(Targets Y) {
        return new WUpdate(Y);
    }

    /** {@code W <- (A^T A / N + rho I)^{-1} (A^T Y / N + rho (V - Lambda))} for one set of targets. */
    final class WUpdate {
        private final int c;
        private final int N;
        private final int nd;
        /** {@link Kind#GRAM}: {@code A^T Y / N} in the {@code (nd x c)} layout; {@link Kind#OUTER}: {@code Y}, {@code N x c}. */
        private final double[] data;
        private final double[] scores;
        private final double[] back;
        private CholeskySolver chol;
        private double cholRho = Double.NaN;

        private WUpdate(Targets Y) {
            this.c = Y.classes();
            this.N = design.samples();
            this.nd = design.columns();
            if (Y.samples() != N) {
                throw new IllegalArgumentException("targets have " + Y.samples() + " samples, the design " + N);
            }
            double[] y = new double[N * c];
            for (int i = 0; i < N; i++) {
                for (int l = 0; l < c; l++) {
                    y[i * c + l] = Y.get(i, l);
                }
            }
            if (kind == Kind.GRAM) {
                for (int p = 0; p < y.length; p++) {
                    y[p] /= N;
                }
                double[] g = new double[c * nd];
                design.transposeMultiply(y, c, g);
                this.data = toColumns(g, c, nd);
                this.scores = null;
                this.back = null;
            } else {
                this.data = y;
                this.scores = new double[N * c];
                this.back = new double[c * nd];
            }
        }

        /** Writes the W-update into {@code W} (parameter layout); factors only when rho differs from the last call's. */
        void apply(double[] V, double[] Lam, double rho, double[] W) {
            if (chol == null || rho != cholRho) {
                chol = factor(rho);
                cholRho = rho;
            }
            if (kind == Kind.GRAM) {
                double[] rhs = data.clone();
                for (int l = 0; l < c; l++) {
                    for (int q = 0; q < nd; q++) {
                        rhs[q * c + l] += rho * (V[l * nd + q] - Lam[l * nd + q]);
                    }
                }
                fromColumns(chol.solve(rhs, c), W, c, nd);
                return;
            }
            // W = X + A^T K^{-1} (Y - A X) / (N rho), X = V - Lambda
            for (int p = 0; p < W.length; p++) {
                W[p] = V[p] - Lam[p];
            }
            design.multiply(W, c, scores);
            for (int p = 0; p < scores.length; p++) {
                scores[p] = data[p] - scores[p];
            }
            double[] t = chol.solve(scores, c);
            double s = 1.0 / (N * rho);
            for (int p = 0; p < t.length; p++) {
                t[p] *= s;
            }
            design.transposeMultiply(t, c, back);
            for (int p = 0; p < W.length; p++) {
                W[p] += back[p];
            }
        }
    }

    /** Parameter layout (c x nd) to the (nd x c) right-hand-side layout. */
    private static double[] toColumns(double[] z, int c, int nd) {
        double[] r = new double[z.length];
        Vec.transpose(z, c, nd, r);
        return r;
    }

    /** The (nd x c) layout back to the parameter layout (c x nd), into {@code z}. */
    private static void fromColumns(double[] x, double[] z, int c, int nd) {
        Vec.transpose(x, nd, c, z);
    }
}

package org.cvxformer.neural;

/**
 * Forward and backward kernels of the layers, written out analytically on row-major {@code double[]}
 * buffers addressed by (array, offset). Every backward kernel <b>accumulates</b> ({@code +=}) into the
 * gradients it is given, so residual branches and per-chunk partial sums compose without copies.
 *
 * <p>Shapes: a batch of {@code S} samples of {@code n} positions is a matrix of {@code R = S * n} rows.
 */
public final class Layers {
    private Layers() {
    }

    // ---------------------------------------------------------------- matrix kernels

    /** {@code C[R x N] (+)= A[R x K] B[K x N]}; {@code acc=false} overwrites C. */
    public static void matmul(double[] a, int ao, int rows, int k, double[] b, int bo, int n,
                              double[] c, int co, boolean acc) {
        int i = 0;
        for (; i + 3 < rows; i += 4) {
            int c0 = co + i * n;
            int c1 = c0 + n;
            int c2 = c1 + n;
            int c3 = c2 + n;
            if (!acc) {
                java.util.Arrays.fill(c, c0, c0 + 4 * n, 0.0);
            }
            int a0 = ao + i * k;
            for (int p = 0; p < k; p++) {
                double x0 = a[a0 + p];
                double x1 = a[a0 + k + p];
                double x2 = a[a0 + 2 * k + p];
                double x3 = a[a0 + 3 * k + p];
                int br = bo + p * n;
                for (int j = 0; j < n; j++) {
                    double bv = b[br + j];
                    c[c0 + j] += x0 * bv;
                    c[c1 + j] += x1 * bv;
                    c[c2 + j] += x2 * bv;
                    c[c3 + j] += x3 * bv;
                }
            }
        }
        for (; i < rows; i++) {
            int ci = co + i * n;
            if (!acc) {
                java.util.Arrays.fill(c, ci, ci + n, 0.0);
            }
            int ai = ao + i * k;
            for (int p = 0; p < k; p++) {
                double x = a[ai + p];
                int br = bo + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += x * b[br + j];
                }
            }
        }
    }

    /** {@code W[K x N] += X[R x K]^T G[R x N]} (weight gradient). */
    public static void matmulAtB(double[] x, int xo, int rows, int k, double[] g, int go, int n,
                                 double[] w, int wo) {
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int x0 = xo + r * k;
            int g0 = go + r * n;
            int g1 = g0 + n;
            int g2 = g1 + n;
            int g3 = g2 + n;
            for (int p = 0; p < k; p++) {
                double a0 = x[x0 + p];
                double a1 = x[x0 + k + p];
                double a2 = x[x0 + 2 * k + p];
                double a3 = x[x0 + 3 * k + p];
                int wr = wo + p * n;
                for (int j = 0; j < n; j++) {
                    w[wr + j] += a0 * g[g0 + j] + a1 * g[g1 + j] + a2 * g[g2 + j] + a3 * g[g3 + j];
                }
            }
        }
        for (; r < rows; r++) {
            int xr = xo + r * k;
            int gr = go + r * n;
            for (int p = 0; p < k; p++) {
                double a = x[xr + p];
                int wr = wo + p * n;
                for (int j = 0; j < n; j++) {
                    w[wr + j] += a * g[gr + j];
                }
            }
        }
    }

    /** {@code dst[c x r] = src[r x c]^T}. */
    public static void transpose(double[] src, int so, int r, int c, double[] dst, int dO) {
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                dst[dO + j * r + i] = src[so + i * c + j];
            }
        }
    }

    // ---------------------------------------------------------------- dense

    /** {@code Y[R x N] = X[R x K] W[K x N] + b} ({@code bo < 0}: no bias). */
    public static void denseForward(double[] x, int xo, int rows, int k, double[] w, int wo,
                                    int bo, int n, double[] y, int yo) {
        matmul(x, xo, rows, k, w, wo, n, y, yo, false);
        if (bo >= 0) {
            for (int i = 0; i < rows; i++) {
                int yi = yo + i * n;
                for (int j = 0; j < n; j++) {
                    y[yi + j] += w[bo + j];
                }
            }
        }
    }

    /**
     * Backward of {@link #denseForward}: {@code gW += X^T G}, {@code gb += colsum G} (if {@code bo >= 0}),
     * and, if {@code gx != null}, {@code gX += G W^T} using {@code wT} ({@code N x K}, the transpose of W).
     * Weight and bias gradients go to {@code gp} at the same offsets as W and b in the parameters.
     */
    public static void denseBackward(double[] x, int xo, int rows, int k, double[] wT, int wTo,
                                     int wo, int bo, int n, double[] g, int go, double[] gp,
                                     double[] gx, int gxo) {
        matmulAtB(x, xo, rows, k, g, go, n, gp, wo);
        if (bo >= 0) {
            for (int i = 0; i < rows; i++) {
                int gi = go + i * n;
                for (int j = 0; j < n; j++) {
                    gp[bo + j] += g[gi + j];
                }
            }
        }
        if (gx != null) {
            matmul(g, go, rows, n, wT, wTo, k, gx, gxo, true);
        }
    }

    // ---------------------------------------------------------------- layer norm

    public static final double LN_EPS = 1e-5;

    /**
     * Layer norm over each row of width d: {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}
     * (biased variance). Saves {@code xhat} (R x d) and {@code rstd} (R) for the backward pass.
     */
    public static void layerNormForward(double[] x, int xo, int rows, int d, double[] p, int go,
                                        int bo, double[] y, int yo, double[] xhat, int ho,
                                        double[] rstd, int ro) {
        for (int i = 0; i < rows; i++) {
            int xi = xo + i * d;
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[xi + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double t = x[xi + j] - mean;
                var += t * t;
            }
            var /= d;
            double rs = 1.0 / Math.sqrt(var + LN_EPS);
            rstd[ro + i] = rs;
            int hi = ho + i * d;
            int yi = yo + i * d;
            for (int j = 0; j < d; j++) {
                double h = (x[xi + j] - mean) * rs;
                xhat[hi + j] = h;
                y[yi + j] = p[go + j] * h + p[bo + j];
            }
        }
    }

    /** Backward of {@link #layerNormForward}; accumulates into {@code gx}, {@code gp[go..]}, {@code gp[bo..]}. */
    public static void layerNormBackward(double[] gy, int gyo, int rows, int d, double[] p, int go,
                                         int bo, double[] xhat, int ho, double[] rstd, int ro,
                                         double[] gp, double[] gx, int gxo) {
        for (int i = 0; i < rows; i++) {
            int gi = gyo + i * d;
            int hi = ho + i * d;
            double s1 = 0;
            double s2 = 0;
            for (int j = 0; j < d; j++) {
                double g = gy[gi + j];
                double h = xhat[hi + j];
                gp[go + j] += g * h;
                gp[bo + j] += g;
                double gh = g * p[go + j];
                s1 += gh;
                s2 += gh * h;
            }
            s1 /= d;
            s2 /= d;
            double rs = rstd[ro + i];
            int xi = gxo + i * d;
            for (int j = 0; j < d; j++) {
                double gh = gy[gi + j] * p[go + j];
                gx[xi + j] += rs * (gh - s1 - xhat[hi + j] * s2);
            }
        }
    }

    // ---------------------------------------------------------------- causal attention core

    /**
     * For each of {@code samples} samples: {@code A = softmax(Q K^T / sqrt(d) + causal mask)} (n x n,
     * zeros above the diagonal) and {@code C = A V} (n x d). Q, K, V, C: R x d at offset 0 of their
     * arrays; A: samples x n x n.
     */
    public static void attentionForward(double[] q, double[] k, double[] v, int samples, int n,
                                        int d, double[] a, double[] c) {
        double scale = 1.0 / Math.sqrt(d);
        for (int s = 0; s < samples; s++) {
            int base = s * n * d;
            int ab = s * n * n;
            for (int i = 0; i < n; i++) {
                int qi = base + i * d;
                int ai = ab + i * n;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    int kj = base + j * d;
                    double dot = 0;
                    for (int t = 0; t < d; t++) {
                        dot += q[qi + t] * k[kj + t];
                    }
                    dot *= scale;
                    a[ai + j] = dot;
                    if (dot > max) {
                        max = dot;
                    }
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    double e = Math.exp(a[ai + j] - max);
                    a[ai + j] = e;
                    sum += e;
                }
                double inv = 1.0 / sum;
                for (int j = 0; j <= i; j++) {
                    a[ai + j] *= inv;
                }
                for (int j = i + 1; j < n; j++) {
                    a[ai + j] = 0.0;
                }
                int ci = base + i * d;
                java.util.Arrays.fill(c, ci, ci + d, 0.0);
                for (int j = 0; j <= i; j++) {
                    double w = a[ai + j];
                    int vj = base + j * d;
                    for (int t = 0; t < d; t++) {
                        c[ci + t] += w * v[vj + t];
                    }
                }
            }
        }
    }

    /** Backward of {@link #attentionForward}; accumulates into gq, gk, gv (R x d). */
    public static void attentionBackward(double[] q, double[] k, double[] v, double[] a,
                                         double[] gc, int samples, int n, int d, double[] gq,
                                         double[] gk, double[] gv) {
        double scale = 1.0 / Math.sqrt(d);
        double[] gs = new double[n];
        for (int s = 0; s < samples; s++) {
            int base = s * n * d;
            int ab = s * n * n;
            for (int i = 0; i < n; i++) {
                int ci = base + i * d;
                int ai = ab + i * n;
                double dotSum = 0;
                for (int j = 0; j <= i; j++) {
                    int vj = base + j * d;
                    double ga = 0;
                    double w = a[ai + j];
                    for (int t = 0; t < d; t++) {
                        ga += gc[ci + t] * v[vj + t];
                        gv[vj + t] += w * gc[ci + t];
                    }
                    gs[j] = ga;
                    dotSum += w * ga;
                }
                for (int j = 0; j <= i; j++) {
                    double g = a[ai + j] * (gs[j] - dotSum) * scale;
                    int kj = base + j * d;
                    for (int t = 0; t < d; t++) {
                        gq[ci + t] += g * k[kj + t];
                        gk[kj + t] += g * q[ci + t];
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- convex token mixing

    /** For each sample: {@code T = M H} with M (n x n, at {@code p[mo..]}) and H, T (n x d per sample). */
    public static void mixForward(double[] p, int mo, double[] h, int samples, int n, int d,
                                  double[] t) {
        for (int s = 0; s < samples; s++) {
            int base = s * n * d;
            for (int i = 0; i < n; i++) {
                int ti = base + i * d;
                java.util.Arrays.fill(t, ti, ti + d, 0.0);
                for (int kk = 0; kk < n; kk++) {
                    double m = p[mo + i * n + kk];
                    int hk = base + kk * d;
                    for (int j = 0; j < d; j++) {
                        t[ti + j] += m * h[hk + j];
                    }
                }
            }
        }
    }

    /** Backward of {@link #mixForward}: {@code gM += sum_s gT H^T}, {@code gH += M^T gT}. */
    public static void mixBackward(double[] p, int mo, double[] h, double[] gt, int samples, int n,
                                   int d, double[] gp, double[] gh) {
        for (int s = 0; s < samples; s++) {
            int base = s * n * d;
            for (int i = 0; i < n; i++) {
                int ti = base + i * d;
                for (int kk = 0; kk < n; kk++) {
                    int hk = base + kk * d;
                    double m = p[mo + i * n + kk];
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += gt[ti + j] * h[hk + j];
                        gh[hk + j] += m * gt[ti + j];
                    }
                    gp[mo + i * n + kk] += dot;
                }
            }
        }
    }

    // ---------------------------------------------------------------- embedding

    /** {@code X[s*n + t] = E[tokens[s*n + t]] + P[t]} for samples [s0, s0 + samples). */
    public static void embedForward(int[] tokens, int s0, int samples, int n, int d, double[] p,
                                    int eo, int po, double[] x) {
        for (int s = 0; s < samples; s++) {
            for (int t = 0; t < n; t++) {
                int tok = tokens[(s0 + s) * n + t];
                int xr = (s * n + t) * d;
                int er = eo + tok * d;
                int pr = po + t * d;
                for (int j = 0; j < d; j++) {
                    x[xr + j] = p[er + j] + p[pr + j];
                }
            }
        }
    }

    public static void embedBackward(int[] tokens, int s0, int samples, int n, int d, double[] gx,
                                     int eo, int po, double[] gp) {
        for (int s = 0; s < samples; s++) {
            for (int t = 0; t < n; t++) {
                int tok = tokens[(s0 + s) * n + t];
                int xr = (s * n + t) * d;
                int er = eo + tok * d;
                int pr = po + t * d;
                for (int j = 0; j < d; j++) {
                    gp[er + j] += gx[xr + j];
                    gp[pr + j] += gx[xr + j];
                }
            }
        }
    }

    // ---------------------------------------------------------------- loss

    /**
     * Sum over rows of the cross-entropy of {@code softmax(logits)} against {@code labels[l0 + i]};
     * overwrites {@code logits} with {@code scale * (softmax - onehot)}, the gradient of
     * {@code scale * sum CE}.
     */
    public static double softmaxCrossEntropy(double[] logits, int rows, int c, int[] labels, int l0,
                                             double scale) {
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            int o = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits[o + j]);
            }
            int y = labels[l0 + i];
            double ly = logits[o + y] - max;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(logits[o + j] - max);
                logits[o + j] = e;
                sum += e;
            }
            loss += Math.log(sum) - ly;
            double inv = 1.0 / sum;
            for (int j = 0; j < c; j++) {
                logits[o + j] = scale * logits[o + j] * inv;
            }
            logits[o + y] -= scale;
        }
        return loss;
    }
}

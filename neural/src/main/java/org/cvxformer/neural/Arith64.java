package org.cvxformer.neural;

import java.util.Arrays;
import org.cvxformer.core.linalg.Elementwise;
import org.cvxformer.core.linalg.Gemm;
import org.cvxformer.core.linalg.Parallel;

/**
 * {@link Arith} in double. {@link Arith32} is its line-for-line twin (only the element type differs):
 * change both together. Scalars that sum over a row (layer-norm moments, softmax normalisers, the
 * loss) are kept in double in both.
 */
final class Arith64 extends Arith {
    @Override
    public Precision precision() {
        return Precision.FLOAT64;
    }

    @Override
    public Buf alloc(int len) {
        return Buf.of(new double[len]);
    }

    @Override
    public void load(double[] src, Buf dst, int len) {
        double[] o = dst.d;
        if ((Object) o == (Object) src) {
            return;
        }
        Parallel.forRange(len, len, (from, to) -> {
            for (int i = from; i < to; i++) {
                o[i] = src[i];
            }
        });
    }

    @Override
    public void store(Buf src, int sOff, double[] dst, int dOff, int len) {
        double[] s = src.d;
        if ((Object) s == (Object) dst && sOff == dOff) {
            return;
        }
        for (int i = 0; i < len; i++) {
            dst[dOff + i] = s[sOff + i];
        }
    }

    @Override
    public void gemm(boolean ta, boolean tb, int m, int n, int k, Buf a, int ao, int lda, Buf b, int bo, int ldb,
            boolean acc, Buf c, int co, int ldc) {
        Gemm.gemmParallel(ta, tb, m, n, k, a.d, ao, lda, b.d, bo, ldb, acc, c.d, co, ldc);
    }

    @Override
    public void zero(Buf x, int len) {
        Arrays.fill(x.d, 0, len, 0.0);
    }

    @Override
    public void biasAct(Buf y, int rows, int n, Buf p, int bo, boolean relu) {
        double[] yy = y.d, pp = p.d;
        Parallel.forRange(rows, (long) rows * n, (from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * n;
                if (relu) {
                    for (int j = 0; j < n; j++) {
                        yy[o + j] = Math.max(yy[o + j] + pp[bo + j], 0.0);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        yy[o + j] += pp[bo + j];
                    }
                }
            }
        });
    }

    @Override
    public void reluBackward(Buf g, Buf h, int len) {
        double[] gg = g.d, hh = h.d;
        Parallel.forRange(len, len, (from, to) -> {
            Elementwise.reluMask(gg, hh, from, to);
        });
    }

    @Override
    public void colSum(Buf g, int rows, int n, Buf gp, int bo) {
        double[] gg = g.d, out = gp.d;
        for (int i = 0; i < rows; i++) {
            int o = i * n;
            for (int j = 0; j < n; j++) {
                out[bo + j] += gg[o + j];
            }
        }
    }

    @Override
    public void embed(int[] tokens, int s0, int samples, int n, int d, Buf p, int eo, int po, Buf x) {
        double[] pp = p.d, xx = x.d;
        Parallel.forRange(samples, (long) samples * n * d, (from, to) -> {
            for (int s = from; s < to; s++) {
                for (int t = 0; t < n; t++) {
                    int xr = (s * n + t) * d;
                    int er = eo + tokens[(s0 + s) * n + t] * d;
                    int pr = po + t * d;
                    for (int j = 0; j < d; j++) {
                        xx[xr + j] = pp[er + j] + pp[pr + j];
                    }
                }
            }
        });
    }

    @Override
    public void embedBackward(int[] tokens, int s0, int samples, int n, int d, Buf gx, Buf gp, int eo, int po) {
        double[] g = gx.d, out = gp.d;
        for (int s = 0; s < samples; s++) {
            for (int t = 0; t < n; t++) {
                int xr = (s * n + t) * d;
                int er = eo + tokens[(s0 + s) * n + t] * d;
                int pr = po + t * d;
                for (int j = 0; j < d; j++) {
                    out[er + j] += g[xr + j];
                    out[pr + j] += g[xr + j];
                }
            }
        }
    }

    @Override
    public void layerNorm(Buf x, int rows, int d, Buf p, int go, int bo, Buf y, Buf xhat, Buf rstd) {
        double[] xx = x.d, pp = p.d, yy = y.d, hh = xhat.d, rr = rstd.d;
        Parallel.forRange(rows, (long) rows * d * 4, (from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * d;
                double mean = 0;
                for (int j = 0; j < d; j++) {
                    mean += xx[o + j];
                }
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    double t = xx[o + j] - mean;
                    var += t * t;
                }
                var /= d;
                double rs = 1.0 / Math.sqrt(var + LN_EPS);
                rr[i] = rs;
                double m = mean, r = rs;
                for (int j = 0; j < d; j++) {
                    double h = (xx[o + j] - m) * r;
                    hh[o + j] = h;
                    yy[o + j] = pp[go + j] * h + pp[bo + j];
                }
            }
        });
    }

    @Override
    public void layerNormBackward(Buf gy, int rows, int d, Buf p, int go, int bo, Buf xhat, Buf rstd, Buf gp,
            Buf gx) {
        double[] g = gy.d, pp = p.d, hh = xhat.d, rr = rstd.d, out = gp.d, gxx = gx.d;
        // parameter gradients: sums over rows, in row order on this thread
        for (int i = 0; i < rows; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                out[go + j] += g[o + j] * hh[o + j];
                out[bo + j] += g[o + j];
            }
        }
        Parallel.forRange(rows, (long) rows * d * 4, (from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * d;
                double s1 = 0, s2 = 0;
                for (int j = 0; j < d; j++) {
                    double t = g[o + j] * pp[go + j];
                    s1 += t;
                    s2 += t * hh[o + j];
                }
                double m1 = (s1 / d), m2 = (s2 / d), r = rr[i];
                for (int j = 0; j < d; j++) {
                    gxx[o + j] = r * (g[o + j] * pp[go + j] - m1 - hh[o + j] * m2);
                }
            }
        });
    }

    @Override
    public void dropoutMask(Buf mask, int len, double rate, long seed) {
        double[] m = mask.d;
        double keep = (1.0 / (1.0 - rate));
        int chunks = (len + MASK_CHUNK - 1) / MASK_CHUNK;
        Parallel.forRange(chunks, (long) len * 8, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                Rng rng = maskRng(seed, ch);
                int end = Math.min(len, (ch + 1) * MASK_CHUNK);
                for (int i = ch * MASK_CHUNK; i < end; i++) {
                    m[i] = rng.nextDouble() < rate ? 0.0 : keep;
                }
            }
        });
    }

    @Override
    public void addMul(Buf x, Buf y, Buf mask, Buf out, int len) {
        double[] xx = x == null ? null : x.d, yy = y.d, mm = mask == null ? null : mask.d, oo = out.d;
        Parallel.forRange(len, len, (from, to) -> {
            if (xx != null && mm != null) {
                for (int i = from; i < to; i++) {
                    oo[i] = xx[i] + yy[i] * mm[i];
                }
            } else if (xx != null) {
                for (int i = from; i < to; i++) {
                    oo[i] = xx[i] + yy[i];
                }
            } else if (mm != null) {
                for (int i = from; i < to; i++) {
                    oo[i] = yy[i] * mm[i];
                }
            } else {
                System.arraycopy(yy, from, oo, from, to - from);
            }
        });
    }

    @Override
    public void attention(Buf qb, Buf kb, Buf vb, int samples, int n, int d, Buf ab, Buf cb) {
        double[] q = qb.d, k = kb.d, v = vb.d, a = ab.d, c = cb.d;
        double scale = 1.0 / Math.sqrt(d);
        Parallel.forRange(samples, (long) samples * n * n * d * 2, (from, to) -> {
            for (int s = from; s < to; s++) {
                int base = s * n * d;
                int ab0 = s * n * n;
                for (int i = 0; i < n; i++) {
                    int qi = base + i * d;
                    int ai = ab0 + i * n;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        int kj = base + j * d;
                        double dot = 0;
                        for (int t = 0; t < d; t++) {
                            dot += q[qi + t] * k[kj + t];
                        }
                        dot *= scale;
                        a[ai + j] = dot;
                        max = Math.max(max, dot);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        double e = Math.exp(a[ai + j] - max);
                        a[ai + j] = e;
                        sum += a[ai + j];
                    }
                    double inv = (1.0 / sum);
                    for (int j = 0; j <= i; j++) {
                        a[ai + j] *= inv;
                    }
                    for (int j = i + 1; j < n; j++) {
                        a[ai + j] = 0.0;
                    }
                    int ci = base + i * d;
                    Arrays.fill(c, ci, ci + d, 0.0);
                    for (int j = 0; j <= i; j++) {
                        double w = a[ai + j];
                        int vj = base + j * d;
                        for (int t = 0; t < d; t++) {
                            c[ci + t] += w * v[vj + t];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void attentionBackward(Buf qb, Buf kb, Buf vb, Buf ab, Buf gcb, int samples, int n, int d, Buf gqb,
            Buf gkb, Buf gvb) {
        double[] q = qb.d, k = kb.d, v = vb.d, a = ab.d, gc = gcb.d, gq = gqb.d, gk = gkb.d, gv = gvb.d;
        double scale = (1.0 / Math.sqrt(d));
        Parallel.forRange(samples, (long) samples * n * n * d * 4, (from, to) -> {
            double[] gs = new double[n];
            for (int s = from; s < to; s++) {
                int base = s * n * d;
                int ab0 = s * n * n;
                Arrays.fill(gq, base, base + n * d, 0.0);
                Arrays.fill(gk, base, base + n * d, 0.0);
                Arrays.fill(gv, base, base + n * d, 0.0);
                for (int i = 0; i < n; i++) {
                    int ci = base + i * d;
                    int ai = ab0 + i * n;
                    double dotSum = 0;
                    for (int j = 0; j <= i; j++) {
                        int vj = base + j * d;
                        double w = a[ai + j];
                        double ga = 0;
                        for (int t = 0; t < d; t++) {
                            ga += gc[ci + t] * v[vj + t];
                        }
                        for (int t = 0; t < d; t++) {
                            gv[vj + t] += w * gc[ci + t];
                        }
                        gs[j] = ga;
                        dotSum += w * ga;
                    }
                    for (int j = 0; j <= i; j++) {
                        double g = (a[ai + j] * (gs[j] - dotSum) * scale);
                        int kj = base + j * d;
                        for (int t = 0; t < d; t++) {
                            gq[ci + t] += g * k[kj + t];
                        }
                        for (int t = 0; t < d; t++) {
                            gk[kj + t] += g * q[ci + t];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void mix(Buf p, int mo, Buf hb, int samples, int n, int d, Buf tb) {
        double[] w = p.d, h = hb.d, t = tb.d;
        Parallel.forRange(samples, (long) samples * n * n * d, (from, to) -> {
            for (int s = from; s < to; s++) {
                int base = s * n * d;
                for (int i = 0; i < n; i++) {
                    int ti = base + i * d;
                    Arrays.fill(t, ti, ti + d, 0.0);
                    for (int kk = 0; kk < n; kk++) {
                        double m = w[mo + i * n + kk];
                        int hk = base + kk * d;
                        for (int j = 0; j < d; j++) {
                            t[ti + j] += m * h[hk + j];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void mixBackward(Buf p, int mo, Buf hb, Buf gtb, int samples, int n, int d, Buf gp, Buf ghb) {
        double[] w = p.d, h = hb.d, gt = gtb.d, out = gp.d, gh = ghb.d;
        // gW1[i, kk] += sum_s <gT_s[i, :], H_s[kk, :]>, samples in order
        for (int i = 0; i < n; i++) {
            for (int kk = 0; kk < n; kk++) {
                double acc = 0;
                for (int s = 0; s < samples; s++) {
                    int ti = (s * n + i) * d, hk = (s * n + kk) * d;
                    double dot = 0.0;
                    for (int j = 0; j < d; j++) {
                        dot += gt[ti + j] * h[hk + j];
                    }
                    acc += dot;
                }
                out[mo + i * n + kk] += acc;
            }
        }
        Parallel.forRange(samples, (long) samples * n * n * d, (from, to) -> {
            for (int s = from; s < to; s++) {
                int base = s * n * d;
                Arrays.fill(gh, base, base + n * d, 0.0);
                for (int i = 0; i < n; i++) {
                    int ti = base + i * d;
                    for (int kk = 0; kk < n; kk++) {
                        double m = w[mo + i * n + kk];
                        int hk = base + kk * d;
                        for (int j = 0; j < d; j++) {
                            gh[hk + j] += m * gt[ti + j];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void gatherLast(Buf x, int samples, int n, int d, Buf out) {
        for (int s = 0; s < samples; s++) {
            System.arraycopy(x.d, (s * n + n - 1) * d, out.d, s * d, d);
        }
    }

    @Override
    public void scatterLast(Buf g, int samples, int n, int d, Buf gx) {
        Arrays.fill(gx.d, 0, samples * n * d, 0.0);
        for (int s = 0; s < samples; s++) {
            System.arraycopy(g.d, s * d, gx.d, (s * n + n - 1) * d, d);
        }
    }

    @Override
    public double softmaxCrossEntropy(Buf lb, int rows, int c, int[] labels, int l0, double scale) {
        double[] z = lb.d;
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            int o = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[o + j]);
            }
            int y = labels[l0 + i];
            double ly = z[o + y] - max;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(z[o + j] - max);
                z[o + j] = e;
                sum += e;
            }
            loss += Math.log(sum) - ly;
            double f = scale / sum;
            for (int j = 0; j < c; j++) {
                z[o + j] = (z[o + j] * f);
            }
            z[o + y] -= scale;
        }
        return loss;
    }
}

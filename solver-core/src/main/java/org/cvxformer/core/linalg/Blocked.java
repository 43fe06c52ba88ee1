package org.cvxformer.core.linalg;

/**
 * The packed, cache-blocked body of {@link Gemm#gemm} (the Goto/BLIS scheme): {@code op(B)} is
 * copied in {@code KC x NC} blocks into column panels of {@code NR} contiguous entries per
 * {@code k}, {@code op(A)} in {@code MR x KC} row panels of {@code MR} contiguous entries per
 * {@code k}, and a microkernel adds the {@code MR x NR} product of one panel pair into {@code C}
 * by broadcast multiply-adds held in registers ({@link VectorGemm} with the Vector API, the scalar
 * kernel here otherwise). Packing makes the four {@code op} combinations one kernel and pads the
 * ragged edges with zeros, so the kernel only ever computes full tiles.
 *
 * <p>Order: an entry of {@code C} is summed over {@code k} block by block of {@link #KC} in
 * increasing {@code k}, each block's terms accumulated in order from zero, then added to
 * {@code C}. That order depends on {@code k} alone, never on which rows or columns a call (or a
 * thread) covers, so any split of {@code C} gives the same bits.
 */
final class Blocked {
    /** Depth of a packed block: {@code MR x KC} of A in L1, {@code KC x NC} of B in L2. */
    static final int KC = 256;
    /** Width of a packed block of B: 256 x 512 floats (or x 256 doubles) is 512 KB, half the L2. */
    static final int NC32 = 512;
    static final int NC64 = 256;
    /** Microkernel tile: rows of A, and columns of B (two 256-bit vectors). */
    static final int MR = 6;
    static final int NR32 = 16;
    static final int NR64 = 8;

    private Blocked() {
    }

    /** Per-thread packing buffers (grown once; no allocation per call after the first). */
    private static final class Buffers {
        float[] a32 = new float[MR * KC];
        float[] b32 = new float[KC * NC32];
        float[] t32 = new float[MR * NR32];
        double[] a64 = new double[MR * KC];
        double[] b64 = new double[KC * NC64];
        double[] t64 = new double[MR * NR64];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    // ------------------------------------------------------------------ float

    /** Rows {@code [i0, i1)} and columns {@code [j0, j1)} of {@code C}; see {@link Gemm#gemm}. */
    static void gemm(boolean simd, boolean ta, boolean tb, int i0, int i1, int j0, int j1, int k,
            float[] a, int ao, int lda, float[] b, int bo, int ldb, boolean acc, float[] c, int co, int ldc) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        if (k == 0) {
            if (!acc) {
                for (int i = i0; i < i1; i++) {
                    java.util.Arrays.fill(c, co + i * ldc + j0, co + i * ldc + j1, 0f);
                }
            }
            return;
        }
        Buffers w = BUFFERS.get();
        float[] ap = w.a32, bp = w.b32, tile = w.t32;
        for (int jc = j0; jc < j1; jc += NC32) {
            int nc = Math.min(NC32, j1 - jc);
            int panels = (nc + NR32 - 1) / NR32;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = acc || pc > 0;
                packB(tb, b, bo, ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += MR) {
                    int mr = Math.min(MR, i1 - ic);
                    // a full panel of A is read in place (entry (r, p) at aBase + r rs + p ps: six rows
                    // streamed along k); a panel of A^T (six entries per k, lda apart) or a ragged last
                    // panel is packed, the latter with zero rows
                    float[] asrc;
                    int aBase, rs, ps;
                    if (mr == MR && !ta) {
                        asrc = a;
                        aBase = ao + ic * lda + pc;
                        rs = lda;
                        ps = 1;
                    } else {
                        packA(ta, a, ao, lda, ic, mr, pc, kc, ap);
                        asrc = ap;
                        aBase = 0;
                        rs = 1;
                        ps = MR;
                    }
                    for (int q = 0; q < panels; q++) {
                        int j = jc + q * NR32;
                        int nr = Math.min(NR32, jc + nc - j);
                        int cij = co + ic * ldc + j;
                        if (simd) {
                            VectorGemm.kernel32(kc, asrc, aBase, rs, ps, bp, q * kc * NR32, c, cij, ldc, mr, nr, add, tile);
                        } else {
                            kernel32(kc, asrc, aBase, rs, ps, bp, q * kc * NR32, c, cij, ldc, mr, nr, add, tile);
                        }
                    }
                }
            }
        }
    }

    /** {@code ap[p * MR + r] = op(A)[i + r, pc + p]}, rows beyond {@code mr} zero. */
    private static void packA(boolean ta, float[] a, int ao, int lda, int i, int mr, int pc, int kc, float[] ap) {
        if (mr < MR) {
            java.util.Arrays.fill(ap, 0, kc * MR, 0f);
        }
        if (ta) {
            // op(A)[i, p] = a[p * lda + i]: each k is a contiguous run of rows
            for (int p = 0; p < kc; p++) {
                int src = ao + (pc + p) * lda + i;
                int dst = p * MR;
                for (int r = 0; r < mr; r++) {
                    ap[dst + r] = a[src + r];
                }
            }
        } else {
            for (int r = 0; r < mr; r++) {
                int src = ao + (i + r) * lda + pc;
                for (int p = 0; p < kc; p++) {
                    ap[p * MR + r] = a[src + p];
                }
            }
        }
    }

    /** Panel {@code q} of {@code bp}: {@code bp[q * kc * NR + p * NR + s] = op(B)[pc + p, jc + q * NR + s]}, padded with zeros. */
    private static void packB(boolean tb, float[] b, int bo, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        int panels = (nc + NR32 - 1) / NR32;
        for (int q = 0; q < panels; q++) {
            int j = jc + q * NR32;
            int nr = Math.min(NR32, jc + nc - j);
            int base = q * kc * NR32;
            if (nr < NR32) {
                java.util.Arrays.fill(bp, base, base + kc * NR32, 0f);
            }
            if (tb) {
                // op(B)[p, j] = b[j * ldb + p]
                for (int s = 0; s < nr; s++) {
                    int src = bo + (j + s) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR32 + s] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bo + (pc + p) * ldb + j, bp, base + p * NR32, nr);
                }
            }
        }
    }

    /** Scalar microkernel: the {@code mr x nr} corner of the tile, added to C (or stored, if not {@code add}). */
    private static void kernel32(int kc, float[] ap, int ab, int rs, int ps, float[] bp, int bo, float[] c, int co,
            int ldc, int mr, int nr, boolean add, float[] t) {
        java.util.Arrays.fill(t, 0f);
        for (int p = 0; p < kc; p++) {
            int bq = bo + p * NR32;
            for (int r = 0; r < MR; r++) {
                float x = ap[ab + r * rs + p * ps];
                int tr = r * NR32;
                for (int s = 0; s < NR32; s++) {
                    t[tr + s] += x * bp[bq + s];
                }
            }
        }
        storeTile(t, NR32, c, co, ldc, mr, nr, add);
    }

    static void storeTile(float[] t, int nrFull, float[] c, int co, int ldc, int mr, int nr, boolean add) {
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc;
            int tr = r * nrFull;
            if (add) {
                for (int s = 0; s < nr; s++) {
                    c[o + s] += t[tr + s];
                }
            } else {
                System.arraycopy(t, tr, c, o, nr);
            }
        }
    }

    // ------------------------------------------------------------------ double (same scheme)

    static void gemm(boolean simd, boolean ta, boolean tb, int i0, int i1, int j0, int j1, int k,
            double[] a, int ao, int lda, double[] b, int bo, int ldb, boolean acc, double[] c, int co, int ldc) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        if (k == 0) {
            if (!acc) {
                for (int i = i0; i < i1; i++) {
                    java.util.Arrays.fill(c, co + i * ldc + j0, co + i * ldc + j1, 0.0);
                }
            }
            return;
        }
        Buffers w = BUFFERS.get();
        double[] ap = w.a64, bp = w.b64, tile = w.t64;
        for (int jc = j0; jc < j1; jc += NC64) {
            int nc = Math.min(NC64, j1 - jc);
            int panels = (nc + NR64 - 1) / NR64;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = acc || pc > 0;
                packB(tb, b, bo, ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += MR) {
                    int mr = Math.min(MR, i1 - ic);
                    // a full panel of A is read in place (entry (r, p) at aBase + r rs + p ps: six rows
                    // streamed along k); a panel of A^T (six entries per k, lda apart) or a ragged last
                    // panel is packed, the latter with zero rows
                    double[] asrc;
                    int aBase, rs, ps;
                    if (mr == MR && !ta) {
                        asrc = a;
                        aBase = ao + ic * lda + pc;
                        rs = lda;
                        ps = 1;
                    } else {
                        packA(ta, a, ao, lda, ic, mr, pc, kc, ap);
                        asrc = ap;
                        aBase = 0;
                        rs = 1;
                        ps = MR;
                    }
                    for (int q = 0; q < panels; q++) {
                        int j = jc + q * NR64;
                        int nr = Math.min(NR64, jc + nc - j);
                        int cij = co + ic * ldc + j;
                        if (simd) {
                            VectorGemm.kernel64(kc, asrc, aBase, rs, ps, bp, q * kc * NR64, c, cij, ldc, mr, nr, add, tile);
                        } else {
                            kernel64(kc, asrc, aBase, rs, ps, bp, q * kc * NR64, c, cij, ldc, mr, nr, add, tile);
                        }
                    }
                }
            }
        }
    }

    private static void packA(boolean ta, double[] a, int ao, int lda, int i, int mr, int pc, int kc, double[] ap) {
        if (mr < MR) {
            java.util.Arrays.fill(ap, 0, kc * MR, 0.0);
        }
        if (ta) {
            for (int p = 0; p < kc; p++) {
                int src = ao + (pc + p) * lda + i;
                int dst = p * MR;
                for (int r = 0; r < mr; r++) {
                    ap[dst + r] = a[src + r];
                }
            }
        } else {
            for (int r = 0; r < mr; r++) {
                int src = ao + (i + r) * lda + pc;
                for (int p = 0; p < kc; p++) {
                    ap[p * MR + r] = a[src + p];
                }
            }
        }
    }

    private static void packB(boolean tb, double[] b, int bo, int ldb, int pc, int kc, int jc, int nc, double[] bp) {
        int panels = (nc + NR64 - 1) / NR64;
        for (int q = 0; q < panels; q++) {
            int j = jc + q * NR64;
            int nr = Math.min(NR64, jc + nc - j);
            int base = q * kc * NR64;
            if (nr < NR64) {
                java.util.Arrays.fill(bp, base, base + kc * NR64, 0.0);
            }
            if (tb) {
                for (int s = 0; s < nr; s++) {
                    int src = bo + (j + s) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR64 + s] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bo + (pc + p) * ldb + j, bp, base + p * NR64, nr);
                }
            }
        }
    }

    private static void kernel64(int kc, double[] ap, int ab, int rs, int ps, double[] bp, int bo, double[] c, int co,
            int ldc, int mr, int nr, boolean add, double[] t) {
        java.util.Arrays.fill(t, 0.0);
        for (int p = 0; p < kc; p++) {
            int bq = bo + p * NR64;
            for (int r = 0; r < MR; r++) {
                double x = ap[ab + r * rs + p * ps];
                int tr = r * NR64;
                for (int s = 0; s < NR64; s++) {
                    t[tr + s] += x * bp[bq + s];
                }
            }
        }
        storeTile(t, NR64, c, co, ldc, mr, nr, add);
    }

    static void storeTile(double[] t, int nrFull, double[] c, int co, int ldc, int mr, int nr, boolean add) {
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc;
            int tr = r * nrFull;
            if (add) {
                for (int s = 0; s < nr; s++) {
                    c[o + s] += t[tr + s];
                }
            } else {
                System.arraycopy(t, tr, c, o, nr);
            }
        }
    }
}

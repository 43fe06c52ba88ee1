package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import java.util.function.Function;
import static org.cvxformer.neural.FiniteDifferences.H;
import static org.cvxformer.neural.FiniteDifferences.TOL;
import static org.cvxformer.neural.FiniteDifferences.assertClose;
import static org.cvxformer.neural.FiniteDifferences.fd;
import static org.cvxformer.neural.FiniteDifferences.gauss;

import org.junit.jupiter.api.Test;

/**
 * {@link ConvexHead} and {@link KernelPreconditioning} against central finite differences in
 * float64 (as {@link GradientCheckTest} does for the other blocks), the convex stack with both, and
 * the map from the head's parameters to (P)'s {@code Z}: its scores reproduce the network's logits.
 */
class ConvexHeadTest {

    /** L = <block(x), w>: its analytic gradients (parameters and input) against finite differences. */
    private static void checkBlock(String what, Function<Params, Block> make, int samples, int n, int in, int outLen,
            long seed) {
        Rng r = new Rng(seed);
        Params pp = new Params();
        Block b = make.apply(pp);
        double[] p = gauss(r, pp.size(), 1);
        for (ParamBlock pb : pp.blocks()) {
            if (pb.kind() == ParamBlock.Kind.SIMPLEX) {
                SimplexProjection.projectRows(p, pb.offset(), pb.rows(), pb.cols());
            }
        }
        int rows = samples * n;
        double[] x = gauss(r, rows * in, 1);
        double[] w = gauss(r, outLen, 1);
        int[] tokens = new int[rows];
        Buf xb = Buf.of(x);
        DoubleSupplier loss = () -> {
            Pass ps = new Pass(Arith.F64, Buf.of(p), Buf.of(new double[p.length]), tokens, 0, samples, false, 1);
            Buf y = b.forward(ps, xb, rows);
            double s = 0;
            for (int i = 0; i < outLen; i++) {
                s += y.get(i) * w[i];
            }
            return s;
        };
        double[] grad = new double[p.length];
        Pass ps = new Pass(Arith.F64, Buf.of(p), Buf.of(grad), tokens, 0, samples, false, 1);
        b.forward(ps, xb, rows);
        Buf gx = b.backward(ps, Buf.of(w.clone()));
        for (ParamBlock pb : pp.blocks()) {
            assertClose(what + " " + pb.name(), grad, pb.offset(), fd(loss, p, pb.offset(), pb.end()));
        }
        double[] g = new double[x.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gx.get(i);
        }
        assertClose(what + " input", g, 0, fd(loss, x, 0, x.length));
    }

    @Test
    void convexHeadAgainstFiniteDifferences() {
        checkBlock("head", pp -> new ConvexHead(pp, "head", 4, 5, 3, 0.0, ConvexStack.Penalty.GROUP), 6, 4, 5, 18, 21);
        for (ConvexStack.Penalty kind : ConvexStack.Penalty.values()) {
            Params pp = new Params();
            ConvexHead h = new ConvexHead(pp, "head", 3, 4, 5, 0.3, kind);
            double[] p = gauss(new Rng(22), pp.size(), 1);
            double[] g = new double[p.length];
            h.penalty(p, g);
            assertClose("head penalty " + kind, g, 0, fd(() -> h.penalty(p, new double[p.length]), p, 0, p.length));
        }
    }

    @Test
    void kernelPreconditioningAgainstFiniteDifferencesAndItsMatrix() {
        double[] v = gauss(new Rng(23), 6 * 5, 1);
        checkBlock("kernel", pp -> new KernelPreconditioning("k", v, 6, 5), 3, 2, 5, 36, 24);
        // y_k = V x_k, entry by entry
        KernelPreconditioning k = new KernelPreconditioning("k", v, 6, 5);
        double[] x = gauss(new Rng(25), 2 * 5, 1);
        Buf y = k.forward(new Pass(Arith.F64, Buf.of(new double[0]), null, new int[2], 0, 2, false, 0), Buf.of(x), 2);
        for (int row = 0; row < 2; row++) {
            for (int i = 0; i < 6; i++) {
                double e = 0;
                for (int j = 0; j < 5; j++) {
                    e += v[i * 5 + j] * x[row * 5 + j];
                }
                assertEquals(e, y.get(row * 6 + i), 1e-12);
            }
        }
    }

    private static ConvexStack stack(NetConfig cfg, boolean kernel, long seed) {
        int d = cfg.dModel();
        return new ConvexStack(cfg, 1e-2, ConvexStack.Penalty.GROUP, seed,
                kernel ? b -> gauss(new Rng(100 + b), d * d, 1.0 / Math.sqrt(d)) : null);
    }

    @Test
    void stackWithHeadAndKernelAgainstFiniteDifferences() {
        for (boolean kernel : new boolean[] {false, true}) {
            for (boolean dropout : new boolean[] {false, true}) {
                NetConfig cfg = new NetConfig(7, 3, 6, 2, 4, dropout ? 0.25 : 0.0);
                ConvexStack m = stack(cfg, kernel, 31);
                m.setPrecision(Precision.FLOAT64);
                Rng r = new Rng(32);
                int batch = 5;
                int[] tokens = new int[batch * 3];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = r.nextInt(7);
                }
                int[] labels = {0, 3, 1, 2, 3};
                double[] p = m.parameters();
                for (int i = 0; i < p.length; i++) {
                    p[i] += 0.1 * r.nextGaussian();
                }
                m.project();
                double[] grad = new double[p.length];
                double[] scratch = new double[p.length];
                m.lossAndGradient(tokens, labels, batch, grad, 5, dropout);
                DoubleSupplier loss = () -> m.lossAndGradient(tokens, labels, batch, scratch, 5, dropout);
                for (ParamBlock b : m.blocks()) {
                    if (b.name().endsWith(".w1")) {
                        continue; // projected simplex rows: checked as the block above (free directions)
                    }
                    assertClose((kernel ? "kernel " : "") + (dropout ? "dropout " : "") + b.name(), grad, b.offset(),
                            fd(loss, p, b.offset(), b.end()));
                }
            }
        }
    }

    @Test
    void layersCountTheConvexBlocksWithTheHeadNamedForSpectra() {
        ConvexStack m = stack(new NetConfig(7, 4, 8, 2, 5, 0.0), true, 3);
        assertTrue(m.blocks().stream().anyMatch(b -> b.name().equals("layer0.convex.w2")));
        assertTrue(m.blocks().stream().anyMatch(b -> b.name().equals("head.convex.w2")));
        assertTrue(m.blocks().stream().noneMatch(b -> b.name().startsWith("layer1.")));
        assertTrue(m.hasKernel());
        assertEquals(8, m.head().width());
        assertEquals(5, m.head().classes());
    }

    /** s_i from the network equals <Z_l, H_i> with z_lk = w1_k W2[:, l], for every sample, in float64. */
    @Test
    void headZReproducesTheNetworkLogitsAndItsPenalty() {
        for (boolean kernel : new boolean[] {false, true}) {
            NetConfig cfg = new NetConfig(9, 4, 8, 2, 5, 0.3);
            ConvexStack m = stack(cfg, kernel, 41);
            m.setPrecision(Precision.FLOAT64);
            Rng r = new Rng(42);
            int count = 600; // more than one evaluation chunk
            int[] tokens = new int[count * 4];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = r.nextInt(9);
            }
            double[] logits = new double[count * 5];
            m.logits(tokens, count, logits);
            double[] h = m.headInputs(tokens, count);
            double[] z = m.head().toZ(m.parameters());
            double maxAbs = 0;
            for (int i = 0; i < count; i++) {
                for (int l = 0; l < 5; l++) {
                    double s = 0;
                    for (int q = 0; q < 4 * 8; q++) {
                        s += z[l * 32 + q] * h[i * 32 + q];
                    }
                    maxAbs = Math.max(maxAbs, Math.abs(logits[i * 5 + l]));
                    assertEquals(logits[i * 5 + l], s, 1e-12 * (1 + Math.abs(s)), "sample " + i + " class " + l);
                }
            }
            assertTrue(maxAbs > 0.1);
            // the group penalty of Z equals the head's penalty (w1 on the simplex)
            double groups = 0;
            for (int g = 0; g < 5 * 4; g++) {
                double ss = 0;
                for (int j = 0; j < 8; j++) {
                    ss += z[g * 8 + j] * z[g * 8 + j];
                }
                groups += Math.sqrt(ss);
            }
            double head = m.head().penalty(m.parameters(), new double[m.parameterCount()]);
            assertEquals(head, 1e-2 * groups, 1e-14);
        }
    }
}

package org.cvxformer.neural;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** Analytic gradients of every layer and of both full models against central finite differences. */
class GradientCheckTest {
    private static final double H = 1e-5;
    private static final double TOL = 1e-6;

    private static double[] gauss(Rng r, int len, double std) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
            a[i] = std * r.nextGaussian();
        }
        return a;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Central differences of {@code loss} with respect to every entry of {@code x} in [from, to). */
    private static double[] fd(DoubleSupplier loss, double[] x, int from, int to) {
        double[] g = new double[to - from];
        for (int i = from; i < to; i++) {
            double old = x[i];
            x[i] = old + H;
            double lp = loss.getAsDouble();
            x[i] = old - H;
            double lm = loss.getAsDouble();
            x[i] = old;
            g[i - from] = (lp - lm) / (2 * H);
        }
        return g;
    }

    /** max |a - b| / max |b|. */
    private static void assertClose(String what, double[] analytic, int ao, double[] numeric) {
        double err = 0;
        double scale = 1e-12;
        for (int i = 0; i < numeric.length; i++) {
            err = Math.max(err, Math.abs(analytic[ao + i] - numeric[i]));
            scale = Math.max(scale, Math.abs(numeric[i]));
        }
        double rel = err / scale;
        assertTrue(rel <= TOL, what + ": relative error " + rel);
    }

    @Test
    void dense() {
        Rng r = new Rng(1);
        int rows = 6;
        int k = 5;
        int n = 7;
        double[] x = gauss(r, rows * k, 1);
        double[] p = gauss(r, k * n + n, 1);
        double[] wts = gauss(r, rows * n, 1);
        DoubleSupplier loss = () -> {
            double[] y = new double[rows * n];
            Layers.denseForward(x, 0, rows, k, p, 0, k * n, n, y, 0);
            return dot(y, wts);
        };
        double[] pt = new double[k * n];
        Layers.transpose(p, 0, k, n, pt, 0);
        double[] gp = new double[p.length];
        double[] gx = new double[x.length];
        Layers.denseBackward(x, 0, rows, k, pt, 0, 0, k * n, n, wts, 0, gp, gx, 0);
        assertClose("dense W,b", gp, 0, fd(loss, p, 0, p.length));
        assertClose("dense x", gx, 0, fd(loss, x, 0, x.length));
    }

    @Test
    void layerNorm() {
        Rng r = new Rng(2);
        int rows = 5;
        int d = 6;
        double[] x = gauss(r, rows * d, 2);
        double[] p = gauss(r, 2 * d, 1);
        double[] wts = gauss(r, rows * d, 1);
        DoubleSupplier loss = () -> {
            double[] y = new double[rows * d];
            Layers.layerNormForward(x, 0, rows, d, p, 0, d, y, 0, new double[rows * d], 0,
                    new double[rows], 0);
            return dot(y, wts);
        };
        double[] y = new double[rows * d];
        double[] xh = new double[rows * d];
        double[] rs = new double[rows];
        Layers.layerNormForward(x, 0, rows, d, p, 0, d, y, 0, xh, 0, rs, 0);
        double[] gp = new double[p.length];
        double[] gx = new double[x.length];
        Layers.layerNormBackward(wts, 0, rows, d, p, 0, d, xh, 0, rs, 0, gp, gx, 0);
        assertClose("ln params", gp, 0, fd(loss, p, 0, p.length));
        assertClose("ln x", gx, 0, fd(loss, x, 0, x.length));
    }

    @Test
    void attention() {
        Rng r = new Rng(3);
        int s = 3;
        int n = 4;
        int d = 5;
        double[] q = gauss(r, s * n * d, 1);
        double[] k = gauss(r, s * n * d, 1);
        double[] v = gauss(r, s * n * d, 1);
        double[] wts = gauss(r, s * n * d, 1);
        DoubleSupplier loss = () -> {
            double[] c = new double[s * n * d];
            Layers.attentionForward(q, k, v, s, n, d, new double[s * n * n], c);
            return dot(c, wts);
        };
        double[] a = new double[s * n * n];
        double[] c = new double[s * n * d];
        Layers.attentionForward(q, k, v, s, n, d, a, c);
        double[] gq = new double[q.length];
        double[] gk = new double[k.length];
        double[] gv = new double[v.length];
        Layers.attentionBackward(q, k, v, a, wts, s, n, d, gq, gk, gv);
        assertClose("attn q", gq, 0, fd(loss, q, 0, q.length));
        assertClose("attn k", gk, 0, fd(loss, k, 0, k.length));
        assertClose("attn v", gv, 0, fd(loss, v, 0, v.length));
    }

    @Test
    void convexMix() {
        Rng r = new Rng(4);
        int s = 3;
        int n = 4;
        int d = 5;
        double[] m = gauss(r, n * n, 1);
        double[] h = gauss(r, s * n * d, 1);
        double[] wts = gauss(r, s * n * d, 1);
        DoubleSupplier loss = () -> {
            double[] t = new double[s * n * d];
            Layers.mixForward(m, 0, h, s, n, d, t);
            return dot(t, wts);
        };
        double[] gm = new double[m.length];
        double[] gh = new double[h.length];
        Layers.mixBackward(m, 0, h, wts, s, n, d, gm, gh);
        assertClose("mix W1", gm, 0, fd(loss, m, 0, m.length));
        assertClose("mix H", gh, 0, fd(loss, h, 0, h.length));
    }

    @Test
    void embedding() {
        Rng r = new Rng(5);
        int s = 3;
        int n = 4;
        int d = 3;
        int vocab = 5;
        int[] tokens = new int[s * n];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.nextInt(vocab);
        }
        double[] p = gauss(r, vocab * d + n * d, 1);
        double[] wts = gauss(r, s * n * d, 1);
        DoubleSupplier loss = () -> {
            double[] x = new double[s * n * d];
            Layers.embedForward(tokens, 0, s, n, d, p, 0, vocab * d, x);
            return dot(x, wts);
        };
        double[] gp = new double[p.length];
        Layers.embedBackward(tokens, 0, s, n, d, wts, 0, vocab * d, gp);
        assertClose("embedding", gp, 0, fd(loss, p, 0, p.length));
    }

    @Test
    void softmaxCrossEntropy() {
        Rng r = new Rng(6);
        int rows = 4;
        int c = 5;
        double[] z = gauss(r, rows * c, 2);
        int[] labels = {0, 3, 4, 1};
        DoubleSupplier loss = () -> Layers.softmaxCrossEntropy(z.clone(), rows, c, labels, 0, 0.25) * 0.25;
        double[] g = z.clone();
        Layers.softmaxCrossEntropy(g, rows, c, labels, 0, 0.25);
        assertClose("softmax CE", g, 0, fd(loss, z, 0, z.length));
    }

    private static void checkModel(String what, Model m, int batch, boolean train) {
        Rng r = new Rng(7);
        int n = m.seqLen();
        int[] tokens = new int[batch * n];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.nextInt(m.vocab());
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(m.classes());
        }
        double[] p = m.parameters();
        // move LN gains / biases off their initial values so their gradients are generic
        for (int i = 0; i < p.length; i++) {
            p[i] += 0.1 * r.nextGaussian();
        }
        long seed = 42;
        double[] grad = new double[m.parameterCount()];
        double[] scratch = new double[m.parameterCount()];
        m.lossAndGradient(tokens, labels, batch, grad, seed, train);
        DoubleSupplier loss = () -> m.lossAndGradient(tokens, labels, batch, scratch, seed, train);
        for (ParamBlock b : m.blocks()) {
            assertClose(what + " " + b.name(), grad, b.offset(), fd(loss, p, b.offset(), b.end()));
        }
    }

    @Test
    void nonconvexModel() {
        NetConfig cfg = new NetConfig(7, 4, 8, 2, 5, 0.0);
        checkModel("nonconvex", new NonconvexTransformer(cfg, 11), 10, false);
    }

    @Test
    void nonconvexModelWithFixedDropoutMask() {
        NetConfig cfg = new NetConfig(7, 4, 8, 2, 5, 0.3);
        checkModel("nonconvex+dropout", new NonconvexTransformer(cfg, 12), 9, true);
    }

    @Test
    void convexStackModel() {
        NetConfig cfg = new NetConfig(7, 4, 8, 2, 5, 0.0);
        checkModel("convex", new ConvexStack(cfg, 1e-2, ConvexStack.Penalty.GROUP, 13), 10, false);
        checkModel("convex-frob", new ConvexStack(cfg, 1e-2, ConvexStack.Penalty.FROBENIUS, 14), 10,
                false);
    }

    @Test
    void convexStackModelWithFixedDropoutMask() {
        NetConfig cfg = new NetConfig(7, 3, 6, 1, 4, 0.25);
        checkModel("convex+dropout", new ConvexStack(cfg, 1e-2, ConvexStack.Penalty.GROUP, 15), 5, true);
    }
}

package org.cvxformer.neural;

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
 * Every block's backward, the loss and both full models against central finite differences, in
 * float64: for a block {@code y = f(x; theta)} and fixed random weights {@code w}, the scalar
 * {@code L = <y, w>} has gradient {@code backward(w)}, which must match
 * {@code (L(z + h) - L(z - h)) / 2h} for every entry {@code z} of {@code theta} and of {@code x}.
 */
class GradientCheckTest {

    private static double dot(Buf a, double[] b) {
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            s += a.get(i) * b[i];
        }
        return s;
    }

    /**
     * Checks one block: {@code make} builds it on a fresh {@link Params}; the input is
     * {@code samples x n x in} (ignored by the embedding), the output {@code outLen} entries.
     */
    private static void checkBlock(String what, Function<Params, Block> make, int samples, int n, int in,
            int outLen, boolean train, long seed) {
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
        for (int i = 0; i < rows; i++) {
            tokens[i] = r.nextInt(5);
        }
        double[] grad = new double[p.length];
        Buf xb = Buf.of(x);
        DoubleSupplier loss = () -> {
            Pass ps = new Pass(Arith.F64, Buf.of(p), Buf.of(new double[p.length]), tokens, 0, samples, train, 77);
            return dot(b.forward(ps, xb, rows), w);
        };
        Pass ps = new Pass(Arith.F64, Buf.of(p), Buf.of(grad), tokens, 0, samples, train, 77);
        b.forward(ps, xb, rows);
        Buf gx = b.backward(ps, Buf.of(w.clone()));
        for (ParamBlock pb : pp.blocks()) {
            assertClose(what + " " + pb.name(), grad, pb.offset(), fd(loss, p, pb.offset(), pb.end()));
        }
        if (gx != null) {
            double[] g = new double[x.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = gx.get(i);
            }
            assertClose(what + " input", g, 0, fd(loss, x, 0, x.length));
        }
    }

    @Test
    void embedding() {
        checkBlock("embedding", pp -> new Embedding(pp, 5, 4, 3), 3, 4, 3, 3 * 4 * 3, false, 1);
    }

    @Test
    void layerNorm() {
        checkBlock("layer norm", pp -> new LayerNorm(pp, "ln", 6), 5, 1, 6, 30, false, 2);
    }

    @Test
    void linearWithAndWithoutBias() {
        checkBlock("linear", pp -> new Linear(pp, "lin", 5, 7, true), 6, 1, 5, 42, false, 3);
        checkBlock("linear no bias", pp -> new Linear(pp, "lin", 5, 7, false), 6, 1, 5, 42, false, 4);
    }

    @Test
    void mlp() {
        checkBlock("mlp", pp -> new Mlp(pp, "mlp", 5, 9), 7, 1, 5, 35, false, 5);
    }

    @Test
    void softmaxAttention() {
        checkBlock("attention", pp -> new SoftmaxAttention(pp, "attn", 4, 5), 3, 4, 5, 60, false, 6);
        checkBlock("3-head attention", pp -> new SoftmaxAttention(pp, "attn", 4, 6, 3), 3, 4, 6, 72, false, 12);
    }

    @Test
    void convexMixWithBothPenaltiesInTheirOwnTerm() {
        checkBlock("convex W1 H W2", pp -> new ConvexMix(pp, "cvx", 4, 5, 0.0, ConvexStack.Penalty.GROUP), 3, 4, 5,
                60, false, 7);
        // the penalty's gradient against finite differences of the penalty alone
        for (ConvexStack.Penalty kind : ConvexStack.Penalty.values()) {
            Params pp = new Params();
            ConvexMix m = new ConvexMix(pp, "cvx", 3, 4, 0.3, kind);
            double[] p = gauss(new Rng(8), pp.size(), 1);
            double[] g = new double[p.length];
            m.penalty(p, g);
            assertClose("penalty " + kind, g, 0, fd(() -> m.penalty(p, new double[p.length]), p, 0, p.length));
        }
    }

    @Test
    void dropoutAndResidualWithAFixedMask() {
        checkBlock("dropout", pp -> new Dropout(pp, 0.4, 6), 4, 3, 6, 72, true, 9);
        checkBlock("residual(ln, mlp) + dropout", pp -> new Residual(pp, 0.3, 6, new LayerNorm(pp, "ln", 6),
                new Mlp(pp, "mlp", 6, 8)), 4, 3, 6, 72, true, 10);
    }

    @Test
    void lastPosition() {
        checkBlock("last position", pp -> new LastPosition(4, 3), 5, 4, 3, 15, false, 11);
    }

    @Test
    void softmaxCrossEntropy() {
        Rng r = new Rng(6);
        int rows = 4;
        int c = 5;
        double[] z = gauss(r, rows * c, 2);
        int[] labels = {0, 3, 4, 1};
        DoubleSupplier loss = () -> Arith.F64.softmaxCrossEntropy(Buf.of(z.clone()), rows, c, labels, 0, 0.25) * 0.25;
        double[] g = z.clone();
        Arith.F64.softmaxCrossEntropy(Buf.of(g), rows, c, labels, 0, 0.25);
        assertClose("softmax CE", g, 0, fd(loss, z, 0, z.length));
    }

    private static void checkModel(String what, Network m, int batch, boolean train) {
        m.setPrecision(Precision.FLOAT64);
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

package org.cvxformer.neural;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.cvxformer.core.linalg.Parallel;

/**
 * Adam (Kingma and Ba 2015) with bias correction and linear warm-up of the learning rate
 * ({@code lr_t = lr * min(1, t / warmup)}, t = 1, 2, ...). Weight decay, on the entries selected by the
 * mask (see {@link Optimizer#decayMask}: weight matrices and embeddings, not biases, layer-norm
 * parameters or simplex-constrained matrices):
 * <ul>
 *   <li>coupled L2 (this class; PyTorch {@code Adam(weight_decay=wd)}): {@code g += wd * theta} before
 *   the moment updates;</li>
 *   <li>decoupled ({@link AdamW}; PyTorch {@code AdamW}): {@code theta *= 1 - lr_t * wd} before the
 *   Adam update.</li>
 * </ul>
 * The update is {@code theta -= lr_t * mhat / (sqrt(vhat) + eps)} with {@code mhat = m / (1 - b1^t)},
 * {@code vhat = v / (1 - b2^t)}. Element-wise, so any split over threads gives the same result.
 */
public class Adam implements Optimizer {
    protected final double lr;
    protected final double beta1;
    protected final double beta2;
    protected final double eps;
    protected final double weightDecay;
    protected final int warmup;
    protected final boolean decoupled;
    private double[] m;
    private double[] v;
    private long t;

    protected Adam(double lr, double beta1, double beta2, double eps, double weightDecay, int warmup,
                   boolean decoupled) {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)
                || !(weightDecay >= 0) || warmup < 0) {
            throw new IllegalArgumentException("bad Adam settings");
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.warmup = warmup;
        this.decoupled = decoupled;
    }

    /** Adam with coupled L2 weight decay (no warm-up by default: pass 0). */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay, int warmup) {
        this(lr, beta1, beta2, eps, weightDecay, warmup, false);
    }

    /** The convex stack's settings: lr 1e-3, betas 0.9/0.999, eps 1e-8, L2 weight decay 1e-6, no warm-up. */
    public static Adam convexDefaults() {
        return new Adam(1e-3, 0.9, 0.999, 1e-8, 1e-6, 0);
    }

    /** Learning rate at step t (1-based). */
    public double learningRate(long step) {
        return warmup > 0 ? lr * Math.min(1.0, step / (double) warmup) : lr;
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public void step(double[] params, double[] grad, boolean[] decay) {
        int p = params.length;
        if (m == null) {
            m = new double[p];
            v = new double[p];
        }
        t++;
        double lrT = learningRate(t);
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2 = 1.0 - Math.pow(beta2, t);
        double shrink = 1.0 - lrT * weightDecay;
        boolean anyDecay = weightDecay != 0;
        Parallel.forRange(p, (long) p * 8, (from, to) -> {
            // runs of equal decay flags (the mask is constant on each parameter block), so the
            // inner loops have no branch and HotSpot vectorises them; the arithmetic per entry is
            // the same expression in the same order either way
            int i = from;
            while (i < to) {
                boolean dec = anyDecay && decay[i];
                int end = i + 1;
                while (end < to && (anyDecay && decay[end]) == dec) {
                    end++;
                }
                if (!dec) {
                    update(params, grad, i, end, lrT, bc1, bc2);
                } else if (decoupled) {
                    for (int j = i; j < end; j++) {
                        params[j] *= shrink;
                    }
                    update(params, grad, i, end, lrT, bc1, bc2);
                } else {
                    updateCoupled(params, grad, i, end, lrT, bc1, bc2);
                }
                i = end;
            }
        });
    }

    private void update(double[] params, double[] grad, int from, int to, double lrT, double bc1, double bc2) {
        double[] m = this.m, v = this.v;
        for (int i = from; i < to; i++) {
            double g = grad[i];
            double mi = beta1 * m[i] + (1.0 - beta1) * g;
            double vi = beta2 * v[i] + (1.0 - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = params[i] - lrT * (mi / bc1) / (Math.sqrt(vi / bc2) + eps);
        }
    }

    private void updateCoupled(double[] params, double[] grad, int from, int to, double lrT, double bc1, double bc2) {
        double[] m = this.m, v = this.v;
        for (int i = from; i < to; i++) {
            double th = params[i];
            double g = grad[i] + weightDecay * th;
            double mi = beta1 * m[i] + (1.0 - beta1) * g;
            double vi = beta2 * v[i] + (1.0 - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = th - lrT * (mi / bc1) / (Math.sqrt(vi / bc2) + eps);
        }
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeLong(t);
        int len = m == null ? 0 : m.length;
        out.writeInt(len);
        for (int i = 0; i < len; i++) {
            out.writeDouble(m[i]);
        }
        for (int i = 0; i < len; i++) {
            out.writeDouble(v[i]);
        }
    }

    @Override
    public void readState(DataInputStream in) throws IOException {
        t = in.readLong();
        int len = in.readInt();
        if (len == 0) {
            m = null;
            v = null;
            return;
        }
        m = new double[len];
        v = new double[len];
        for (int i = 0; i < len; i++) {
            m[i] = in.readDouble();
        }
        for (int i = 0; i < len; i++) {
            v[i] = in.readDouble();
        }
    }
}

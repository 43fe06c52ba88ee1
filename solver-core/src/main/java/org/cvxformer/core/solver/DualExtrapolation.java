package org.cvxformer.core.solver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import org.cvxformer.core.linalg.Extrapolation;

/**
 * Dual extrapolation (Massias, Gramfort, Salmon, ICML 2018; JMLR 2020 for GLMs) inside bcd: keeps
 * the last {@code K+1} snapshots of the scores {@code S = A W} (class-major) and combines them by
 * {@link Extrapolation} (the same routine the certificate's dual search applies to residuals).
 *
 * <p>The scores are extrapolated, not {@code U}, so that {@code grad F(S_acc)} is a point of
 * the loss's dual domain for softmax too ({@code N u_i + e_{y_i}} is a softmax, hence in the
 * simplex); for squared loss {@code U} is affine in {@code S} and the two coincide. The result
 * is only a candidate: callers rescale it into the feasible set (math.md section 4).
 */
final class DualExtrapolation {
    private final int K;
    private final Deque<double[]> snaps = new ArrayDeque<>();

    DualExtrapolation(int depth) {
        this.K = depth;
    }

    void clear() {
        snaps.clear();
    }

    void push(double[] s) {
        if (K == 0) {
            return;
        }
        double[] copy = snaps.size() > K ? snaps.pollFirst() : new double[s.length];
        System.arraycopy(s, 0, copy, 0, s.length);
        snaps.addLast(copy);
    }

    /** The extrapolated scores, or {@code null} without enough snapshots or for a singular system. */
    double[] extrapolate() {
        if (K == 0 || snaps.size() < K + 1) {
            return null;
        }
        return Extrapolation.extrapolate(new ArrayList<>(snaps), K);
    }
}

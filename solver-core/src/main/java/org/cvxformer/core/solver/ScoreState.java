package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.SoftmaxLoss;
import org.cvxformer.core.problem.SquaredLoss;

/**
 * Scores {@code S = A W} kept class-major ({@code St[l*N + i] = s_il}, so that the column of
 * class {@code l} is contiguous) and updated entry by entry by coordinate methods, with what the
 * two losses need to produce gradients cheaply: for softmax, the per-sample log-sum-exp
 * {@code lse_i = log sum_l e^{s_il}}, updated in {@code O(1)} per changed score by
 * {@code lse_i += log1p(p_il expm1(delta))} and recomputed exactly when that would be
 * inaccurate (and on {@link #refresh()}).
 */
final class ScoreState {
    final int N;
    final int c;
    final boolean softmax;
    final double[] St;
    final double[] Yt;
    final double[] lse;
    private final Loss loss;

    /**
     * Why coordinate updates of these scores are unavailable for {@code loss} (they are written for
     * the softmax and squared losses: the incremental log-sum-exp and the residual), or {@code null}.
     */
    static String unsupported(Loss loss, String solver) {
        if (loss instanceof SoftmaxLoss || loss instanceof SquaredLoss) {
            return null;
        }
        return solver + " has coordinate updates for the softmax and squared losses only, not '" + loss.name()
                + "': use --solver fista";
    }

    ScoreState(Problem pb, double[] Z) {
        this.loss = pb.loss();
        if (loss instanceof SoftmaxLoss) {
            softmax = true;
        } else if (loss instanceof SquaredLoss) {
            softmax = false;
        } else {
            throw new IllegalArgumentException("loss '" + loss.name() + "' is not supported by this solver");
        }
        this.N = pb.samples();
        this.c = pb.classes();
        this.St = new double[N * c];
        this.Yt = new double[N * c];
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                Yt[l * N + i] = pb.targets().get(i, l);
            }
        }
        this.lse = softmax ? new double[N] : null;
        setScores(pb.scores(Z));
    }

    /** Replaces the scores by the row-major {@code S}. */
    void setScores(double[] S) {
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                St[l * N + i] = S[i * c + l];
            }
        }
        refresh();
    }

    /** Recomputes the log-sum-exps exactly (drift of the incremental updates is removed). */
    void refresh() {
        if (softmax) {
            for (int i = 0; i < N; i++) {
                lse[i] = rowLse(St, i);
            }
        }
    }

    private double rowLse(double[] s, int i) {
        double m = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < c; l++) {
            m = Math.max(m, s[l * N + i]);
        }
        double z = 0;
        for (int l = 0; l < c; l++) {
            z += Math.exp(s[l * N + i] - m);
        }
        return m + Math.log(z);
    }

    /** {@code r_i = (grad F(S))_{il}} for class {@code l}: {@code (p_il - y_il)/N} or {@code (s_il - y_il)/N}. */
    void residual(int l, double[] r) {
        double invN = 1.0 / N;
        int o = l * N;
        if (softmax) {
            for (int i = 0; i < N; i++) {
                r[i] = (Math.exp(St[o + i] - lse[i]) - Yt[o + i]) * invN;
            }
        } else {
            for (int i = 0; i < N; i++) {
                r[i] = (St[o + i] - Yt[o + i]) * invN;
            }
        }
    }

    /** {@code p_il} (softmax only). */
    double prob(int l, int i) {
        return Math.exp(St[l * N + i] - lse[i]);
    }

    /**
     * {@code s_il += ds}; returns the change of {@code N * F} from this sample:
     * {@code delta lse_i - y_il ds} (softmax) or {@code (s - y) ds + ds^2 / 2} (squared).
     */
    double add(int l, int i, double ds) {
        int q = l * N + i;
        if (softmax) {
            double p = Math.exp(St[q] - lse[i]);
            St[q] += ds;
            double arg = p * Math.expm1(ds);
            double old = lse[i];
            if (ds < 30 && arg > -0.5) {
                lse[i] += Math.log1p(arg);
                return Math.log1p(arg) - Yt[q] * ds;
            }
            lse[i] = rowLse(St, i);
            return lse[i] - old - Yt[q] * ds;
        }
        double res = St[q] - Yt[q];
        St[q] += ds;
        return res * ds + 0.5 * ds * ds;
    }

    /** Row-major copy {@code S[i*c + l]} of class-major scores {@code st}. */
    double[] rowMajor(double[] st) {
        double[] S = new double[N * c];
        for (int l = 0; l < c; l++) {
            for (int i = 0; i < N; i++) {
                S[i * c + l] = st[l * N + i];
            }
        }
        return S;
    }

    /** Row-major {@code U = grad F(st)} (for any class-major scores) and returns {@code F(st)}. */
    double gradient(double[] st, Problem pb, double[] U) {
        return loss.valueAndGradient(rowMajor(st), pb.targets(), U);
    }
}

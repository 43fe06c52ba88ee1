package org.cvxformer.core.solver;

import org.cvxformer.core.problem.Loss;
import org.cvxformer.core.problem.Problem;

/**
 * Scores {@code S = A W} kept class-major ({@code St[l*N + i] = s_il}, so that the column of
 * class {@code l} is contiguous) and updated entry by entry by coordinate methods, with the
 * loss's own per-sample state ({@link Loss.CoordinateScores}: for softmax the log-sum-exp of
 * each row) so that residuals and changes of the loss cost {@code O(1)} per changed score.
 */
final class ScoreState {
    final int N;
    final int c;
    final double[] St;
    final double[] Yt;
    private final Loss loss;
    private final Loss.CoordinateScores model;

    /** Why coordinate updates are unavailable for {@code loss} (it has no {@link Loss#coordinateScores}), or {@code null}. */
    static String unsupported(Loss loss, String solver) {
        if (loss.coordinateScores(1, 1) != null) {
            return null;
        }
        return solver + " needs coordinate updates of the scores, which loss '" + loss.name() + "' does not provide: "
                + "use --solver fista";
    }

    ScoreState(Problem pb, double[] Z) {
        this.loss = pb.loss();
        this.N = pb.samples();
        this.c = pb.classes();
        this.model = loss.coordinateScores(N, c);
        if (model == null) {
            throw new IllegalArgumentException(unsupported(loss, "this solver"));
        }
        this.St = new double[N * c];
        this.Yt = new double[N * c];
        for (int i = 0; i < N; i++) {
            for (int l = 0; l < c; l++) {
                Yt[l * N + i] = pb.targets().get(i, l);
            }
        }
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

    /** Recomputes the loss's per-sample state exactly (drift of the incremental updates is removed). */
    void refresh() {
        model.refresh(St);
    }

    /** {@code r_i = (grad F(S))_{il}} for class {@code l}. */
    void residual(int l, double[] r) {
        model.residual(St, Yt, l, r);
    }

    /** {@code s_il += ds}; returns the change of {@code N * F} from this sample. */
    double add(int l, int i, double ds) {
        return model.add(St, Yt, l, i, ds);
    }

    /** {@link Loss.CoordinateScores#classCurvature}. */
    double classCurvature() {
        return model.classCurvature();
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

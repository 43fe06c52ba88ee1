package org.cvxformer.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.certificate.DualPoint;
import org.cvxformer.core.certificate.DualSearch;
import org.cvxformer.core.problem.Design;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.core.problem.Targets;

/**
 * Minibatch Adam on the convex primal, the way the seed paper trains its convex block
 * (seeds/004 section 5.2): Adam (Kingma and Ba 2015) on the averaged loss of a minibatch, then
 * the group penalty by a proximal step with the scalar learning rate,
 * {@code Z <- prox_{lr beta ||.||}(Z - lr mhat / (sqrt(vhat) + eps))} (group soft-thresholding).
 * This is a heuristic, not a convergent method for the composite problem; that is the point:
 * every few epochs the current iterate is certified by {@link Certifier}, with the dual
 * points of {@link DualSearch}, so how far it is from
 * the optimum is known, not guessed.
 *
 * <p>Iterations are epochs. The history's seconds count optimisation time only (certification
 * time is excluded, so the clock compares fairly with a solver's). Status is
 * {@link Status#OPTIMAL} if the certified gap reaches the tolerance, else
 * {@link Status#ITERATION_LIMIT} or {@link Status#TIME_LIMIT}.
 */
public final class ProximalAdam implements Solver {
    /** Adam's settings; defaults are the seed paper's (lr 1e-3, batch 32). */
    public record Settings(double learningRate, double beta1, double beta2, double epsilon, int batchSize,
            int certifyEvery, long seed) {
        public Settings {
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learning rate = " + learningRate + ": expected a finite number > 0");
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam betas = " + beta1 + ", " + beta2 + ": expected values in [0, 1)");
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("Adam epsilon = " + epsilon + ": expected > 0");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size = " + batchSize + ": expected >= 1");
            }
            if (certifyEvery < 1) {
                throw new IllegalArgumentException("certify interval = " + certifyEvery + ": expected >= 1 epoch");
            }
        }

        /** lr 1e-3, betas 0.9/0.999, eps 1e-8, batch 32, certify every epoch, seed 0. */
        public static Settings defaults() {
            return new Settings(1e-3, 0.9, 0.999, 1e-8, 32, 1, 0L);
        }

        public Settings withLearningRate(double lr) {
            return new Settings(lr, beta1, beta2, epsilon, batchSize, certifyEvery, seed);
        }

        public Settings withBatchSize(int b) {
            return new Settings(learningRate, beta1, beta2, epsilon, b, certifyEvery, seed);
        }

        public Settings withCertifyEvery(int e) {
            return new Settings(learningRate, beta1, beta2, epsilon, batchSize, e, seed);
        }

        public Settings withSeed(long s) {
            return new Settings(learningRate, beta1, beta2, epsilon, batchSize, certifyEvery, s);
        }
    }

    private final Settings settings;

    public ProximalAdam(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "adam";
    }

    /**
     * Runs {@code config.maxIterations()} epochs (or until the time limit or the certified
     * tolerance), certifying every {@link Settings#certifyEvery()} epochs and at the end.
     */
    @Override
    public SolverResult solve(Problem pb, SolverConfig config, IterationListener listener) {
        long t0 = System.nanoTime();
        double certNanos = 0;
        int N = pb.samples();
        int c = pb.classes();
        int P = pb.parameterCount();
        double[] z = config.initial() != null ? config.initial() : new double[P];
        pb.checkParameters(z, "initial Z");
        double[] m = new double[P];
        double[] v = new double[P];
        double[] grad = new double[P];
        SplittableRandom rng = new SplittableRandom(settings.seed());
        int[] order = new int[N];
        for (int i = 0; i < N; i++) {
            order[i] = i;
        }
        List<IterationRecord> history = new ArrayList<>();
        DualPoint bestDual = null;
        Status status = Status.ITERATION_LIMIT;
        String message = "ran " + config.maxIterations() + " epochs";
        long step = 0;
        int epoch = 0;
        double lr = settings.learningRate();
        while (epoch < config.maxIterations()) {
            epoch++;
            for (int i = N - 1; i > 0; i--) { // Fisher-Yates with the seeded generator
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < N; from += settings.batchSize()) {
                int to = Math.min(N, from + settings.batchSize());
                int[] idx = java.util.Arrays.copyOfRange(order, from, to);
                Design Ab = pb.design().rows(idx);
                Targets Yb = pb.targets().rows(idx);
                double[] S = new double[idx.length * c];
                Ab.multiply(z, c, S);
                double[] U = new double[S.length];
                pb.loss().valueAndGradient(S, Yb, U);
                Ab.transposeMultiply(U, c, grad);
                step++;
                double bc1 = 1 - Math.pow(settings.beta1(), step);
                double bc2 = 1 - Math.pow(settings.beta2(), step);
                for (int p = 0; p < P; p++) {
                    m[p] = settings.beta1() * m[p] + (1 - settings.beta1()) * grad[p];
                    v[p] = settings.beta2() * v[p] + (1 - settings.beta2()) * grad[p] * grad[p];
                    z[p] -= lr * (m[p] / bc1) / (Math.sqrt(v[p] / bc2) + settings.epsilon());
                }
                pb.penalty().prox(z, lr);
            }
            boolean last = epoch == config.maxIterations();
            double seconds = (System.nanoTime() - t0 - certNanos) * 1e-9;
            if (epoch % settings.certifyEvery() == 0 || last || seconds >= config.maxSeconds()) {
                long c0 = System.nanoTime();
                // The cheap dual searches of the certify command; the best dual point seen is kept,
                // since any feasible U bounds every later iterate too.
                DualPoint own = DualSearch.search(pb, z).best();
                if (bestDual == null || own.value() > bestDual.value()) {
                    bestDual = own;
                }
                Certificate cert = Certifier.certify(pb, z, bestDual);
                certNanos += System.nanoTime() - c0;
                IterationRecord rec = new IterationRecord(epoch, seconds, cert.primal(), cert.dual(), cert.gap());
                history.add(rec);
                listener.onIteration(rec, z);
                if (!Double.isFinite(cert.primal())) {
                    status = Status.FAILED;
                    message = "non-finite objective at epoch " + epoch;
                    break;
                }
                if (cert.relativeGap() <= config.tolerance()) {
                    status = Status.OPTIMAL;
                    message = "certified relative gap " + cert.relativeGap() + " <= " + config.tolerance() + " at epoch " + epoch;
                    break;
                }
            }
            if (seconds >= config.maxSeconds()) {
                status = Status.TIME_LIMIT;
                message = "reached the time limit of " + config.maxSeconds() + " s after " + epoch + " epochs";
                break;
            }
        }
        Certificate cert = Certifier.certify(pb, z, bestDual);
        // the status rule every solver shares (SolverShell#status): the certificate decides. This
        // solver keeps its own loop because its clock leaves out the certification passes.
        status = SolverShell.status(status, cert.relativeGap(), config.tolerance());
        double seconds = (System.nanoTime() - t0 - certNanos) * 1e-9;
        return new SolverResult(name(), z, cert, status, epoch, seconds, history,
                message + String.format(java.util.Locale.ROOT, " (lr %g, batch %d, %d steps)", lr, settings.batchSize(), step));
    }
}

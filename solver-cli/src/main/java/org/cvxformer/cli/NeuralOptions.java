package org.cvxformer.cli;

import picocli.CommandLine.Option;

/** Settings of the neural models (nonconvex transformer and the seed paper's convex stack). */
public final class NeuralOptions {
    @Option(names = "--width", defaultValue = "128", description = "Model width d_model, >= 1 (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--layers", defaultValue = "2", description = "Layers, >= 1 (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dropout", description = "Dropout in [0, 1) (default: 0.2 nonconvex, 0 convex-stack and convex-stack-kernel).")
    Double dropout;

    @Option(names = "--weight-decay", description = "Weight decay >= 0 (default: 1 nonconvex (AdamW), 1e-6 convex-stack and convex-stack-kernel (Adam)).")
    Double weightDecay;

    @Option(names = "--adam-variant", paramLabel = "V",
            description = "adamw (decoupled weight decay, betas 0.9/0.98: the grokking literature's) or adam (coupled L2, "
                    + "betas 0.9/0.999: the seed paper's) (default: adamw nonconvex, adam convex-stack and convex-stack-kernel).")
    String adamVariant;

    @Option(names = "--stack-beta", defaultValue = "1e-4", description = "convex-stack, convex-stack-kernel: group penalty "
            + "on every convex block's W2 (the head's included), >= 0 (default: ${DEFAULT-VALUE}).")
    double stackBeta;

    @Option(names = "--kernel-sigma", paramLabel = "S", description = "convex-stack-kernel: bandwidth sigma > 0 of the "
            + "preconditioning phi_cvx (default: sqrt(m), m the power of two >= --width; docs/head-certificate.md).")
    Double kernelSigma;

    @Option(names = "--head-solve-seconds", defaultValue = "10", paramLabel = "S",
            description = "convex-stack, convex-stack-kernel: time cap of the head's certified solve at each checkpoint "
                    + "(head_certificate.csv; not counted as training time) (default: ${DEFAULT-VALUE}).")
    double headSolveSeconds;

    @Option(names = "--no-head-certificate", description = "convex-stack, convex-stack-kernel: do not certify and solve "
            + "the head at checkpoints.")
    boolean noHeadCertificate;

    @Option(names = "--save-head-problems", description = "convex-stack, convex-stack-kernel: also write each checkpoint's "
            + "head problem (P) as head_problems/epoch-E/{X.npy, y.npy, problem.json}, for `cvxformer solve` or an external "
            + "solver (about 8 N n d bytes each).")
    boolean saveHeadProblems;

    @Option(names = "--warmup", description = "Linear learning-rate warm-up steps, >= 0 (default: 10 nonconvex, 0 convex-stack and convex-stack-kernel).")
    Integer warmup;

    @Option(names = "--eval-every", defaultValue = "1",
            description = "Evaluate train/validation accuracy (one history.csv line) every K >= 1 epochs (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "50",
            description = "Checkpoint every K >= 1 epochs, and always at the end (default: ${DEFAULT-VALUE}; " + Limits.RULE + ").")
    int checkpointEvery;

    @Option(names = "--no-stop-at-convergence", description = "Keep training after validation accuracy reaches 99%%.")
    boolean noStopAtConvergence;

    /** The preconditioning bandwidth of convex-stack-kernel. */
    double kernelSigma() {
        return kernelSigma != null ? kernelSigma : StackKernels.defaultSigma(width);
    }

    double dropout(String kind) {
        return dropout != null ? dropout : (kind.equals("nonconvex") ? 0.2 : 0.0);
    }

    double weightDecay(String kind) {
        return weightDecay != null ? weightDecay : (kind.equals("nonconvex") ? 1.0 : 1e-6);
    }

    /** {@code adamw} or {@code adam}, with the model's default. */
    String adamVariant(String kind) {
        String v = adamVariant != null ? adamVariant : (kind.equals("nonconvex") ? "adamw" : "adam");
        if (!v.equals("adam") && !v.equals("adamw")) {
            throw new IllegalArgumentException("--adam-variant " + v + ": expected adam or adamw");
        }
        return v;
    }

    int warmup(String kind) {
        return warmup != null ? warmup : (kind.equals("nonconvex") ? 10 : 0);
    }

    /** Every check that can be made before any data is built or any file is written. */
    void validate(String kind) {
        if (width < 1) {
            throw new IllegalArgumentException("--width = " + width + ": expected an integer >= 1");
        }
        if (layers < 1) {
            throw new IllegalArgumentException("--layers = " + layers + ": expected an integer >= 1");
        }
        double d = dropout(kind);
        if (!(d >= 0 && d < 1)) {
            throw new IllegalArgumentException("--dropout = " + d + ": expected a probability in [0, 1)");
        }
        double w = weightDecay(kind);
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("--weight-decay = " + w + ": expected a finite number >= 0");
        }
        if (warmup(kind) < 0) {
            throw new IllegalArgumentException("--warmup = " + warmup + ": expected an integer >= 0");
        }
        if (!(stackBeta >= 0) || Double.isInfinite(stackBeta)) {
            throw new IllegalArgumentException("--stack-beta = " + stackBeta + ": expected a finite number >= 0");
        }
        if (kernelSigma != null && (!(kernelSigma > 0) || Double.isInfinite(kernelSigma))) {
            throw new IllegalArgumentException("--kernel-sigma = " + kernelSigma + ": expected a finite number > 0");
        }
        Limits.seconds("--head-solve-seconds", headSolveSeconds);
        Limits.count("--eval-every", evalEvery);
        Limits.count("--checkpoint-every", checkpointEvery);
    }
}

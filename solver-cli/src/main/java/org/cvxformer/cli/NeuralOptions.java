package org.cvxformer.cli;

import picocli.CommandLine.Option;

/** Settings of the neural models (nonconvex transformer and the seed paper's convex stack). */
public final class NeuralOptions {
    @Option(names = "--width", defaultValue = "128", description = "Model width d_model (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--layers", defaultValue = "2", description = "Layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dropout", description = "Dropout (default: 0.2 nonconvex, 0 convex-stack).")
    Double dropout;

    @Option(names = "--weight-decay", description = "Weight decay (default: 1 nonconvex (AdamW), 1e-6 convex-stack (Adam)).")
    Double weightDecay;

    @Option(names = "--stack-beta", defaultValue = "1e-4", description = "convex-stack: group penalty on W2 (default: ${DEFAULT-VALUE}).")
    double stackBeta;

    @Option(names = "--warmup", description = "Linear learning-rate warm-up steps (default: 10 nonconvex, 0 convex-stack).")
    Integer warmup;

    @Option(names = "--eval-every", defaultValue = "1", description = "Evaluate train/validation accuracy every K epochs (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Checkpoint every K epochs (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--no-stop-at-convergence", description = "Keep training after validation accuracy reaches 99%%.")
    boolean noStopAtConvergence;
}

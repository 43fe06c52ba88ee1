package org.cvxformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cvxformer.core.problem.Problem;
import org.cvxformer.neural.ConvexStack;
import org.cvxformer.neural.NetConfig;
import org.cvxformer.neural.Rng;
import org.cvxformer.neural.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convex stack's head as problem (P): the network's head objective equals (P)'s primal at the
 * mapped Z, the certificate is a valid bound, and train writes head_certificate.csv for both stacks;
 * the kernel model's preconditioning is the FastfoodCvx map.
 */
class HeadCertificateTest {
    @TempDir
    Path tmp;

    private static Trainer.Data data(int count, int n, int vocab, int classes, long seed) {
        Rng r = new Rng(seed);
        int[] t = new int[count * n];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(vocab);
        }
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = (t[i * n] + 2 * t[i * n + n - 1]) % classes;
        }
        return new Trainer.Data(t, y, count);
    }

    private static ConvexStack stack(boolean kernel) {
        NetConfig cfg = new NetConfig(7, 4, 8, 2, 5, 0.2);
        return kernel ? new ConvexStack(cfg, 1e-2, ConvexStack.Penalty.GROUP, 3, StackKernels.forRun(8, 2.0, 3))
                : new ConvexStack(cfg, 1e-2, ConvexStack.Penalty.GROUP, 3);
    }

    @Test
    void networkHeadObjectiveIsThePrimalAtTheMappedZ() {
        for (boolean kernel : new boolean[] {false, true}) {
            ConvexStack net = stack(kernel);
            Trainer.Data train = data(40, 4, 7, 5, 1);
            double[] h = net.headInputs(train.tokens(), train.count());
            Problem pb = HeadCertificate.headProblem(h, 40, 4, 8, train.labels(), 5, net.head().beta());
            double[] z = net.head().toZ(net.parameters());
            double viaNetwork = HeadCertificate.networkHeadObjective(net, train);
            double viaProblem = pb.primal(z);
            assertEquals(viaProblem, viaNetwork, 1e-12 * Math.abs(viaProblem), "kernel " + kernel);
        }
    }

    @Test
    void certificateBoundsTheAdamHeadAndTheOptimumIsBelowIt() {
        ConvexStack net = stack(true);
        Trainer.Data train = data(40, 4, 7, 5, 2);
        Trainer.Data val = data(15, 4, 7, 5, 3);
        HeadCertificate hc = new HeadCertificate(net, train, val, 1);
        HeadCertificate.Row r = hc.compute(0);
        assertTrue(r.adam().gap() >= 0 && r.certified().gap() >= 0, r.csv());
        assertTrue(r.certified().primal() <= r.adam().primal(), r.csv());
        // the best dual value is a lower bound of both primal values (weak duality)
        assertTrue(r.certified().dual() <= r.certified().primal() && r.adam().dual() <= r.adam().primal(), r.csv());
        assertEquals(HeadCertificate.networkHeadObjective(net, train), r.adam().primal(), 1e-12 * r.adam().primal());
        // the Adam head's accuracies through Z equal the network's own (float64) predictions
        net.setPrecision(org.cvxformer.neural.Precision.FLOAT64);
        assertEquals(net.accuracy(train.tokens(), train.labels(), 40), r.adamTrain(), 1e-15);
        assertEquals(net.accuracy(val.tokens(), val.labels(), 15), r.adamVal(), 1e-15);
    }

    @Test
    void kernelMatrixIsTheFastfoodMap() {
        double[] v = StackKernels.matrix(8, 1.5, 9);
        org.cvxformer.datasets.FastfoodCvx ff = new org.cvxformer.datasets.FastfoodCvx(8, 8, 1.5, 9);
        double[] x = {0.3, -1, 2, 0.5, 0, 1, -0.25, 4};
        double[] phi = ff.apply(x);
        for (int i = 0; i < 8; i++) {
            double s = 0;
            for (int j = 0; j < 8; j++) {
                s += v[i * 8 + j] * x[j];
            }
            assertEquals(phi[i], s, 1e-12);
        }
        assertTrue(StackKernels.blockSeed(0, 0) != StackKernels.blockSeed(0, 1));
    }

    @Test
    void tinyTrainRunsOfBothStacksWriteTheHeadCertificate() throws Exception {
        for (String model : List.of("convex-stack", "convex-stack-kernel")) {
            Path out = tmp.resolve(model);
            CliTest.Run r = CliTest.run("train", "--dataset", "mod-division", "--p", "5", "--model", model, "--width", "8",
                    "--epochs", "4", "--checkpoint-every", "2", "--head-solve-seconds", "0.5", "--out", out.toString(),
                    "--no-progress");
            assertEquals(0, r.code(), r.err());
            List<double[]> rows = HeadCertificate.read(out.resolve(HeadCertificate.CSV));
            assertEquals(2, rows.size(), model);
            assertEquals(2, rows.get(0)[0]);
            assertEquals(4, rows.get(1)[0]);
            for (double[] row : rows) {
                assertTrue(row[2] >= 0 && row[5] >= 0, "gaps >= 0");
                assertTrue(row[4] <= row[1], "certified objective <= Adam head objective");
                assertTrue(row[7] <= row[4], "lower bound <= certified objective");
            }
            assertTrue(Files.size(out.resolve("head_gap.png")) > 1000);
            assertTrue(Files.size(out.resolve("head_accuracy.png")) > 1000);
            JsonNode m = Reports.JSON.readTree(out.resolve("manifest.json").toFile()).path("parameters");
            assertEquals(0.5, m.path("head_solve_seconds").asDouble());
            if (model.endsWith("kernel")) {
                assertEquals(8, m.path("kernel_features").asInt());
                assertEquals(Math.sqrt(8), m.path("kernel_sigma").asDouble(), 1e-15);
            }
        }
    }

    @Test
    void savedHeadProblemIsTheProblemTheCertificateSolves() throws Exception {
        Path out = tmp.resolve("saved");
        CliTest.Run r = CliTest.run("train", "--dataset", "mod-division", "--p", "5", "--model", "convex-stack", "--width", "8",
                "--epochs", "2", "--checkpoint-every", "2", "--head-solve-seconds", "0.5", "--save-head-problems", "--out",
                out.toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        Path f = out.resolve("head_problems").resolve("epoch-000002");
        assertTrue(Files.isRegularFile(f.resolve("problem.json")), "the checkpoint's problem folder");
        assertTrue(!Files.exists(f.resolveSibling("epoch-000002.partial")), "no staging folder is left");
        JsonNode meta = Reports.JSON.readTree(f.resolve("problem.json").toFile());
        // the written problem, solved from the command line, is the checkpoint's: each one's dual
        // bound lies below the other's primal value (weak duality, math.md section 3)
        Path solved = tmp.resolve("solved");
        CliTest.Run s = CliTest.run("solve", "--x", f.resolve("X.npy").toString(), "--y", f.resolve("y.npy").toString(),
                "--classes", meta.path("classes").asText(), "--beta", Double.toString(meta.path("beta").asDouble()),
                "--tol", "1e-8", "--max-seconds", "3", "--out", solved.toString());
        assertTrue(s.code() == 0 || s.code() == 3, s.err()); // 3: not converged, the bound still holds
        JsonNode c = Reports.JSON.readTree(solved.resolve("certificate.json").toFile());
        double primal = c.path("objective").asDouble(), dual = c.path("dual_objective").asDouble();
        double[] row = HeadCertificate.read(out.resolve(HeadCertificate.CSV)).get(0);
        assertEquals(2, row[0]);
        assertTrue(row[7] <= primal && dual <= row[4],
                "row lower bound " + row[7] + " <= solved primal " + primal + "; solved dual " + dual
                        + " <= row objective " + row[4]);
        CliTest.Run refused = CliTest.run("train", "--dataset", "mod-division", "--p", "5", "--model", "nonconvex",
                "--save-head-problems", "--out", tmp.resolve("z").toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("--save-head-problems"), refused.err());
    }

    @Test
    void headOptionsAreRefusedForTheNonconvexModel() {
        CliTest.Run r = CliTest.run("train", "--dataset", "mod-division", "--p", "5", "--model", "nonconvex",
                "--kernel-sigma", "2", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--kernel-sigma"), r.err());
        assertTrue(!Files.exists(tmp.resolve("x")));
        CliTest.Run both = CliTest.run("train", "--dataset", "mod-division", "--p", "5", "--model", "convex-stack",
                "--no-head-certificate", "--head-solve-seconds", "3", "--out", tmp.resolve("y").toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--no-head-certificate"), both.err());
        assertTrue(!Files.exists(tmp.resolve("y")));
    }
}

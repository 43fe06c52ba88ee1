package org.cvxformer.benchmarks;

import java.util.concurrent.TimeUnit;
import org.cvxformer.core.certificate.Certificate;
import org.cvxformer.core.certificate.Certifier;
import org.cvxformer.core.linalg.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kernels every solver iteration is made of. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar KernelBenchmark -p instance=onehot-p97,dense-d512,tables-d512,dense-n20000 -p threads=1,2}.
 * Bytes moved per call for the bandwidth figure: dense {@code A^T U} reads {@code 8 N n d} bytes
 * of {@code A} (once per thread), sparse reads {@code 12 nnz} bytes plus {@code U}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the launcher's JVM options: the Vector API module for the SIMD dense kernel
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    @Param({"onehot-p97", "dense-d512", "tables-d512", "dense-n20000"})
    public String instance;

    /**
     * Threads the kernels split over ({@code Parallel.setThreads}; the results do not depend on
     * it); 0, the field's value outside JMH, leaves the setting as it is.
     */
    @Param({"1", "2"})
    public int threads;

    KernelState st;

    @Setup
    public void setup() {
        if (threads >= 1) {
            Parallel.setThreads(threads);
        }
        st = new KernelState(instance);
    }

    /** {@code S = A W}. */
    @Benchmark
    public double[] scores() {
        st.problem.design().multiply(st.z, st.problem.classes(), st.s);
        return st.s;
    }

    /** {@code G = A^T U}. */
    @Benchmark
    public double[] transposeProduct() {
        st.problem.design().transposeMultiply(st.u, st.problem.classes(), st.g);
        return st.g;
    }

    /** Group soft-thresholding of every group, on a copy (the copy is part of the cost, as in a solver step). */
    @Benchmark
    public double[] groupProx() {
        double[] v = st.z.clone();
        st.problem.penalty().prox(v, 1.0);
        return v;
    }

    /** One full certificate: {@code A W}, loss and gradient, {@code A^T U}, rescaling, dual, KKT. */
    @Benchmark
    public Certificate gapEvaluation() {
        return Certifier.certify(st.problem, st.z);
    }
}

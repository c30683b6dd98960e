package org.flexiq.benchmarks;

import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One float forward pass of a zoo model (at reduced size, and resnet18 at full size): the cost unit of calibration. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FloatExecutorBenchmark {
    @Param({"resnet18:64", "resnet18:224", "vit-s16:64", "fmnist-resnet-wide:28", "fmnist-vit-wide:28"})
    public String model;

    private FloatExecutor executor;
    private Map<String, FloatTensor> input;

    @Setup
    public void setUp() {
        String[] p = model.split(":");
        ZooModel z = ModelZoo.get(p[0]);
        Model m = z.model(z.trained() ? z.defaults() : new ZooOptions(Integer.parseInt(p[1]), 128), 0); // a trained model takes its own sizes only
        m = new Model(m.graph(), MapTensorSource.copyOf(m.tensors()), m.metadata());
        executor = new FloatExecutor(m);
        input = SyntheticInputs.batch(m.graph(), 1, 0).get(0);
    }

    @Benchmark
    public Object forward() {
        return executor.run(input);
    }
}

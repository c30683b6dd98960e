package org.flexiq.benchmarks;

import org.flexiq.simulator.CycleEngine;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
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

import java.util.concurrent.TimeUnit;

/**
 * One inference on the cycle engine (every PE register, values computed, both cores) beside the fast engine,
 * on the same compiled program: the cost of cycle accuracy. Arrays: the flexiq-npu preset's 32x32 and a
 * 16x16 override (one thread below 512 PEs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class CycleEngineBenchmark {
    @Param({"resnet18:64", "vit-s16:64"})
    public String model;

    @Param({"0", "0.5"})
    public String ratio;

    @Param({"32x32", "16x16"})
    public String array;

    private CompiledWorkload w;
    private NpuConfig config;

    @Setup
    public void setUp() {
        String[] rc = array.split("x");
        config = NpuPresets.load("flexiq-npu").withArray(Integer.parseInt(rc[0]), Integer.parseInt(rc[1]));
        w = CompiledWorkload.of(model, config.target());
    }

    @Benchmark
    public Object cycleEngine() {
        return CycleEngine.run(w.program(), config, ratio, FunctionalExecutor.STATIC, w.codes());
    }

    @Benchmark
    public Object fastEngine() {
        return FastEngine.run(w.program(), config, ratio, FunctionalExecutor.STATIC);
    }
}

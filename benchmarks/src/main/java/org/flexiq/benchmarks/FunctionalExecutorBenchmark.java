package org.flexiq.benchmarks;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
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
 * One inference of a compiled program on the functional executor and on the fast engine, beside the golden
 * executor on the same model and the golden executor's construction, and the compile itself (flexiq-npu: 32x32 array,
 * 256 KiB scratchpad).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FunctionalExecutorBenchmark {
    @Param({"resnet18:64", "vit-s16:64"})
    public String model;

    @Param({"0", "0.5"})
    public String ratio;

    private CompiledWorkload w;
    private GoldenExecutor golden;
    private final NpuConfig config = NpuPresets.load("flexiq-npu");

    @Setup
    public void setUp() {
        w = CompiledWorkload.of(model, config.target());
        golden = new GoldenExecutor(w.quantized(), Double.parseDouble(ratio), Extraction.STATIC);
    }

    @Benchmark
    public Object functional() {
        return FunctionalExecutor.run(w.program(), ratio, FunctionalExecutor.STATIC, w.codes());
    }

    @Benchmark
    public Object golden() {
        return golden.run(w.input());
    }

    /** Building the golden executor at the ratio (its weight-shift search and operand layouts): paid per model and ratio. */
    @Benchmark
    public Object goldenBuild() {
        return new GoldenExecutor(w.quantized(), Double.parseDouble(ratio), Extraction.STATIC);
    }

    @Benchmark
    public Object fastEngine() {
        return FastEngine.run(w.program(), config, ratio, FunctionalExecutor.STATIC);
    }

    @Benchmark
    public Object compile() {
        return NpuCompiler.compile(w.quantized(), config.target());
    }
}

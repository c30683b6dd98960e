package org.flexiq.benchmarks;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.isa.IoTensor;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.Target;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.workloads.ir.FloatTensor;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One inference of a compiled program on the functional executor and on the fast engine, beside the golden
 * executor on the same model, and the compile itself (flexiq-npu: 32x32 array, 256 KiB scratchpad).
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

    private QuantizedModel quantized;
    private NpuProgram program;
    private Map<String, int[]> codes;
    private Map<String, FloatTensor> input;
    private GoldenExecutor golden;
    private final NpuConfig config = NpuPresets.load("flexiq-npu");
    private final Target target = config.target();

    @Setup
    public void setUp() {
        String[] p = model.split(":");
        ZooModel z = ModelZoo.get(p[0]);
        Model m = z.model(new ZooOptions(Integer.parseInt(p[1]), 128), 0);
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 4, 1);
        QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(64, CalibrationMethod.MAX));
        quantized = FlexiqLayout.apply(ChannelSelection.select(q, List.of(0.25, 0.5, 0.75, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 2, 3), batch, SearchProgress.NONE).model());
        program = NpuCompiler.compile(quantized, target).program();
        input = batch.get(0);
        golden = new GoldenExecutor(quantized, Double.parseDouble(ratio), Extraction.STATIC);
        GoldenExecutor.IntState s = golden.inputs(input);
        codes = new HashMap<>();
        for (IoTensor in : program.tensors(IoTensor.Role.INPUT)) {
            byte[] b = s.tensor(in.name());
            int[] v = new int[b.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = b[i];
            }
            codes.put(in.name(), v);
        }
    }

    @Benchmark
    public Object functional() {
        return FunctionalExecutor.run(program, ratio, FunctionalExecutor.STATIC, codes);
    }

    @Benchmark
    public Object golden() {
        return golden.run(input);
    }

    @Benchmark
    public Object fastEngine() {
        return FastEngine.run(program, config, ratio, FunctionalExecutor.STATIC);
    }

    @Benchmark
    public Object compile() {
        return NpuCompiler.compile(quantized, target);
    }
}

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
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A zoo model ("name:inputSize") quantized with greedy static selection at G = 64 on synthetic calibration
 * data, compiled for a target, with one input as float tensor and as the program's int8 codes.
 */
record CompiledWorkload(QuantizedModel quantized, NpuProgram program, Map<String, FloatTensor> input, Map<String, int[]> codes) {

    static CompiledWorkload of(String model, Target target) {
        String[] p = model.split(":");
        ZooModel z = ModelZoo.get(p[0]);
        Model m = z.model(new ZooOptions(Integer.parseInt(p[1]), z.defaults().seqLen()), 0); // a trained model takes its own defaults only
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 4, 1);
        QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(64, CalibrationMethod.MAX));
        QuantizedModel quantized = FlexiqLayout.apply(ChannelSelection.select(q, List.of(0.25, 0.5, 0.75, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 2, 3), batch, SearchProgress.NONE).model());
        NpuProgram program = NpuCompiler.compile(quantized, target).program();
        Map<String, FloatTensor> input = batch.get(0);
        GoldenExecutor.IntState s = new GoldenExecutor(quantized, 0, Extraction.STATIC).inputs(input);
        Map<String, int[]> codes = new HashMap<>();
        for (IoTensor in : program.tensors(IoTensor.Role.INPUT)) {
            byte[] b = s.tensor(in.name());
            int[] v = new int[b.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = b[i];
            }
            codes.put(in.name(), v);
        }
        return new CompiledWorkload(quantized, program, input, codes);
    }
}

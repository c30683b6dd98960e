package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernel's arithmetic in Java gives the golden executor's outputs bit for bit, with int4 MMAs and widened to int8. */
class GpuEmulatorTest {
    static QuantizedModel quantized(String zoo, ZooOptions options, int group) {
        return quantized(zoo, options, group, false);
    }

    static QuantizedModel quantized(String zoo, ZooOptions options, int group, boolean unsignedCodes) {
        ZooModel z = ModelZoo.get(zoo);
        Model m = z.model(options == null ? z.defaults() : options, 0);
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 4, 1);
        QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(group, CalibrationMethod.MAX, unsignedCodes));
        return FlexiqLayout.apply(ChannelSelection.select(q, List.of(0.25, 0.5, 0.75, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 2, 3), batch.subList(0, 2),
                SearchProgress.NONE).model());
    }

    @ParameterizedTest(name = "{0} G = {2} unsigned codes {3}")
    @CsvSource({"fmnist-resnet, 0, 8, false", "mlp, 0, 16, false", "fmnist-vit, 0, 16, false", "fmnist-vit, 0, 32, false", "mobilenetv2, 32, 8, false",
            "opt350m-block, 32, 64, false", "fmnist-resnet, 0, 8, true", "mobilenetv2, 32, 8, true"})
    void everyRatioAndExtractionIsBitExact(String name, int size, int group, boolean unsignedCodes) {
        QuantizedModel q = quantized(name, size == 0 ? null : new ZooOptions(size, 8), group, unsignedCodes);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 42).get(0);
        for (double r : new double[]{0, 0.5, 1}) {
            for (Extraction e : new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC}) {
                Map<String, byte[]> expected = new GoldenExecutor(q, r, e).run(input);
                // widened int4 (Hopper) at the full 4-bit ratio, where every group takes that path
                for (boolean widen : r == 1 ? new boolean[]{false, true} : new boolean[]{false}) {
                    Map<String, byte[]> got = GpuEmulator.run(q, r, e, widen, input);
                    for (String o : expected.keySet()) {
                        assertThat(got.get(o)).as("%s ratio %s %s widen %s output %s", name, r, e, widen, o).isEqualTo(expected.get(o));
                    }
                }
            }
        }
    }
}

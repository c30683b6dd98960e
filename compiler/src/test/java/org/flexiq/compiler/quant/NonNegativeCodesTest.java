package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FourBit;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which sites take unsigned 4-bit codes: exactly those whose producer chain guarantees codes of 0 or more. */
class NonNegativeCodesTest {
    private static QuantizedModel quantized(String zoo, ZooOptions options, int group, boolean unsignedCodes) {
        ZooModel z = ModelZoo.get(zoo);
        Model m = z.model(options == null ? z.defaults() : options, 0);
        List<Map<String, FloatTensor>> calib = SyntheticInputs.batch(m.graph(), 2, 1);
        return Quantizer.quantize(m, calib, new QuantizerOptions(group, CalibrationMethod.MAX, unsignedCodes));
    }

    private static Map<String, FourBit.Codes> codes(QuantizedModel q) {
        Map<String, FourBit.Codes> c = new java.util.TreeMap<>();
        q.sites().forEach((t, s) -> c.put(t, s.codes()));
        return c;
    }

    @Test
    void reluOutputsAreUnsignedAndOnlyWhenAsked() {
        // mlp: fc2 and fc3 read ReLU outputs (fc1 reads the raw input, not a site)
        assertThat(codes(quantized("mlp", null, 16, true))).containsExactlyEntriesOf(
                new java.util.TreeMap<>(Map.of("relu1", FourBit.Codes.UNSIGNED, "relu2", FourBit.Codes.UNSIGNED)));
        assertThat(codes(quantized("mlp", null, 16, false)).values()).containsOnly(FourBit.Codes.SIGNED);
    }

    @Test
    void linearBottlenecksAndNormalizedTokensStaySigned() {
        // MobileNetV2: ReLU6 outputs (expansions, depthwise outputs) unsigned; the linear bottlenecks and residual sums are not
        QuantizedModel mb = quantized("mobilenetv2", new ZooOptions(32, 8), 8, true);
        Map<String, FourBit.Codes> c = codes(mb);
        assertThat(c.values()).contains(FourBit.Codes.UNSIGNED, FourBit.Codes.SIGNED);
        int checked = 0;
        for (Map.Entry<String, FourBit.Codes> e : c.entrySet()) {
            NodeQuant producer = mb.nodes().get(e.getKey());
            if (producer instanceof NodeQuant.Clamp cl && cl.min() >= 0) {
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(FourBit.Codes.UNSIGNED);
                checked++;
            } else if (producer instanceof NodeQuant.Gemm || producer instanceof NodeQuant.Add) {
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(FourBit.Codes.SIGNED);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(c.size() / 2);
        // a transformer's sites read LayerNorm outputs and GELU's (whose table has negative entries): all signed
        assertThat(codes(quantized("fmnist-vit", null, 16, true)).values()).containsOnly(FourBit.Codes.SIGNED);
    }
}

package org.flexiq.workloads.exec;

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

/** Every zoo architecture runs on its calibration batch and its channel ranges spread like a trained net's. */
class ZooExecutionTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // model,      image, seq, floor of the median p90/p10 spread (measured: 18.8 12.4 21.6 19.5 6.9 7.2 6.7 15.2)
            "mlp,           28, 1,  10",
            "resnet18,      64, 1,  10",
            "resnet50,      32, 1,  10",
            "mobilenetv2,   64, 1,  10",
            "vit-s16,       32, 1,  5",
            "deit-s,        32, 1,  5",
            "opt350m-block, 32, 16, 5",
            "bert-base,     32, 8,  10",
    })
    void runsWithFiniteOutputsAndSpreadChannelRanges(String name, int image, int seq, double minSpread) {
        ZooModel z = ModelZoo.get(name);
        Model m = z.model(new ZooOptions(image, seq), 0);
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 2, 0);
        Map<String, FloatTensor> out = new FloatExecutor(m).run(batch.get(0));
        assertThat(out.keySet()).containsExactlyElementsOf(m.graph().outputs());
        for (FloatTensor t : out.values()) {
            for (float v : t.data()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            double maxAbs = 0;
            for (float v : t.data()) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertThat(maxAbs).as("outputs neither vanish nor explode").isBetween(1e-3, 1e4);
        }
        Map<String, double[]> ranges = ChannelRanges.measure(m, batch);
        double median = ranges.values().stream().mapToDouble(ChannelRanges::spread).sorted()
                .skip(ranges.size() / 2).findFirst().orElseThrow();
        System.out.printf("%s: %d GEMM layers, median p90/p10 channel-range spread %.1f%n", name, ranges.size(), median);
        assertThat(median).as("median spread of per-channel input ranges").isGreaterThan(minSpread);
    }
}

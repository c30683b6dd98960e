package org.flexiq.gpubackend;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The timing model's constants against the measurements they come from (the lent H200, 2026-11-29; gpu-backend/README.md
 * "Measured"): the fit reproduces its own synthetic shapes, and predicts the GEMMs of ResNet-50 and ViT-B/16, which it
 * never saw, within the errors the README reports.
 */
class KernelCalibrationTest {
    private static final GpuSpec H200 = GpuSpec.named("h200");

    @Test
    void theShippedKernelsFitReproducesItsOwnMeasurements() {
        List<GemmMeasurement> synthetic = GemmMeasurement.resource("h200-gemm-synthetic.csv");
        assertThat(synthetic).hasSize(22).allMatch(m -> m.flexiqUs() > 0);
        FlexiqGemmTiming t = FlexiqGemmTiming.H200;
        // each cost is positive, and a widened 4-bit chunk (unpacking the codes) costs more than an int8 chunk
        assertThat(t.int8ChunkCycles()).isBetween(1000.0, 2000.0);
        assertThat(t.widenedChunkCycles()).isGreaterThan(t.int8ChunkCycles());
        assertThat(t.sliceCycles()).isPositive();
        assertThat(t.waveCycles()).isPositive();
        assertThat(t.trainingError()).isLessThan(0.10);
    }

    @Test
    void itPredictsTheHeldBackModelsGemmsPerRatio() {
        FlexiqGemmTiming t = FlexiqGemmTiming.H200;
        for (String model : List.of("resnet50", "vitb16")) {
            List<GemmMeasurement> data = GemmMeasurement.resource("h200-gemm-" + model + ".csv");
            assertThat(data.stream().map(GemmMeasurement::tag).distinct()).containsExactly("0", "0.5", "1");
            Map<String, double[]> totals = new LinkedHashMap<>();
            for (GemmMeasurement m : data) {
                double[] s = totals.computeIfAbsent(m.tag(), k -> new double[2]);
                s[0] += t.us(H200, m.layer());
                s[1] += m.flexiqUs();
            }
            for (Map.Entry<String, double[]> e : totals.entrySet()) {
                double error = e.getValue()[0] / e.getValue()[1] - 1;
                // measured: ResNet-50 +2% / +15% / +24%, ViT-B/16 -5% / +2% / +6% (README)
                assertThat(Math.abs(error)).as(model + " at ratio " + e.getKey()).isLessThan(0.30);
            }
            assertThat(t.meanRelativeError(H200, data)).as(model + " per GEMM").isLessThan(0.25);
        }
    }

    @Test
    void theStreamConstantsAreTheMediansOfTheMeasuredCopiesAndLaunches() {
        StreamKernelTiming s = StreamKernelTiming.H200;
        // copies of 8 KiB to 2 MiB moved (read + written): 1.070, 1.283, 1.312, 1.384, 1.531 us
        assertThat(s.fixedUs()).isCloseTo(1.312, within(1e-9));
        // 128 MiB, 512 MiB and 2 GiB moved: 4.01, 4.15 and 2.76 TB/s of the datasheet's 4.8
        assertThat(s.bandwidthEfficiency()).isCloseTo(134217728 / 33.478 / 4.8e6, within(1e-9));
        assertThat(s.hostLaunchUs()).isCloseTo(7.827, within(1e-9));
        assertThat(StreamKernelTiming.layers(StreamKernelTiming.resource("h200-stream-kernels.csv"))).containsKeys(
                "layernorm 3152x768 fp16", "softmax 16x12x197x197 fp16", "gelu 3152x3072 fp16", "add 3152x768 int8");
    }
}

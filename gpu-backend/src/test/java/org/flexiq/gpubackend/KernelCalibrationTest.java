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
        assertThat(synthetic).hasSize(29).allMatch(m -> m.flexiqUs() > 0);
        FlexiqGemmTiming t = FlexiqGemmTiming.H200;
        // every cost is positive; waiting for a chunk costs far more than a step of MMAs, and a widened step (unpacking
        // the codes) more than an int8 step (measured: 2505, 70, 2640, 336, 198 and 13765 cycles)
        for (double c : new double[]{t.int8ChunkCycles(), t.int8StepCycles(), t.fourBitChunkCycles(), t.widenedStepCycles(), t.sliceCycles(),
                t.waveCycles()}) {
            assertThat(c).isPositive();
        }
        assertThat(t.int8ChunkCycles()).isGreaterThan(10 * t.int8StepCycles());
        assertThat(t.widenedStepCycles()).isGreaterThan(t.int8StepCycles());
        assertThat(t.trainingError()).isLessThan(0.06);
        // the kernel before its 128-byte chunks (32-byte chunks, shifts read from global memory), on the same H200: the
        // shipped one is faster on every held-back set
        for (String model : List.of("resnet50", "vitb16")) {
            double before = GemmMeasurement.resource("h200-gemm-" + model + "-chunk32.csv").stream().mapToDouble(GemmMeasurement::flexiqUs).sum();
            double after = GemmMeasurement.resource("h200-gemm-" + model + ".csv").stream().mapToDouble(GemmMeasurement::flexiqUs).sum();
            assertThat(after).as(model).isLessThan(before / 1.3);
        }
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
                // measured: ResNet-50 +3.8% / -8.8% / -17.2%, ViT-B/16 -3.4% / +1.4% / -0.0% (README)
                assertThat(Math.abs(error)).as(model + " at ratio " + e.getKey()).isLessThan(model.equals("vitb16") ? 0.05 : 0.20);
            }
            assertThat(t.meanRelativeError(H200, data)).as(model + " per GEMM").isLessThan(0.12);
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

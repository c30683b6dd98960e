package org.flexiq.gpubackend;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GpuTimingModelTest {
    private static final GpuSpec A6000 = GpuSpec.named("a6000");
    private static final GpuSpec H100 = GpuSpec.named("H100");

    @Test
    void specsGiveTheVendorsDenseTensorRates() {
        assertThat(A6000.int8Tops()).isCloseTo(309.7, within(0.5));
        assertThat(A6000.int4Tops()).isCloseTo(619.3, within(0.5));
        assertThat(GpuSpec.named("a100").int8Tops()).isCloseTo(624, within(1.0));
        assertThat(GpuSpec.named("RTX 3090").int8Tops()).isCloseTo(284, within(1.0));
        assertThat(H100.int8Tops()).isCloseTo(1979, within(2.0));
        assertThat(H100.hasInt4TensorCores()).isFalse();
        assertThat(GpuSpec.named("h200").int8Tops()).isCloseTo(1979, within(2.0));
        assertThat(GpuSpec.named("t4").int8Tops()).isCloseTo(130, within(1.0));
        assertThat(GpuSpec.named("T4").int4Tops()).isCloseTo(260, within(2.0));
    }

    @Test
    void aComputeBoundGemmTakesItsTilesWavesAtTheTensorRate() {
        // 84 x 128 rows, 128 columns: 84 tiles, one wave on 84 SMs; K = 1024 int8
        GpuLayer l = new GpuLayer("g", "gemm", 84 * 128, 128, 1024, 0, 0, 1_000_000, 0);
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, l);
        double cycles = 128.0 * 128 * 1024 / 1024 + 128.0 * 128 * 4 / 64; // tensor + epilogue
        assertThat(k.us()).isCloseTo(cycles / 1800 + 3, within(1e-9));
        assertThat(k.bound()).isEqualTo("tensor");
        // one more row: a second wave of one tile (tile quantization)
        GpuTimingModel.KernelTime two = GpuTimingModel.kernel(A6000, new GpuLayer("g", "gemm", 84 * 128 + 1, 128, 1024, 0, 0, 1_000_000, 0));
        assertThat(two.us()).isCloseTo(2 * cycles / 1800 + 3, within(1e-9));
    }

    @Test
    void fourBitGroupsRunAtTheInt4RateUnlessTheShiftsOrHopperLimitThem() {
        // K = 1024 all 4-bit in 32-channel groups: 32 slices to shift per output element
        GpuLayer l = new GpuLayer("g", "gemm", 84 * 128, 128, 0, 1024, 32, 1_000_000, 0);
        double tensor = 128.0 * 128 * 1024 / 2048;
        double shift = 128.0 * 128 * 32 / 64;
        double epilogue = 128.0 * 128 * 4 / 64;
        assertThat(GpuTimingModel.kernel(A6000, l).us()).isCloseTo((Math.max(tensor, shift) + epilogue) / 1800 + 3, within(1e-9));
        // 128-channel groups: 8 slices, tensor-bound at the int4 rate
        GpuLayer wide = new GpuLayer("g", "gemm", 84 * 128, 128, 0, 1024, 8, 1_000_000, 0);
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, wide);
        assertThat(k.bound()).isEqualTo("tensor");
        assertThat(k.us()).isCloseTo((tensor + epilogue) / 1800 + 3, within(1e-9));
        // H100 has no int4 tensor cores: 4-bit MACs at its int8 rate
        GpuLayer h = new GpuLayer("g", "gemm", 132 * 128, 128, 0, 1024, 8, 1_000_000, 0);
        assertThat(GpuTimingModel.kernel(H100, h).us()).isCloseTo((128.0 * 128 * 1024 / 4096 + 128.0 * 128 * 4 / 64) / 1830 + 3, within(1e-9));
    }

    @Test
    void groupsNarrowerThanTheShortestInt4MmaPayForThePadding() {
        // K = 1024 4-bit in 16-channel groups: 64 slices, each padded to the 32 codes of m16n8k32.s4
        assertThat(KernelOperands.slice(16)).isEqualTo(32);
        assertThat(KernelOperands.slice(32)).isEqualTo(32);
        assertThat(KernelOperands.slice(96)).isEqualTo(96);
        GpuLayer l = new GpuLayer("g", "gemm", 84 * 128, 128, 0, 1024, 0, 2048, 64, 1_000_000, 0);
        double tensor = 128.0 * 128 * 2048 / 2048;
        double shift = 128.0 * 128 * 64 / 64;
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, l);
        assertThat(k.us()).isCloseTo((Math.max(tensor, shift) + 128.0 * 128 * 4 / 64) / 1800 + 3, within(1e-9));
        // utilization counts the useful MACs only: half of the issued ones here
        assertThat(k.tensorUtilization()).isCloseTo(84 * 128.0 * 128 * 1024 / (A6000.int4Tops() / 2 * 1e12) * 1e6 / k.us(), within(1e-9));
    }

    @Test
    void thePlanPadsTheKernelsReductionsAsItsBuffersAre() {
        var q = GpuEmulatorTest.quantized("mlp", null, 16);
        List<GpuLayer> plan = GpuPlan.of(q, 1.0, 1);
        assertThat(plan).anyMatch(l -> l.k4() > 0);
        for (GpuLayer l : plan) {
            assertThat(l.issuedK8() % 32).as(l.name()).isZero();
            assertThat(l.issuedK8()).as(l.name()).isBetween(l.k8(), l.k8() + 31);
            assertThat(l.issuedK4()).as(l.name()).isEqualTo(2 * l.k4()); // 16-code groups in 32-code slices
        }
    }

    @Test
    void memoryBoundKernelsTakeTheirBytesAtTheBandwidth() {
        GpuLayer l = new GpuLayer("add", "cuda", 1 << 20, 0, 0, 0, 0, 768_000_000, 1 << 20);
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, l);
        assertThat(k.bound()).isEqualTo("memory");
        assertThat(k.us()).isCloseTo(1000 + 3, within(1e-6)); // 768 MB at 768 GB/s: 1 ms
        GpuTimingModel.Run run = GpuTimingModel.run(A6000, 0, 1, List.of(l, l));
        assertThat(run.us()).isCloseTo(2 * k.us(), within(1e-6));
        assertThat(run.tensorUtilization()).isZero();
    }
}

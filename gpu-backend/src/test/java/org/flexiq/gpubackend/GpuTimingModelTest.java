package org.flexiq.gpubackend;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.gpubackend.GpuTimingModel.GemmKernel.ROOFLINE;
import static org.flexiq.gpubackend.GpuTimingModel.GemmKernel.SHIPPED;
import static org.assertj.core.api.Assertions.within;

class GpuTimingModelTest {
    private static final GpuSpec A6000 = GpuSpec.named("a6000");
    private static final GpuSpec H100 = GpuSpec.named("H100");
    /** A small kernel's measured fixed cost, which the roofline GEMM also pays. */
    private static final double FIXED = StreamKernelTiming.H200.fixedUs();

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
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, l, ROOFLINE);
        double cycles = 128.0 * 128 * 1024 / 1024 + 128.0 * 128 * 4 / 64; // tensor + epilogue
        assertThat(k.us()).isCloseTo(cycles / 1800 + FIXED, within(1e-9));
        assertThat(k.bound()).isEqualTo("tensor");
        // one more row: a second wave of one tile (tile quantization)
        GpuTimingModel.KernelTime two = GpuTimingModel.kernel(A6000, new GpuLayer("g", "gemm", 84 * 128 + 1, 128, 1024, 0, 0, 1_000_000, 0), ROOFLINE);
        assertThat(two.us()).isCloseTo(2 * cycles / 1800 + FIXED, within(1e-9));
    }

    @Test
    void fourBitGroupsRunAtTheInt4RateUnlessTheShiftsOrHopperLimitThem() {
        // K = 1024 all 4-bit in 32-channel groups: 32 slices to shift per output element
        GpuLayer l = new GpuLayer("g", "gemm", 84 * 128, 128, 0, 1024, 32, 1_000_000, 0);
        double tensor = 128.0 * 128 * 1024 / 2048;
        double shift = 128.0 * 128 * 32 / 64;
        double epilogue = 128.0 * 128 * 4 / 64;
        assertThat(GpuTimingModel.kernel(A6000, l, ROOFLINE).us()).isCloseTo((Math.max(tensor, shift) + epilogue) / 1800 + FIXED, within(1e-9));
        // 128-channel groups: 8 slices, tensor-bound at the int4 rate
        GpuLayer wide = new GpuLayer("g", "gemm", 84 * 128, 128, 0, 1024, 8, 1_000_000, 0);
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, wide, ROOFLINE);
        assertThat(k.bound()).isEqualTo("tensor");
        assertThat(k.us()).isCloseTo((tensor + epilogue) / 1800 + FIXED, within(1e-9));
        // H100 has no int4 tensor cores: 4-bit MACs at its int8 rate
        GpuLayer h = new GpuLayer("g", "gemm", 132 * 128, 128, 0, 1024, 8, 1_000_000, 0);
        assertThat(GpuTimingModel.kernel(H100, h, ROOFLINE).us()).isCloseTo((128.0 * 128 * 1024 / 4096 + 128.0 * 128 * 4 / 64) / 1830 + FIXED, within(1e-9));
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
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, l, ROOFLINE);
        assertThat(k.us()).isCloseTo((Math.max(tensor, shift) + 128.0 * 128 * 4 / 64) / 1800 + FIXED, within(1e-9));
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
        GpuTimingModel.KernelTime k = GpuTimingModel.kernel(A6000, l, ROOFLINE);
        assertThat(k.bound()).isEqualTo("memory");
        // 768 MB at 768 GB/s is 1 ms, at the bandwidth efficiency measured on the H200
        assertThat(k.us()).isCloseTo(1000 / StreamKernelTiming.H200.bandwidthEfficiency() + FIXED, within(1e-6));
        GpuTimingModel.Run run = GpuTimingModel.run(A6000, 0, 1, List.of(l, l));
        assertThat(run.us()).isCloseTo(2 * k.us(), within(1e-6));
        assertThat(run.hostBound()).isFalse();
        assertThat(run.tensorUtilization()).isZero();
    }

    @Test
    void theShippedKernelsBlocksPerSmFollowItsRegisters() {
        // 170 or 174 registers: 5632 per warp, 22528 per block, two blocks in 64 K registers; 168: 5376, 21504, three
        assertThat(FlexiqGemmTiming.blocksPerSm(A6000)).isEqualTo(2);
        assertThat(FlexiqGemmTiming.blocksPerSm(GpuSpec.named("a100"))).isEqualTo(2);
        assertThat(FlexiqGemmTiming.blocksPerSm(GpuSpec.named("h200"))).isEqualTo(3);
        assertThat(FlexiqGemmTiming.blocksPerSm(GpuSpec.named("t4"))).isEqualTo(3);
    }

    @Test
    void theShippedKernelTakesWavesOfChunksSliceStepsAndAFixedPart() {
        FlexiqGemmTiming t = FlexiqGemmTiming.H200;
        // 168 tiles of 64 x 64 fill the A6000's 84 SMs x 2 blocks once; K = 1024 int8: 32 chunks
        GpuLayer one = new GpuLayer("g", "gemm", 84 * 64, 128, 1024, 0, 0, 0, 0);
        double wave = (32 * t.int8ChunkCycles() + t.waveCycles()) / 1800;
        assertThat(GpuTimingModel.kernel(A6000, one, SHIPPED).us()).isCloseTo(wave, within(1e-9));
        assertThat(GpuTimingModel.kernel(A6000, new GpuLayer("g", "gemm", 84 * 64 + 1, 128, 1024, 0, 0, 0, 0), SHIPPED).us())
                .isCloseTo(2 * wave, within(1e-9));
        // all 4-bit in 32-code slices: with int4 MMAs one chunk per slice at the int8 chunk's cost, plus the slice steps;
        // widened (H200) a chunk per 32 codes at the widened cost
        GpuLayer four = new GpuLayer("g", "gemm", 84 * 64, 128, 0, 1024, 0, 1024, 32, 0, 0);
        assertThat(GpuTimingModel.kernel(A6000, four, SHIPPED).us())
                .isCloseTo((32 * (t.int8ChunkCycles() + t.sliceCycles()) + t.waveCycles()) / 1800, within(1e-9));
        GpuSpec h200 = GpuSpec.named("h200");
        GpuLayer fourH = new GpuLayer("g", "gemm", 132 * 3 * 64, 64, 0, 1024, 0, 1024, 8, 0, 0); // 396 tiles, 128-code slices
        assertThat(GpuTimingModel.kernel(h200, fourH, SHIPPED).us())
                .isCloseTo((32 * t.widenedChunkCycles() + 8 * t.sliceCycles() + t.waveCycles()) / 1830, within(1e-9));
        // 128-code slices with int4 MMAs: two 64-code chunks per slice
        GpuLayer wide = new GpuLayer("g", "gemm", 84 * 64, 128, 0, 1024, 0, 1024, 8, 0, 0);
        assertThat(GpuTimingModel.kernel(A6000, wide, SHIPPED).us())
                .isCloseTo((16 * t.int8ChunkCycles() + 8 * t.sliceCycles() + t.waveCycles()) / 1800, within(1e-9));
    }

    @Test
    void manyShortKernelsAreBoundByTheHostLaunchingThem() {
        GpuLayer tiny = new GpuLayer("add", "cuda", 64, 0, 0, 0, 0, 128, 64);
        GpuTimingModel.Run run = GpuTimingModel.run(A6000, 0, 1, List.of(tiny, tiny, tiny));
        assertThat(run.hostBound()).isTrue();
        assertThat(run.us()).isCloseTo(3 * StreamKernelTiming.H200.hostLaunchUs(), within(1e-9));
        assertThat(run.gpuUs()).isCloseTo(3 * GpuTimingModel.kernel(A6000, tiny, SHIPPED).us(), within(1e-9));
    }
}

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
        // 120 or 122 registers: 4096 per warp (units of 256), 16384 per block, four blocks in 64 K registers; 19.1 KiB of
        // shared memory (plus 1 KiB reserved from sm_80 on) allows 4 on GA102's 100 KiB and 3 on the T4's 64 KiB
        assertThat(FlexiqGemmTiming.blocksPerSm(A6000)).isEqualTo(4);
        assertThat(FlexiqGemmTiming.blocksPerSm(GpuSpec.named("a100"))).isEqualTo(4);
        assertThat(FlexiqGemmTiming.blocksPerSm(GpuSpec.named("h200"))).isEqualTo(4);
        assertThat(FlexiqGemmTiming.blocksPerSm(GpuSpec.named("t4"))).isEqualTo(3);
    }

    @Test
    void theShippedKernelWaitsPerChunkAndWaveAndWorksPerStepAndSliceTimesItsNeighbours() {
        FlexiqGemmTiming t = FlexiqGemmTiming.H200;
        // 336 tiles of 64 x 64 fill the A6000's 84 SMs x 4 blocks once; K = 1024 int8: 8 chunks of 128 bytes, 32 steps
        GpuLayer one = new GpuLayer("g", "gemm", 84 * 64 * 2, 128, 1024, 0, 0, 0, 0);
        double waits = 8 * t.int8ChunkCycles() + t.waveCycles();
        double work = 32 * t.int8StepCycles();
        assertThat(GpuTimingModel.kernel(A6000, one, SHIPPED).us()).isCloseTo((waits + 4 * work) / 1800, within(1e-9));
        // one more row of tiles: a second wave of 2 tiles, one block on each of two SMs
        GpuLayer two = new GpuLayer("g", "gemm", 84 * 64 * 2 + 1, 128, 1024, 0, 0, 0, 0);
        assertThat(GpuTimingModel.kernel(A6000, two, SHIPPED).us()).isCloseTo((2 * waits + 5 * work) / 1800, within(1e-9));
        // all 4-bit in 32-code slices with int4 MMAs: 4 chunks of 256 codes, 32 k32 steps priced as int8 steps, 32 slices
        GpuLayer four = new GpuLayer("g", "gemm", 84 * 64 * 2, 128, 0, 1024, 0, 1024, 32, 0, 0);
        assertThat(GpuTimingModel.kernel(A6000, four, SHIPPED).us())
                .isCloseTo((4 * t.fourBitChunkCycles() + t.waveCycles() + 4 * (32 * t.int8StepCycles() + 32 * t.sliceCycles())) / 1800,
                        within(1e-9));
        // 128-code slices with int4 MMAs: two k64 steps per slice
        GpuLayer wide = new GpuLayer("g", "gemm", 84 * 64 * 2, 128, 0, 1024, 0, 1024, 8, 0, 0);
        assertThat(GpuTimingModel.kernel(A6000, wide, SHIPPED).us())
                .isCloseTo((4 * t.fourBitChunkCycles() + t.waveCycles() + 4 * (16 * t.int8StepCycles() + 8 * t.sliceCycles())) / 1800,
                        within(1e-9));
        // widened (H200: 132 SMs x 4 blocks): a step per 32 codes at the widened cost
        GpuLayer wideH = new GpuLayer("g", "gemm", 132 * 64 * 2, 128, 0, 1024, 0, 1024, 8, 0, 0);
        assertThat(GpuTimingModel.kernel(GpuSpec.named("h200"), wideH, SHIPPED).us())
                .isCloseTo((4 * t.fourBitChunkCycles() + t.waveCycles() + 4 * (32 * t.widenedStepCycles() + 8 * t.sliceCycles())) / 1830,
                        within(1e-9));
    }

    @Test
    void int4StepsFollowTheKernelsWalkAcrossSlicesAndChunks() {
        // 96-code slices over chunks of 256 codes: 64+32, 64+32, 64 | 32, 64+32, 64+32
        assertThat(FlexiqGemmTiming.int4Steps(480, 96)).isEqualTo(10);
        assertThat(FlexiqGemmTiming.int4Steps(1024, 32)).isEqualTo(32);
        assertThat(FlexiqGemmTiming.int4Steps(1024, 128)).isEqualTo(16);
        assertThat(FlexiqGemmTiming.int4Steps(288, 288)).isEqualTo(5); // 4 x 64 in the first chunk, 32 in the second
    }

    @Test
    void manyShortKernelsAreBoundByTheHostLaunchingThem() {
        GpuLayer tiny = new GpuLayer("add", "cuda", 64, 0, 0, 0, 0, 128, 64);
        GpuTimingModel.Run run = GpuTimingModel.run(A6000, 0, 1, List.of(tiny, tiny, tiny));
        assertThat(run.hostBound()).isTrue();
        assertThat(run.us()).isCloseTo(3 * StreamKernelTiming.H200.hostLaunchUs(), within(1e-9));
        assertThat(run.gpuUs()).isCloseTo(3 * GpuTimingModel.kernel(A6000, tiny, SHIPPED).us(), within(1e-9));
    }

    @Test
    void theShippedPathPaysForItsActivationKernelsWhichTheRooflineFuses() {
        var q = GpuEmulatorTest.quantized("mlp", null, 16);
        List<GpuLayer> plan = GpuPlan.of(q, 1.0, 4);
        GpuLayer extract = plan.stream().filter(l -> l.name().equals("fc2 extract")).findFirst().orElseThrow();
        GpuLayer im2col = plan.stream().filter(l -> l.name().equals("fc2 im2col")).findFirst().orElseThrow();
        GpuLayer gemm = plan.stream().filter(l -> l.name().equals("fc2")).findFirst().orElseThrow();
        assertThat(plan.indexOf(extract)).isEqualTo(plan.indexOf(gemm) - 2);
        // batch 4 x 256 int8 inputs; at 100% every channel 4-bit: 16 groups of 16 codes, each in a 32-code slice (16 bytes),
        // and a shift byte; im2col writes the GEMM's rows (one tap: the same blocks) and no int8 part
        long extracted = 4 * (16 * 16 + 16);
        assertThat(extract.bytes()).isEqualTo(4 * 256 + extracted);
        assertThat(im2col.bytes()).isEqualTo(extracted + 4 * (16 * 16 + 16));
        // the image feeding fc1 stays 8-bit: its extraction only copies
        assertThat(plan.stream().filter(l -> l.name().equals("fc1 extract")).findFirst().orElseThrow().bytes()).isEqualTo(2 * 4 * 784);
        GpuTimingModel.Run shipped = GpuTimingModel.run(A6000, 1.0, 4, plan, SHIPPED);
        GpuTimingModel.Run ideal = GpuTimingModel.run(A6000, 1.0, 4, plan, ROOFLINE);
        assertThat(shipped.kernels()).hasSize(plan.size());
        assertThat(ideal.kernels()).hasSize(plan.size() - 6).noneMatch(k -> GpuPlan.activationKernel(k.layer())); // 3 GEMMs, 2 each
        // the host launches only the kernels that run
        assertThat(ideal.hostUs()).isCloseTo((plan.size() - 6) * StreamKernelTiming.H200.hostLaunchUs(), within(1e-9));
        assertThat(shipped.hostUs()).isCloseTo(plan.size() * StreamKernelTiming.H200.hostLaunchUs(), within(1e-9));
        GpuTimingModel.KernelTime e = shipped.kernels().get(plan.indexOf(extract));
        assertThat(e.us()).isCloseTo(StreamKernelTiming.H200.memoryUs(A6000, extract.bytes()) + FIXED, within(1e-9));
    }

    @Test
    void theInt8BaselineRunsEveryChannelAt8BitsWhateverTheRatio() {
        var q = GpuEmulatorTest.quantized("mlp", null, 16);
        GpuTimingModel.Run r0 = GpuTimingModel.run(A6000, 0, 4, GpuPlan.of(q, 0, 4), GpuTimingModel.GemmKernel.CUBLASLT);
        GpuTimingModel.Run r1 = GpuTimingModel.run(A6000, 1.0, 4, GpuPlan.of(q, 1.0, 4), GpuTimingModel.GemmKernel.CUBLASLT);
        assertThat(r1.us()).isCloseTo(r0.us(), within(1e-9));
        assertThat(r1.int4Macs()).isZero();
        assertThat(r1.kernels()).noneMatch(k -> GpuPlan.activationKernel(k.layer()));
        GpuLayer fc2 = GpuPlan.of(q, 1.0, 4).stream().filter(l -> l.name().equals("fc2")).findFirst().orElseThrow();
        GpuTimingModel.KernelTime k = r1.kernels().stream().filter(t -> t.layer().name().equals("fc2")).findFirst().orElseThrow();
        long depth = fc2.k8() + fc2.k4();
        assertThat(k.layer().k8()).isEqualTo(depth);
        assertThat(k.us()).isCloseTo(Math.max(CublasLtTiming.H200.us(A6000, fc2.m(), fc2.n(), depth),
                StreamKernelTiming.H200.memoryUs(A6000, fc2.m() * depth + fc2.n() * depth + fc2.m() * fc2.n())), within(1e-9));
        assertThat(GpuTimingModel.GemmKernel.parse("cublaslt")).isEqualTo(GpuTimingModel.GemmKernel.CUBLASLT);
    }
}

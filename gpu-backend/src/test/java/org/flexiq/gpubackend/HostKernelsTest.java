package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CUDA source itself, run on the CPU (HostKernels: g++ and a warp emulator of mma.sync), in its Ampere,
 * Hopper and Turing builds: its GEMM against the plain product, its extraction and im2col against their Java
 * versions, and a whole model through its three kernels against the golden executor. This is what
 * CudaDeviceTest checks on a GPU, short of the hardware.
 */
// a kernel stuck in the host process would block a read for ever: fail the test instead (the class takes ~10 s)
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostKernelsTest {
    @ParameterizedTest
    @EnumSource(HostKernels.Build.class)
    void theGemmKernelSumsLikeThePlainProductForEverySliceWidth(HostKernels.Build build) {
        HostKernels host = HostKernels.of(build);
        // the last four span several 256-code (4-bit) and 128-byte (int8) chunks, slices straddling chunk boundaries
        int[][] cases = {{8, 3, 32}, {32, 4, 0}, {64, 2, 64}, {96, 3, 32}, {128, 1, 96}, {32, 0, 128}, {32, 12, 160}, {96, 5, 288}, {128, 3, 0},
                {8, 9, 416}};
        for (int[] c : cases) {
            for (FourBit.Codes codes : FourBit.Codes.values()) {
                MixedGemmKernelTest.Case k = MixedGemmKernelTest.random(c[0], c[1], c[2], codes);
                assertThat(host.run("random", k.ops())).as("%s group %d, %d slices, k8 %d, %s codes", build, c[0], c[1], c[2], codes).isEqualTo(k.expected());
            }
        }
    }

    @Test
    void extractionAndIm2colEqualTheirJavaVersions() {
        ExtractKernelTest.extractionAndIm2colMatchJava(HostKernels.of(HostKernels.Build.AMPERE));
    }

    @ParameterizedTest
    @EnumSource(HostKernels.Build.class)
    void aModelThroughTheKernelsSourceEqualsTheGoldenExecutor(HostKernels.Build build) {
        HostKernels host = HostKernels.of(build);
        QuantizedModel q = GpuEmulatorTest.quantized("fmnist-resnet", null, 8);
        QuantizedModel unsigned = GpuEmulatorTest.quantized("fmnist-resnet", null, 8, true);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 42).get(0);
        // unsigned codes after ReLU (.u4.s4 MMAs, zero-extended when widened), at ratio 1 where every group is 4-bit
        Map<String, byte[]> goldenU = new GoldenExecutor(unsigned, 1.0, Extraction.DYNAMIC).run(input);
        Map<String, byte[]> gotU = GpuEmulator.run(unsigned, 1.0, Extraction.DYNAMIC, host, host, input);
        for (String o : goldenU.keySet()) {
            assertThat(gotU.get(o)).as("%s unsigned codes output %s", build, o).isEqualTo(goldenU.get(o));
        }
        // Ampere at every ratio; the other builds differ only in the 4-bit MMAs, which ratio 0.5 exercises. Static
        // extraction differs from dynamic only in where the shift comes from, which the extraction test covers.
        double[] ratios = build == HostKernels.Build.AMPERE ? new double[]{0, 0.5, 1} : new double[]{0.5};
        for (double r : ratios) {
            Extraction[] extractions = build == HostKernels.Build.AMPERE && r == 0.5 ? new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC}
                    : new Extraction[]{Extraction.DYNAMIC};
            for (Extraction e : extractions) {
                Map<String, byte[]> golden = new GoldenExecutor(q, r, e).run(input);
                Map<String, byte[]> got = GpuEmulator.run(q, r, e, host, host, input);
                for (String o : golden.keySet()) {
                    assertThat(got.get(o)).as("%s ratio %s %s output %s", build, r, e, o).isEqualTo(golden.get(o));
                }
            }
        }
    }
}

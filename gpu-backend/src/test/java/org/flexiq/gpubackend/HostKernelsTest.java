package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CUDA source itself, run on the CPU (HostKernels: g++ and a warp emulator of mma.sync), in its Ampere,
 * Hopper and Turing builds: its GEMM against the plain product, its extraction and im2col against their Java
 * versions, and a whole model through its three kernels against the golden executor. This is what
 * CudaDeviceTest checks on a GPU, short of the hardware.
 */
class HostKernelsTest {
    @ParameterizedTest
    @EnumSource(HostKernels.Build.class)
    void theGemmKernelSumsLikeThePlainProductForEverySliceWidth(HostKernels.Build build) {
        HostKernels host = HostKernels.of(build);
        int[][] cases = {{8, 3, 32}, {32, 4, 0}, {64, 2, 64}, {96, 3, 32}, {128, 1, 96}, {32, 0, 128}};
        for (int[] c : cases) {
            MixedGemmKernelTest.Case k = MixedGemmKernelTest.random(c[0], c[1], c[2]);
            assertThat(host.run("random", k.ops())).as("%s group %d, %d slices, k8 %d", build, c[0], c[1], c[2]).isEqualTo(k.expected());
        }
    }

    @Test
    void extractionAndIm2colEqualTheirJavaVersions() {
        HostKernels host = HostKernels.of(HostKernels.Build.AMPERE);
        SplittableRandom rnd = new SplittableRandom(1);
        byte[] x = new byte[49 * 96];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) rnd.nextInt(-128, 128);
        }
        int[] chan = new int[96];
        for (int i = 0; i < 96; i++) {
            chan[i] = (i * 37) % 96;
        }
        for (int[] table : new int[][]{null, {1, 2}}) {
            // two 16-channel groups in 32-code slices, the other 64 channels 8-bit
            ExtractKernel.Extracted want = ExtractKernel.run(x, 49, chan, 32, 16, 32, table);
            ExtractKernel.Extracted got = host.extract(x, 49, chan, 32, 16, 32, table);
            assertThat(got.codes()).isEqualTo(want.codes());
            assertThat(got.shifts()).isEqualTo(want.shifts());
            assertThat(got.rest()).isEqualTo(want.rest());
            Conv2d conv = new Conv2d(8, 3, 3, 2, 2, 1, 1, 1, 1, false);
            Shape in = Shape.of(96, 7, 7);
            Shape out = Shape.of(8, 4, 4);
            int k8 = (9 * 64 + 31) / 32 * 32;
            Im2colKernel.Rows rw = Im2colKernel.run(want, conv, in, out, 16, 9, k8);
            Im2colKernel.Rows rg = host.im2col(want, conv, in, out, 16, k8);
            assertThat(rg.a4()).isEqualTo(rw.a4());
            assertThat(rg.ashift()).isEqualTo(rw.ashift());
            assertThat(rg.a8()).isEqualTo(rw.a8());
        }
    }

    @ParameterizedTest
    @EnumSource(HostKernels.Build.class)
    void aModelThroughTheKernelsSourceEqualsTheGoldenExecutor(HostKernels.Build build) {
        HostKernels host = HostKernels.of(build);
        QuantizedModel q = GpuEmulatorTest.quantized("fmnist-resnet", null, 8);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 42).get(0);
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

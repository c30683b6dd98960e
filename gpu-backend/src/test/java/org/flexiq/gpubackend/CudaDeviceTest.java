package org.flexiq.gpubackend;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a CUDA driver the device does not open and says why, even when JCuda itself is asked (its natives
 * cannot load): never a crash. With one, the kernel's outputs equal the emulation's, GEMM by GEMM, and so
 * the golden executor's: the real-GPU check runs wherever a GPU is.
 */
class CudaDeviceTest {
    @Test
    void openingSaysWhyThereIsNoGpuOrRunsTheKernelsBitExact() {
        CudaDevice.Opened o = CudaDevice.open();
        if (CudaProbe.driver() == null) {
            assertThat(o.device()).isNull();
            assertThat(o.why()).contains("libcuda.so.1");
            CudaDevice.Opened direct = CudaDevice.openWithJCuda();
            assertThat(direct.device()).isNull();
            assertThat(direct.why()).startsWith("CUDA is not usable here (");
            return;
        }
        assertThat(o.device()).as(o.why()).isNotNull();
        try (CudaDevice d = o.device()) {
            // extraction (static and dynamic, with a gather) and im2col against their Java versions
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
            byte[] x = new byte[49 * 96];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) rnd.nextInt(-128, 128);
            }
            int[] chan = new int[96];
            for (int i = 0; i < 96; i++) {
                chan[i] = (i * 37) % 96;
            }
            for (int[] table : new int[][]{null, {1, 2, 3}}) {
                ExtractKernel.Extracted want = ExtractKernel.run(x, 49, chan, 96, 32, 32, table);
                ExtractKernel.Extracted got = d.extract(x, 49, chan, 96, 32, 32, table);
                assertThat(got.codes()).isEqualTo(want.codes());
                assertThat(got.shifts()).isEqualTo(want.shifts());
                org.flexiq.workloads.ir.Conv2d conv = new org.flexiq.workloads.ir.Conv2d(8, 3, 3, 2, 2, 1, 1, 1, 1, false);
                org.flexiq.workloads.ir.Shape in = org.flexiq.workloads.ir.Shape.of(96, 7, 7);
                org.flexiq.workloads.ir.Shape out = org.flexiq.workloads.ir.Shape.of(8, 4, 4);
                Im2colKernel.Rows rw = Im2colKernel.run(want, conv, in, out, 16, 9, 0);
                Im2colKernel.Rows rg = d.im2col(want, conv, in, out, 16, 0);
                assertThat(rg.a4()).isEqualTo(rw.a4());
                assertThat(rg.ashift()).isEqualTo(rw.ashift());
            }
            QuantizedModel q = GpuEmulatorTest.quantized("fmnist-resnet", null, 64 / 8);
            Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 42).get(0);
            for (double r : new double[]{0, 0.5, 1}) {
                Map<String, byte[]> emulated = GpuEmulator.run(q, r, Extraction.DYNAMIC, d.widened(), input);
                Map<String, byte[]> device = GpuEmulator.run(q, r, Extraction.DYNAMIC, d, (node, k) -> d.gemm(k, 1, 1).out(), input);
                for (String out : emulated.keySet()) {
                    assertThat(device.get(out)).as("ratio %s output %s on %s", r, out, d.name()).isEqualTo(emulated.get(out));
                }
            }
        }
    }
}

package org.flexiq.gpubackend;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a CUDA driver the device does not open and says why, even when JCuda itself is asked (its natives
 * cannot load): never a crash. With one, the kernel's outputs equal the emulation's, GEMM by GEMM, and so
 * the golden executor's: the real-GPU check runs wherever a GPU is.
 */
class CudaDeviceTest {
    @Test
    void openingSaysWhyThereIsNoGpuOrRunsTheKernelsBitExact(TestReporter report) {
        CudaDevice.Opened o = CudaDevice.open();
        // which branch ran, in the report (tests/run on a lent machine shows it): a pass alone does not say
        report.publishEntry("device", o.device() != null ? o.device().name() : "none: " + o.why());
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
            ExtractKernelTest.extractionAndIm2colMatchJava(d);
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

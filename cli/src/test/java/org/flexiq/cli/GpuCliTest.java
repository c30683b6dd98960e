package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.gpubackend.GpuLayer;
import org.flexiq.gpubackend.GpuPlanCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

class GpuCliTest {
    @Test
    void gpuSaysItsLatencyIsModelledAndChecksTheKernelsArithmetic(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("gpu.json");
        SimCliTest.Result r = sim("gpu", "mlp", "--group", "16", "--ratio", "0,0.5,1", "--gpu", "h100", "--batch", "4", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("NVIDIA H100", "batch 4: MODELLED latency", "none (4-bit groups widened to int8)", "match");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("latency").asText()).isEqualTo("modelled");
        assertThat(j.get("runs")).hasSize(3);
        double sum = 0;
        for (JsonNode k : j.get("runs").get(2).get("kernels")) {
            sum += k.get("us").asDouble();
        }
        JsonNode run = j.get("runs").get(2);
        assertThat(run.get("kernelsUs").asDouble()).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-6));
        // the host launches each kernel in 7.83 us (measured): a batch-4 MLP's few short kernels wait for it
        assertThat(run.get("hostLaunchUs").asDouble()).isCloseTo(7.827 * j.get("runs").get(2).get("kernels").size(),
                org.assertj.core.api.Assertions.within(1e-6));
        assertThat(run.get("latencyUs").asDouble()).isEqualTo(Math.max(sum, run.get("hostLaunchUs").asDouble()));
        assertThat(j.get("gemmKernel").asText()).isEqualTo("shipped");
    }

    @Test
    void theRooflineKernelIsFasterThanTheShippedOneAndTheInt8BaselineOnAWideModel(@TempDir Path dir) throws IOException {
        double[] us = new double[4];
        String[] kernels = {"shipped", "roofline", "cublaslt", "paper"};
        for (int i = 0; i < kernels.length; i++) {
            Path json = dir.resolve(kernels[i] + ".json");
            SimCliTest.Result r = sim("gpu", "fmnist-resnet-wide", "--ratio", "0", "--batch", "64", "--no-check", "--kernel", kernels[i], "--json",
                    json.toString());
            assertThat(r.code()).as(r.err()).isZero();
            if (kernels[i].equals("shipped")) {
                // the A6000 (the default) has int4 tensor cores, which no measurement of the shipped kernel has used
                assertThat(r.out()).contains("its int4 MMA steps priced as int8 steps, an assumption");
            }
            us[i] = new ObjectMapper().readTree(json.toFile()).get("runs").get(0).get("kernelsUs").asDouble();
        }
        assertThat(us[1]).isLessThan(us[0]);
        // at 0% every channel is 8-bit: the ideal kernel against cuBLASLt at its fitted rate and cost per call
        assertThat(us[1]).isLessThan(us[2]);
        // the paper's pipeline, as its measurements calibrate the ideal kernel's model, is slower than that kernel
        assertThat(us[3]).isGreaterThan(us[1]);
        SimCliTest.Result bad = sim("gpu", "mlp", "--group", "16", "--kernel", "cublas");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--kernel: unknown GEMM kernel 'cublas'; expected shipped, roofline, cublaslt or paper");
    }

    @Test
    void gpuCalibrationPrintsTheFitAndItsHeldBackErrors() {
        SimCliTest.Result r = sim("gpu-calibration");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("flexiq_gemm tile model, fitted on NVIDIA H200", "resnet50 (held back)", "vitb16 (held back)",
                "synthetic (fit)", "layernorm 3152x768 fp16", "host launches one kernel per 7.83 us", "cuBLASLt int8 model",
                "published squares 2048, 6144 (held back)", "the paper's own pipeline (`--kernel paper`)", "0% and 100%", "50% (held back)");
    }

    @Test
    void gpuCalibrationWritesEveryResidualAsCsv(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("out/residuals.csv");
        SimCliTest.Result r = sim("gpu-calibration", "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("model,fit,gpu,set,role,what,M,N,K,measured_us,modelled_us,error");
        assertThat(r.out()).contains((lines.size() - 1) + " residuals: " + csv);
        // the shipped kernel's 29 synthetic shapes, ResNet-50's 54 and ViT-B/16's 98 GEMMs at three ratios; the T4's five squares
        assertThat(lines.stream().filter(l -> l.startsWith("flexiq_gemm,"))).hasSize(29 + 3 * 54 + 3 * 98);
        assertThat(lines.stream().filter(l -> l.startsWith("cublaslt,fitted on the t4's times,t4,"))).hasSize(5);
        // the paper's 50% held back from the 0% and 100% fit: 10.17 ms published, 10.455 ms modelled
        assertThat(lines).contains("paper pipeline,fitted on 0% and 100%,a6000,the paper's ViT-B/16 batch 16,held back,50% 4-bit,,,,10170.000,10455.000,0.0280");
        // a field with a comma is quoted
        assertThat(lines).anyMatch(l -> l.startsWith("cublaslt,fitted on the t4's times,t4,\"published squares 2048, 6144\",held back,,2048,2048,2048,"));
    }

    @Test
    void gemmShapesListEveryTensorCoreGemmAsTheKernelsBuffersHoldIt(@TempDir Path dir) throws IOException {
        Path shapes = dir.resolve("mlp.shapes");
        Path plan = dir.resolve("mlp.kernels.csv");
        SimCliTest.Result r = sim("gpu", "mlp", "--group", "16", "--ratio", "0,1", "--batch", "4", "--no-check", "--gemm-shapes", shapes.toString(),
                "--kernels", plan.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(shapes);
        assertThat(lines.get(0)).isEqualTo("# mlp, batch 4: ratio kernel M N K k8 k4 slice");
        Map<String, Long> perRatio = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            assertThat(f).as(line).hasSize(8);
            long k = Long.parseLong(f[4]);
            long k8 = Long.parseLong(f[5]);
            long k4 = Long.parseLong(f[6]);
            long slice = Long.parseLong(f[7]);
            assertThat(Long.parseLong(f[2]) % 4).as("M is rows x batch: " + line).isZero();
            assertThat(k8 % 32).as(line).isZero();
            assertThat(slice).as("16-channel groups in 32-code slices: " + line).isEqualTo(32);
            assertThat(k4 % slice).as(line).isZero();
            if (f[0].equals("0")) {
                assertThat(k4).as(line).isZero();
                assertThat(k8).as(line).isBetween(k, k + 31);
            } else {
                assertThat(k8 + k4 / 2).as("at ratio 1 each slice is half padding; k8 only pads: " + line).isBetween(k, k + 31);
            }
            perRatio.merge(f[0], 1L, Long::sum);
        }
        assertThat(perRatio.keySet()).containsExactly("0", "1");
        assertThat(perRatio.get("0")).isEqualTo(perRatio.get("1")).isGreaterThan(1);
        // --kernels: the whole plan, its GEMMs as gemm_bench's lines have them, and the shipped path's activation kernels before each
        Map<Double, List<GpuLayer>> kernels;
        try (var in = Files.newInputStream(plan)) {
            kernels = GpuPlanCsv.read(plan.toString(), in);
        }
        List<String> fromPlan = new ArrayList<>();
        for (var e : kernels.entrySet()) {
            for (var l : e.getValue()) {
                if (l.kind().equals("gemm") || l.kind().equals("matmul")) {
                    fromPlan.add(String.format(Locale.ROOT, "%s %s %d %d %d %d %d", e.getKey() == 0 ? "0" : "1", l.name(), l.m(), l.n(),
                            l.k8() + l.k4(), l.issuedK8(), l.issuedK4()));
                }
            }
            assertThat(e.getValue()).extracting(GpuLayer::kind).contains("extract", "im2col", "gemm");
        }
        assertThat(fromPlan).isEqualTo(lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.lastIndexOf(' '))).toList());
    }

    @Test
    void compareShowsBothPathsPerLayer() {
        SimCliTest.Result r = sim("compare", "mlp", "--group", "16", "--ratio", "0,1", "--npu", "gemmini-like");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("SIMULATED by the fast engine", "MODELLED", "NPU PE util", "GPU tensor util", "fc1+relu1",
                "note: a 4-bit fold holds one group, G = 16 channels, where an 8-bit fold holds R = 16, so 4-bit channels take 1.00x the array folds");
    }

    @Test
    void badGpuInputExitsTwo() {
        SimCliTest.Result r = sim("gpu", "mlp", "--group", "16", "--gpu", "v100");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--gpu: unknown GPU 'v100'; known: a6000, a100, rtx3090, h100, h200, t4");
        assertThat(sim("gpu", "mlp", "--group", "16", "--batch", "0").err()).contains("--batch: 0 is not a positive batch size");
    }
}

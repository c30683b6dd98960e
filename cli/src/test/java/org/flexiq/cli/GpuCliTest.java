package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

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
        assertThat(j.get("runs").get(2).get("latencyUs").asDouble()).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void compareShowsBothPathsPerLayer() {
        SimCliTest.Result r = sim("compare", "mlp", "--group", "16", "--ratio", "0,1", "--npu", "gemmini-like");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("SIMULATED by the fast engine", "MODELLED", "NPU PE util", "GPU tensor util", "fc1+relu1");
    }

    @Test
    void badGpuInputExitsTwo() {
        SimCliTest.Result r = sim("gpu", "mlp", "--group", "16", "--gpu", "v100");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--gpu: unknown GPU 'v100'; known: a6000, a100, rtx3090, h100");
        assertThat(sim("gpu", "mlp", "--group", "16", "--batch", "0").err()).contains("--batch: 0 is not a positive batch size");
    }
}

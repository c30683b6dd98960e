package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

class ServeCliTest {
    @Test
    void serveGivesTheSameBytesForTheSameSeedAndTheFiguresItPrints(@TempDir Path dir) throws IOException {
        String[] args = {"serve", "mlp", "--group", "16", "--arrivals", "steps:20000@0.2,60000@0.2", "--requests", "20000", "--slo", "100us",
                "--policy", "static:0", "--policy", "slo:100us", "--policy", "queue:2,8", "--policy", "oracle:100us", "--batch", "2",
                "--batch-timeout", "20us"};
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Path report = dir.resolve("report");
        SimCliTest.Result r = sim(concat(args, "--json", a.toString(), "--report", report.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fast engine; a switch writes", "static:0", "slo:100us", "queue:2,8", "oracle:100us", "time at 1");
        assertThat(sim(concat(args, "--json", b.toString())).code()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        JsonNode j = new ObjectMapper().readTree(a.toFile());
        assertThat(j.get("runs")).hasSize(4);
        for (JsonNode run : j.get("runs")) {
            assertThat(run.get("served").asLong() + run.get("dropped").asLong()).isEqualTo(run.get("requests").asLong());
            assertThat(run.get("p50").asDouble()).isLessThanOrEqualTo(run.get("p90").asDouble());
            assertThat(run.get("p90").asDouble()).isLessThanOrEqualTo(run.get("p99").asDouble());
            double share = 0;
            for (JsonNode v : run.get("requestShare")) {
                share += v.asDouble();
            }
            assertThat(share).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        }
        List<String> csv = Files.readAllLines(report.resolve("series.csv"));
        assertThat(csv.get(0)).isEqualTo("policy,start_s,rate_per_s,ratio,queue_max,p90_ms");
        assertThat(csv).hasSize(1 + 4 * 100); // 100 intervals per policy
        assertThat(report.resolve("charts").resolve("serve-slo_100us.png")).exists();
        assertThat(Files.readString(report.resolve("report.html"))).contains("Serving: mlp", "oracle:100us", "time at each ratio");
    }

    @Test
    void ratesSweepGivesLatencyAgainstLoadAndTheRateEachRatioSustains(@TempDir Path dir) {
        SimCliTest.Result r = sim("serve", "mlp", "--group", "16", "--requests", "2000", "--sweep-requests", "5000", "--rates", "20000,40000,80000",
                "--slo", "200us", "--report", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("latency against Poisson rate (5000 requests per point)", "static:0.5", "rate with p90 under 200us: 8-bit");
        assertThat(dir.resolve("charts").resolve("latency-vs-rate.svg")).exists();
    }

    /** A ratio floor: the server runs the floor program's ratios only, each faster than the full program's same ratio. */
    @Test
    void aRatioFloorServesFromItsFloorOnWithPackedWeights() {
        SimCliTest.Result full = sim("serve", "mlp", "--group", "16", "--requests", "500", "--policy", "static:0.5");
        SimCliTest.Result floor = sim("serve", "mlp", "--group", "16", "--requests", "500", "--min-ratio", "0.5", "--sweep-requests", "2000",
                "--rates", "20000,40000", "--slo", "200us");
        assertThat(floor.code()).as(floor.err()).isZero();
        assertThat(floor.out()).contains("ratio 0.5  ratio 0.75  ratio 1", "static:0.5", "static:1", "slo:200us",
                "rate with p90 under 200us: ratio 0.5 ").doesNotContain("ratio 0 ", "time at 0 ", "static:0 ");
        assertThat(serviceMicros(floor.out(), 0)).isLessThan(serviceMicros(full.out(), 2)); // ratio 0.5: first column here, third in full
        SimCliTest.Result below = sim("serve", "mlp", "--group", "16", "--min-ratio", "0.5", "--policy", "static:0");
        assertThat(below.code()).isEqualTo(2);
        assertThat(below.err()).contains("--policy static:0: ratio 0 is not one the model stores (or the server runs) [0.5, 0.75, 1]");
        SimCliTest.Result gpu = sim("serve", "mlp", "--group", "16", "--min-ratio", "0.5", "--gpu", "a6000");
        assertThat(gpu.code()).isEqualTo(2);
        assertThat(gpu.err()).startsWith("sim: --min-ratio: ");
    }

    /** The service time of the i-th ratio column on the batch-1 row of serve's first table. */
    private static double serviceMicros(String out, int column) {
        String row = out.lines().filter(l -> l.strip().startsWith("1 ") && l.contains(" us")).findFirst().orElseThrow();
        return Double.parseDouble(row.strip().split("\\s+")[1 + 2 * column]);
    }

    @Test
    void badServingInputIsOneLineWithExitTwo(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("trace.csv");
        Files.writeString(trace, "timestamp\n0.5\nsoon\n");
        SimCliTest.Result r = sim("serve", "mlp", "--group", "16", "--arrivals", "trace:" + trace);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("sim: " + trace + ":3: field 'timestamp': expected a finite number, got 'soon'");
        assertThat(sim("serve", "mlp", "--group", "16", "--policy", "static:0.3").err()).contains("ratio 0.3 is not one the model stores");
        SimCliTest.Result ratios = sim("serve", "mlp", "--group", "16", "--ratios", "0.3,2");
        assertThat(ratios.code()).isEqualTo(2);
        assertThat(ratios.err().strip()).isEqualTo("sim: --ratios: '2' is not a ratio in [0, 1]");
    }

    @Test
    void moreRatiosGiveTheServerFinerSteps(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("s.json");
        SimCliTest.Result r = sim("serve", "mlp", "--group", "16", "--ratios", "0.3,0.6", "--policy", "static:0.3", "--policy", "static:0.6",
                "--requests", "500", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("ratios 0.25, 0.3, 0.5, 0.6, 0.75, 1 ", "time at 0.3", "time at 0.6");
        JsonNode runs = new ObjectMapper().readTree(json.toFile()).get("runs");
        assertThat(runs).hasSize(2);
        for (JsonNode run : runs) {
            assertThat(run.get("served").asLong()).isEqualTo(500);
        }
        assertThat(sim("serve", "mlp", "--group", "16", "--slo", "5").err()).contains("--slo: '5' needs a unit: s, ms or us");
        assertThat(sim("serve", "mlp", "--group", "16", "--arrivals", "uniform:3").code()).isEqualTo(2);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

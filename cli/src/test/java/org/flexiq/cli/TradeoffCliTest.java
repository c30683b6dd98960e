package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.workloads.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.flexiq.cli.SimCliTest.sim;

class TradeoffCliTest {
    @TempDir
    Path dir;

    @Test
    void printsTheTableAndHeadlinesAndWritesEveryFile() throws Exception {
        assumeThat(FashionMnist.available()).isTrue();
        Path model = TestModels.fmnistResnet(dir);
        Path json = dir.resolve("t.json");
        Path csv = dir.resolve("t.csv");
        Path report = dir.resolve("report");
        SimCliTest.Result r = sim("tradeoff", model.toString(), "--npu", "gemmini-like", "--method", "greedy", "--ratios", "0.5,1",
                "--data", "fashion-mnist:test:60", "--held-out", "8", "--json", json.toString(), "--csv", csv.toString(), "--report", report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fmnist-resnet on gemmini-like, G = 8; top-1 on fashion-mnist:test:60 (60 images)",
                "float: n/a (quantized input)", "greedy, static", "greedy, dynamic", "50% 4-bit (greedy, static):", "selection greedy");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("timings")).hasSize(3);
        assertThat(j.get("series")).hasSize(2);
        double int8 = j.get("int8Top1").asDouble();
        double half = j.get("series").get(0).get("top1").get(1).asDouble();
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "%+.2f pp against 8-bit", 100 * (half - int8)));
        assertThat(Files.readAllLines(csv)).hasSize(1 + 2 * 3);
        assertThat(report.resolve("report.html")).exists();
        assertThat(report.resolve("charts/latency-vs-accuracy.svg")).exists();
    }

    @Test
    void badInputIsOneLineWithExitTwo() {
        Path model = TestModels.fmnistResnet(dir);
        SimCliTest.Result m = sim("tradeoff", model.toString(), "--method", "best");
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.err().strip()).isEqualTo("sim: selection method 'best': expected random, greedy or evolutionary");
        SimCliTest.Result r = sim("tradeoff", model.toString(), "--ratios", "0.3", "--data", "fashion-mnist:test:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("sim: " + model + ": ").contains("0.3").doesNotContain("\n\tat ");
        SimCliTest.Result g = sim("tradeoff", model.toString(), "--group", "16", "--data", "fashion-mnist:test:1");
        assertThat(g.code()).isEqualTo(2);
        assertThat(g.err()).contains("--group 16", "G = 8");
    }
}

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

class QuantizeCliTest {
    @TempDir
    Path dir;

    private Path quantizedMlp() {
        Path q = dir.resolve("mlp.q.flx");
        SimCliTest.Result r = sim("quantize", "mlp", "--calib", "synthetic:16", "--group", "64", "--method", "evolutionary",
                "--population", "6", "--generations", "3", "--ratios", "0.5,1", "--fitness", "softmax", "-o", q.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + q, "2 4-bit sites (G = 64)", "ratios [0.5, 1.0]", "evolutionary selection",
                "ratio 0.50: fitness (softmax)");
        return q;
    }

    @Test
    void quantizeWritesAVersionTwoModelThatInspectReads() {
        Path q = quantizedMlp();
        SimCliTest.Result i = sim("inspect", q.toString());
        assertThat(i.code()).isZero();
        assertThat(i.out()).contains(".flx version 2", "flexiq.selection=evolutionary", "flexiq.selection.fitness=softmax", "quant.calib=synthetic:16",
                "quantization section", "quantized: G = 64, ratios [0.5, 1.0], 2 sites", "MAX_4BIT_CH @0.50");
        assertThat(i.out()).containsPattern("fc2 +relu1 +256 +128 +256");
    }

    @Test
    void quantizingTwiceGivesTheSameBytes() throws Exception {
        byte[] a = Files.readAllBytes(quantizedMlp());
        byte[] b = Files.readAllBytes(quantizedMlp());
        assertThat(b).isEqualTo(a);
    }

    @Test
    void accuracyPrintsATableAndWritesJsonAndCsv() throws Exception {
        assumeThat(FashionMnist.available()).isTrue();
        Path q = quantizedMlp();
        Path json = dir.resolve("acc.json");
        Path csv = dir.resolve("acc.csv");
        SimCliTest.Result r = sim("accuracy", q.toString(), "--data", "fashion-mnist:test:200", "--ratios", "0,0.5,1",
                "--compare", "random,greedy", "--extraction", "effective,naive", "--json", json.toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mlp on fashion-mnist:test:200 (200 images)", "float: ", "8-bit: ", "random", "greedy", "naive", "50% 4-bit");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("images").asInt()).isEqualTo(200);
        assertThat(j.get("rows")).hasSize(2 * 2 * 3);
        assertThat(Files.readAllLines(csv)).hasSize(1 + 2 + 12).first().isEqualTo("method,extraction,ratio,top1");
    }

    @Test
    void badInputsAreOneLineWithExitCodeTwo() throws Exception {
        Path out = dir.resolve("x.q.flx");
        bad(sim("quantize", "mlp", "--calib", "cifar10:train:5", "-o", out.toString()), "unknown data set 'cifar10'");
        bad(sim("quantize", "mlp", "--calib", "synthetic:4", "--group", "48", "-o", out.toString()), "not a multiple of the group width 48");
        bad(sim("quantize", "mlp", "--calib", "synthetic:4", "--ratios", "0.5,1.5", "-o", out.toString()), "'1.5' is not a ratio");
        bad(sim("quantize", "mlp", "--calib", "synthetic:4", "--method", "annealing", "-o", out.toString()), "expected random, greedy or evolutionary");
        bad(sim("quantize", "mlp", "--calib", "synthetic:4", "--fitness", "kl", "-o", out.toString()), "--fitness: fitness 'kl': expected softmax or outputs");
        bad(sim("quantize", "mlp", "--calib", "synthetic:4", "--static-shifts", "max", "-o", out.toString()),
                "--static-shifts: static shift rule 'max': expected mse or outputs");
        bad(sim("quantize", "mlp", "--calib", "synthetic:4", "--codes", "u4", "-o", out.toString()), "--codes: expected signed or unsigned, got 'u4'");
        assertThat(out).doesNotExist();
        Path q = quantizedMlp();
        bad(sim("tradeoff", q.toString(), "--ratios", "0.5,1", "--static-shifts", "outputs"),
                "--static-shifts outputs: " + q + " is already quantized (its shifts are its own); give its float model");
        bad(sim("quantize", q.toString(), "-o", out.toString()), "already a quantized model");
        bad(sim("tradeoff", q.toString(), "--ratios", "0.5,1", "--fitness", "outputs"), "--fitness outputs: " + q + " was selected with fitness softmax");
        bad(sim("accuracy", q.toString(), "--data", "fashion-mnist:test:10", "--ratios", "0.3"), "ratio 0.3 is not stored");
        Path floatFile = dir.resolve("mlp.flx");
        sim("zoo", "export", "mlp", "-o", floatFile.toString());
        bad(sim("accuracy", floatFile.toString(), "--data", "fashion-mnist:test:10"), "a float model; quantize it first (sim quantize ");
        assertThat(out).doesNotExist();
    }

    private static void bad(SimCliTest.Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("sim: ").contains(message);
        assertThat(r.err().strip()).doesNotContain("\n");
    }
}

package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SimCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result sim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void zooListShowsEveryModelWithComputedCounts() throws IOException {
        Result r = sim("zoo", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("resnet50", "25.56 M", "4.09 G", "vit-b16", "86.57 M", "17.56 G", "bert-base", "opt350m-block");
        JsonNode json = new ObjectMapper().readTree(sim("zoo", "list", "--json").out());
        assertThat(json.size()).isEqualTo(15);
        assertThat(r.out()).contains("fmnist-resnet-wide", "fmnist-resnet-wide-ft", "1.23 M", "40.49 M", "fmnist-vit-wide", "540.17 k", "28.88 M",
                "fmnist-mobilenet-wide", "980.36 k", "22.84 M");
        assertThat(json.get(2).get("name").asText()).isEqualTo("resnet50");
        assertThat(json.get(2).get("params").asLong()).isEqualTo(25557032L);
    }

    @Test
    void exportThenInspectChecksTheFile() throws IOException {
        Path f = dir.resolve("out/mlp.flx");
        Result e = sim("zoo", "export", "mlp", "-o", f.toString(), "--seed", "5");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).startsWith("wrote " + f + ": mlp, 6 layers, 235.15 k params");
        Result i = sim("inspect", f.toString());
        assertThat(i.code()).isZero();
        assertThat(i.out()).contains(".flx version 1", "header CRC32", "6 tensor CRC32s", "zoo.seed=5", "fc3", "Linear", "[784]");
        JsonNode json = new ObjectMapper().readTree(sim("inspect", f.toString(), "--json").out());
        assertThat(json.get("params").asLong()).isEqualTo(235146L);
        assertThat(json.get("layers").get(1).get("layer").get("op").asText()).isEqualTo("Linear");
        assertThat(json.get("sizeBytes").asLong()).isEqualTo(Files.size(f));
    }

    @Test
    void exportIsDeterministic() throws IOException {
        Path a = dir.resolve("a.flx");
        Path b = dir.resolve("b.flx");
        sim("zoo", "export", "mobilenetv2", "--image-size", "32", "-o", a.toString());
        sim("zoo", "export", "mobilenetv2", "--image-size", "32", "-o", b.toString());
        assertThat(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b))).isTrue();
    }

    /** --blocks caps each repeated block: ResNet-50 with one bottleneck per stage has the parameters the zoo's graph counts for it. */
    @Test
    void exportCapsTheRepeatsOfABlock() throws IOException {
        Path f = dir.resolve("r.flx");
        Result e = sim("zoo", "export", "resnet50", "--image-size", "32", "--blocks", "1", "-o", f.toString());
        assertThat(e.code()).as(e.err()).isZero();
        var z = org.flexiq.workloads.zoo.ModelZoo.get("resnet50");
        long params = z.graph(new org.flexiq.workloads.zoo.ZooOptions(32, 128, 1)).totalParams();
        assertThat(params).isLessThan(z.graph(new org.flexiq.workloads.zoo.ZooOptions(32, 128)).totalParams());
        assertThat(new ObjectMapper().readTree(sim("inspect", f.toString(), "--json").out()).get("params").asLong()).isEqualTo(params);
        assertThat(sim("inspect", f.toString()).out()).contains("zoo.blocks=1");
        assertBadInput(sim("zoo", "export", "resnet50", "--blocks", "-1", "-o", dir.resolve("n.flx").toString()), "blocks must be in 0..4096");
        assertBadInput(sim("zoo", "export", "fmnist-resnet", "--blocks", "1", "-o", dir.resolve("t.flx").toString()),
                "has trained weights for 28x28 inputs and all its blocks only");
        assertThat(dir.resolve("n.flx")).doesNotExist();
        assertThat(dir.resolve("t.flx")).doesNotExist();
    }

    @Test
    void inspectAcceptsZooNames() {
        Result r = sim("inspect", "opt350m-block");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("model: opt350m-block", "self_attn.softmax", "Softmax");
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws IOException {
        Path bad = dir.resolve("bad.flx");
        Files.write(bad, "FLX1garbage".getBytes());
        assertBadInput(sim("inspect", bad.toString()), bad + ": preamble: truncated");
        assertBadInput(sim("inspect", dir.resolve("absent.flx").toString()), "no such file");
        assertBadInput(sim("inspect", "resnet5"), "resnet5: neither a file nor a zoo model");
        assertBadInput(sim("zoo", "export", "resnet5"), "unknown zoo model 'resnet5'; known: mlp, resnet18");
        assertBadInput(sim("zoo", "export", "vit-b16", "--image-size", "20", "-o", dir.resolve("v.flx").toString()),
                "not a multiple of the patch size 16");
        assertThat(dir.resolve("v.flx")).doesNotExist();
        assertBadInput(sim("zoo", "export", "bert-base", "--seq-len", "0", "-o", dir.resolve("b.flx").toString()), "sequence length");
        assertThat(Files.list(dir)).containsExactly(bad); // no partial or temporary files
    }

    /** Issue 20: outputs that cannot be written where they are named are usage errors, refused before any work. */
    @Test
    void outputPathsOfTheWrongKindAreUsageErrors(@org.junit.jupiter.api.io.TempDir Path own) throws IOException {
        Path file = Files.writeString(own.resolve("a-file.txt"), "x");
        Result sweep = sim("sweep", "mlp", "--array", "8x8", "--out", file.toString());
        assertThat(sweep.code()).isEqualTo(2);
        assertThat(sweep.err().strip()).isEqualTo("sim: Invalid value for option '--out': '" + file + "' is a file; give a folder to write into; "
                + "see `sim help sweep`");
        Result quantize = sim("quantize", "mlp", "-o", own.toString());
        assertThat(quantize.code()).isEqualTo(2);
        assertThat(quantize.err()).contains("is a folder; give the path of a file to write");
        Result json = sim("run", "mlp", "--json", file.resolve("x.json").toString());
        assertThat(json.code()).isEqualTo(2);
        assertThat(json.err()).contains(file + " is a file, not a folder");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(sim("bogus").code()).isEqualTo(2);
        assertThat(sim("zoo", "export").code()).isEqualTo(2);
        assertThat(sim("zoo", "export", "mlp", "--seed", "x").code()).isEqualTo(2);
    }

    @Test
    void helpAndVersion() {
        Result h = sim("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("zoo", "inspect", "Exit codes", "2   bad input or usage");
        assertThat(sim("help", "inspect").out()).contains("Usage: sim inspect");
        assertThat(sim("--version").out()).startsWith("sim (FlexiQ NPU workbench) 0.1.0-SNAPSHOT");
    }

    private static void assertBadInput(Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("sim: ").contains(message).endsWith("\n");
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aUsageErrorIsOneLineThatPointsToTheCommandsHelp() {
        Result unknown = sim("run", "mlp", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("sim: Unknown option: '--frobnicate'; see `sim help run`");
        Result seed = sim("quantize", "mlp", "-o", "x.flx", "--seed", "abc");
        assertThat(seed.code()).isEqualTo(2);
        assertThat(seed.err().lines()).hasSize(1);
        assertThat(seed.err()).contains("--seed", "abc", "see `sim help quantize`");
        Result top = sim("nosuchcommand");
        assertThat(top.code()).isEqualTo(2);
        assertThat(top.err().lines()).hasSize(1);
        assertThat(top.err()).contains("nosuchcommand", "see `sim help`");
    }
}

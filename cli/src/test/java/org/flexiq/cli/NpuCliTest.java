package org.flexiq.cli;

import org.flexiq.workbench.NpuModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

/** sim compile, disasm, asm, exec and npu presets, end to end, with their bad-input errors. */
class NpuCliTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void quantize() {
        model = TestModels.fmnistResnet(dir);
    }

    @Test
    void groupsNarrowerThanTheInt4LanesAreExplained() {
        assertThat(NpuModels.narrowGroupNote(64, 32)).isNull();
        assertThat(NpuModels.narrowGroupNote(128, 32)).isNull();
        assertThat(NpuModels.narrowGroupNote(8, 32)).contains("G = 8 channels", "R = 32", "4.00x the array folds", "--group 64");
        assertThat(NpuModels.narrowGroupNote(48, 32)).contains("0.67x the array folds");
    }

    @Test
    void compileDisassembleAssembleGivesTheSameBytes() throws IOException {
        Path npu = dir.resolve("fm.npu");
        SimCliTest.Result c = sim("compile", model.toString(), "--npu", "gemmini-like", "-o", npu.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("for gemmini-like (16x16 array, 256 KiB scratchpad, G = 8)", "register profiles: 0, 0.25, 0.5, 0.75, 1",
                "reorders: 4 sites whose order no producer could take");
        SimCliTest.Result d = sim("disasm", npu.toString());
        assertThat(d.code()).isZero();
        assertThat(d.out()).contains(".target rows=16 cols=16", "loop.ws ", "layer id=0  ; stem.conv+stem.relu", "DRAM image of");
        Path s = dir.resolve("fm.s");
        assertThat(sim("disasm", npu.toString(), "--data", "-o", s.toString()).code()).isZero();
        Path again = dir.resolve("again.npu");
        SimCliTest.Result a = sim("asm", s.toString(), "-o", again.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(npu));
        JsonNode json = new ObjectMapper().readTree(sim("compile", model.toString(), "--array", "8x8", "-o", npu.toString(), "--json").out());
        assertThat(json.get("array").asText()).isEqualTo("8x8");
        assertThat(json.get("report").get("reorders").asInt()).isEqualTo(4);
    }

    @Test
    void execRunsEveryRatioAndMatchesTheGoldenExecutor() {
        SimCliTest.Result r = sim("exec", model.toString(), "--ratio", "0,0.5,1", "--functional", "--extraction", "dynamic", "--array", "8x8",
                "--data", "synthetic:2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("8x8, G = 8").contains("dynamic extraction");
        assertThat(r.out().lines().filter(l -> l.contains("match golden"))).hasSize(3);
    }

    @Test
    void badInputsGetOneLineAndExitTwo() throws IOException {
        Path npu = dir.resolve("bad.npu");
        Path flx = dir.resolve("float.flx");
        assertThat(sim("zoo", "export", "mlp", "-o", flx.toString()).code()).isZero();
        SimCliTest.Result f = sim("compile", flx.toString(), "-o", npu.toString());
        assertThat(f.code()).isEqualTo(2);
        assertThat(f.err()).startsWith("sim: " + flx + ": a float model; quantize it first");
        SimCliTest.Result p = sim("compile", model.toString(), "--npu", "tpu-v9", "-o", npu.toString());
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.err()).contains("unknown NPU preset 'tpu-v9'; presets: flexiq-npu, gemmini-like, tpu-like, scalesim-compatible");
        SimCliTest.Result g = sim("compile", model.toString(), "--array", "3x3", "-o", npu.toString());
        assertThat(g.code()).isEqualTo(2);
        assertThat(g.err()).contains("groupWidth 8 does not divide into the array's 2 x 3 = 6 int4 lanes");
        assertThat(npu).doesNotExist();
        Files.write(npu, new byte[]{'N', 'P', 'U', '1', 0, 0, 0, 0, 0, 0, 0, 0});
        SimCliTest.Result d = sim("disasm", npu.toString());
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err()).startsWith("sim: " + npu + ": crc: ");
        Path s = dir.resolve("bad.s");
        Files.writeString(s, ".target rows=4 cols=4 sp=1024 acc=16\n.dram bytes=64\nmvin rows=70000\n");
        SimCliTest.Result a = sim("asm", s.toString(), "-o", npu.toString());
        assertThat(a.code()).isEqualTo(2);
        assertThat(a.err().strip()).isEqualTo("sim: " + s + ": line 3: rows=70000 does not fit 16 unsigned bits [0, 65535]");
        SimCliTest.Result r = sim("exec", model.toString(), "--ratio", "0.3", "--functional");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ratio 0.3 is not stored in this model");
        // the golden executor's inner-product override (a JVM property) naming no layout: one line, bad input
        System.setProperty("flexiq.golden.inner-product", "avx");
        try {
            SimCliTest.Result ip = sim("exec", model.toString(), "--ratio", "0.5", "--functional");
            assertThat(ip.code()).isEqualTo(2);
            assertThat(ip.err().strip()).isEqualTo("sim: -Dflexiq.golden.inner-product=avx: expected paired-longs, int-rows or position-lanes");
        } finally {
            System.clearProperty("flexiq.golden.inner-product");
        }
        // issue 20's reproductions: the preset's name, never "null"; an infinite clock refused
        SimCliTest.Result z = sim("run", model.toString(), "--array", "0x0", "--no-check");
        assertThat(z.code()).isEqualTo(2);
        assertThat(z.err().strip()).isEqualTo("sim: --npu flexiq-npu --array 0x0: flexiq-npu: arrayRows = 0 is not in [1, 4096]");
        SimCliTest.Result inf = sim("run", model.toString(), "--clock-mhz", "Infinity", "--no-check");
        assertThat(inf.code()).isEqualTo(2);
        assertThat(inf.err()).contains("flexiq-npu: clockMHz and dramBandwidthGBps must be positive and finite");
    }

    /** A ratio floor: fewer weight bytes, the profiles from the floor up, its mvin.w4 through disasm and asm, the same outputs. */
    @Test
    void aRatioFloorStoresPackedWeightsAndServesTheRatiosAboveIt() throws IOException {
        Path npu = dir.resolve("floor.npu");
        SimCliTest.Result c = sim("compile", model.toString(), "--npu", "gemmini-like", "--min-ratio", "0.5", "-o", npu.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("register profiles: 0.5, 0.75, 1", "--min-ratio 0.5: weights ", " of them packed 4-bit codes (the full program's: ",
                "ratios below 0.5 are not in the program");
        JsonNode full = new ObjectMapper().readTree(sim("compile", model.toString(), "--npu", "gemmini-like", "-o", dir.resolve("full.npu").toString(),
                "--json").out());
        JsonNode floor = new ObjectMapper().readTree(sim("compile", model.toString(), "--npu", "gemmini-like", "--min-ratio", "0.5", "-o", npu.toString(),
                "--json").out());
        assertThat(full.get("report").get("packedWeightBytes").asLong()).isZero();
        assertThat(floor.get("report").get("packedWeightBytes").asLong()).isPositive();
        assertThat(floor.get("fullProgramWeightBytes").asLong()).isEqualTo(full.get("report").get("weightBytes").asLong());
        // the packed codes replace int8 rows of the same channels at half their bytes (every column tile here is even)
        assertThat(floor.get("report").get("weightBytes").asLong()).isEqualTo(full.get("report").get("weightBytes").asLong()
                - floor.get("report").get("packedWeightBytes").asLong());
        Path s = dir.resolve("floor.s");
        assertThat(sim("disasm", npu.toString(), "--data", "-o", s.toString()).code()).isZero();
        assertThat(Files.readString(s)).contains("mvin.w4 ", " wcodes=");
        Path again = dir.resolve("floor-again.npu");
        assertThat(sim("asm", s.toString(), "-o", again.toString()).code()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(npu));
        SimCliTest.Result r = sim("run", model.toString(), "--npu", "gemmini-like", "--ratio", "0.5,1", "--min-ratio", "0.5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("--min-ratio 0.5: weights ");
        assertThat(r.out().lines().filter(l -> l.strip().endsWith("match"))).hasSize(2);
        SimCliTest.Result below = sim("run", model.toString(), "--ratio", "0,1", "--min-ratio", "0.5", "--no-check");
        assertThat(below.code()).isEqualTo(2);
        assertThat(below.err().strip()).isEqualTo("sim: --ratio 0: below --min-ratio 0.5, which leaves it out of the program");
        SimCliTest.Result unstored = sim("compile", model.toString(), "--min-ratio", "0.3", "-o", npu.toString() + ".x");
        assertThat(unstored.code()).isEqualTo(2);
        assertThat(unstored.err()).startsWith("sim: --min-ratio: ratio 0.3 is not stored in this model");
        assertThat(dir.resolve("floor.npu.x")).doesNotExist();
        SimCliTest.Result nan = sim("compile", model.toString(), "--min-ratio", "half", "-o", npu.toString());
        assertThat(nan.code()).isEqualTo(2);
        assertThat(nan.err().strip()).isEqualTo("sim: --min-ratio: 'half' is not a ratio in [0, 1]");
    }

    @Test
    void presetsAreListed() {
        SimCliTest.Result r = sim("npu", "presets");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("flexiq-npu", "32x32", "gemmini-like", "tpu-like", "128x128", "scalesim-compatible", "ideal");
    }
}

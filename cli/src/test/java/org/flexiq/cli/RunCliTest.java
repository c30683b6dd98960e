package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

/** sim run end to end: tables, JSON and CSV, schedules, models quantized on the fly, bad input. */
class RunCliTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void quantize() {
        model = TestModels.fmnistResnet(dir);
    }

    @Test
    void ratiosGiveASummaryAndMachineReadableFilesWhoseBreakdownsSumToTheCycles() throws IOException {
        Path json = dir.resolve("out/run.json");
        Path csv = dir.resolve("out/run.csv");
        SimCliTest.Result r = sim("run", model.toString(), "--ratio", "0,0.5,1", "--array", "8x8", "--json", json.toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fast engine", "8x8, G = 8", "speedup", "DMA stall");
        assertThat(r.out().lines().filter(l -> l.trim().endsWith("match"))).hasSize(3);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("runs")).hasSize(3);
        for (JsonNode run : j.get("runs")) {
            long sum = 0;
            for (JsonNode v : run.get("breakdown")) {
                sum += v.asLong();
            }
            assertThat(sum).isEqualTo(run.get("cycles").asLong());
            long layers = 0;
            for (JsonNode l : run.get("layers")) {
                layers += l.get("cycles").asLong();
            }
            assertThat(layers).isEqualTo(run.get("cycles").asLong());
            assertThat(run.get("matchedGolden").asBoolean()).isTrue();
        }
        assertThat(j.get("runs").get(0).get("speedupOverRatio0").asDouble()).isEqualTo(1.0);
        assertThat(Files.readAllLines(csv)).hasSize(1 + 3 * j.get("runs").get(0).get("layers").size());
    }

    @Test
    void theCycleEngineGivesTheFastEnginesCountsAndComputesMatchingValues() throws IOException {
        Path fast = dir.resolve("fast.json");
        Path cycle = dir.resolve("cycle.json");
        SimCliTest.Result f = sim("run", model.toString(), "--ratio", "0,1", "--array", "8x8", "--json", fast.toString());
        SimCliTest.Result c = sim("run", model.toString(), "--ratio", "0,1", "--array", "8x8", "--engine", "cycle", "--json", cycle.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("cycle engine");
        JsonNode a = new ObjectMapper().readTree(fast.toFile()).get("runs");
        JsonNode b = new ObjectMapper().readTree(cycle.toFile()).get("runs");
        for (int i = 0; i < 2; i++) {
            assertThat(b.get(i).get("cycles").asLong()).isEqualTo(a.get(i).get("cycles").asLong());
            assertThat(b.get(i).get("breakdown")).isEqualTo(a.get(i).get("breakdown"));
            assertThat(b.get(i).get("matchedGolden").asBoolean()).isTrue();
        }
        assertThat(sim("run", model.toString(), "--engine", "cycle", "--ratio-schedule", "1,0.5").err())
                .contains("--ratio-schedule runs on the fast engine");
    }

    @Test
    void aScheduleSwitchesRatioByRegisterWrites() {
        SimCliTest.Result r = sim("run", model.toString(), "--ratio-schedule", "1,0.25,0.5", "--no-check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1: 1", "2: 0.25", "3: 0.5", "each switch writes 9 MAX_4BIT_CH registers");
    }

    @Test
    void switchingRatioCostsOnlyTheRegisterWrites() throws IOException {
        org.flexiq.compiler.quant.QuantizedModel q = org.flexiq.compiler.quant.QuantizedFlx.read(model);
        org.flexiq.simulator.NpuConfig c = org.flexiq.simulator.NpuPresets.load("gemmini-like").withGroupWidth(8);
        org.flexiq.isa.NpuProgram p = org.flexiq.compiler.lower.NpuCompiler.compile(q, c.target()).program();
        // the same program, its registers rewritten between inferences: an inference after a switch from 1.0
        // takes exactly as long as one after another inference at its own ratio; a cold one also waits for
        // its first instructions to be dispatched
        for (String r : java.util.List.of("0", "0.25", "0.5")) {
            long afterSwitch = org.flexiq.simulator.FastEngine.schedule(p, c, java.util.List.of("1", r), 0).get(1).cycles();
            long afterSame = org.flexiq.simulator.FastEngine.schedule(p, c, java.util.List.of(r, r), 0).get(1).cycles();
            long cold = org.flexiq.simulator.FastEngine.run(p, c, r, 0).cycles();
            assertThat(afterSwitch).isEqualTo(afterSame).isLessThanOrEqualTo(cold).isGreaterThan(cold - 64);
        }
    }

    @Test
    void aZooNameIsQuantizedOnTheFly() {
        SimCliTest.Result r = sim("run", "mlp", "--group", "16", "--ratio", "0.5", "--npu", "gemmini-like");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("quantized mlp (zoo) on the fly: G = 16", "per layer at ratio 0.5", "fc2", "match")
                .doesNotContain("ratios 0.25");
        // any ratio: quantizing on the fly stores the ones asked for, and they are checked against golden like the others
        SimCliTest.Result any = sim("run", "mlp", "--group", "16", "--ratio", "0.3,0.5", "--npu", "gemmini-like");
        assertThat(any.code()).as(any.err()).isZero();
        assertThat(any.out()).contains("ratios 0.25, 0.3, 0.5, 0.75, 1 ");
        assertThat(any.out().lines().filter(l -> l.matches("\\s+0\\.[35] .* match"))).hasSize(2);
    }

    @Test
    void benchTimesTheFastEngine() {
        SimCliTest.Result r = sim("bench", "--model", model.toString(), "--ratio", "0.5", "--repeat", "1", "--npu", "gemmini-like");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fmnist-resnet on gemmini-like (16x16, G = 8) at ratio 0.5", "fast", "PE-cycles / s");
    }

    @Test
    void badInputExitsTwo() {
        assertThat(sim("run", model.toString(), "--engine", "warp").err()).contains("--engine: 'warp' is neither fast nor cycle");
        SimCliTest.Result r = sim("run", model.toString(), "--ratio", "0.3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ratio 0.3 is not stored in this model");
        assertThat(sim("run", model.toString(), "--group", "16").err()).contains("was quantized with G = 8");
    }

    @Test
    void scaleSimFilesRunAndWriteComputeReports() throws IOException {
        Path topo = dir.resolve("t.csv");
        Files.writeString(topo, "Layer, M, N, K,\na, 40, 24, 32,\nb, 9, 8, 20,\n");
        Path cfg = Path.of("..", "validation", "scale-ws-32x32.cfg");
        Path out = dir.resolve("scalesim");
        SimCliTest.Result r = sim("run", "--scalesim-cfg", cfg.toString(), "--topology", topo.toString(), "--ratio", "0,1", "--group", "16",
                "--csv-scalesim", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // a topology has no values of its own: the fast engine times it from the shapes; the cycle engine computes
        // synthetic values and checks them
        assertThat(r.out()).contains("2 layers (gemm form)", "32x32 ws array", "timing only").doesNotContain("match");
        SimCliTest.Result cycle = sim("run", "--scalesim-cfg", cfg.toString(), "--topology", topo.toString(), "--ratio", "1", "--group", "16",
                "--engine", "cycle");
        assertThat(cycle.out()).as(cycle.err()).contains("match").doesNotContain("timing only");
        String report = Files.readString(out.resolve("ratio-0").resolve("COMPUTE_REPORT.csv"));
        // layer a: one fold, 2R + C + M - 2 = 64 + 32 + 40 - 2 = 134 demand lines, the last at cycle 133; CALC: no stall
        assertThat(report).startsWith(org.flexiq.reports.ComputeReport.HEADER_WITH_NPU + "\n0, 133, 0, ");
        assertThat(Files.exists(out.resolve("ratio-1").resolve("COMPUTE_REPORT.csv"))).isTrue();
        // at 100% 4-bit a dual-int4 PE does two MACs a cycle, counted as one PE-cycle: utilization stays within 100%
        for (String line : Files.readAllLines(out.resolve("ratio-1").resolve("COMPUTE_REPORT.csv")).subList(1, 3)) {
            assertThat(Double.parseDouble(line.split(", ")[3])).isBetween(0.0, 100.0);
        }
    }

    /**
     * SCALE-Sim v2's own regression case (its test/scripts/function_test.sh: scale.cfg with the ws dataflow, alexnet_part):
     * all three reports equal the ones its CI expects, byte for byte in SCALE-Sim's columns.
     */
    @Test
    void scaleSimsOwnGoldenTraceComesOutOfAllThreeReports() throws IOException {
        Path v2 = Path.of("..", "validation", "scalesim-v2");
        Path cfg = dir.resolve("scale-ws.cfg");
        Files.writeString(cfg, Files.readString(v2.resolve("scale.cfg")).replace("Dataflow : os", "Dataflow : ws"));
        Path out = dir.resolve("golden");
        SimCliTest.Result r = sim("run", "--scalesim-cfg", cfg.toString(), "--topology", v2.resolve("topologies/conv_nets/alexnet_part.csv").toString(),
                "--ratio", "0", "--csv-scalesim", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String report : List.of("BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")) {
            assertThat(Files.readString(out.resolve(report))).as(report).isEqualTo(Files.readString(v2.resolve("golden_trace").resolve(report)));
        }
        List<String> ours = Files.readAllLines(out.resolve("COMPUTE_REPORT.csv"));
        List<String> theirs = Files.readAllLines(v2.resolve("golden_trace/COMPUTE_REPORT.csv"));
        assertThat(ours).hasSameSizeAs(theirs);
        for (int i = 0; i < ours.size(); i++) {
            // SCALE-Sim's six columns, then ours
            assertThat(ours.get(i)).startsWith(theirs.get(i));
        }
        // at a 4-bit ratio only COMPUTE_REPORT is ours to write; the memory reports stay with ratio 0, SCALE-Sim's 8-bit folds
        SimCliTest.Result mixed = sim("run", "--scalesim-cfg", cfg.toString(), "--topology", v2.resolve("topologies/conv_nets/alexnet_part.csv")
                .toString(), "--ratio", "0.5", "--group", "16", "--csv-scalesim", dir.resolve("half").toString());
        assertThat(mixed.out()).contains("BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv not written: SCALE-Sim's folds are all 8-bit");
        assertThat(Files.exists(dir.resolve("half").resolve("BANDWIDTH_REPORT.csv"))).isFalse();
    }

    /**
     * SCALE-Sim v3's regression case in CALC mode (its test/general/scripts/diff_calc.sh: its scale.cfg, alexnet_part): the
     * memory reports equal its golden files byte for byte; COMPUTE_REPORT has v3's leading column and SCALE-Sim's
     * columns, Compute Util % to the last bits a Python sum() may differ in.
     */
    @Test
    void scaleSimV3sGoldenTraceComesOutForAV3Config() throws IOException {
        Path v3 = Path.of("..", "validation", "scalesim-v3");
        Path out = dir.resolve("v3");
        SimCliTest.Result r = sim("run", "--scalesim-cfg", v3.resolve("configs/scale.cfg").toString(), "--topology",
                Path.of("..", "validation", "scalesim-v2", "topologies", "conv_nets", "alexnet_part.csv").toString(), "--ratio", "0",
                "--csv-scalesim", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String report : List.of("BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")) {
            assertThat(Files.readString(out.resolve(report))).as(report)
                    .isEqualTo(Files.readString(v3.resolve("golden_trace_calc").resolve(report)));
        }
        List<String> ours = Files.readAllLines(out.resolve("COMPUTE_REPORT.csv"));
        List<String> theirs = Files.readAllLines(v3.resolve("golden_trace_calc/COMPUTE_REPORT.csv"));
        assertThat(ours.get(0)).startsWith(theirs.get(0));
        String[] o = ours.get(1).split(", ");
        String[] t = theirs.get(1).split(", ");
        assertThat(java.util.Arrays.copyOf(o, 6)).containsExactly(java.util.Arrays.copyOf(t, 6));
        assertThat(Double.parseDouble(o[6])).isCloseTo(Double.parseDouble(t[6].replace(",", "")), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void badScaleSimFilesExitTwoNamingFileLineAndField() throws IOException {
        Path topo = dir.resolve("bad.csv");
        Files.writeString(topo, "Layer, M, N, K,\na, 40, x, 32,\n");
        Path out = dir.resolve("never");
        SimCliTest.Result r = sim("run", "--topology", topo.toString(), "--csv-scalesim", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(topo + ":2: N: expected a positive integer, got 'x'");
        assertThat(Files.exists(out)).isFalse();
        Path cfg = dir.resolve("os.cfg");
        Files.writeString(cfg, "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 1\nFilterSramSzkB: 1\n"
                + "OfmapSramSzkB: 1\nDataflow: os\n[run_presets]\nInterfaceBandwidth: CALC\n");
        Files.writeString(topo, "Layer, M, N, K,\na, 4, 4, 4,\n");
        r = sim("run", "--scalesim-cfg", cfg.toString(), "--topology", topo.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(cfg + ":7: Dataflow: 'os' is not supported");
        assertThat(sim("run").err()).contains("give a MODEL or --topology FILE.csv");
        r = sim("run", "--scalesim-cfg", Path.of("..", "validation", "scale-ws-32x32.cfg").toString(), "--topology", topo.toString(), "--npu",
                "tpu-like");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--npu: the machine comes from");
        // a bad --accuracy file: exit 2 and no output at all
        Path acc = dir.resolve("acc.json");
        Files.writeString(acc, "{\"rows\": []}");
        Path json = dir.resolve("none.json");
        Path report = dir.resolve("no-report");
        r = sim("run", model.toString(), "--ratio", "0.5", "--json", json.toString(), "--report", report.toString(), "--accuracy", acc.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(acc + ": rows: none for any method/static; it has none");
        assertThat(Files.exists(json)).isFalse();
        assertThat(Files.exists(report)).isFalse();
    }
}

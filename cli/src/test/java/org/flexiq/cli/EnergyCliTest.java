package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.flexiq.cli.SimCliTest.sim;

/** Energy end to end: sim energy and its ERT/ART, sim run's energy figures and files, bad tables. */
class EnergyCliTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void quantize() {
        model = TestModels.fmnistResnet(dir);
    }

    static JsonNode run(String json, String... extra) throws IOException {
        String[] args = new String[]{"run", model.toString(), "--ratio", "0,1", "--array", "8x8", "--no-check", "--json", json};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        SimCliTest.Result r = sim(all);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("energy per inference", "pJ per MAC", "TOPS/W", "accumulator SRAM");
        return new ObjectMapper().readTree(Path.of(json).toFile());
    }

    @Test
    void runEnergyIsTheSumOfItsComponentsAndLayersAndOurErtGivesItBack() throws IOException {
        JsonNode a = run(dir.resolve("a.json").toString());
        for (JsonNode r : a.get("runs")) {
            double components = 0;
            for (JsonNode v : r.get("energyByComponentPj")) {
                components += v.asDouble();
            }
            double layers = 0;
            for (JsonNode l : r.get("layers")) {
                for (JsonNode v : l.get("energyByComponentPj")) {
                    layers += v.asDouble();
                }
            }
            double e = r.get("energyPj").asDouble();
            assertThat(components).isCloseTo(e, within(1e-6 * e));
            assertThat(layers).isCloseTo(e, within(1e-6 * e));
            long macs = r.get("int8Macs").asLong() + r.get("int4Macs").asLong();
            assertThat(r.get("topsPerWatt").asDouble()).isCloseTo(2.0 * macs / e, within(1e-9));
        }
        // 4-bit MACs cost less than 8-bit ones: 100% 4-bit spends less on the PEs
        assertThat(a.get("runs").get(1).get("energyByComponentPj").get("pe_macs").asDouble())
                .isLessThan(a.get("runs").get(0).get("energyByComponentPj").get("pe_macs").asDouble());
        Path ert = dir.resolve("ert");
        SimCliTest.Result w = sim("energy", "--array", "8x8", "--write-ert", ert.toString());
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(w.out()).contains("mac_int8", "0.3436", "group shifters");
        JsonNode b = run(dir.resolve("b.json").toString(), "--energy", ert.resolve("ERT.yaml").toString(), "--art", ert.resolve("ART.yaml").toString());
        for (int i = 0; i < 2; i++) {
            double x = a.get("runs").get(i).get("energyPj").asDouble();
            assertThat(b.get("runs").get(i).get("energyPj").asDouble()).isCloseTo(x, within(1e-5 * x));
        }
        assertThat(b.get("energyModel").get("int8PeAreaMm2").isNull()).isTrue();
    }

    @Test
    void aNodeAndDramChangeScaleTheRightParts() throws IOException {
        JsonNode a = run(dir.resolve("n45.json").toString());
        JsonNode b = run(dir.resolve("n16.json").toString(), "--node", "16", "--dram", "HBM2");
        JsonNode ra = a.get("runs").get(0).get("energyByComponentPj");
        JsonNode rb = b.get("runs").get(0).get("energyByComponentPj");
        assertThat(rb.get("dram").asDouble()).isCloseTo(ra.get("dram").asDouble() * 3.9 / 8, within(1e-6 * ra.get("dram").asDouble()));
        assertThat(rb.get("pe_macs").asDouble()).isLessThan(ra.get("pe_macs").asDouble() / 4);
        assertThat(b.get("energyModel").get("totalAreaMm2").asDouble()).isLessThan(a.get("energyModel").get("totalAreaMm2").asDouble() / 4);
    }

    @Test
    void aSweepOfPlainInt8PesTimesRatioZeroAndRefusesTheOthers() throws IOException {
        Path out = dir.resolve("sweep-int8");
        SimCliTest.Result r = sim("sweep", model.toString(), "--array", "8x8", "--ratio", "0,1", "--pe", "int8", "--no-cluster", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        java.util.List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).contains(",0,ok,");
        assertThat(rows.get(2)).contains(",1,infeasible,").contains("plain int8 PEs (peType int8) have no int4 lanes");
        // the int8-PE point is its own comparison: perf/area and energy gains of 1
        assertThat(rows.get(1)).endsWith(",1.000000,1.000000,0,1"); // no ratio floor, one image per run
    }

    @Test
    void badTablesAndOptionsAreOneLineErrors() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "ERT:\n  tables:\n  - name: x.scratchpad\n    actions:\n    - name: read\n      energy: -3\n");
        SimCliTest.Result r = sim("run", model.toString(), "--array", "8x8", "--energy", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains(bad + ":6: field 'energy' of 'x.scratchpad': expected a number >= 0, got '-3'");
        SimCliTest.Result n = sim("energy", "--node", "3");
        assertThat(n.code()).isEqualTo(2);
        assertThat(n.err()).contains("technology node 3.0 nm is outside the scaling table");
        SimCliTest.Result p = sim("run", model.toString(), "--array", "8x8", "--ratio", "1", "--pe", "int8", "--no-check");
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.err()).contains("plain int8 PEs (peType int8) have no int4 lanes");
        SimCliTest.Result s = sim("sweep", model.toString(), "--array", "8x8", "--energy", bad.toString(), "--out",
                dir.resolve("sw").toString());
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("is an ERT, priced for one NPU");
        assertThat(dir.resolve("sw")).doesNotExist();
    }
}

package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Accelergy's published tables load with the values they list; ours round-trip; bad ones fail by file, line and field. */
class AccelergyTablesTest {
    static Path resource(String name) throws URISyntaxException {
        return Path.of(AccelergyTablesTest.class.getResource("/accelergy/" + name).toURI());
    }

    @Test
    void aPublishedSimbaLikeErtGivesTheEnergiesItLists() throws Exception {
        Map<String, Map<String, Double>> ert = AccelergyTables.readErt(resource("simba_like.ERT.yaml"));
        assertThat(ert).containsKeys("System_top_level.DRAM[1..1]", "System_top_level.GlobalBuffer[1..1]", "System_top_level.mac[1..256]");
        assertThat(ert.get("System_top_level.mac[1..256]")).containsEntry("compute", 0.315).containsEntry("leak", 0.0036);
        assertThat(ert.get("System_top_level.DRAM[1..1]")).containsEntry("read", 512.0).containsEntry("write", 512.0);
        assertThat(ert.get("System_top_level.GlobalBuffer[1..1]")).containsEntry("read", 51.870888).containsEntry("write", 66.310888);
        assertThat(ert.get("System_top_level.PEWeightRegs[1..256]")).containsEntry("read", 0.259899);
    }

    @Test
    void aPublishedEyerissLikeArtGivesTheAreasItLists() throws Exception {
        Map<String, Double> art = AccelergyTables.readArt(resource("eyeriss_like.ART.yaml"));
        assertThat(art).hasSize(10).containsEntry("eyeriss_like.PE[0..167].mac", 1239.5).containsEntry("eyeriss_like.shared_glb", 979377.0)
                .containsEntry("eyeriss_like.weights_glb", 77093.2);
    }

    @Test
    void theMappingFormOfLaterAccelergyVersionsReadsTooAndKeepsTheDearestVariant(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ERT.yaml");
        Files.writeString(f, """
                ERT:
                  tables:
                    chip.PE.mac:
                      mac_random:
                        arguments: null
                        energy: 1.207
                    chip.glb:
                      read:
                      - arguments: {address_delta: 0, data_delta: 0}
                        energy: 3.32
                      - arguments: {address_delta: 1, data_delta: 1}
                        energy: 4.326
                """);
        Map<String, Map<String, Double>> ert = AccelergyTables.readErt(f);
        assertThat(ert.get("chip.PE.mac")).containsEntry("mac_random", 1.207);
        assertThat(ert.get("chip.glb")).containsEntry("read", 4.326);
    }

    @Test
    void ourTablesRoundTripThroughErtAndArt(@TempDir Path dir) throws IOException {
        NpuConfig npu = NpuPresets.load("flexiq-npu");
        EnergyTable t = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT).withNode(16, 0.8), npu);
        Files.writeString(dir.resolve("ERT.yaml"), AccelergyTables.ert(t));
        Files.writeString(dir.resolve("ART.yaml"), AccelergyTables.art(t));
        EnergyTable back = AccelergyTables.apply(EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), npu), dir.resolve("ERT.yaml"),
                dir.resolve("ART.yaml"));
        for (EnergyAction a : EnergyAction.values()) {
            assertThat(back.pj(a)).as(a.name()).isCloseTo(t.pj(a), within(1e-5 * Math.max(t.pj(a), 1e-9)));
        }
        for (AreaItem i : AreaItem.values()) {
            assertThat(back.um2().get(i)).as(i.name()).isCloseTo(t.um2().get(i), within(1e-5 * Math.max(t.um2().get(i), 1e-9)));
        }
        assertThat(back.source()).isEqualTo("ERT ERT.yaml, ART ART.yaml");
    }

    @Test
    void aTableForAnotherDesignIsRefusedWithEverythingItLacks() throws Exception {
        NpuConfig npu = NpuPresets.load("flexiq-npu");
        EnergyTable base = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), npu);
        assertThatThrownBy(() -> AccelergyTables.apply(base, resource("simba_like.ERT.yaml"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("simba_like.ERT.yaml: no energy for pe_array.mac_int8, pe_array.mac_int4")
                .hasMessageContaining("dram.read, dram.write")
                .hasMessageContaining("chip.leak");
    }

    @Test
    void badYamlNamesTheFileLineAndField(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                ERT:
                  version: 0.3
                  tables:
                  - name: npu.scratchpad
                    actions:
                    - name: read
                      arguments: null
                      energy: lots
                """);
        assertThatThrownBy(() -> AccelergyTables.readErt(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ":8: field 'energy' of 'npu.scratchpad': expected a number >= 0, got 'lots'");
        Files.writeString(f, """
                ERT:
                  tables:
                  - name: npu.scratchpad
                    actions:
                    - name: read
                      arguments: null
                """);
        assertThatThrownBy(() -> AccelergyTables.readErt(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ":5: field 'energy' is missing");
        Files.writeString(f, "ERT:\n  tables: [\n   - name: x\n");
        assertThatThrownBy(() -> AccelergyTables.readErt(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ":").hasMessageContaining("malformed YAML").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.writeString(f, "ART:\n  tables: []\n");
        assertThatThrownBy(() -> AccelergyTables.readErt(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ":1: no 'ERT' at the top (an Accelergy ERT starts with 'ERT:')");
    }
}

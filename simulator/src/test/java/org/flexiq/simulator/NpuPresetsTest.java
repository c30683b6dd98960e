package org.flexiq.simulator;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpuPresetsTest {
    @Test
    void everyPresetLoadsAndFlexiqNpuFollowsThePaper() {
        assertThat(NpuPresets.names()).containsExactly("flexiq-npu", "gemmini-like", "tpu-like", "scalesim-compatible");
        for (String n : NpuPresets.names()) {
            assertThat(NpuPresets.load(n).name()).isEqualTo(n);
        }
        NpuConfig f = NpuPresets.load("flexiq-npu");
        assertThat(f.arrayRows()).isEqualTo(32);
        assertThat(f.groupWidth()).isEqualTo(64);
        assertThat(f.target().accumulatorRows()).isEqualTo(64 * 1024 / (4 * 32));
        assertThat(NpuPresets.load("scalesim-compatible").weightDoubleBuffering()).isFalse();
    }

    @Test
    void badConfigsNameTheFileAndField() {
        String base = "{\"name\":\"x\",\"description\":\"d\",\"arrayRows\":8,\"arrayCols\":8,\"groupWidth\":16,\"scratchpadKiB\":64,"
                + "\"scratchpadBanks\":2,\"accumulatorKiB\":16,\"vectorLanes\":8,\"clockMHz\":500,\"dramBandwidthGBps\":8,"
                + "\"dramLatencyCycles\":50,\"weightDoubleBuffering\":true,\"idealMemory\":false";
        assertThat(NpuPresets.parse("my.json", (base + "}").getBytes(StandardCharsets.UTF_8)).arrayRows()).isEqualTo(8);
        assertThatThrownBy(() -> NpuPresets.parse("my.json", (base + ",\"arrayRowz\":3}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ConfigException.class).hasMessage("my.json: unknown field 'arrayRowz'");
        assertThatThrownBy(() -> NpuPresets.parse("my.json", (base.replace("\"groupWidth\":16", "\"groupWidth\":24") + "}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("x: groupWidth 24 does not divide into the array's 2 x 8 = 16 int4 lanes");
        assertThatThrownBy(() -> NpuPresets.parse("my.json", base.replace(",\"idealMemory\":false", "}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("my.json: ").hasMessageContaining("idealMemory");
        assertThatThrownBy(() -> NpuPresets.parse("my.json", "{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("my.json: ");
        assertThatThrownBy(() -> NpuPresets.load("tpu-v9")).isInstanceOf(ConfigException.class)
                .hasMessage("unknown NPU preset 'tpu-v9'; presets: flexiq-npu, gemmini-like, tpu-like, scalesim-compatible (or a .json config file)");
    }
}

package org.flexiq.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The named presets shipped as JSON resources, and NPU config files in the same form. */
public final class NpuPresets {
    private NpuPresets() {
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (String line : new String(ConfigJson.resource(NpuPresets.class, "presets/index.txt"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    /** A preset by name, or a JSON file when {@code nameOrPath} ends in .json. */
    public static NpuConfig load(String nameOrPath) {
        if (nameOrPath.endsWith(".json")) {
            return parse(nameOrPath, ConfigJson.file(nameOrPath));
        }
        if (!names().contains(nameOrPath)) {
            throw new ConfigException("unknown NPU preset '" + nameOrPath + "'; presets: " + String.join(", ", names())
                    + " (or a .json config file)");
        }
        return parse(nameOrPath, ConfigJson.resource(NpuPresets.class, "presets/" + nameOrPath + ".json"));
    }

    /**
     * A config from JSON bytes; errors name {@code label}. The energy fields are optional (configs written before
     * them stay valid): a missing one takes the default set, LPDDR4, and FlexiQ's dual-int4 PEs.
     */
    public static NpuConfig parse(String label, byte[] json) {
        com.fasterxml.jackson.databind.JsonNode tree = ConfigJson.tree(label, json);
        if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            if (!o.has("energyModel")) {
                o.put("energyModel", NpuConfig.DEFAULT_ENERGY_MODEL);
            }
            if (!o.has("dramType")) {
                o.put("dramType", NpuConfig.DEFAULT_DRAM);
            }
            if (!o.has("peType")) {
                o.put("peType", "dual-int4");
            }
        }
        return ConfigJson.read(label, tree, NpuConfig.class);
    }
}
